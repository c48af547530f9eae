# Package custos.lib.kms classifies KMS keys.
package custos.lib.kms

# pending_deletion_states are the states of a key on its way out.
pending_deletion_states := {"PendingDeletion", "PendingReplicaDeletion"}

# can_rotate holds for a key that KMS can rotate automatically and whose rotation the
# customer controls: a customer-managed symmetric encryption key with key material from
# KMS, not on its way to deletion. Asymmetric, HMAC, imported (EXTERNAL) and custom key
# store (AWS_CLOUDHSM, EXTERNAL_KEY_STORE) keys cannot rotate automatically.
can_rotate(key) if {
	key.key_manager == "CUSTOMER"
	key.key_spec == "SYMMETRIC_DEFAULT"
	key.key_usage == "ENCRYPT_DECRYPT"
	key.origin == "AWS_KMS"
	not key.key_state in pending_deletion_states
}

# default_rotation_period_days is what KMS uses when rotation is on without a period.
default_rotation_period_days := 365

# rotation_period_days is the key's automatic rotation period.
rotation_period_days(key) := days if {
	days := object.get(key, "rotation_period_days", 0)
	is_number(days)
	days > 0
} else := default_rotation_period_days

# label names a key in messages: its first alias when it has one, else its id.
label(key) := sprintf("%s (%s)", [aliases[0], key.key_id]) if {
	aliases := sort([alias | some alias in object.get(key, "aliases", [])])
	count(aliases) > 0
} else := key.key_id

# unusable_states are the states in which a key cannot encrypt or decrypt.
unusable_states := {"Disabled", "PendingDeletion", "PendingReplicaDeletion", "Unavailable"}
