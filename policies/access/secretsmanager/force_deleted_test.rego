package custos.access.secretsmanager.force_deleted_test

import data.custos.access.secretsmanager.force_deleted

event(request) := {
	"resource": {
		"source": "secretsmanager.amazonaws.com", "name": "DeleteSecret", "error_code": "",
		"target": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db", "request": request,
		"evidence": {"id": "e1"},
	},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:user/mallory"}},
}

test_deny_force if count(force_deleted.deny) == 1 with input as event({"forceDeleteWithoutRecovery": true})

test_pass_recovery_window if count(force_deleted.deny) == 0 with input as event({"recoveryWindowInDays": 30})
