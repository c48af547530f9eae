package custos.aws.cloudtrail.read_events_excluded_test

import data.custos.aws.cloudtrail.read_events_excluded as rule

trail(extra) := object.union({"arn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main", "name": "main"}, extra)

test_deny_write_only if {
	count(rule.deny) == 1 with input as {"resource": trail({"event_selectors": [{"read_write_type": "WriteOnly", "include_management_events": true}]})}
}

test_deny_advanced_writes_only if {
	sel := {"field_selectors": [{"field": "eventCategory", "equals": ["Management"]}, {"field": "readOnly", "equals": ["false"]}]}
	count(rule.deny) == 1 with input as {"resource": trail({"advanced_event_selectors": [sel]})}
}

test_pass_all_events if {
	count(rule.deny) == 0 with input as {"resource": trail({"event_selectors": [{"read_write_type": "All", "include_management_events": true}]})}
	count(rule.deny) == 0 with input as {"resource": trail({})}
}

test_pass_reads_in_second_selector if {
	count(rule.deny) == 0 with input as {"resource": trail({"event_selectors": [
		{"read_write_type": "WriteOnly", "include_management_events": true},
		{"read_write_type": "ReadOnly", "include_management_events": true},
	]})}
}

test_pass_data_events_only_trail if {
	count(rule.deny) == 0 with input as {"resource": trail({"event_selectors": [{"read_write_type": "WriteOnly", "include_management_events": false}]})}
}
