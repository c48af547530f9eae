package custos.aws.iam.allow_not_action_test

import data.custos.aws.iam.allow_not_action

with_statements(statements) := {"resource": {
	"arn": "arn:aws:iam::111122223333:policy/power", "name": "power", "kind": "managed",
	"document": {"version": "2012-10-17", "statements": statements},
}}

test_deny_allow_not_action if {
	results := allow_not_action.deny with input as with_statements([{"sid": "Power", "effect": "Allow", "not_actions": ["iam:*", "organizations:*"], "resources": ["*"]}])
	count(results) == 1
	some r in results
	[s.not_actions | some s in r.evidence.statements] == [["iam:*", "organizations:*"]]
}

test_deny_on_scoped_resources_too if {
	count(allow_not_action.deny) == 1 with input as with_statements([{"effect": "Allow", "not_actions": ["s3:deleteobject"], "resources": ["arn:aws:s3:::data/*"]}])
}

test_pass_deny_not_action if {
	count(allow_not_action.deny) == 0 with input as with_statements([{"effect": "Deny", "not_actions": ["iam:changepassword", "sts:getsessiontoken"], "resources": ["*"], "conditions": [{"operator": "BoolIfExists", "base": "Bool", "qualifier": "", "if_exists": true, "key": "aws:multifactorauthpresent", "values": ["false"]}]}])
}

test_pass_plain_actions if {
	count(allow_not_action.deny) == 0 with input as with_statements([{"effect": "Allow", "actions": ["secretsmanager:describesecret"], "resources": ["*"]}])
}

test_pass_empty_not_actions if {
	count(allow_not_action.deny) == 0 with input as with_statements([{"effect": "Allow", "actions": ["kms:describekey"], "not_actions": [], "resources": ["*"]}])
}
