# METADATA
# title: KMS key policy is open to anyone
# description: >-
#   An Allow statement of the key policy names Principal "*" (or uses NotPrincipal)
#   without a condition that narrows the caller to an organization, account, ARN or
#   network path (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn,
#   kms:CallerAccount, aws:SourceAccount, aws:SourceArn, aws:SourceVpce, aws:SourceVpc
#   with a positive operator, no IfExists and no wildcard value). Any AWS account could
#   then use or manage the key, and decrypt what it protects.
# custom:
#   id: aws-kms-key-policy-public
#   severity: critical
#   resource_type: aws.kms.key
#   controls:
#     soc2: ["CC6.1", "CC6.6"]
#     pci-dss-4.0: ["3.6.1"]
#     aws-fsbp: ["KMS.5"]
#   remediation: >-
#     Replace Principal "*" with the account or roles that need the key, or add a
#     kms:CallerAccount or aws:PrincipalOrgID condition (PutKeyPolicy).
package custos.aws.kms.key_policy_public

import data.custos.lib.iam
import data.custos.lib.kms

deny contains result if {
	statements := iam.public_statements(object.get(input.resource, "key_policy", null))
	count(statements) > 0
	result := {
		"msg": sprintf("KMS key %s has a key policy that allows anyone to use it", [kms.label(input.resource)]),
		"evidence": {"statements": statements},
	}
}
