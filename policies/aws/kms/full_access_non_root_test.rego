package custos.aws.kms.full_access_non_root_test

import data.custos.aws.kms.full_access_non_root as rule

root_statement := {
	"sid": "Enable IAM User Permissions", "effect": "Allow",
	"principal": {"all": false, "aws": ["arn:aws:iam::111122223333:root"], "accounts": ["111122223333"]},
	"actions": ["kms:*"], "resources": ["*"],
}

admins := {
	"sid": "Admins", "effect": "Allow",
	"principal": {"all": false, "aws": ["arn:aws:iam::111122223333:role/kms-admin"], "accounts": ["111122223333"]},
	"actions": [
		"kms:create*", "kms:describe*", "kms:enable*", "kms:list*", "kms:put*", "kms:update*",
		"kms:revoke*", "kms:disable*", "kms:get*", "kms:delete*", "kms:tagresource",
		"kms:untagresource", "kms:schedulekeydeletion", "kms:cancelkeydeletion",
	],
	"resources": ["*"],
}

key(statements) := {
	"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234", "key_id": "1234", "key_manager": "CUSTOMER",
	"key_policy": {"statements": statements},
}

doc(statements) := {"resource": key(statements), "account": {"id": "111122223333"}}

test_deny_role_with_kms_star if {
	role := object.union(admins, {"actions": ["kms:*"]})
	results := rule.deny with input as doc([root_statement, role])
	count(results) == 1
	some r in results
	r.evidence.grants == [{"principal": "arn:aws:iam::111122223333:role/kms-admin", "index": 1, "sid": "Admins"}]
}

test_deny_not_action_covering_kms if {
	role := object.union(object.remove(admins, ["actions"]), {"not_actions": ["s3:*"]})
	count(rule.deny) == 1 with input as doc([root_statement, role])
}

test_deny_other_account_root if {
	other := object.union(root_statement, {"principal": {"aws": ["arn:aws:iam::444455556666:root"], "accounts": ["444455556666"]}})
	count(rule.deny) == 1 with input as doc([root_statement, other])
}

test_pass_default_key_policy if {
	count(rule.deny) == 0 with input as doc([root_statement, admins])
}

test_pass_account_id_principal if {
	by_id := object.union(root_statement, {"principal": {"aws": ["111122223333"], "accounts": ["111122223333"]}})
	count(rule.deny) == 0 with input as doc([by_id])
}

test_pass_aws_managed_key if {
	role := object.union(admins, {"actions": ["kms:*"]})
	count(rule.deny) == 0 with input as {"resource": object.union(key([role]), {"key_manager": "AWS"}), "account": {"id": "111122223333"}}
}
