package custos.aws.cloudtrail.key_rotation_disabled_test

import data.custos.aws.cloudtrail.key_rotation_disabled as rule

trail := {"arn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main", "name": "main", "kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/1234"}

key := {
	"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234", "key_id": "1234", "key_manager": "CUSTOMER",
	"key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS",
	"key_state": "Enabled", "rotation_enabled": false,
}

test_deny_rotation_off if {
	count(rule.deny) == 1 with input as {"resource": trail, "context": {"kms_key": key}}
}

test_pass_rotation_on if {
	count(rule.deny) == 0 with input as {"resource": trail, "context": {"kms_key": object.union(key, {"rotation_enabled": true})}}
}

# Trap: imported key material cannot rotate automatically.
test_pass_imported_key if {
	count(rule.deny) == 0 with input as {"resource": trail, "context": {"kms_key": object.union(key, {"origin": "EXTERNAL"})}}
}

test_pass_no_key_in_inventory if {
	count(rule.deny) == 0 with input as {"resource": trail, "context": {}}
}
