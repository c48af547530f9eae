package custos.aws.cloudtrail.not_logging_test

import data.custos.aws.cloudtrail.not_logging

trail := {
	"arn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main",
	"name": "main",
	"home_region": "eu-west-1",
	"is_multi_region": true,
	"is_logging": true,
	"log_file_validation_enabled": true,
	"latest_delivery_time": "2024-06-01T10:00:00Z",
	"tags": {},
}

test_deny_stopped if {
	results := not_logging.deny with input as {"resource": object.union(trail, {"is_logging": false})}
	count(results) == 1
	some r in results
	r.evidence.latest_delivery_time == "2024-06-01T10:00:00Z"
}

test_pass_logging if {
	count(not_logging.deny) == 0 with input as {"resource": trail}
}

test_pass_logging_with_delivery_error if {
	count(not_logging.deny) == 0 with input as {"resource": object.union(trail, {"latest_delivery_error": "AccessDenied"})}
}
