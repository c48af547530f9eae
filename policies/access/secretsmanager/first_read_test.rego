package custos.access.secretsmanager.first_read_test

import data.custos.access.secretsmanager.first_read

principal(days, secret) := {"resource": {
	"key": "arn:aws:iam::111122223333:role/app", "type": "AssumedRole",
	"baseline": {"days_active": days, "events": 5000, "secrets_read": 1},
	"review": {"secrets": [secret]},
}}

secret(in_baseline, created) := {
	"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:payments/stripe",
	"reads": 1, "in_baseline": in_baseline, "read_in_baseline": true, "created_in_window": created, "events": [{"id": "e1"}],
}

test_deny_new_secret_for_principal if {
	some result in first_read.deny with input as principal(30, secret(false, false))
	result.evidence.secret == "arn:aws:secretsmanager:eu-west-1:111122223333:secret:payments/stripe"
}

test_pass_known_secret if count(first_read.deny) == 0 with input as principal(30, secret(true, false))

test_pass_new_principal if count(first_read.deny) == 0 with input as principal(1, secret(false, false))

test_pass_created_secret if count(first_read.deny) == 0 with input as principal(30, secret(false, true))
