package custos.aws.kms.invalid_tag_values_test

import data.custos.aws.kms.invalid_tag_values as rule

key(t) := {"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234", "key_id": "1234", "key_manager": "CUSTOMER", "key_state": "Enabled", "tags": t}

test_deny_bad_environment if {
	results := rule.deny with input as {"resource": key({"owner": "team-a", "environment": "live"})}
	count(results) == 1
	some r in results
	r.msg == "KMS key 1234 has tags with values outside the allowed set: environment=live"
}

test_pass_good_values if {
	count(rule.deny) == 0 with input as {"resource": key({"owner": "sec@example.com", "environment": "production", "data-classification": "restricted"})}
}

test_pass_aws_managed if {
	count(rule.deny) == 0 with input as {"resource": object.union(key({"environment": "live"}), {"key_manager": "AWS"})}
}
