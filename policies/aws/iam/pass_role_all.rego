# METADATA
# title: IAM policy allows passing every role
# description: >-
#   A statement allows iam:PassRole on every role (Resource "*", a role ARN pattern with a
#   wildcard name, or NotResource) with no condition scoping the roles (aws:ResourceTag,
#   iam:ResourceTag, iam:AssociatedResourceArn). Whoever holds the policy can hand any
#   role, administrator roles included, to a service they control (a Lambda function, an
#   EC2 instance, a Glue job) and act with its permissions: a privilege escalation path.
#   iam:PassedToService narrows the service, not the roles, so it does not clear the
#   finding; it is listed in the evidence. An unconditional Deny of iam:PassRole on every
#   role in the same policy cancels it.
# custom:
#   id: aws-iam-pass-role-all
#   severity: high
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2"]
#   remediation: >-
#     List the ARNs (or a path such as arn:aws:iam::ACCOUNT:role/app/*) of the roles the
#     principal may pass, and add an iam:PassedToService condition naming the service.
package custos.aws.iam.pass_role_all

import data.custos.lib.iam

scoping := {"aws:resourcetag/", "iam:resourcetag/", "iam:associatedresourcearn"}

deny contains result if {
	iam.may_be_broad(input, {"iam:passrole": "role"})
	statements := iam.broad_statements_in(input, {"iam:passrole": "role"}, scoping)
	count(statements) > 0
	result := {
		"msg": sprintf("%s allows iam:PassRole on every role: a path to any role's permissions", [iam.policy_label(input.resource)]),
		"evidence": {
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
