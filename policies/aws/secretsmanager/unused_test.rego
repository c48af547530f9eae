package custos.aws.secretsmanager.unused_test

import data.custos.aws.secretsmanager.unused

secret := {
	"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/app/db-AbCdEf",
	"name": "prod/app/db",
	"created_date": "2024-01-01T00:00:00Z",
	"last_accessed_date": "2026-11-19T00:00:00Z",
	"tags": {},
}

now := "2026-11-20T06:00:00Z"

test_deny_not_read_for_months if {
	results := unused.deny with input as {"resource": object.union(secret, {"last_accessed_date": "2026-06-01T00:00:00Z"}), "now": now}
	count(results) == 1
	some r in results
	r.evidence.idle_days == 172
	contains(r.msg, "has not been read for 172 days")
}

test_deny_never_read_old_secret if {
	results := unused.deny with input as {"resource": object.remove(secret, ["last_accessed_date"]), "now": now}
	some r in results
	contains(r.msg, "never been read")
	r.evidence.last_accessed_date == null
}

test_deny_stricter_threshold if {
	count(unused.deny) == 1 with input as {"resource": object.union(secret, {"last_accessed_date": "2026-10-01T00:00:00Z"}), "now": now}
		with data.custos.config.secrets.unused_days as 30
}

test_pass_recently_read if {
	count(unused.deny) == 0 with input as {"resource": secret, "now": now}
}

# Trap: a secret created last week and never read yet is new, not unused.
test_pass_new_secret_never_read if {
	count(unused.deny) == 0 with input as {"resource": object.union(object.remove(secret, ["last_accessed_date"]), {"created_date": "2026-11-13T00:00:00Z"}), "now": now}
}

test_pass_without_creation_date if {
	count(unused.deny) == 0 with input as {"resource": object.remove(secret, ["last_accessed_date", "created_date"]), "now": now}
}

test_pass_scheduled_for_deletion if {
	count(unused.deny) == 0 with input as {"resource": object.union(secret, {"last_accessed_date": "2025-01-01T00:00:00Z", "deleted_date": "2026-11-25T00:00:00Z"}), "now": now}
}
