package custos.access.kms.key_deletion_scheduled_test

import data.custos.access.kms.key_deletion_scheduled

event(name, request) := {
	"resource": {
		"source": "kms.amazonaws.com", "name": name, "error_code": "",
		"target": "arn:aws:kms:eu-west-1:111122223333:key/k1", "request": request,
		"evidence": {"id": "e1"},
	},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:role/ops"}},
}

test_deny_scheduled if {
	some result in key_deletion_scheduled.deny with input as event("ScheduleKeyDeletion", {"pendingWindowInDays": 7})
	result.evidence.pending_window_days == 7
}

test_deny_default_window if {
	some result in key_deletion_scheduled.deny with input as event("ScheduleKeyDeletion", {})
	result.evidence.pending_window_days == 30
}

test_pass_cancelled if count(key_deletion_scheduled.deny) == 0 with input as event("CancelKeyDeletion", {})
