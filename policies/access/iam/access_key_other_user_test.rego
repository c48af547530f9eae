package custos.access.iam.access_key_other_user_test

import data.custos.access.iam.access_key_other_user

event(principal, user) := {
	"resource": {
		"source": "iam.amazonaws.com", "name": "CreateAccessKey", "error_code": "",
		"request": {"userName": user}, "response": {"accessKey.accessKeyId": "AKIAIOSFODNN7EXAMPLE"},
		"evidence": {"id": "e1"},
	},
	"context": {"principal": principal},
}

mallory := {"key": "arn:aws:iam::111122223333:user/mallory", "type": "IAMUser", "name": "mallory"}

test_deny_other_user if {
	some result in access_key_other_user.deny with input as event(mallory, "backup-svc")
	result.evidence.access_key_id == "AKIAIOSFODNN7EXAMPLE"
}

test_deny_role_creates_key if {
	count(access_key_other_user.deny) == 1 with input as event({"key": "arn:aws:iam::111122223333:role/ci", "type": "AssumedRole", "name": "ci"}, "ci")
}

test_pass_own_key if count(access_key_other_user.deny) == 0 with input as event(mallory, "mallory")

test_pass_own_key_implicit if count(access_key_other_user.deny) == 0 with input as event(mallory, "")
