package custos.access.kms.grant_cross_account_test

import data.custos.access.kms.grant_cross_account

event(grantee) := {
	"resource": {
		"source": "kms.amazonaws.com", "name": "CreateGrant", "error_code": "",
		"target": "arn:aws:kms:eu-west-1:111122223333:key/k1", "target_account": "111122223333",
		"request": {"granteePrincipal": grantee, "operations": ["Decrypt"]},
		"evidence": {"id": "e1"},
	},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:user/mallory"}},
}

test_deny_other_account if {
	some result in grant_cross_account.deny with input as event("arn:aws:iam::444455556666:role/exfil")
	result.evidence.account == "444455556666"
}

test_deny_bare_account if count(grant_cross_account.deny) == 1 with input as event("444455556666")

test_pass_own_account if count(grant_cross_account.deny) == 0 with input as event("arn:aws:iam::111122223333:role/app")

test_pass_service_principal if count(grant_cross_account.deny) == 0 with input as event("dynamodb.eu-west-1.amazonaws.com")
