# METADATA
# title: Key policy gives every KMS action to a principal other than the account root
# description: >-
#   An Allow statement of the key policy grants every KMS action (kms:*, or patterns and
#   NotAction that cover the whole catalogue of KMS actions) to a principal other than the
#   key's own account root: that principal can use the key, rewrite its policy, disable it
#   and schedule its deletion, with no one else's say. The account-root statement of the
#   default key policy is the one place kms:* belongs, because IAM policies then decide.
#   Statements open to anyone are reported by aws-kms-key-policy-public instead.
#   AWS-managed keys are left out.
# custom:
#   id: aws-kms-full-access-non-root
#   severity: high
#   resource_type: aws.kms.key
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["3.6.1", "7.2.2"]
#   remediation: >-
#     Split the statement: give key administrators only the administrative actions
#     (kms:Create*, Describe*, Enable*, List*, Put*, Update*, Revoke*, Disable*, Get*,
#     Delete*, ScheduleKeyDeletion, CancelKeyDeletion) and key users only the
#     cryptographic ones (kms:Decrypt, Encrypt, GenerateDataKey*, ReEncrypt*), then
#     update the key policy (PutKeyPolicy).
package custos.aws.kms.full_access_non_root

import data.custos.lib.actions
import data.custos.lib.iam
import data.custos.lib.kms

owner := iam.owner_account(object.get(input, "account", {}), input.resource.arn)

deny contains result if {
	input.resource.key_manager == "CUSTOMER"
	policy := input.resource.key_policy
	grants := [grant |
		some i, stmt in policy.statements
		stmt.effect == "Allow"
		not iam.public_principal(stmt)
		actions.grants_service(stmt, "kms")
		some principal in array.concat(
			object.get(stmt, ["principal", "aws"], []),
			object.get(stmt, ["principal", "service"], []),
		)
		not kms.account_root(principal, owner)
		grant := {"principal": principal, "index": i, "sid": object.get(stmt, "sid", "")}
	]
	count(grants) > 0
	principals := sort({g.principal | some g in grants})
	result := {
		"msg": sprintf("KMS key %s gives every KMS action to %s", [kms.label(input.resource), concat(", ", principals)]),
		"evidence": {"grants": grants},
	}
}
