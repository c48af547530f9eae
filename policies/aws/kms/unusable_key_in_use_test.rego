package custos.aws.kms.unusable_key_in_use_test

import data.custos.aws.kms.unusable_key_in_use

key := {
	"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
	"region": "eu-west-1",
	"key_manager": "CUSTOMER",
	"key_spec": "SYMMETRIC_DEFAULT",
	"key_usage": "ENCRYPT_DECRYPT",
	"key_state": "PendingDeletion",
	"enabled": false,
	"origin": "AWS_KMS",
	"deletion_date": "2025-01-30T00:00:00Z",
	"tags": {},
}

secret_arn := "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf"

trail_arn := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org"

test_deny_pending_deletion_used_by_secret if {
	results := unusable_key_in_use.deny with input as {"resource": key, "context": {"used_by_secrets": [secret_arn], "used_by_trails": []}}
	count(results) == 1
	some r in results
	r.evidence.used_by_secrets == [secret_arn]
	r.evidence.deletion_date == "2025-01-30T00:00:00Z"
	r.msg == "KMS key 1234abcd-12ab-34cd-56ef-1234567890ab is PendingDeletion but still encrypts 1 secret"
}

test_deny_disabled_used_by_trail if {
	results := unusable_key_in_use.deny with input as {"resource": object.union(key, {"key_state": "Disabled"}), "context": {"used_by_secrets": null, "used_by_trails": [trail_arn]}}
	some r in results
	r.evidence.used_by_trails == [trail_arn]
	r.evidence.used_by_secrets == []
}

test_pass_unused_key_pending_deletion if {
	count(unusable_key_in_use.deny) == 0 with input as {"resource": key, "context": {"used_by_secrets": [], "used_by_trails": []}}
}

test_pass_no_context if {
	count(unusable_key_in_use.deny) == 0 with input as {"resource": key}
}

test_pass_enabled_key_in_use if {
	count(unusable_key_in_use.deny) == 0 with input as {"resource": object.union(key, {"key_state": "Enabled", "enabled": true}), "context": {"used_by_secrets": [secret_arn], "used_by_trails": [trail_arn]}}
}

test_deny_message_counts_both if {
	results := unusable_key_in_use.deny with input as {"resource": key, "context": {"used_by_secrets": [secret_arn, "arn:aws:secretsmanager:eu-west-1:111122223333:secret:b-AbCdEf"], "used_by_trails": [trail_arn]}}
	some r in results
	endswith(r.msg, "but still encrypts 2 secrets and 1 trail")
}
