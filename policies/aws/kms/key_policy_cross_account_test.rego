package custos.aws.kms.key_policy_cross_account_test

import data.custos.aws.kms.key_policy_cross_account

with_statements(statements) := {
	"resource_type": "aws.kms.key",
	"resource": {
		"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
		"key_manager": "CUSTOMER",
		"key_policy": {"version": "2012-10-17", "statements": statements},
	},
	"account": {"id": "111122223333", "organization_id": "o-abcdefghij", "partition": "aws"},
}

owner := {
	"sid": "Enable IAM User Permissions", "effect": "Allow",
	"principal": {"all": false, "aws": ["arn:aws:iam::111122223333:root"], "accounts": ["111122223333"]},
	"actions": ["kms:*"], "resources": ["*"],
}

principal(arns, accounts) := {"all": false, "aws": arns, "accounts": accounts}

condition(operator, key, values) := {"operator": operator, "base": operator, "qualifier": "", "if_exists": false, "key": key, "values": values}

test_deny_external_account_root if {
	results := key_policy_cross_account.deny with input as with_statements([owner, {"sid": "External", "effect": "Allow", "principal": principal(["arn:aws:iam::444455556666:root"], ["444455556666"]), "actions": ["kms:decrypt"], "resources": ["*"]}])
	count(results) == 1
	some r in results
	r.discriminator == "444455556666"
	[s.sid | some s in r.evidence.statements] == ["External"]
}

test_deny_each_account_once if {
	results := key_policy_cross_account.deny with input as with_statements([
		{"effect": "Allow", "principal": principal(["444455556666", "arn:aws:iam::777788889999:role/r"], ["444455556666", "777788889999"]), "actions": ["kms:decrypt"], "resources": ["*"]},
		{"effect": "Allow", "principal": principal(["arn:aws:iam::444455556666:root"], ["444455556666"]), "actions": ["kms:encrypt"], "resources": ["*"]},
	])
	count(results) == 2
	{r.discriminator | some r in results} == {"444455556666", "777788889999"}
}

test_deny_service_with_foreign_source_account if {
	results := key_policy_cross_account.deny with input as with_statements([{"effect": "Allow", "principal": {"all": false, "service": ["cloudtrail.amazonaws.com"]}, "actions": ["kms:generatedatakey*"], "resources": ["*"], "conditions": [condition("StringEquals", "aws:sourceaccount", ["444455556666"])]}])
	{r.discriminator | some r in results} == {"444455556666"}
}

test_pass_own_account_only if {
	count(key_policy_cross_account.deny) == 0 with input as with_statements([owner])
}

test_pass_trusted_account if {
	count(key_policy_cross_account.deny) == 0 with input as with_statements([owner, {"effect": "Allow", "principal": principal(["arn:aws:iam::444455556666:root"], ["444455556666"]), "actions": ["kms:decrypt"], "resources": ["*"]}])
		with data.custos.config.trusted_accounts as ["444455556666"]
}

test_pass_deny_statement if {
	count(key_policy_cross_account.deny) == 0 with input as with_statements([owner, {"effect": "Deny", "principal": principal(["arn:aws:iam::444455556666:root"], ["444455556666"]), "actions": ["kms:*"], "resources": ["*"]}])
}

test_pass_own_organization if {
	count(key_policy_cross_account.deny) == 0 with input as with_statements([{"effect": "Allow", "principal": {"all": true, "aws": ["*"]}, "actions": ["kms:decrypt"], "resources": ["*"], "conditions": [condition("StringEquals", "aws:principalorgid", ["o-abcdefghij"])]}])
}
