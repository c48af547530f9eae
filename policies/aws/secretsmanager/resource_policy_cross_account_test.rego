package custos.aws.secretsmanager.resource_policy_cross_account_test

import data.custos.aws.secretsmanager.resource_policy_cross_account

arn := "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf"

with_statements(statements) := {
	"resource_type": "aws.secretsmanager.secret",
	"resource": {"arn": arn, "name": "prod/db", "region": "eu-west-1", "resource_policy": {"version": "2012-10-17", "statements": statements}},
	"account": {"id": "111122223333", "organization_id": "o-abcdefghij", "partition": "aws"},
}

principal(arns, accounts) := {"all": false, "aws": arns, "accounts": accounts}

read := ["secretsmanager:getsecretvalue"]

condition(operator, key, values) := {"operator": operator, "base": operator, "qualifier": "", "if_exists": false, "key": key, "values": values}

test_deny_one_finding_per_untrusted_account if {
	results := resource_policy_cross_account.deny with input as with_statements([
		{"sid": "A", "effect": "Allow", "principal": principal(["arn:aws:iam::444455556666:role/x", "777788889999"], ["444455556666", "777788889999"]), "actions": read, "resources": ["*"]},
		{"sid": "B", "effect": "Allow", "principal": principal(["arn:aws:iam::444455556666:root"], ["444455556666"]), "actions": ["secretsmanager:describesecret"], "resources": ["*"]},
	])
	{r.discriminator | some r in results} == {"444455556666", "777788889999"}
	some r in results
	r.discriminator == "444455556666"
	[s.sid | some s in r.evidence.statements] == ["A", "B"]
	r.evidence.resource_account == "111122223333"
}

test_deny_account_named_in_condition if {
	results := resource_policy_cross_account.deny with input as with_statements([{"effect": "Allow", "principal": {"all": true, "aws": ["*"]}, "actions": read, "resources": ["*"], "conditions": [condition("StringEquals", "aws:principalaccount", ["444455556666"])]}])
	{r.discriminator | some r in results} == {"444455556666"}
}

test_deny_foreign_organization if {
	results := resource_policy_cross_account.deny with input as with_statements([{"effect": "Allow", "principal": {"all": true, "aws": ["*"]}, "actions": read, "resources": ["*"], "conditions": [condition("StringEquals", "aws:principalorgid", ["o-zzzzzzzzzz"])]}])
	{r.discriminator | some r in results} == {"o-zzzzzzzzzz"}
}

test_deny_own_account_from_arn_when_account_absent if {
	results := resource_policy_cross_account.deny with input as {"resource": {"arn": arn, "name": "prod/db", "resource_policy": {"statements": [{"effect": "Allow", "principal": principal(["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"], ["111122223333", "444455556666"]), "actions": read, "resources": ["*"]}]}}}
	{r.discriminator | some r in results} == {"444455556666"}
}

test_pass_own_account if {
	count(resource_policy_cross_account.deny) == 0 with input as with_statements([{"effect": "Allow", "principal": principal(["arn:aws:iam::111122223333:role/app"], ["111122223333"]), "actions": read, "resources": ["*"]}])
}

test_pass_trusted_account if {
	count(resource_policy_cross_account.deny) == 0 with input as with_statements([{"effect": "Allow", "principal": principal(["arn:aws:iam::444455556666:root"], ["444455556666"]), "actions": read, "resources": ["*"]}])
		with data.custos.config.trusted_accounts as ["444455556666"]
}

test_pass_deny_statement if {
	count(resource_policy_cross_account.deny) == 0 with input as with_statements([{"effect": "Deny", "principal": principal(["arn:aws:iam::444455556666:root"], ["444455556666"]), "actions": ["secretsmanager:*"], "resources": ["*"]}])
}

test_pass_own_organization if {
	count(resource_policy_cross_account.deny) == 0 with input as with_statements([{"effect": "Allow", "principal": {"all": true, "aws": ["*"]}, "actions": read, "resources": ["*"], "conditions": [condition("StringEquals", "aws:principalorgid", ["o-abcdefghij"])]}])
}

test_pass_organization_unknown if {
	count(resource_policy_cross_account.deny) == 0 with input as object.union(
		with_statements([{"effect": "Allow", "principal": {"all": true, "aws": ["*"]}, "actions": read, "resources": ["*"], "conditions": [condition("StringEquals", "aws:principalorgid", ["o-zzzzzzzzzz"])]}]),
		{"account": {"organization_id": ""}},
	)
}

test_pass_service_principal if {
	count(resource_policy_cross_account.deny) == 0 with input as with_statements([{"effect": "Allow", "principal": {"all": false, "service": ["lambda.amazonaws.com"]}, "actions": read, "resources": ["*"]}])
}
