# METADATA
# title: IAM policy allows decrypting with every KMS key
# description: >-
#   A statement allows kms:Decrypt or kms:ReEncryptFrom (exactly, through a wildcard,
#   or through NotAction) on every KMS key: Resource "*", an ARN pattern whose key id is
#   a wildcard (arn:aws:kms:*:*:key/*, also when pinned to one region or account), or
#   NotResource. Whoever holds the policy can decrypt anything any key policy lets
#   their account use. Conditions are listed in the evidence but do not clear the
#   finding; an unconditional Deny of the action on every key in the same policy does.
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
#     restrict the statement with kms:ViaService and kms:EncryptionContext conditions
#     and scope it to keys by ARN.
package custos.aws.iam.kms_decrypt_all

import data.custos.lib.iam

decrypt_actions := ["kms:decrypt", "kms:reencryptfrom"]

deny contains result if {
	policy := input.resource.document
	granted := [action |
		some action in decrypt_actions
		count(iam.allowing_on_all(policy, action, "kms", "key/")) > 0
		not iam.denied_for_all(policy, action, "kms", "key/")
	]
	count(granted) > 0
	statements := sort({s |
		some action in granted
		some s in iam.allowing_on_all(policy, action, "kms", "key/")
	})
	result := {
		"msg": sprintf("%s allows %s on every KMS key", [iam.policy_label(input.resource), concat(" and ", granted)]),
		"evidence": {
			"actions": granted,
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
