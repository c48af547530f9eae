package custos.aws.secretsmanager.scheduled_for_deletion_test

import data.custos.aws.secretsmanager.scheduled_for_deletion

secret := {"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/a/b-AbCdEf", "name": "prod/a/b"}

test_deny_deleted_date if {
	results := scheduled_for_deletion.deny with input as {"resource": object.union(secret, {"deleted_date": "2026-11-17T10:15:00Z", "last_accessed_date": "2026-11-16T00:00:00Z"})}
	count(results) == 1
	some r in results
	r.evidence.last_accessed_date == "2026-11-16T00:00:00Z"
}

test_pass_live_secret if {
	count(scheduled_for_deletion.deny) == 0 with input as {"resource": secret}
	count(scheduled_for_deletion.deny) == 0 with input as {"resource": object.union(secret, {"deleted_date": null})}
}
