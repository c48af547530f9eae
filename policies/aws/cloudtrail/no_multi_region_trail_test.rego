package custos.aws.cloudtrail.no_multi_region_trail_test

import data.custos.aws.cloudtrail.no_multi_region_trail

trail := {
	"arn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main",
	"name": "main",
	"home_region": "eu-west-1",
	"is_multi_region": true,
	"is_logging": true,
	"log_file_validation_enabled": true,
	"tags": {},
}

account(trails) := {
	"resource_type": "aws.account",
	"resource": {"id": "111122223333", "organization_id": "o-abcdefghij", "root": null},
	"account": {"id": "111122223333", "organization_id": "o-abcdefghij", "partition": "aws"},
	"context": {"trails": trails},
}

with_fields(fields) := object.union(object.remove(trail, object.keys(fields)), fields)

test_deny_no_trail if {
	results := no_multi_region_trail.deny with input as account([])
	count(results) == 1
	some r in results
	r.evidence.trails == []
}

test_deny_no_context if {
	count(no_multi_region_trail.deny) == 1 with input as object.remove(account([]), ["context"])
}

test_deny_single_region_trail if {
	results := no_multi_region_trail.deny with input as account([with_fields({"is_multi_region": false})])
	some r in results
	r.evidence.trails == [{"arn": trail.arn, "is_multi_region": false, "is_logging": true, "all_management_events": true}]
}

test_deny_stopped_trail if {
	count(no_multi_region_trail.deny) == 1 with input as account([with_fields({"is_logging": false})])
}

test_deny_write_only_selectors if {
	count(no_multi_region_trail.deny) == 1 with input as account([with_fields({"event_selectors": [{"read_write_type": "WriteOnly", "include_management_events": true}]})])
}

test_deny_data_events_only if {
	count(no_multi_region_trail.deny) == 1 with input as account([with_fields({"event_selectors": [{"read_write_type": "All", "include_management_events": false, "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]})])
}

test_deny_advanced_write_only if {
	count(no_multi_region_trail.deny) == 1 with input as account([with_fields({"advanced_event_selectors": [{"name": "mgmt", "field_selectors": [
		{"field": "eventCategory", "equals": ["Management"]},
		{"field": "readOnly", "equals": ["false"]},
	]}]})])
}

test_pass_default_selectors if {
	count(no_multi_region_trail.deny) == 0 with input as account([trail])
}

test_pass_one_good_trail_among_others if {
	count(no_multi_region_trail.deny) == 0 with input as account([with_fields({"is_multi_region": false}), with_fields({"arn": "arn:aws:cloudtrail:us-east-1:999988887777:trail/org", "is_organization_trail": true})])
}

test_pass_all_events_selector if {
	count(no_multi_region_trail.deny) == 0 with input as account([with_fields({"event_selectors": [{"read_write_type": "All", "include_management_events": true}]})])
}

test_pass_advanced_management_selector if {
	count(no_multi_region_trail.deny) == 0 with input as account([with_fields({"advanced_event_selectors": [{"name": "mgmt", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}]})])
}
