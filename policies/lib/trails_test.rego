package custos.lib.trails_test

import data.custos.lib.trails

mgmt(rw, excluded) := {"read_write_type": rw, "include_management_events": true, "exclude_management_event_sources": excluded}

adv(fields) := {"name": "x", "field_selectors": array.concat([{"field": "eventCategory", "equals": ["Management"]}], fields)}

test_default_selectors if {
	trails.records_reads({})
	trails.records_source({}, "kms.amazonaws.com")
	trails.records_management({})
}

test_basic_selectors if {
	trails.records_reads({"event_selectors": [mgmt("All", [])]})
	not trails.records_reads({"event_selectors": [mgmt("WriteOnly", [])]})
	trails.records_reads({"event_selectors": [mgmt("WriteOnly", []), mgmt("ReadOnly", [])]})
	not trails.records_source({"event_selectors": [mgmt("All", ["kms.amazonaws.com"])]}, "kms.amazonaws.com")
	trails.records_source({"event_selectors": [mgmt("All", ["rdsdata.amazonaws.com"])]}, "kms.amazonaws.com")
	not trails.records_management({"event_selectors": [{"read_write_type": "All", "include_management_events": false}]})
}

test_advanced_selectors if {
	trails.records_reads({"advanced_event_selectors": [adv([])]})
	not trails.records_reads({"advanced_event_selectors": [adv([{"field": "readOnly", "equals": ["false"]}])]})
	trails.records_reads({"advanced_event_selectors": [adv([{"field": "readOnly", "equals": ["true"]}])]})
	not trails.records_source({"advanced_event_selectors": [adv([{"field": "eventSource", "not_equals": ["kms.amazonaws.com"]}])]}, "kms.amazonaws.com")
	trails.records_source({"advanced_event_selectors": [adv([{"field": "eventSource", "not_equals": ["rdsdata.amazonaws.com"]}])]}, "kms.amazonaws.com")
	not trails.records_source({"advanced_event_selectors": [adv([{"field": "eventSource", "equals": ["s3.amazonaws.com"]}])]}, "kms.amazonaws.com")
	not trails.records_management({"advanced_event_selectors": [{"field_selectors": [{"field": "eventCategory", "equals": ["Data"]}]}]})
}
