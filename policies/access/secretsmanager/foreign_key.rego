# METADATA
# title: Secret re-encrypted with a KMS key of another account
# description: >-
#   A principal set a secret's (or a replica's) encryption key to a KMS key of an
#   account that is neither the secret's own nor in trusted_accounts (UpdateSecret,
#   CreateSecret, ReplicateSecretToRegions). Whoever controls that key can decrypt the
#   secret, or lock its owner out. One finding per key.
# custom:
#   id: access-secretsmanager-foreign-key
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC6.1", "CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Re-encrypt the secret with a key of its own account (UpdateSecret --kms-key-id),
#     rotate it, and find out who controls the foreign key.
package custos.access.secretsmanager.foreign_key

import data.custos.lib.access

keys contains key if {
	key := object.get(input.resource.request, "kmsKeyId", "")
	key != ""
}

keys contains key if {
	some replica in object.get(input.resource.request, "addReplicaRegions", [])
	key := object.get(replica, "kmsKeyId", "")
	key != ""
}

deny contains result if {
	input.resource.source == "secretsmanager.amazonaws.com"
	input.resource.name in {"UpdateSecret", "CreateSecret", "ReplicateSecretToRegions"}
	access.succeeded(input.resource)
	own := owner
	some key in keys
	account := access.arn_account(key)
	account != ""
	not access.trusted_account(account, own)
	result := {
		"msg": sprintf("%s set the key of secret %s to KMS key %s of account %s, which is not trusted", [access.who(input.context.principal), input.resource.target, key, account]),
		"evidence": {"secret": input.resource.target, "key": key, "account": account, "events": [input.resource.evidence]},
		"discriminator": key,
	}
}

# owner is the secret's account: from its ARN, else the account the event was logged in.
owner := input.resource.target_account if input.resource.target_account != ""

else := input.resource.account
