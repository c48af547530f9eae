package custos.aws.iam.pass_role_all_test

import data.custos.aws.iam.pass_role_all as rule

doc(statements) := {"resource": {
	"arn": "arn:aws:iam::111122223333:policy/ops", "name": "ops", "kind": "managed",
	"document": {"version": "2012-10-17", "statements": statements},
}}

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources}

test_deny_pass_any_role if {
	count(rule.deny) == 1 with input as doc([allow(["iam:PassRole"], ["*"])])
}

# Trap: iam:PassedToService narrows the service, not which roles can be passed.
test_deny_passed_to_service_only if {
	c := {"operator": "StringEquals", "base": "StringEquals", "qualifier": "", "if_exists": false, "key": "iam:passedtoservice", "values": ["lambda.amazonaws.com"]}
	results := rule.deny with input as doc([object.union(allow(["iam:PassRole"], ["arn:aws:iam::111122223333:role/*"]), {"conditions": [c]})])
	some r in results
	r.evidence.statements[0].condition_keys == ["iam:passedtoservice"]
}

test_pass_role_path if {
	count(rule.deny) == 0 with input as doc([allow(["iam:PassRole"], ["arn:aws:iam::111122223333:role/app/*"])])
}

test_pass_tagged_roles if {
	c := {"operator": "StringEquals", "base": "StringEquals", "qualifier": "", "if_exists": false, "key": "iam:resourcetag/team", "values": ["${aws:principaltag/team}"]}
	count(rule.deny) == 0 with input as doc([object.union(allow(["iam:PassRole"], ["*"]), {"conditions": [c]})])
}

test_pass_read_only_iam if {
	count(rule.deny) == 0 with input as doc([allow(["iam:Get*", "iam:List*"], ["*"])])
}
