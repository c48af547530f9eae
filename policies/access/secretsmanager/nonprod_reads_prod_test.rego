package custos.access.secretsmanager.nonprod_reads_prod_test

import data.custos.access.secretsmanager.nonprod_reads_prod

principal(ptags, stags) := {"resource": {
	"key": "arn:aws:iam::111122223333:role/ci", "type": "AssumedRole", "tags": ptags,
	"review": {"secrets": [{"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db", "tags": stags, "reads": 1, "events": []}]},
}}

test_deny_staging_reads_prod if count(nonprod_reads_prod.deny) == 1 with input as principal({"environment": "staging"}, {"environment": "Production"})

test_pass_prod_reads_prod if count(nonprod_reads_prod.deny) == 0 with input as principal({"environment": "prod"}, {"environment": "prod"})

test_pass_untagged_principal if count(nonprod_reads_prod.deny) == 0 with input as principal({}, {"environment": "prod"})

test_pass_staging_secret if count(nonprod_reads_prod.deny) == 0 with input as principal({"environment": "staging"}, {"environment": "staging"})
