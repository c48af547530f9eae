package custos.aws.kms.no_separation_of_duties_test

import data.custos.aws.kms.no_separation_of_duties as rule

stmt(principal, acts) := {
	"effect": "Allow",
	"principal": {"all": false, "aws": [principal], "accounts": [split(principal, ":")[4]]},
	"actions": acts, "resources": ["*"],
}

admin := "arn:aws:iam::111122223333:role/kms-admin"

app := "arn:aws:iam::111122223333:role/app"

doc(statements) := {
	"resource": {"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234", "key_id": "1234", "key_manager": "CUSTOMER", "key_policy": {"statements": statements}},
	"account": {"id": "111122223333"},
}

test_deny_admin_with_decrypt_in_one_statement if {
	results := rule.deny with input as doc([stmt(admin, ["kms:Put*", "kms:ScheduleKeyDeletion", "kms:Decrypt"])])
	count(results) == 1
	some r in results
	r.evidence.principals == [{"principal": admin, "admin_actions": ["kms:putkeypolicy", "kms:schedulekeydeletion"]}]
}

test_deny_across_statements if {
	count(rule.deny) == 1 with input as doc([stmt(admin, ["kms:Disable*"]), stmt(app, ["kms:Decrypt"]), stmt(admin, ["kms:De*"])])
}

test_pass_separated_duties if {
	count(rule.deny) == 0 with input as doc([
		stmt("arn:aws:iam::111122223333:root", ["kms:*"]),
		stmt(admin, ["kms:Put*", "kms:ScheduleKeyDeletion", "kms:Describe*"]),
		stmt(app, ["kms:Decrypt", "kms:GenerateDataKey*"]),
	])
}

# Trap: kms:De* grants Decrypt but kms:Describe* does not.
test_pass_describe_is_not_decrypt if {
	count(rule.deny) == 0 with input as doc([stmt(admin, ["kms:Put*", "kms:Describe*"])])
}

test_pass_root_only if {
	count(rule.deny) == 0 with input as doc([stmt("arn:aws:iam::111122223333:root", ["kms:*"])])
}
