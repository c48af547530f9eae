package custos.aws.iam.access_key_too_old_test

import data.custos.aws.iam.access_key_too_old as rule

now := "2026-11-20T06:00:00Z"

key(id, status, created) := {"access_key_id": id, "status": status, "create_date": created}

user(keys) := {"arn": "arn:aws:iam::111122223333:user/ci", "name": "ci", "access_keys": keys}

test_deny_old_active_key if {
	results := rule.deny with input as {"resource": user([key("AKIAOLD0000000000001", "Active", "2024-01-01T00:00:00Z")]), "now": now}
	count(results) == 1
	some r in results
	r.discriminator == "AKIAOLD0000000000001"
	r.evidence.max_age_days == 90
}

test_deny_one_finding_per_key if {
	count(rule.deny) == 2 with input as {
		"resource": user([
			key("AKIAOLD0000000000001", "Active", "2024-01-01T00:00:00Z"),
			key("AKIAOLD0000000000002", "Active", "2025-01-01T00:00:00Z"),
		]),
		"now": now,
	}
}

test_pass_young_key if {
	count(rule.deny) == 0 with input as {"resource": user([key("AKIANEW0000000000001", "Active", "2026-10-01T00:00:00Z")]), "now": now}
}

test_pass_inactive_old_key if {
	count(rule.deny) == 0 with input as {"resource": user([key("AKIAOLD0000000000001", "Inactive", "2020-01-01T00:00:00Z")]), "now": now}
}

test_pass_longer_limit if {
	count(rule.deny) == 0 with input as {"resource": user([key("AKIAOLD0000000000001", "Active", "2026-05-01T00:00:00Z")]), "now": now}
		with data.custos.config.iam.access_key_max_age_days as 365
}
