# METADATA
# title: IAM policy grants full administrative access
# description: >-
#   A statement allows every action ("*") on every resource ("*" or NotResource):
#   whoever holds the policy can read every secret, use every key, and rewrite the
#   policies that should stop them.
# custom:
#   id: aws-iam-full-admin
#   severity: high
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2"]
#     cis-aws-3.0: ["1.16"]
#     aws-fsbp: ["IAM.1"]
#   remediation: >-
#     Replace the statement with the actions and resources the principal needs; keep
#     administrator access to a few break-glass roles behind MFA.
package custos.aws.iam.full_admin

import data.custos.lib.iam

deny contains result if {
	statements := [iam.statement_detail(i, stmt) |
		some i in iam.statements_with(input, "full_admin")
		stmt := input.resource.document.statements[i]
		iam.full_admin(stmt)
	]
	count(statements) > 0
	result := {
		"msg": sprintf("%s allows every action on every resource", [iam.policy_label(input.resource)]),
		"evidence": {
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
