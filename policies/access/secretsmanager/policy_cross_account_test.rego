package custos.access.secretsmanager.policy_cross_account_test

import data.custos.access.secretsmanager.policy_cross_account

event(account) := {
	"resource": {
		"source": "secretsmanager.amazonaws.com", "name": "PutResourcePolicy", "error_code": "",
		"target": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db", "target_account": "111122223333",
		"evidence": {"id": "e1"},
	},
	"context": {
		"principal": {"key": "arn:aws:iam::111122223333:user/mallory"},
		"policy": {"statements": [{
			"effect": "Allow", "actions": ["secretsmanager:getsecretvalue"], "resources": ["*"], "conditions": [],
			"principal": {"all": false, "aws": [sprintf("arn:aws:iam::%s:root", [account])], "accounts": [account]},
		}]},
	},
}

test_deny_foreign if {
	some result in policy_cross_account.deny with input as event("444455556666")
	result.evidence.account == "444455556666"
}

test_pass_own if count(policy_cross_account.deny) == 0 with input as event("111122223333")

test_pass_trusted if {
	count(policy_cross_account.deny) == 0 with input as event("444455556666")
		with data.custos.config.trusted_accounts as ["444455556666"]
}
