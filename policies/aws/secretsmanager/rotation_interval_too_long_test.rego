package custos.aws.secretsmanager.rotation_interval_too_long_test

import data.custos.aws.secretsmanager.rotation_interval_too_long

secret := {
	"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf",
	"name": "prod/db",
	"region": "eu-west-1",
	"rotation_enabled": true,
	"rotation_rules": {"automatically_after_days": 30},
	"tags": {},
}

with_rules(rules) := {"resource": object.union(object.remove(secret, ["rotation_rules"]), {"rotation_rules": rules})}

test_deny_after_days_over_max if {
	results := rotation_interval_too_long.deny with input as with_rules({"automatically_after_days": 180})
	count(results) == 1
	some r in results
	r.evidence.interval_days == 180
	r.evidence.max_days == 90
}

test_deny_rate_over_max if {
	count(rotation_interval_too_long.deny) == 1 with input as with_rules({"schedule_expression": "rate(120 days)"})
}

test_deny_cron_twice_a_year if {
	results := rotation_interval_too_long.deny with input as with_rules({"schedule_expression": "cron(0 4 1 JAN,JUL ? *)"})
	some r in results
	r.evidence.interval_days == 184
}

test_deny_stricter_config if {
	count(rotation_interval_too_long.deny) == 1 with input as with_rules({"automatically_after_days": 30})
		with data.custos.config.secrets.rotation_max_days as 14
}

test_pass_within_max if {
	count(rotation_interval_too_long.deny) == 0 with input as with_rules({"automatically_after_days": 90})
}

test_pass_schedule_wins_over_days if {
	count(rotation_interval_too_long.deny) == 0 with input as with_rules({"automatically_after_days": 180, "schedule_expression": "rate(30 days)"})
}

test_pass_monthly_cron if {
	count(rotation_interval_too_long.deny) == 0 with input as with_rules({"schedule_expression": "cron(0 4 1 * ? *)"})
}

test_pass_rotation_off if {
	count(rotation_interval_too_long.deny) == 0 with input as {"resource": object.union(secret, {"rotation_enabled": false, "rotation_rules": {"automatically_after_days": 365}})}
}

test_pass_no_rules if {
	count(rotation_interval_too_long.deny) == 0 with input as {"resource": object.remove(secret, ["rotation_rules"])}
}

test_deny_restricted_tier_maximum if {
	results := rotation_interval_too_long.deny with input as {"resource": object.union(secret, {"tags": {"data-classification": "restricted"}, "rotation_rules": {"automatically_after_days": 45}})}
	some r in results
	r.evidence.max_days == 30
	r.evidence.classification == "restricted"
}

test_pass_internal_tier_keeps_general_maximum if {
	count(rotation_interval_too_long.deny) == 0 with input as {"resource": object.union(secret, {"tags": {"data-classification": "internal"}, "rotation_rules": {"automatically_after_days": 45}})}
}
