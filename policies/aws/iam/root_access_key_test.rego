package custos.aws.iam.root_access_key_test

import data.custos.aws.iam.root_access_key as rule

test_deny_root_keys if {
	count(rule.deny) == 1 with input as {"resource": {"id": "111122223333", "root": {"access_keys_present": true, "mfa_enabled": true}}}
}

test_pass_no_root_keys if {
	count(rule.deny) == 0 with input as {"resource": {"id": "111122223333", "root": {"access_keys_present": false, "mfa_enabled": true}}}
}

# Trap: an account summary custos could not read is not evidence of compliance or of a problem.
test_pass_root_unknown if {
	count(rule.deny) == 0 with input as {"resource": {"id": "111122223333", "root": null}}
}
