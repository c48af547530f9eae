package custos.access.cloudtrail.kms_events_excluded_test

import data.custos.access.cloudtrail.kms_events_excluded

event(request) := {
	"resource": {"source": "cloudtrail.amazonaws.com", "name": "PutEventSelectors", "error_code": "", "target": "main", "request": request, "evidence": {"id": "e1"}},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:user/mallory"}},
}

test_deny_basic_exclusion if {
	count(kms_events_excluded.deny) == 1 with input as event({"eventSelectors": [{"readWriteType": "All", "includeManagementEvents": true, "excludeManagementEventSources": ["kms.amazonaws.com"]}]})
}

test_deny_advanced_exclusion if {
	count(kms_events_excluded.deny) == 1 with input as event({"advancedEventSelectors": [{"name": "mgmt", "fieldSelectors": [
		{"field": "eventCategory", "equals": ["Management"]},
		{"field": "eventSource", "notEquals": ["kms.amazonaws.com"]},
	]}]})
}

test_pass_all_management_events if {
	count(kms_events_excluded.deny) == 0 with input as event({"eventSelectors": [{"readWriteType": "All", "includeManagementEvents": true, "excludeManagementEventSources": []}]})
}

test_pass_rds_data_excluded if {
	count(kms_events_excluded.deny) == 0 with input as event({"eventSelectors": [{"includeManagementEvents": true, "excludeManagementEventSources": ["rdsdata.amazonaws.com"]}]})
}
