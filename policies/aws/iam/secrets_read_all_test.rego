package custos.aws.iam.secrets_read_all_test

import data.custos.aws.iam.secrets_read_all

with_statements(statements) := {
	"resource_type": "aws.iam.policy",
	"resource": {
		"arn": "arn:aws:iam::111122223333:policy/app-secrets",
		"name": "app-secrets",
		"kind": "managed",
		"aws_managed": false,
		"attached_to": ["arn:aws:iam::111122223333:role/app"],
		"document": {"version": "2012-10-17", "statements": statements},
	},
	"account": {"id": "111122223333", "organization_id": "", "partition": "aws"},
}

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources}

test_deny_get_secret_value_on_star if {
	results := secrets_read_all.deny with input as with_statements([allow(["secretsmanager:getsecretvalue"], ["*"])])
	count(results) == 1
	some r in results
	r.evidence.attached_to == ["arn:aws:iam::111122223333:role/app"]
	[s.index | some s in r.evidence.statements] == [0]
}

test_deny_all_secrets_patterns if {
	every resources in [
		["arn:aws:secretsmanager:*:*:secret:*"],
		["arn:aws:secretsmanager:eu-west-1:111122223333:secret:*"],
		["arn:aws:secretsmanager:*"],
		["arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/*", "arn:aws:secretsmanager:*:*:secret:*"],
	] {
		count(secrets_read_all.deny) == 1 with input as with_statements([allow(["secretsmanager:getsecretvalue"], resources)])
	}
}

test_deny_wildcard_actions if {
	every actions in [["secretsmanager:get*"], ["secretsmanager:*"], ["*"], ["secretsmanager:getsecret?alue"]] {
		count(secrets_read_all.deny) == 1 with input as with_statements([allow(actions, ["*"])])
	}
}

test_deny_not_action if {
	count(secrets_read_all.deny) == 1 with input as with_statements([{"effect": "Allow", "not_actions": ["iam:*"], "resources": ["*"]}])
}

test_deny_not_resource if {
	count(secrets_read_all.deny) == 1 with input as with_statements([{"effect": "Allow", "actions": ["secretsmanager:getsecretvalue"], "not_resources": ["arn:aws:secretsmanager:*:*:secret:prod/*"]}])
}

test_deny_conditional_deny_does_not_cancel if {
	count(secrets_read_all.deny) == 1 with input as with_statements([
		allow(["secretsmanager:*"], ["*"]),
		{"effect": "Deny", "actions": ["secretsmanager:getsecretvalue"], "resources": ["*"], "conditions": [{"operator": "Bool", "base": "Bool", "qualifier": "", "if_exists": false, "key": "aws:multifactorauthpresent", "values": ["false"]}]},
	])
}

test_pass_scoped_resources if {
	count(secrets_read_all.deny) == 0 with input as with_statements([allow(["secretsmanager:getsecretvalue", "secretsmanager:describesecret"], ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/*"])])
}

test_pass_batch_only if {
	count(secrets_read_all.deny) == 0 with input as with_statements([
		allow(["secretsmanager:batchgetsecretvalue"], ["*"]),
		allow(["secretsmanager:getsecretvalue"], ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/*"]),
	])
}

test_pass_other_actions_on_star if {
	count(secrets_read_all.deny) == 0 with input as with_statements([allow(["secretsmanager:listsecrets", "secretsmanager:describe*"], ["*"])])
}

test_pass_deny_statement if {
	count(secrets_read_all.deny) == 0 with input as with_statements([{"effect": "Deny", "actions": ["secretsmanager:getsecretvalue"], "resources": ["*"]}])
}

test_pass_not_action_excluding_it if {
	count(secrets_read_all.deny) == 0 with input as with_statements([{"effect": "Allow", "not_actions": ["secretsmanager:*", "iam:*"], "resources": ["*"]}])
}

test_pass_cancelled_by_unconditional_deny if {
	count(secrets_read_all.deny) == 0 with input as with_statements([
		allow(["secretsmanager:*"], ["*"]),
		{"effect": "Deny", "actions": ["secretsmanager:getsecretvalue"], "resources": ["*"]},
	])
}
