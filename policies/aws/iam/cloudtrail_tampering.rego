# METADATA
# title: IAM policy allows stopping or changing every CloudTrail trail
# description: >-
#   A statement allows cloudtrail:StopLogging, DeleteTrail, UpdateTrail or
#   PutEventSelectors on every trail (Resource "*", a trail ARN pattern with a wildcard
#   name, or NotResource) with no aws:ResourceTag condition. Whoever holds it can switch
#   off the record of secret reads and key use before acting, and the logs then show
#   nothing. An unconditional Deny of the action in the same policy cancels it.
# custom:
#   id: aws-iam-cloudtrail-tampering
#   severity: high
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3", "CC7.2"]
#     pci-dss-4.0: ["7.2.2", "10.3.2"]
#   remediation: >-
#     Keep these actions to a logging-administration role, scoped to the trails it owns,
#     and deny them to everyone else with a service control policy.
package custos.aws.iam.cloudtrail_tampering

import data.custos.lib.iam

tampering := {
	"cloudtrail:stoplogging": "trail",
	"cloudtrail:deletetrail": "trail",
	"cloudtrail:updatetrail": "trail",
	"cloudtrail:puteventselectors": "trail",
}

deny contains result if {
	iam.may_be_broad(input, tampering)
	statements := iam.broad_statements_in(input, tampering, {"aws:resourcetag/"})
	count(statements) > 0
	granted := sort({a | some s in statements; some a in s.grants})
	result := {
		"msg": sprintf("%s allows %s on every trail: the audit trail can be switched off", [iam.policy_label(input.resource), iam.summary(granted)]),
		"evidence": {
			"actions": granted,
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
