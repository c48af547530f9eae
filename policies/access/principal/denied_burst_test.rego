package custos.access.principal.denied_burst_test

import data.custos.access.principal.denied_burst

principal(n) := {"resource": {
	"key": "arn:aws:iam::111122223333:user/intern", "type": "IAMUser",
	"review": {
		"denied": {"count": n},
		"denied_burst": {"count": n, "start": "2024-05-01T03:00:00Z", "end": "2024-05-01T03:10:00Z", "events": []},
	},
}}

test_deny_burst if count(denied_burst.deny) == 1 with input as principal(40)

test_pass_occasional if count(denied_burst.deny) == 0 with input as principal(2)
