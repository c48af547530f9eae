package custos.access.kms.key_policy_external_test

import data.custos.access.kms.key_policy_external

statement(principal) := {"effect": "Allow", "principal": principal, "actions": ["kms:*"], "resources": ["*"], "conditions": []}

event(statements) := {
	"resource": {
		"source": "kms.amazonaws.com", "name": "PutKeyPolicy", "error_code": "",
		"target": "arn:aws:kms:eu-west-1:111122223333:key/k1", "target_account": "111122223333",
		"evidence": {"id": "e1"},
	},
	"context": {
		"principal": {"key": "arn:aws:iam::111122223333:user/mallory"},
		"policy": {"version": "2012-10-17", "statements": statements},
	},
}

own := statement({"all": false, "aws": ["arn:aws:iam::111122223333:root"], "accounts": ["111122223333"]})

test_deny_public if {
	some result in key_policy_external.deny with input as event([own, statement({"all": true})])
	result.severity == "critical"
}

test_deny_foreign_account if {
	some result in key_policy_external.deny with input as event([own, statement({"all": false, "aws": ["arn:aws:iam::444455556666:root"], "accounts": ["444455556666"]})])
	result.evidence.account == "444455556666"
}

test_pass_own_account if count(key_policy_external.deny) == 0 with input as event([own])

test_pass_trusted_account if {
	count(key_policy_external.deny) == 0 with input as event([own, statement({"all": false, "aws": ["arn:aws:iam::444455556666:root"], "accounts": ["444455556666"]})])
		with data.custos.config.trusted_accounts as ["444455556666"]
}
