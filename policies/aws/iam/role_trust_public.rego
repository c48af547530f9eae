# METADATA
# title: Role trust policy lets anyone assume the role
# description: >-
#   An Allow statement of the role's trust policy is open to any AWS principal
#   (Principal "*", {"AWS": "*"} or NotPrincipal) without a condition that pins the
#   caller to an organization, account or principal (aws:PrincipalOrgID,
#   aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, …). Anyone with an AWS
#   account can assume the role and use its permissions. sts:ExternalId alone does not
#   narrow: it is a shared value, not an identity. Service-linked roles are left out.
# custom:
#   id: aws-iam-role-trust-public
#   severity: critical
#   resource_type: aws.iam.role
#   controls:
#     soc2: ["CC6.1", "CC6.6"]
#     pci-dss-4.0: ["7.2.1"]
#   remediation: >-
#     Name the accounts or roles that may assume the role in Principal, or add an
#     aws:PrincipalOrgID condition (UpdateAssumeRolePolicy).
package custos.aws.iam.role_trust_public

import data.custos.lib.iam

deny contains result if {
	not iam.service_linked(input.resource)
	statements := iam.public_statements(object.get(input.resource, "trust_policy", null))
	count(statements) > 0
	result := {
		"msg": sprintf("IAM role %s can be assumed by any AWS principal", [input.resource.name]),
		"evidence": {"statements": statements},
	}
}
