package custos.access.iam.root_activity_test

import data.custos.access.iam.root_activity

principal(type, own) := {"resource": {
	"key": "arn:aws:iam::111122223333:root", "type": type, "account": "111122223333",
	"review": {"own_events": own, "first": "2024-05-01T03:00:00Z", "last": "2024-05-01T03:05:00Z", "own_sample": [{"id": "e1"}]},
}}

test_deny_root_calls if count(root_activity.deny) == 1 with input as principal("Root", 3)

test_pass_root_only_via_services if count(root_activity.deny) == 0 with input as principal("Root", 0)

test_pass_iam_user if count(root_activity.deny) == 0 with input as principal("IAMUser", 3)
