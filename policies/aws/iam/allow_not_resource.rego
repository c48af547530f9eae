# METADATA
# title: IAM policy allows with NotResource
# description: >-
#   An Allow statement with NotResource grants its actions on every resource except the
#   listed ones, including every resource created later, in every account the principal
#   can reach; it usually grants far more than intended.
# custom:
#   id: aws-iam-allow-not-resource
#   severity: medium
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2"]
#   remediation: >-
#     Rewrite the statement with Resource listing the resources needed; keep NotResource
#     for Deny statements, where it narrows instead of widens.
package custos.aws.iam.allow_not_resource

import data.custos.lib.iam

deny contains result if {
	statements := [iam.statement_detail(i, stmt) |
		some i, stmt in input.resource.document.statements
		stmt.effect == "Allow"
		stmt.not_resources # absent in most statements: a cheap test before list_at
		count(iam.list_at(stmt, "not_resources")) > 0
	]
	count(statements) > 0
	result := {
		"msg": sprintf("%s allows on every resource but a few (Allow with NotResource)", [iam.policy_label(input.resource)]),
		"evidence": {
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
