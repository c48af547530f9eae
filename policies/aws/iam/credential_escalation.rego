# METADATA
# title: IAM policy allows creating credentials for every user
# description: >-
#   A statement allows iam:CreateAccessKey, iam:CreateLoginProfile or
#   iam:UpdateLoginProfile on every user (Resource "*", a user ARN pattern with a wildcard
#   name, or NotResource) with no condition scoping the users (aws:ResourceTag,
#   iam:ResourceTag). Whoever holds it can mint an access key or set a console password
#   for any user, administrators included, and act as them. Self-service policies scoped
#   to ${aws:username} are not findings. An unconditional Deny of the action in the same
#   policy cancels it.
# custom:
#   id: aws-iam-credential-escalation
#   severity: high
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.2", "CC6.3"]
#     pci-dss-4.0: ["7.2.2", "8.2.4"]
#   remediation: >-
#     Scope the actions to the caller's own user
#     (arn:aws:iam::ACCOUNT:user/${aws:username}) or to the users the holder administers.
package custos.aws.iam.credential_escalation

import data.custos.lib.iam

escalation := {
	"iam:createaccesskey": "user",
	"iam:createloginprofile": "user",
	"iam:updateloginprofile": "user",
}

scoping := {"aws:resourcetag/", "iam:resourcetag/"}

deny contains result if {
	iam.may_be_broad(input, escalation)
	statements := iam.broad_statements_in(input, escalation, scoping)
	count(statements) > 0
	granted := sort({a | some s in statements; some a in s.grants})
	result := {
		"msg": sprintf("%s allows %s on every IAM user: a path to act as any user", [iam.policy_label(input.resource), iam.summary(granted)]),
		"evidence": {
			"actions": granted,
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
