package custos.aws.iam.role_trust_untrusted_account_test

import data.custos.aws.iam.role_trust_untrusted_account as rule

role(statements) := {"arn": "arn:aws:iam::111122223333:role/x", "name": "x", "path": "/", "trust_policy": {"statements": statements}}

from(account) := {"effect": "Allow", "principal": {"all": false, "aws": [sprintf("arn:aws:iam::%s:root", [account])], "accounts": [account]}, "actions": ["sts:assumerole"]}

doc(statements) := {"resource": role(statements), "account": {"id": "111122223333", "organization_id": "o-a1b2c3d4e5"}}

cond(key, values) := {"operator": "StringEquals", "base": "StringEquals", "qualifier": "", "if_exists": false, "key": key, "values": values}

test_deny_vendor_account if {
	results := rule.deny with input as doc([object.union(from("444455556666"), {"conditions": [cond("sts:externalid", ["v-123"])]})])
	count(results) == 1
	some r in results
	r.discriminator == "444455556666"
	r.evidence.external_id_required == true
}

test_deny_foreign_organization if {
	stmt := {"effect": "Allow", "principal": {"all": true}, "actions": ["sts:assumerole"], "conditions": [cond("aws:principalorgid", ["o-zzzzzzzzzz"])]}
	results := rule.deny with input as doc([stmt])
	some r in results
	r.discriminator == "o-zzzzzzzzzz"
}

test_pass_own_account if {
	count(rule.deny) == 0 with input as doc([from("111122223333")])
}

test_pass_trusted_account if {
	count(rule.deny) == 0 with input as doc([from("444455556666")])
		with data.custos.config.trusted_accounts as ["444455556666"]
}

test_pass_service_principal if {
	count(rule.deny) == 0 with input as doc([{"effect": "Allow", "principal": {"all": false, "service": ["lambda.amazonaws.com"]}, "actions": ["sts:assumerole"]}])
}
