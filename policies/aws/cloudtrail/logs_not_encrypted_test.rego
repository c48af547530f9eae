package custos.aws.cloudtrail.logs_not_encrypted_test

import data.custos.aws.cloudtrail.logs_not_encrypted

trail := {
	"arn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main",
	"name": "main",
	"home_region": "eu-west-1",
	"s3_bucket_name": "org-trail-logs",
	"is_logging": true,
	"kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"tags": {},
}

test_deny_no_key if {
	results := logs_not_encrypted.deny with input as {"resource": object.remove(trail, ["kms_key_id"])}
	count(results) == 1
	some r in results
	r.evidence.s3_bucket_name == "org-trail-logs"
}

test_deny_empty_or_null_key if {
	every value in ["", null] {
		count(logs_not_encrypted.deny) == 1 with input as {"resource": object.union(trail, {"kms_key_id": value})}
	}
}

test_pass_kms_key if {
	count(logs_not_encrypted.deny) == 0 with input as {"resource": trail}
}
