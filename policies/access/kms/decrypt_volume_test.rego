package custos.access.kms.decrypt_volume_test

import data.custos.access.kms.decrypt_volume

principal(count, per_day, median, mad) := {"resource": {
	"key": "arn:aws:iam::111122223333:role/app", "type": "AssumedRole",
	"baseline": {"days_active": 30, "events": 9000, "kms_daily": {"median": median, "mad": mad, "days": 30}},
	"review": {"kms": {"count": count, "per_day": per_day, "distinct": 1, "events": [{"id": "e1"}]}},
}}

test_deny_spike if {
	some result in decrypt_volume.deny with input as principal(20000, 20000, 300, 10)
	result.evidence.baseline_median == 300
}

test_deny_new_heavy_use if count(decrypt_volume.deny) == 1 with input as principal(500, 500, 0, 0)

test_pass_usual_volume if count(decrypt_volume.deny) == 0 with input as principal(310, 310, 300, 10)

test_pass_below_minimum if count(decrypt_volume.deny) == 0 with input as principal(50, 50, 0, 0)

test_pass_without_history if {
	doc := json.patch(principal(20000, 20000, 300, 10), [{"op": "replace", "path": "/resource/baseline/days_active", "value": 2}])
	count(decrypt_volume.deny) == 0 with input as doc
}
