package custos.aws.kms.rotation_period_too_long_test

import data.custos.aws.kms.rotation_period_too_long

key := {
	"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
	"region": "eu-west-1",
	"key_manager": "CUSTOMER",
	"key_spec": "SYMMETRIC_DEFAULT",
	"key_usage": "ENCRYPT_DECRYPT",
	"key_state": "Enabled",
	"origin": "AWS_KMS",
	"rotation_enabled": true,
	"rotation_period_days": 730,
	"tags": {},
}

test_deny_period_over_max if {
	results := rotation_period_too_long.deny with input as {"resource": key}
	count(results) == 1
	some r in results
	r.evidence == {"rotation_period_days": 730, "max_days": 365, "classification": null}
}

test_deny_default_period_over_stricter_max if {
	results := rotation_period_too_long.deny with input as {"resource": object.remove(key, ["rotation_period_days"])}
		with data.custos.config.keys.rotation_max_days as 180
	some r in results
	r.evidence.rotation_period_days == 365
}

test_pass_within_max if {
	count(rotation_period_too_long.deny) == 0 with input as {"resource": object.union(key, {"rotation_period_days": 365})}
}

test_pass_default_period if {
	count(rotation_period_too_long.deny) == 0 with input as {"resource": object.remove(key, ["rotation_period_days"])}
}

test_pass_rotation_off if {
	count(rotation_period_too_long.deny) == 0 with input as {"resource": object.union(key, {"rotation_enabled": false})}
}

test_pass_imported_key if {
	count(rotation_period_too_long.deny) == 0 with input as {"resource": object.union(key, {"origin": "EXTERNAL"})}
}

test_deny_restricted_tier_maximum if {
	results := rotation_period_too_long.deny with input as {"resource": object.union(key, {"rotation_period_days": 180, "tags": {"data-classification": "restricted"}})}
	some r in results
	r.evidence == {"rotation_period_days": 180, "max_days": 90, "classification": "restricted"}
}

test_pass_internal_tier_keeps_general_maximum if {
	count(rotation_period_too_long.deny) == 0 with input as {"resource": object.union(key, {"rotation_period_days": 180, "tags": {"data-classification": "internal"}})}
}
