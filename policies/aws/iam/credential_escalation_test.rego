package custos.aws.iam.credential_escalation_test

import data.custos.aws.iam.credential_escalation as rule

doc(statements) := {"resource": {
	"arn": "arn:aws:iam::111122223333:policy/helpdesk", "name": "helpdesk", "kind": "managed",
	"document": {"version": "2012-10-17", "statements": statements},
}}

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources}

test_deny_access_keys_for_anyone if {
	results := rule.deny with input as doc([allow(["iam:CreateAccessKey", "iam:UpdateLoginProfile"], ["arn:aws:iam::111122223333:user/*"])])
	count(results) == 1
	some r in results
	r.evidence.actions == ["iam:createaccesskey", "iam:updateloginprofile"]
}

# Trap: the self-service pattern ${aws:username} only reaches the caller's own user.
test_pass_self_service if {
	count(rule.deny) == 0 with input as doc([allow(["iam:CreateAccessKey", "iam:*LoginProfile"], ["arn:aws:iam::*:user/${aws:username}"])])
}

test_pass_list_access_keys if {
	count(rule.deny) == 0 with input as doc([allow(["iam:ListAccessKeys", "iam:GetLoginProfile"], ["*"])])
}
