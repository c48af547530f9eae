package custos.aws.kms.no_root_delegation_test

import data.custos.aws.kms.no_root_delegation as rule

root_statement := {
	"effect": "Allow",
	"principal": {"all": false, "aws": ["arn:aws:iam::111122223333:root"], "accounts": ["111122223333"]},
	"actions": ["kms:*"], "resources": ["*"],
}

admin := {
	"effect": "Allow",
	"principal": {"all": false, "aws": ["arn:aws:iam::111122223333:role/kms-admin"], "accounts": ["111122223333"]},
	"actions": ["kms:*"], "resources": ["*"],
}

doc(statements) := {
	"resource": {"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234", "key_id": "1234", "key_manager": "CUSTOMER", "key_policy": {"statements": statements}},
	"account": {"id": "111122223333"},
}

test_deny_only_a_role if {
	results := rule.deny with input as doc([admin])
	count(results) == 1
	some r in results
	r.evidence.principals == ["arn:aws:iam::111122223333:role/kms-admin"]
}

test_deny_root_with_condition if {
	conditioned := object.union(root_statement, {"conditions": [{"operator": "Bool", "base": "Bool", "key": "aws:multifactorauthpresent", "values": ["true"]}]})
	count(rule.deny) == 1 with input as doc([conditioned, admin])
}

test_deny_root_with_partial_actions if {
	count(rule.deny) == 1 with input as doc([object.union(root_statement, {"actions": ["kms:Describe*", "kms:Get*"]})])
}

test_pass_default_policy if {
	count(rule.deny) == 0 with input as doc([root_statement, admin])
}

test_pass_account_id_principal if {
	count(rule.deny) == 0 with input as doc([object.union(root_statement, {"principal": {"aws": ["111122223333"]}})])
}

test_pass_policy_not_collected if {
	count(rule.deny) == 0 with input as {"resource": {"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234", "key_id": "1234", "key_manager": "CUSTOMER"}, "account": {"id": "111122223333"}}
}
