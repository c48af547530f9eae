package custos.aws.kms.missing_required_tags_test

import data.custos.aws.kms.missing_required_tags

key := {
	"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
	"region": "eu-west-1",
	"key_manager": "CUSTOMER",
	"key_spec": "SYMMETRIC_DEFAULT",
	"key_usage": "ENCRYPT_DECRYPT",
	"key_state": "Enabled",
	"origin": "AWS_KMS",
	"tags": {"owner": "payments", "environment": "prod", "data-classification": "confidential"},
}

with_tags(tags) := object.union(object.remove(key, ["tags"]), {"tags": tags})

test_deny_missing_tags_listed if {
	results := missing_required_tags.deny with input as {"resource": with_tags({"environment": "prod"})}
	count(results) == 1
	some r in results
	r.evidence.missing_tags == ["data-classification", "owner"]
	r.evidence.present_tags == ["environment"]
}

test_deny_case_sensitive_keys if {
	results := missing_required_tags.deny with input as {"resource": with_tags({"OWNER": "a", "Environment": "prod", "data-classification": "internal"})}
	some r in results
	r.evidence.missing_tags == ["environment", "owner"]
}

test_deny_asymmetric_key_too if {
	count(missing_required_tags.deny) == 1 with input as {"resource": object.union(with_tags({}), {"key_spec": "RSA_4096", "key_usage": "SIGN_VERIFY"})}
}

test_pass_all_tags_present if {
	count(missing_required_tags.deny) == 0 with input as {"resource": key}
}

test_pass_aws_managed_key if {
	count(missing_required_tags.deny) == 0 with input as {"resource": object.union(with_tags(null), {"key_manager": "AWS"})}
}

test_pass_pending_deletion if {
	count(missing_required_tags.deny) == 0 with input as {"resource": object.union(with_tags({}), {"key_state": "PendingDeletion"})}
}
