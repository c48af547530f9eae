package custos.aws.cloudtrail.kms_events_excluded_test

import data.custos.aws.cloudtrail.kms_events_excluded as rule

trail(extra) := object.union({"arn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main", "name": "main"}, extra)

test_deny_basic_exclusion if {
	count(rule.deny) == 1 with input as {"resource": trail({"event_selectors": [{"read_write_type": "All", "include_management_events": true, "exclude_management_event_sources": ["kms.amazonaws.com"]}]})}
}

test_deny_advanced_exclusion if {
	sel := {"field_selectors": [{"field": "eventCategory", "equals": ["Management"]}, {"field": "eventSource", "not_equals": ["kms.amazonaws.com"]}]}
	count(rule.deny) == 1 with input as {"resource": trail({"advanced_event_selectors": [sel]})}
}

test_pass_default_selectors if {
	count(rule.deny) == 0 with input as {"resource": trail({})}
}

test_pass_other_source_excluded if {
	count(rule.deny) == 0 with input as {"resource": trail({"event_selectors": [{"read_write_type": "All", "include_management_events": true, "exclude_management_event_sources": ["rdsdata.amazonaws.com"]}]})}
}

test_pass_data_events_only_trail if {
	count(rule.deny) == 0 with input as {"resource": trail({"event_selectors": [{"read_write_type": "All", "include_management_events": false, "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::b/"]}]}]})}
}
