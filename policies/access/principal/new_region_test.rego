package custos.access.principal.new_region_test

import data.custos.access.principal.new_region

principal(in_baseline) := {"resource": {
	"key": "arn:aws:iam::111122223333:role/app", "type": "AssumedRole",
	"baseline": {"days_active": 30, "events": 9000, "regions": ["eu-west-1"]},
	"review": {"regions": [{"value": "ap-southeast-3", "in_baseline": in_baseline, "access_events": 4, "events": 4, "sample": []}]},
}}

test_deny_new_region if count(new_region.deny) == 1 with input as principal(false)

test_pass_known_region if count(new_region.deny) == 0 with input as principal(true)
