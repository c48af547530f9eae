package custos.aws.secretsmanager.resource_policy_public_test

import data.custos.aws.secretsmanager.resource_policy_public

arn := "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf"

with_statements(statements) := {
	"resource_type": "aws.secretsmanager.secret",
	"resource": {"arn": arn, "name": "prod/db", "region": "eu-west-1", "resource_policy": {"version": "2012-10-17", "statements": statements}},
	"account": {"id": "111122223333", "organization_id": "o-abcdefghij", "partition": "aws"},
}

anyone := {"all": true, "aws": ["*"]}

read := ["secretsmanager:getsecretvalue"]

condition(operator, key, values) := {"operator": operator, "base": operator, "qualifier": "", "if_exists": false, "key": key, "values": values}

test_deny_principal_star if {
	results := resource_policy_public.deny with input as with_statements([{"sid": "Open", "effect": "Allow", "principal": anyone, "actions": read, "resources": ["*"]}])
	count(results) == 1
	some r in results
	r.evidence.statements == [{"index": 0, "sid": "Open", "actions": read, "not_actions": []}]
}

test_deny_not_principal_allow if {
	count(resource_policy_public.deny) == 1 with input as with_statements([{"effect": "Allow", "not_principal": {"all": false, "aws": ["arn:aws:iam::111122223333:role/app"]}, "actions": read, "resources": ["*"]}])
}

test_deny_condition_does_not_narrow if {
	every conditions in [
		[condition("Bool", "aws:securetransport", ["true"])],
		[condition("StringLike", "aws:principalorgid", ["o-*"])],
		[condition("StringNotEquals", "aws:principalaccount", ["111122223333"])],
		[{"operator": "StringEqualsIfExists", "base": "StringEquals", "qualifier": "", "if_exists": true, "key": "aws:principalorgid", "values": ["o-abcdefghij"]}],
		[condition("StringEquals", "kms:viaservice", ["secretsmanager.eu-west-1.amazonaws.com"])],
	] {
		count(resource_policy_public.deny) == 1 with input as with_statements([{"effect": "Allow", "principal": anyone, "actions": read, "resources": ["*"], "conditions": conditions}])
	}
}

test_pass_narrowed_by_condition if {
	every conditions in [
		[condition("StringEquals", "aws:principalorgid", ["o-abcdefghij"])],
		[condition("StringEquals", "aws:principalaccount", ["111122223333"])],
		[condition("StringEquals", "aws:sourcevpce", ["vpce-0123456789abcdef0"])],
		[condition("ArnLike", "aws:principalarn", ["arn:aws:iam::111122223333:role/app-*"])],
		[condition("StringEquals", "aws:sourceaccount", ["111122223333"]), condition("Bool", "aws:securetransport", ["true"])],
	] {
		count(resource_policy_public.deny) == 0 with input as with_statements([{"effect": "Allow", "principal": anyone, "actions": read, "resources": ["*"], "conditions": conditions}])
	}
}

test_pass_deny_statement if {
	count(resource_policy_public.deny) == 0 with input as with_statements([{"effect": "Deny", "principal": anyone, "actions": ["secretsmanager:*"], "resources": ["*"], "conditions": [condition("Bool", "aws:securetransport", ["false"])]}])
}

test_pass_named_principal if {
	count(resource_policy_public.deny) == 0 with input as with_statements([{"effect": "Allow", "principal": {"all": false, "aws": ["arn:aws:iam::111122223333:role/app"], "accounts": ["111122223333"]}, "actions": read, "resources": ["*"]}])
}

test_pass_no_policy if {
	count(resource_policy_public.deny) == 0 with input as {"resource": {"arn": arn, "name": "prod/db"}}
}
