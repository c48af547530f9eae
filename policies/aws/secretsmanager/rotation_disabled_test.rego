package custos.aws.secretsmanager.rotation_disabled_test

import data.custos.aws.secretsmanager.rotation_disabled

secret := {
	"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf",
	"name": "prod/db",
	"region": "eu-west-1",
	"rotation_enabled": false,
	"created_date": "2024-01-01T00:00:00Z",
	"tags": {},
}

test_deny_rotation_off if {
	results := rotation_disabled.deny with input as {"resource_type": "aws.secretsmanager.secret", "resource": secret, "now": "2025-01-01T00:00:00Z"}
	count(results) == 1
	some r in results
	r.evidence.rotation_enabled == false
	contains(r.msg, "prod/db")
}

test_deny_rotation_field_absent if {
	count(rotation_disabled.deny) == 1 with input as {"resource": {"name": "legacy", "arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:legacy-AbCdEf"}}
}

test_deny_empty_owning_service_and_null_deletion_date if {
	count(rotation_disabled.deny) == 1 with input as {"resource": object.union(secret, {"owning_service": "", "deleted_date": null})}
}

test_pass_rotation_on if {
	count(rotation_disabled.deny) == 0 with input as {"resource": object.union(secret, {"rotation_enabled": true})}
}

test_pass_owned_by_service if {
	count(rotation_disabled.deny) == 0 with input as {"resource": object.union(secret, {"owning_service": "rds"})}
}

test_pass_scheduled_for_deletion if {
	count(rotation_disabled.deny) == 0 with input as {"resource": object.union(secret, {"deleted_date": "2024-12-30T00:00:00Z"})}
}
