package custos.aws.kms.imported_material_expiring_test

import data.custos.aws.kms.imported_material_expiring as rule

key(valid_to) := {
	"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234", "key_id": "1234", "key_manager": "CUSTOMER",
	"origin": "EXTERNAL", "key_state": "Enabled", "valid_to": valid_to,
}

now := "2026-11-20T06:00:00Z"

test_deny_expiring_within_warning if {
	results := rule.deny with input as {"resource": key("2026-12-10T06:00:00Z"), "now": now}
	count(results) == 1
	some r in results
	r.msg == "KMS key 1234 has imported key material that expires in 20 days"
}

test_deny_expired if {
	results := rule.deny with input as {"resource": object.union(key("2026-11-10T06:00:00Z"), {"key_state": "PendingImport"}), "now": now}
	some r in results
	r.msg == "KMS key 1234 has imported key material that expired 10 days ago"
}

test_pass_far_expiry if {
	count(rule.deny) == 0 with input as {"resource": key("2027-03-31T23:59:59Z"), "now": now}
}

test_pass_material_does_not_expire if {
	count(rule.deny) == 0 with input as {"resource": object.remove(key(""), ["valid_to"]), "now": now}
}

test_pass_kms_origin if {
	count(rule.deny) == 0 with input as {"resource": object.union(key("2026-11-21T00:00:00Z"), {"origin": "AWS_KMS"}), "now": now}
}
