package custos.aws.iam.multiple_active_access_keys_test

import data.custos.aws.iam.multiple_active_access_keys as rule

user(keys) := {"arn": "arn:aws:iam::111122223333:user/ci", "name": "ci", "access_keys": keys}

test_deny_two_active if {
	results := rule.deny with input as {"resource": user([{"access_key_id": "AKIA2", "status": "Active"}, {"access_key_id": "AKIA1", "status": "Active"}])}
	count(results) == 1
	some r in results
	r.evidence.active_access_keys == ["AKIA1", "AKIA2"]
}

test_pass_one_active_one_inactive if {
	count(rule.deny) == 0 with input as {"resource": user([{"access_key_id": "AKIA2", "status": "Active"}, {"access_key_id": "AKIA1", "status": "Inactive"}])}
}

test_pass_no_keys if {
	count(rule.deny) == 0 with input as {"resource": {"arn": "arn:aws:iam::111122223333:user/jane", "name": "jane"}}
}
