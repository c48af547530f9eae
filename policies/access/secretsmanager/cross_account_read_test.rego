package custos.access.secretsmanager.cross_account_read_test

import data.custos.access.secretsmanager.cross_account_read

principal(account) := {"resource": {
	"key": sprintf("arn:aws:iam::%s:role/reader", [account]), "type": "AssumedRole", "account": account,
	"review": {"secrets": [{"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db", "account": "111122223333", "reads": 3, "events": []}]},
}}

test_deny_other_account if count(cross_account_read.deny) == 1 with input as principal("444455556666")

test_pass_same_account if count(cross_account_read.deny) == 0 with input as principal("111122223333")

test_pass_trusted if {
	count(cross_account_read.deny) == 0 with input as principal("444455556666")
		with data.custos.config.trusted_accounts as ["444455556666"]
}
