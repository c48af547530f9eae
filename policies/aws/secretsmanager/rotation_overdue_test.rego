package custos.aws.secretsmanager.rotation_overdue_test

import data.custos.aws.secretsmanager.rotation_overdue

secret := {
	"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf",
	"name": "prod/db",
	"region": "eu-west-1",
	"rotation_enabled": true,
	"rotation_rules": {"automatically_after_days": 30},
	"rotation_lambda_arn": "arn:aws:lambda:eu-west-1:111122223333:function:rotate-db",
	"created_date": "2024-01-01T00:00:00Z",
	"last_rotated_date": "2024-05-01T00:00:00Z",
	"tags": {},
}

# 30-day schedule + 7 days grace: overdue after 2024-06-07.
test_deny_last_rotation_too_old if {
	results := rotation_overdue.deny with input as {"resource": secret, "now": "2024-06-10T00:00:00Z"}
	count(results) == 1
	some r in results
	r.evidence.last_rotated_date == "2024-05-01T00:00:00Z"
	r.evidence.days_since == 40
	r.evidence.interval_days == 30
	r.evidence.grace_days == 7
}

test_deny_never_rotated_since_creation if {
	results := rotation_overdue.deny with input as {"resource": object.remove(secret, ["last_rotated_date"]), "now": "2024-03-01T00:00:00Z"}
	some r in results
	r.evidence.created_date == "2024-01-01T00:00:00Z"
}

test_deny_hourly_schedule_a_day_late if {
	count(rotation_overdue.deny) == 1 with input as {
		"resource": object.union(object.remove(secret, ["rotation_rules"]), {"rotation_rules": {"schedule_expression": "rate(4 hours)"}}),
		"now": "2024-05-02T00:00:00Z",
	}
		with data.custos.config.secrets.rotation_grace_days as 0
}

test_pass_within_grace if {
	count(rotation_overdue.deny) == 0 with input as {"resource": secret, "now": "2024-06-06T00:00:00Z"}
}

test_pass_new_secret_not_yet_rotated if {
	count(rotation_overdue.deny) == 0 with input as {"resource": object.union(object.remove(secret, ["last_rotated_date"]), {"created_date": "2024-05-20T00:00:00Z"}), "now": "2024-06-10T00:00:00Z"}
}

test_pass_rotation_off if {
	count(rotation_overdue.deny) == 0 with input as {"resource": object.union(secret, {"rotation_enabled": false}), "now": "2025-06-10T00:00:00Z"}
}

test_pass_unknown_schedule if {
	count(rotation_overdue.deny) == 0 with input as {"resource": object.remove(secret, ["rotation_rules"]), "now": "2025-06-10T00:00:00Z"}
}

test_pass_scheduled_for_deletion if {
	count(rotation_overdue.deny) == 0 with input as {"resource": object.union(secret, {"deleted_date": "2024-06-01T00:00:00Z"}), "now": "2024-06-10T00:00:00Z"}
}
