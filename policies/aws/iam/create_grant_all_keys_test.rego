package custos.aws.iam.create_grant_all_keys_test

import data.custos.aws.iam.create_grant_all_keys as rule

doc(statements) := {"resource": {
	"arn": "arn:aws:iam::111122223333:policy/ops", "name": "ops", "kind": "managed",
	"document": {"version": "2012-10-17", "statements": statements},
}}

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources}

test_deny_create_grant_everywhere if {
	count(rule.deny) == 1 with input as doc([allow(["kms:CreateGrant", "kms:Decrypt"], ["*"])])
}

# Trap: Bool false does not limit grants to AWS services.
test_deny_grant_for_aws_resource_false if {
	c := {"operator": "Bool", "base": "Bool", "qualifier": "", "if_exists": false, "key": "kms:grantisforawsresource", "values": ["false"]}
	count(rule.deny) == 1 with input as doc([object.union(allow(["kms:CreateGrant"], ["*"]), {"conditions": [c]})])
}

# Trap: the documented pattern for EBS and RDS grants is narrowed.
test_pass_grant_is_for_aws_resource if {
	c := {"operator": "Bool", "base": "Bool", "qualifier": "", "if_exists": false, "key": "kms:grantisforawsresource", "values": ["true"]}
	count(rule.deny) == 0 with input as doc([object.union(allow(["kms:CreateGrant"], ["*"]), {"conditions": [c]})])
}

test_pass_specific_key if {
	count(rule.deny) == 0 with input as doc([allow(["kms:CreateGrant"], ["arn:aws:kms:eu-west-1:111122223333:key/1234"])])
}
