package custos.lib.access_test

import data.custos.lib.access

test_learned if {
	access.learned({"baseline": {"days_active": 30, "events": 500}})
	not access.learned({"baseline": {"days_active": 2, "events": 500}})
	not access.learned({"baseline": {"days_active": 30, "events": 3}})
}

test_judged if {
	access.judged({"type": "AssumedRole"})
	not access.judged({"type": "AWSService"})
	not access.judged({"type": "AssumedRole", "service_linked": true})
}

test_events_capped if {
	count(access.events([1, 2, 3])) == 3
	count(access.events([1, 2, 3])) == 2 with data.custos.config.access.max_evidence_events as 2
}

test_arn_account if {
	access.arn_account("arn:aws:kms:eu-west-1:111122223333:key/abc") == "111122223333"
	access.arn_account("alias/x") == ""
}

test_trusted_account if {
	access.trusted_account("111122223333", "111122223333")
	access.trusted_account("444455556666", "111122223333") with data.custos.config.trusted_accounts as ["444455556666"]
	not access.trusted_account("444455556666", "111122223333")
}

test_succeeded if {
	access.succeeded({"error_code": ""})
	access.succeeded({})
	not access.succeeded({"error_code": "AccessDenied"})
}
