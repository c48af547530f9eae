package custos.access.kms.key_policy_changed_test

import data.custos.access.kms.key_policy_changed

event(policy) := {
	"resource": {
		"source": "kms.amazonaws.com", "name": "PutKeyPolicy", "error_code": "",
		"target": "arn:aws:kms:eu-west-1:111122223333:key/k1", "target_account": "111122223333",
		"evidence": {"id": "e1"},
	},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:role/admin"}, "policy": policy},
}

policy(principal) := {"statements": [{"effect": "Allow", "principal": principal, "actions": ["kms:*"], "resources": ["*"], "conditions": []}]}

test_deny_changed_within_account if {
	some result in key_policy_changed.deny with input as event(policy({"all": false, "aws": ["arn:aws:iam::111122223333:root"], "accounts": ["111122223333"]}))
	result.evidence.policy_readable
}

test_deny_unreadable_policy if {
	some result in key_policy_changed.deny with input as event(null)
	not result.evidence.policy_readable
}

test_pass_public_policy_left_to_external_rule if {
	count(key_policy_changed.deny) == 0 with input as event(policy({"all": true}))
}
