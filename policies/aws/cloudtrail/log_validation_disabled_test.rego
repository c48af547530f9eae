package custos.aws.cloudtrail.log_validation_disabled_test

import data.custos.aws.cloudtrail.log_validation_disabled

trail := {
	"arn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main",
	"name": "main",
	"home_region": "eu-west-1",
	"is_multi_region": true,
	"is_logging": true,
	"log_file_validation_enabled": true,
	"kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"tags": {},
}

test_deny_validation_off if {
	results := log_validation_disabled.deny with input as {"resource_type": "aws.cloudtrail.trail", "resource": object.union(trail, {"log_file_validation_enabled": false})}
	count(results) == 1
	some r in results
	contains(r.msg, "main")
}

test_deny_validation_field_absent if {
	count(log_validation_disabled.deny) == 1 with input as {"resource": object.remove(trail, ["log_file_validation_enabled"])}
}

test_pass_validation_on if {
	count(log_validation_disabled.deny) == 0 with input as {"resource": trail}
}
