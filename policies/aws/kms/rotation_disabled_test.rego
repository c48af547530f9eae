package custos.aws.kms.rotation_disabled_test

import data.custos.aws.kms.rotation_disabled

key := {
	"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
	"region": "eu-west-1",
	"key_manager": "CUSTOMER",
	"key_spec": "SYMMETRIC_DEFAULT",
	"key_usage": "ENCRYPT_DECRYPT",
	"key_state": "Enabled",
	"enabled": true,
	"origin": "AWS_KMS",
	"multi_region": false,
	"rotation_enabled": false,
	"aliases": ["alias/payments"],
	"tags": {},
}

test_deny_symmetric_customer_key if {
	results := rotation_disabled.deny with input as {"resource_type": "aws.kms.key", "resource": key}
	count(results) == 1
	some r in results
	contains(r.msg, "alias/payments")
	r.evidence.rotation_enabled == false
}

test_deny_disabled_key if {
	count(rotation_disabled.deny) == 1 with input as {"resource": object.union(key, {"key_state": "Disabled", "enabled": false})}
}

test_pass_rotation_on if {
	count(rotation_disabled.deny) == 0 with input as {"resource": object.union(key, {"rotation_enabled": true, "rotation_period_days": 365})}
}

test_pass_keys_that_cannot_rotate if {
	every change in [
		{"key_spec": "RSA_2048"},
		{"key_spec": "ECC_NIST_P256", "key_usage": "SIGN_VERIFY"},
		{"key_spec": "HMAC_256", "key_usage": "GENERATE_VERIFY_MAC"},
		{"origin": "EXTERNAL"},
		{"origin": "AWS_CLOUDHSM"},
		{"origin": "EXTERNAL_KEY_STORE"},
	] {
		count(rotation_disabled.deny) == 0 with input as {"resource": object.union(key, change)}
	}
}

test_pass_aws_managed if {
	count(rotation_disabled.deny) == 0 with input as {"resource": object.union(key, {"key_manager": "AWS"})}
}

test_pass_pending_deletion if {
	count(rotation_disabled.deny) == 0 with input as {"resource": object.union(key, {"key_state": "PendingDeletion", "deletion_date": "2025-01-30T00:00:00Z"})}
}
