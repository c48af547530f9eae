package custos.access.secretsmanager.policy_public_test

import data.custos.access.secretsmanager.policy_public

event(principal, conditions) := {
	"resource": {
		"source": "secretsmanager.amazonaws.com", "name": "PutResourcePolicy", "error_code": "",
		"target": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db", "target_account": "111122223333",
		"evidence": {"id": "e1"},
	},
	"context": {
		"principal": {"key": "arn:aws:iam::111122223333:user/mallory"},
		"policy": {"statements": [{"effect": "Allow", "principal": principal, "actions": ["secretsmanager:getsecretvalue"], "resources": ["*"], "conditions": conditions}]},
	},
}

test_deny_public if count(policy_public.deny) == 1 with input as event({"all": true}, [])

test_pass_org_condition if {
	cond := [{"operator": "StringEquals", "base": "StringEquals", "qualifier": "", "if_exists": false, "key": "aws:principalorgid", "values": ["o-abcdefghij"]}]
	count(policy_public.deny) == 0 with input as event({"all": true}, cond)
}

test_pass_named_account if count(policy_public.deny) == 0 with input as event({"all": false, "aws": ["arn:aws:iam::111122223333:role/app"], "accounts": ["111122223333"]}, [])
