# METADATA
# title: IAM user has policies attached directly
# description: >-
#   The user has inline policies or managed policies attached to it, instead of receiving
#   its permissions through groups. Per-user grants drift apart, escape group reviews and
#   are forgotten when people change roles.
# custom:
#   id: aws-iam-user-direct-policies
#   severity: low
#   resource_type: aws.iam.user
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.1"]
#     cis-aws-3.0: ["1.15"]
#     aws-fsbp: ["IAM.2"]
#   remediation: >-
#     Move the permissions to a group that matches the user's job, add the user to it
#     (AddUserToGroup), then remove the user's own policies (DeleteUserPolicy,
#     DetachUserPolicy).
package custos.aws.iam.user_direct_policies

deny contains result if {
	inline := sort([p.name | some p in object.get(input.resource, "inline_policies", [])])
	attached := sort([p.arn | some p in object.get(input.resource, "attached_policies", [])])
	count(inline) + count(attached) > 0
	result := {
		"msg": sprintf("IAM user %s has %s attached directly instead of through groups", [input.resource.name, policies(count(inline) + count(attached))]),
		"evidence": {"inline_policies": inline, "attached_policies": attached},
	}
}

policies(1) := "1 policy"

policies(n) := sprintf("%d policies", [n]) if n != 1
