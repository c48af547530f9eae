package custos.aws.iam.full_admin_test

import data.custos.aws.iam.full_admin

with_statements(statements) := {"resource": {
	"arn": "arn:aws:iam::111122223333:policy/admin", "name": "admin", "kind": "managed",
	"document": {"version": "2012-10-17", "statements": statements},
}}

test_deny_star_on_star if {
	results := full_admin.deny with input as with_statements([{"sid": "All", "effect": "Allow", "actions": ["*"], "resources": ["*"]}])
	count(results) == 1
	some r in results
	[s.sid | some s in r.evidence.statements] == ["All"]
}

test_deny_star_colon_star if {
	count(full_admin.deny) == 1 with input as with_statements([{"effect": "Allow", "actions": ["*:*"], "resources": ["*"]}])
}

test_deny_not_resource if {
	count(full_admin.deny) == 1 with input as with_statements([{"effect": "Allow", "actions": ["*"], "not_resources": ["arn:aws:s3:::audit-logs/*"]}])
}

test_deny_even_with_mfa_condition if {
	count(full_admin.deny) == 1 with input as with_statements([{"effect": "Allow", "actions": ["*"], "resources": ["*"], "conditions": [{"operator": "Bool", "base": "Bool", "qualifier": "", "if_exists": false, "key": "aws:multifactorauthpresent", "values": ["true"]}]}])
}

test_pass_star_on_scoped_resource if {
	count(full_admin.deny) == 0 with input as with_statements([{"effect": "Allow", "actions": ["*"], "resources": ["arn:aws:s3:::scratch", "arn:aws:s3:::scratch/*"]}])
}

test_pass_service_wildcard if {
	count(full_admin.deny) == 0 with input as with_statements([{"effect": "Allow", "actions": ["kms:*", "secretsmanager:*"], "resources": ["*"]}])
}

test_pass_deny_all if {
	count(full_admin.deny) == 0 with input as with_statements([{"effect": "Deny", "actions": ["*"], "resources": ["*"]}])
}

test_pass_not_action if {
	count(full_admin.deny) == 0 with input as with_statements([{"effect": "Allow", "not_actions": ["iam:*"], "resources": ["*"]}])
}
