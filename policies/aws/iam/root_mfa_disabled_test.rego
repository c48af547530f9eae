package custos.aws.iam.root_mfa_disabled_test

import data.custos.aws.iam.root_mfa_disabled as rule

test_deny_no_mfa if {
	count(rule.deny) == 1 with input as {"resource": {"id": "111122223333", "root": {"access_keys_present": false, "mfa_enabled": false}}}
}

test_pass_mfa if {
	count(rule.deny) == 0 with input as {"resource": {"id": "111122223333", "root": {"access_keys_present": false, "mfa_enabled": true}}}
}

test_pass_root_unknown if {
	count(rule.deny) == 0 with input as {"resource": {"id": "111122223333", "root": null}}
}
