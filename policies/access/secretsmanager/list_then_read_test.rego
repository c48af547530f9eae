package custos.access.secretsmanager.list_then_read_test

import data.custos.access.secretsmanager.list_then_read

principal(n) := {"resource": {
	"key": "arn:aws:iam::111122223333:user/dev", "type": "IAMUser",
	"review": {"list_then_read": {"count": n, "list_at": "2024-05-01T03:00:00Z", "items": [], "events": []}},
}}

test_deny_list_then_read if count(list_then_read.deny) == 1 with input as principal(8)

test_pass_list_only if count(list_then_read.deny) == 0 with input as principal(0)

test_pass_one_read if count(list_then_read.deny) == 0 with input as principal(1)
