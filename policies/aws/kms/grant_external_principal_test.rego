package custos.aws.kms.grant_external_principal_test

import data.custos.aws.kms.grant_external_principal as rule

grant(grantee) := {"grant_id": "g1", "grantee_principal": grantee, "operations": ["Decrypt"]}

doc(grants) := {
	"resource": {"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234", "key_id": "1234", "key_manager": "CUSTOMER", "grants": grants},
	"account": {"id": "111122223333"},
}

test_deny_foreign_role if {
	results := rule.deny with input as doc([grant("arn:aws:iam::444455556666:role/partner")])
	count(results) == 1
	some r in results
	r.discriminator == "g1"
	r.evidence.account == "444455556666"
}

test_deny_foreign_account_id if {
	count(rule.deny) == 1 with input as doc([grant("444455556666")])
}

test_pass_own_account if {
	count(rule.deny) == 0 with input as doc([grant("arn:aws:iam::111122223333:role/app")])
}

test_pass_trusted_account if {
	count(rule.deny) == 0 with input as doc([grant("arn:aws:iam::444455556666:role/partner")])
		with data.custos.config.trusted_accounts as ["444455556666"]
}

test_pass_service_principal if {
	count(rule.deny) == 0 with input as doc([grant("rds.eu-west-1.amazonaws.com")])
}
