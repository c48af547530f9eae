package custos.aws.secretsmanager.key_unusable_test

import data.custos.aws.secretsmanager.key_unusable

secret := {"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/a/b-AbCdEf", "name": "prod/a/b", "kms_key_id": "alias/app"}

key(state) := {"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234", "key_id": "1234", "key_state": state, "aliases": ["alias/app"]}

test_deny_pending_deletion if {
	results := key_unusable.deny with input as {"resource": secret, "context": {"kms_key": key("PendingDeletion")}}
	count(results) == 1
	some r in results
	r.msg == "secret prod/a/b is encrypted with KMS key alias/app (1234), which is PendingDeletion"
}

test_deny_disabled if {
	count(key_unusable.deny) == 1 with input as {"resource": secret, "context": {"kms_key": key("Disabled")}}
}

test_pass_enabled if {
	count(key_unusable.deny) == 0 with input as {"resource": secret, "context": {"kms_key": key("Enabled")}}
}

test_pass_key_not_in_inventory if {
	count(key_unusable.deny) == 0 with input as {"resource": secret, "context": {"aws_managed_key": false}}
}

test_pass_secret_being_deleted if {
	count(key_unusable.deny) == 0 with input as {"resource": object.union(secret, {"deleted_date": "2026-12-01T00:00:00Z"}), "context": {"kms_key": key("Disabled")}}
}
