package custos.access.secretsmanager.read_burst_test

import data.custos.access.secretsmanager.read_burst

principal(type, n) := {"resource": {
	"key": "arn:aws:iam::111122223333:role/app", "type": type,
	"review": {"secret_burst": {
		"count": n, "start": "2024-05-01T03:00:00Z", "end": "2024-05-01T03:10:00Z",
		"items": [sprintf("s%d", [i]) | some i in numbers.range(1, n)],
		"events": [{"id": sprintf("e%d", [i])} | some i in numbers.range(1, n)],
	}},
}}

test_deny_burst if {
	some result in read_burst.deny with input as principal("AssumedRole", 25)
	result.evidence.count == 25
	count(result.evidence.events) == 10
}

test_pass_few_secrets if count(read_burst.deny) == 0 with input as principal("AssumedRole", 2)

test_pass_aws_service if count(read_burst.deny) == 0 with input as principal("AWSService", 25)
