# METADATA
# title: IAM policy allows changing the permissions of principals or policies
# description: >-
#   A statement allows an IAM permissions-management action that changes what a
#   principal may do (iam:PutUserPolicy, PutRolePolicy, PutGroupPolicy, Attach*Policy,
#   CreatePolicyVersion, SetDefaultPolicyVersion, UpdateAssumeRolePolicy,
#   Put*/Delete*PermissionsBoundary, AddUserToGroup) on every user, role, group or
#   managed policy (Resource "*", an ARN pattern with a wildcard name, or NotResource),
#   or on the very principal the policy is attached to. Whoever holds it can grant
#   themselves any permission, every secret and key included. A condition requiring a
#   permissions boundary (iam:PermissionsBoundary), limiting the policies that can be
#   attached (iam:PolicyARN) or scoping by tag (aws:ResourceTag, iam:ResourceTag) clears
#   it, as does an unconditional Deny of the action in the same policy.
# custom:
#   id: aws-iam-policy-escalation
#   severity: high
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.1", "7.2.2"]
#   remediation: >-
#     Remove the action, scope it to the principals and policies the holder administers,
#     or require a permissions boundary with an iam:PermissionsBoundary condition so that
#     nothing it grants can exceed the boundary.
package custos.aws.iam.policy_escalation

import data.custos.lib.iam

escalation := {
	"iam:putuserpolicy": "user",
	"iam:attachuserpolicy": "user",
	"iam:putuserpermissionsboundary": "user",
	"iam:deleteuserpermissionsboundary": "user",
	"iam:putrolepolicy": "role",
	"iam:attachrolepolicy": "role",
	"iam:updateassumerolepolicy": "role",
	"iam:putrolepermissionsboundary": "role",
	"iam:deleterolepermissionsboundary": "role",
	"iam:putgrouppolicy": "group",
	"iam:attachgrouppolicy": "group",
	"iam:addusertogroup": "group",
	"iam:createpolicyversion": "policy",
	"iam:setdefaultpolicyversion": "policy",
}

scoping := {"iam:permissionsboundary", "iam:policyarn", "aws:resourcetag/", "iam:resourcetag/"}

# self_statements are Allow statements that let the policy's holder change its own
# permissions: an escalation action on the user or role the policy is attached to.
self_statements := [detail |
	some i in iam.naming(input, "iam")
	stmt := input.resource.document.statements[i]
	stmt.effect == "Allow"
	iam.may_name(stmt, {"iam"})
	not iam.restricted(stmt, scoping)
	grants := sort({action |
		some action, kind in escalation
		kind in {"user", "role"}
		iam.applies_to_action(stmt, action)
		some holder in object.get(input.resource, "attached_to", [])
		contains(holder, concat("", [":", kind, "/"]))
		some pattern in object.get(stmt, "resources", [])
		iam.resource_matches(pattern, holder)
	})
	count(grants) > 0
	detail := object.union(iam.statement_detail(i, stmt), {"grants": grants, "self": true})
]

deny contains result if {
	broad := iam.broad_statements_in(input, escalation, scoping)
	statements := array.concat(broad, [s | some s in self_statements; not s.index in {b.index | some b in broad}])
	count(statements) > 0
	granted := sort({a | some s in statements; some a in s.grants})
	result := {
		"msg": sprintf("%s allows %s on %s: a path to any permission", [
			iam.policy_label(input.resource),
			iam.summary(granted),
			target(broad),
		]),
		"evidence": {
			"actions": granted,
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}

target(broad) := "every principal or policy" if count(broad) > 0

else := "the principal it is attached to"
