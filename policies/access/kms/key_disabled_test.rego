package custos.access.kms.key_disabled_test

import data.custos.access.kms.key_disabled

event(name, error_code) := {
	"resource": {
		"source": "kms.amazonaws.com", "name": name, "error_code": error_code,
		"target": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"evidence": {"id": "e1"},
	},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:user/mallory"}},
}

test_deny_disable_key if {
	some result in key_disabled.deny with input as event("DisableKey", "")
	result.evidence.key == "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	contains(result.msg, "user/mallory")
}

test_pass_enable_key if count(key_disabled.deny) == 0 with input as event("EnableKey", "")

test_pass_denied_attempt if count(key_disabled.deny) == 0 with input as event("DisableKey", "AccessDeniedException")
