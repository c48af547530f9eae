package custos.aws.iam.key_policy_escalation_test

import data.custos.aws.iam.key_policy_escalation as rule

doc(statements) := {"resource": {
	"arn": "arn:aws:iam::111122223333:policy/ops", "name": "ops", "kind": "managed",
	"document": {"version": "2012-10-17", "statements": statements},
}}

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources}

test_deny_put_wildcard_on_all_keys if {
	count(rule.deny) == 1 with input as doc([allow(["kms:Put*"], ["arn:aws:kms:*:*:key/*"])])
}

test_deny_not_action if {
	count(rule.deny) == 1 with input as doc([{"effect": "Allow", "not_actions": ["kms:Decrypt"], "resources": ["*"]}])
}

test_pass_one_key if {
	count(rule.deny) == 0 with input as doc([allow(["kms:PutKeyPolicy"], ["arn:aws:kms:eu-west-1:111122223333:key/1234"])])
}

test_pass_scoped_by_alias if {
	c := {"operator": "ForAnyValue:StringLike", "base": "StringLike", "qualifier": "ForAnyValue", "if_exists": false, "key": "kms:resourcealiases", "values": ["alias/team-a-*"]}
	count(rule.deny) == 0 with input as doc([object.union(allow(["kms:PutKeyPolicy"], ["*"]), {"conditions": [c]})])
}

test_pass_alias_resources_only if {
	count(rule.deny) == 0 with input as doc([allow(["kms:*"], ["arn:aws:kms:*:*:alias/*"])])
}
