package custos.aws.iam.role_unused_test

import data.custos.aws.iam.role_unused as rule

now := "2026-11-20T06:00:00Z"

role := {"arn": "arn:aws:iam::111122223333:role/old-etl", "name": "old-etl", "path": "/", "create_date": "2024-01-01T00:00:00Z", "last_used_date": "2026-11-19T00:00:00Z"}

test_deny_idle_role if {
	results := rule.deny with input as {"resource": object.union(role, {"last_used_date": "2026-03-01T00:00:00Z"}), "now": now}
	count(results) == 1
	some r in results
	r.evidence.idle_days == 264
}

test_deny_never_used if {
	results := rule.deny with input as {"resource": object.remove(role, ["last_used_date"]), "now": now}
	some r in results
	contains(r.msg, "never been used")
}

test_pass_recently_used if {
	count(rule.deny) == 0 with input as {"resource": role, "now": now}
}

# Trap: a role created last month and not assumed yet is new, not unused.
test_pass_new_role if {
	count(rule.deny) == 0 with input as {"resource": object.union(object.remove(role, ["last_used_date"]), {"create_date": "2026-10-20T00:00:00Z"}), "now": now}
}

test_pass_service_linked if {
	count(rule.deny) == 0 with input as {"resource": object.union(object.remove(role, ["last_used_date"]), {"path": "/aws-service-role/rds.amazonaws.com/"}), "now": now}
}
