package custos.aws.iam.unknown_action_test

import data.custos.aws.iam.unknown_action as rule

doc(statements) := {"resource": {
	"arn": "arn:aws:iam::111122223333:policy/app", "name": "app", "kind": "managed",
	"document": {"version": "2012-10-17", "statements": statements},
}}

test_deny_typo if {
	results := rule.deny with input as doc([{"effect": "Allow", "actions": ["secretsmanager:getsecretvalues", "kms:decrypt"], "resources": ["*"]}])
	count(results) == 1
	some r in results
	r.msg == "policy app names actions that do not exist: secretsmanager:getsecretvalues"
}

test_deny_wildcard_matching_nothing if {
	count(rule.deny) == 1 with input as doc([{"effect": "Deny", "actions": ["kms:Delete*Key"], "resources": ["*"]}])
}

test_pass_real_actions_and_other_services if {
	count(rule.deny) == 0 with input as doc([{"effect": "Allow", "actions": ["secretsmanager:GetSecretValue", "kms:Decrypt", "s3:GetObjectz", "iam:PassRole", "sts:TagSession"], "resources": ["*"]}])
}
