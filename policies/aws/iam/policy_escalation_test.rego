package custos.aws.iam.policy_escalation_test

import data.custos.aws.iam.policy_escalation as rule

role := "arn:aws:iam::111122223333:role/deployer"

doc(statements) := {"resource": {
	"arn": role, "name": "deploy", "kind": "inline", "principal_arn": role, "attached_to": [role],
	"document": {"version": "2012-10-17", "statements": statements},
}}

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources}

cond(key, values) := {"operator": "StringEquals", "base": "StringEquals", "qualifier": "", "if_exists": false, "key": key, "values": values}

test_deny_attach_any_policy_to_any_role if {
	results := rule.deny with input as doc([allow(["iam:Attach*"], ["*"])])
	count(results) == 1
	some r in results
	r.evidence.actions == ["iam:attachgrouppolicy", "iam:attachrolepolicy", "iam:attachuserpolicy"]
	contains(r.msg, "every principal or policy")
}

test_deny_create_policy_version_on_all_policies if {
	results := rule.deny with input as doc([allow(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], ["arn:aws:iam::111122223333:policy/*"])])
	some r in results
	r.evidence.actions == ["iam:createpolicyversion", "iam:setdefaultpolicyversion"]
}

test_deny_put_inline_policy_on_itself if {
	results := rule.deny with input as doc([allow(["iam:PutRolePolicy"], [role])])
	some r in results
	r.evidence.statements[0].self == true
	contains(r.msg, "the principal it is attached to")
}

test_deny_update_trust_of_every_role if {
	count(rule.deny) == 1 with input as doc([allow(["iam:UpdateAssumeRolePolicy"], ["arn:aws:iam::*:role/*"])])
}

test_pass_other_specific_role if {
	count(rule.deny) == 0 with input as doc([allow(["iam:PutRolePolicy"], ["arn:aws:iam::111122223333:role/app-worker"])])
}

# Trap: delegated administration under a permissions boundary cannot exceed the boundary.
test_pass_permissions_boundary_required if {
	c := cond("iam:permissionsboundary", ["arn:aws:iam::111122223333:policy/boundary"])
	count(rule.deny) == 0 with input as doc([object.union(allow(["iam:PutRolePolicy", "iam:AttachRolePolicy"], ["*"]), {"conditions": [c]})])
}

test_pass_read_only if {
	count(rule.deny) == 0 with input as doc([allow(["iam:Get*", "iam:List*", "iam:CreatePolicy"], ["*"])])
}
