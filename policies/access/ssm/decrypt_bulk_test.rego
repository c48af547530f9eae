package custos.access.ssm.decrypt_bulk_test

import data.custos.access.ssm.decrypt_bulk

principal(n) := {"resource": {
	"key": "arn:aws:iam::111122223333:role/ci", "type": "AssumedRole",
	"review": {"ssm_burst": {"count": n, "items": [], "start": "2024-05-01T03:00:00Z", "end": "2024-05-01T03:10:00Z", "events": []}},
}}

test_deny_bulk if count(decrypt_bulk.deny) == 1 with input as principal(60)

test_pass_few if count(decrypt_bulk.deny) == 0 with input as principal(3)
