package custos.lib.kms_test

import data.custos.lib.kms

key := {
	"key_id": "1234", "key_manager": "CUSTOMER", "key_spec": "SYMMETRIC_DEFAULT",
	"key_usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS", "key_state": "Enabled",
}

test_can_rotate if {
	kms.can_rotate(key)
	not kms.can_rotate(object.union(key, {"key_manager": "AWS"}))
	not kms.can_rotate(object.union(key, {"key_spec": "RSA_2048"}))
	not kms.can_rotate(object.union(key, {"key_spec": "HMAC_256", "key_usage": "GENERATE_VERIFY_MAC"}))
	not kms.can_rotate(object.union(key, {"origin": "EXTERNAL"}))
	not kms.can_rotate(object.union(key, {"origin": "AWS_CLOUDHSM"}))
	not kms.can_rotate(object.union(key, {"key_state": "PendingDeletion"}))
}

test_rotation_period_days if {
	kms.rotation_period_days(key) == 365
	kms.rotation_period_days(object.union(key, {"rotation_period_days": 90})) == 90
}

test_label if {
	kms.label(key) == "1234"
	kms.label(object.union(key, {"aliases": ["alias/z", "alias/a"]})) == "alias/a (1234)"
}

test_account_root if {
	kms.account_root("111122223333", "111122223333")
	kms.account_root("arn:aws:iam::111122223333:root", "111122223333")
	kms.account_root("arn:aws-us-gov:iam::111122223333:root", "111122223333")
	not kms.account_root("arn:aws:iam::111122223333:role/admin", "111122223333")
	not kms.account_root("arn:aws:iam::444455556666:root", "111122223333")
}

test_grantee if {
	kms.service_grantee("rds.eu-west-1.amazonaws.com")
	kms.service_grantee("arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")
	not kms.service_grantee("arn:aws:iam::111122223333:role/app")
	kms.grantee_account("arn:aws:iam::444455556666:role/app") == "444455556666"
	kms.grantee_account("444455556666") == "444455556666"
	not kms.grantee_account("rds.eu-west-1.amazonaws.com")
}

test_constrained if {
	kms.constrained({"constraints": {"encryption_context_subset": {"app": "x"}}})
	kms.constrained({"constraints": {"encryption_context_equals": {"app": "x"}}})
	not kms.constrained({"constraints": {}})
	not kms.constrained({})
}
