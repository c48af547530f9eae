package custos.access.secretsmanager.rotation_cancelled_test

import data.custos.access.secretsmanager.rotation_cancelled

event(name, error_code) := {
	"resource": {"source": "secretsmanager.amazonaws.com", "name": name, "error_code": error_code, "target": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db", "evidence": {"id": "e1"}},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:user/mallory"}},
}

test_deny_cancelled if count(rotation_cancelled.deny) == 1 with input as event("CancelRotateSecret", "")

test_pass_rotate if count(rotation_cancelled.deny) == 0 with input as event("RotateSecret", "")

test_pass_denied if count(rotation_cancelled.deny) == 0 with input as event("CancelRotateSecret", "AccessDeniedException")
