# METADATA
# title: IAM policy allows with NotAction
# description: >-
#   An Allow statement with NotAction grants every action except the listed ones,
#   including every action of every service AWS adds later; it usually grants far more
#   than intended, often the ability to read secrets and decrypt.
# custom:
#   id: aws-iam-allow-not-action
#   severity: medium
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2"]
#   remediation: >-
#     Rewrite the statement as an Allow of the actions needed; keep NotAction for Deny
#     statements, where it narrows instead of widens.
package custos.aws.iam.allow_not_action

import data.custos.lib.iam

deny contains result if {
	statements := [iam.statement_detail(i, stmt) |
		some i, stmt in input.resource.document.statements
		stmt.effect == "Allow"
		stmt.not_actions # absent in most statements: a cheap test before list_at
		count(iam.list_at(stmt, "not_actions")) > 0
	]
	count(statements) > 0
	result := {
		"msg": sprintf("%s allows every action but a few (Allow with NotAction)", [iam.policy_label(input.resource)]),
		"evidence": {
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
