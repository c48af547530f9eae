# METADATA
# title: IAM policy names actions that do not exist
# description: >-
#   A statement names an action of Secrets Manager, KMS, IAM, STS or CloudTrail, or a
#   wildcard of one, that matches no action of that service in custos's action catalogue
#   (a typo such as secretsmanager:GetSecretValues, or a retired action). In an Allow it
#   grants nothing, so the policy does not do what its author believes; in a Deny it
#   protects nothing. Actions of other services are not checked.
# custom:
#   id: aws-iam-unknown-action
#   severity: low
#   resource_type: aws.iam.policy
#   controls: {}
#   remediation: >-
#     Correct the action names (the Service Authorization Reference lists them; IAM
#     Access Analyzer policy validation flags them too).
package custos.aws.iam.unknown_action

import data.custos.lib.actions
import data.custos.lib.iam

deny contains result if {
	statements := [object.union(iam.statement_ref(i, stmt), {"effect": stmt.effect, "unknown_actions": unknown}) |
		some i in iam.statements_with(input, "unknown_actions")
		stmt := input.resource.document.statements[i]
		unknown := actions.unknown_patterns(stmt)
		count(unknown) > 0
	]
	count(statements) > 0
	names := sort({a | some s in statements; some a in s.unknown_actions})
	result := {
		"msg": sprintf("%s names actions that do not exist: %s", [iam.policy_label(input.resource), concat(", ", names)]),
		"evidence": {"statements": statements},
	}
}
