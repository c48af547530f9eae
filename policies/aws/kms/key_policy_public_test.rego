package custos.aws.kms.key_policy_public_test

import data.custos.aws.kms.key_policy_public

with_statements(statements) := {
	"resource_type": "aws.kms.key",
	"resource": {
		"arn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
		"key_manager": "CUSTOMER",
		"key_policy": {"version": "2012-10-17", "statements": statements},
	},
	"account": {"id": "111122223333", "organization_id": "", "partition": "aws"},
}

owner := {
	"sid": "Enable IAM User Permissions", "effect": "Allow",
	"principal": {"all": false, "aws": ["arn:aws:iam::111122223333:root"], "accounts": ["111122223333"]},
	"actions": ["kms:*"], "resources": ["*"],
}

anyone := {"all": true, "aws": ["*"]}

use := ["kms:encrypt", "kms:decrypt", "kms:reencrypt*", "kms:generatedatakey*", "kms:describekey"]

condition(operator, key, values) := {"operator": operator, "base": operator, "qualifier": "", "if_exists": false, "key": key, "values": values}

test_deny_principal_star if {
	results := key_policy_public.deny with input as with_statements([owner, {"sid": "Everyone", "effect": "Allow", "principal": anyone, "actions": use, "resources": ["*"]}])
	count(results) == 1
	some r in results
	[s.index | some s in r.evidence.statements] == [1]
}

test_deny_wildcard_caller_account if {
	count(key_policy_public.deny) == 1 with input as with_statements([{"effect": "Allow", "principal": anyone, "actions": use, "resources": ["*"], "conditions": [condition("StringLike", "kms:calleraccount", ["*"])]}])
}

test_deny_only_via_service if {
	count(key_policy_public.deny) == 1 with input as with_statements([{"effect": "Allow", "principal": anyone, "actions": use, "resources": ["*"], "conditions": [condition("StringEquals", "kms:viaservice", ["secretsmanager.eu-west-1.amazonaws.com"])]}])
}

# The AWS-managed key policy shape: open principal pinned to the caller account.
test_pass_narrowed_by_caller_account if {
	count(key_policy_public.deny) == 0 with input as with_statements([{"effect": "Allow", "principal": anyone, "actions": use, "resources": ["*"], "conditions": [
		condition("StringEquals", "kms:calleraccount", ["111122223333"]),
		condition("StringEquals", "kms:viaservice", ["secretsmanager.eu-west-1.amazonaws.com"]),
	]}])
}

test_pass_narrowed_by_org if {
	count(key_policy_public.deny) == 0 with input as with_statements([{"effect": "Allow", "principal": anyone, "actions": use, "resources": ["*"], "conditions": [condition("StringEquals", "aws:principalorgid", ["o-abcdefghij"])]}])
}

test_pass_owner_only if {
	count(key_policy_public.deny) == 0 with input as with_statements([owner])
}

test_pass_deny_everyone if {
	count(key_policy_public.deny) == 0 with input as with_statements([owner, {"effect": "Deny", "principal": anyone, "actions": ["kms:scheduledeletion"], "resources": ["*"]}])
}

test_pass_service_principal if {
	count(key_policy_public.deny) == 0 with input as with_statements([{"effect": "Allow", "principal": {"all": false, "service": ["cloudtrail.amazonaws.com"]}, "actions": ["kms:generatedatakey*"], "resources": ["*"]}])
}
