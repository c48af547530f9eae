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

# account_root holds when a key policy principal value names the root of account: the
# account id or arn:<partition>:iam::<account>:root.
account_root(value, account) if value == account

account_root(value, account) if regex.match(sprintf(`^arn:aws[a-z-]*:iam::%s:root$`, [account]), value)

# aws_principals lists the AWS principals of a key policy statement that are not the
# root of account, with the statement's index and sid.
aws_principals(policy, account) := [{"principal": p, "index": i, "sid": object.get(stmt, "sid", "")} |
	some i, stmt in policy.statements
	stmt.effect == "Allow"
	some p in object.get(stmt, ["principal", "aws"], [])
	not account_root(p, account)
]

# service_grantee holds for a grantee that is an AWS service principal
# (rds.eu-west-1.amazonaws.com) or a service-linked role: grants AWS services create for
# their own use.
service_grantee(grantee) if regex.match(`^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$`, grantee)

service_grantee(grantee) if contains(grantee, ":role/aws-service-role/")

# grantee_account is the account of a grantee principal: its ARN's account field or a
# bare account id; undefined for service principals.
grantee_account(grantee) := grantee if regex.match(`^[0-9]{12}$`, grantee)

grantee_account(grantee) := account if {
	startswith(grantee, "arn:")
	account := split(grantee, ":")[4]
	regex.match(`^[0-9]{12}$`, account)
}

# constrained holds for a grant limited to an encryption context.
constrained(grant) if count(object.get(grant, ["constraints", "encryption_context_subset"], {})) > 0

constrained(grant) if count(object.get(grant, ["constraints", "encryption_context_equals"], {})) > 0
