package custos.aws.iam.allow_not_resource_test

import data.custos.aws.iam.allow_not_resource as rule

doc(statements) := {"resource": {
	"arn": "arn:aws:iam::111122223333:policy/ops", "name": "ops", "kind": "managed",
	"document": {"version": "2012-10-17", "statements": statements},
}}

test_deny_allow_not_resource if {
	results := rule.deny with input as doc([{"effect": "Allow", "actions": ["secretsmanager:getsecretvalue"], "not_resources": ["arn:aws:secretsmanager:*:*:secret:prod/*"]}])
	count(results) == 1
	some r in results
	r.evidence.statements[0].not_resources == ["arn:aws:secretsmanager:*:*:secret:prod/*"]
}

test_pass_deny_not_resource if {
	count(rule.deny) == 0 with input as doc([
		{"effect": "Allow", "actions": ["s3:getobject"], "resources": ["arn:aws:s3:::b/*"]},
		{"effect": "Deny", "actions": ["*"], "not_resources": ["arn:aws:s3:::b/*"]},
	])
}
