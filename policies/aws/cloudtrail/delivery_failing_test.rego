package custos.aws.cloudtrail.delivery_failing_test

import data.custos.aws.cloudtrail.delivery_failing as rule

trail := {"arn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main", "name": "main", "s3_bucket_name": "logs"}

test_deny_delivery_error if {
	results := rule.deny with input as {"resource": object.union(trail, {"latest_delivery_error": "AccessDenied"})}
	count(results) == 1
	some r in results
	r.msg == "trail main fails to deliver logs: AccessDenied"
}

test_pass_no_error if {
	count(rule.deny) == 0 with input as {"resource": trail}
	count(rule.deny) == 0 with input as {"resource": object.union(trail, {"latest_delivery_error": ""})}
}
