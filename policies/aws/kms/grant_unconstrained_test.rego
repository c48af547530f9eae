package custos.aws.kms.grant_unconstrained_test

import data.custos.aws.kms.grant_unconstrained as rule

grant := {"grant_id": "g1", "name": "app", "grantee_principal": "arn:aws:iam::111122223333:role/app", "operations": ["Decrypt", "DescribeKey"]}

doc(grants) := {"resource": {"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234", "key_id": "1234", "key_manager": "CUSTOMER", "grants": grants}}

test_deny_decrypt_without_constraint if {
	results := rule.deny with input as doc([grant])
	count(results) == 1
	some r in results
	r.evidence.operations == ["Decrypt"]
	r.discriminator == "g1"
}

test_deny_create_grant_without_constraint if {
	count(rule.deny) == 1 with input as doc([object.union(grant, {"operations": ["CreateGrant"], "constraints": {}})])
}

test_pass_constrained if {
	count(rule.deny) == 0 with input as doc([object.union(grant, {"constraints": {"encryption_context_subset": {"app": "billing"}}})])
}

test_pass_encrypt_only if {
	count(rule.deny) == 0 with input as doc([object.union(grant, {"operations": ["Encrypt", "DescribeKey"]})])
}

test_pass_aws_service_grant if {
	count(rule.deny) == 0 with input as doc([object.union(grant, {"grantee_principal": "rds.eu-west-1.amazonaws.com"})])
	count(rule.deny) == 0 with input as doc([object.union(grant, {"grantee_principal": "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"})])
}
