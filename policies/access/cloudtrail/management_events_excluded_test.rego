package custos.access.cloudtrail.management_events_excluded_test

import data.custos.access.cloudtrail.management_events_excluded

event(request) := {
	"resource": {"source": "cloudtrail.amazonaws.com", "name": "PutEventSelectors", "error_code": "", "target": "main", "request": request, "evidence": {"id": "e1"}},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:user/mallory"}},
}

test_deny_management_off if {
	count(management_events_excluded.deny) == 1 with input as event({"eventSelectors": [{"readWriteType": "All", "includeManagementEvents": false}]})
}

test_deny_write_only if {
	count(management_events_excluded.deny) == 1 with input as event({"eventSelectors": [{"readWriteType": "WriteOnly", "includeManagementEvents": true}]})
}

test_deny_advanced_data_only if {
	count(management_events_excluded.deny) == 1 with input as event({"advancedEventSelectors": [{"name": "s3", "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]})
}

test_pass_all_events if {
	count(management_events_excluded.deny) == 0 with input as event({"eventSelectors": [{"readWriteType": "All", "includeManagementEvents": true}]})
}

test_pass_advanced_management if {
	count(management_events_excluded.deny) == 0 with input as event({"advancedEventSelectors": [{"name": "m", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}]})
}
