package custos.aws.iam.secret_policy_escalation_test

import data.custos.aws.iam.secret_policy_escalation as rule

doc(statements) := {"resource": {
	"arn": "arn:aws:iam::111122223333:policy/ops", "name": "ops", "kind": "managed",
	"document": {"version": "2012-10-17", "statements": statements},
}}

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources}

tag_condition := {"operator": "StringEquals", "base": "StringEquals", "qualifier": "", "if_exists": false, "key": "secretsmanager:resourcetag/team", "values": ["payments"]}

test_deny_put_resource_policy_everywhere if {
	results := rule.deny with input as doc([allow(["secretsmanager:PutResourcePolicy"], ["*"])])
	count(results) == 1
	some r in results
	r.evidence.actions == ["secretsmanager:putresourcepolicy"]
}

test_deny_wildcard_action_on_all_secret_arns if {
	results := rule.deny with input as doc([allow(["secretsmanager:*Policy"], ["arn:aws:secretsmanager:*:111122223333:secret:*"])])
	some r in results
	r.evidence.actions == ["secretsmanager:deleteresourcepolicy", "secretsmanager:putresourcepolicy"]
}

# Trap: scoped to one application's secrets by name prefix.
test_pass_scoped_by_prefix if {
	count(rule.deny) == 0 with input as doc([allow(["secretsmanager:PutResourcePolicy"], ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:payments/*"])])
}

# Trap: scoped by a resource tag condition.
test_pass_scoped_by_tag if {
	count(rule.deny) == 0 with input as doc([object.union(allow(["secretsmanager:*"], ["*"]), {"conditions": [tag_condition]})])
}

test_pass_get_resource_policy_only if {
	count(rule.deny) == 0 with input as doc([allow(["secretsmanager:GetResourcePolicy", "secretsmanager:ValidateResourcePolicy"], ["*"])])
}

test_pass_cancelled_by_deny if {
	count(rule.deny) == 0 with input as doc([
		allow(["secretsmanager:*"], ["*"]),
		{"effect": "Deny", "actions": ["secretsmanager:*ResourcePolicy"], "resources": ["*"]},
	])
}
