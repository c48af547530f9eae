package custos.aws.iam.access_key_unused_test

import data.custos.aws.iam.access_key_unused as rule

now := "2026-11-20T06:00:00Z"

user(keys) := {"arn": "arn:aws:iam::111122223333:user/ci", "name": "ci", "access_keys": keys}

key := {"access_key_id": "AKIAEXAMPLE000000001", "status": "Active", "create_date": "2024-01-01T00:00:00Z", "last_used_date": "2026-11-19T00:00:00Z"}

test_deny_idle_key if {
	results := rule.deny with input as {"resource": user([object.union(key, {"last_used_date": "2026-08-01T00:00:00Z"})]), "now": now}
	count(results) == 1
	some r in results
	r.evidence.idle_days == 111
}

test_deny_never_used_old_key if {
	results := rule.deny with input as {"resource": user([object.remove(key, ["last_used_date"])]), "now": now}
	some r in results
	contains(r.msg, "never used")
}

test_pass_recently_used if {
	count(rule.deny) == 0 with input as {"resource": user([key]), "now": now}
}

# Trap: a key created last week that has not been used yet is new, not unused.
test_pass_new_key_never_used if {
	count(rule.deny) == 0 with input as {"resource": user([{"access_key_id": "AKIANEW", "status": "Active", "create_date": "2026-11-13T00:00:00Z"}]), "now": now}
}

test_pass_inactive if {
	count(rule.deny) == 0 with input as {"resource": user([object.union(key, {"status": "Inactive", "last_used_date": "2025-01-01T00:00:00Z"})]), "now": now}
}
