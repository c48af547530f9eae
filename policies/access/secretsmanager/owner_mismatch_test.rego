package custos.access.secretsmanager.owner_mismatch_test

import data.custos.access.secretsmanager.owner_mismatch

principal(ptags, stags) := {"resource": {
	"key": "arn:aws:iam::111122223333:role/web", "type": "AssumedRole", "tags": ptags,
	"review": {"secrets": [{"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:payroll", "tags": stags, "reads": 1, "events": []}]},
}}

test_deny_other_team if count(owner_mismatch.deny) == 1 with input as principal({"owner": "web-team"}, {"owner": "payroll-team"})

test_pass_same_team if count(owner_mismatch.deny) == 0 with input as principal({"owner": "Web-Team"}, {"owner": "web-team"})

test_pass_untagged_secret if count(owner_mismatch.deny) == 0 with input as principal({"owner": "web-team"}, {})
