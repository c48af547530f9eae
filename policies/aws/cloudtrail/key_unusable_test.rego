package custos.aws.cloudtrail.key_unusable_test

import data.custos.aws.cloudtrail.key_unusable as rule

trail := {"arn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit", "name": "audit"}

key(state) := {"arn": "arn:aws:kms:us-east-1:111122223333:key/1234", "key_id": "1234", "key_state": state}

test_deny_pending_deletion if {
	count(rule.deny) == 1 with input as {"resource": trail, "context": {"kms_key": key("PendingDeletion")}}
}

test_pass_enabled if {
	count(rule.deny) == 0 with input as {"resource": trail, "context": {"kms_key": key("Enabled")}}
}

test_pass_unknown_key if {
	count(rule.deny) == 0 with input as {"resource": trail, "context": {}}
}
