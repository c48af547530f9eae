# METADATA
# title: IAM policy allows decrypting with every KMS key
# description: >-
#   A statement allows kms:Decrypt, kms:ReEncrypt* or kms:GenerateDataKey* (exactly,
#   through a wildcard, or through NotAction; expanded against custos's action
#   catalogue) on every KMS key: Resource "*", an ARN pattern whose key id is a wildcard
#   (arn:aws:kms:*:*:key/*, also when pinned to one region or account), or NotResource,
#   without a kms:ViaService or encryption context condition (kms:EncryptionContext:…,
#   kms:EncryptionContextKeys) that ties it to one service or one kind of data. Whoever
#   holds the policy can decrypt anything any key policy lets their account use. Other
#   conditions are listed in the evidence but do not clear the finding; an unconditional
#   Deny of the action on every key in the same policy does.
# custom:
#   id: aws-iam-kms-decrypt-all
#   severity: high
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2"]
#     aws-fsbp: ["KMS.1", "KMS.2"]
#   remediation: >-
#     List the ARNs of the keys the principal needs in Resource instead of "*", or
#     restrict the statement with a kms:ViaService or kms:EncryptionContext condition.
package custos.aws.iam.kms_decrypt_all

import data.custos.lib.iam

# decrypt_actions are the actions that yield plaintext or data keys: the catalogue's
# expansion of kms:Decrypt, kms:ReEncrypt* and kms:GenerateDataKey*, written out so that it
# is not recomputed for every policy (test_decrypt_actions_match_the_catalogue checks it).
decrypt_actions := {
	"kms:decrypt", "kms:reencryptfrom", "kms:reencryptto",
	"kms:generatedatakey", "kms:generatedatakeywithoutplaintext",
	"kms:generatedatakeypair", "kms:generatedatakeypairwithoutplaintext",
}

# scoping_keys tie a statement to one service or one kind of data.
decrypt_kinds := {a: "key" | some a in decrypt_actions}

scoping_keys := {"kms:viaservice", "kms:encryptioncontext:", "kms:encryptioncontextkeys"}

deny contains result if {
	iam.may_be_broad(input, decrypt_kinds)
	statements := iam.broad_statements_in(input, decrypt_kinds, scoping_keys)
	count(statements) > 0
	granted := sort({a | some s in statements; some a in s.grants})
	result := {
		"msg": sprintf("%s allows %s on every KMS key", [iam.policy_label(input.resource), iam.summary(granted)]),
		"evidence": {
			"actions": granted,
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
