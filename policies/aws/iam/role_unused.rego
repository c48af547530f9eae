# METADATA
# title: IAM role has not been used for longer than allowed
# description: >-
#   The role was last assumed more than iam.role_unused_days days ago (90 by default), or
#   never, and was created more than that many days ago. An unused role still grants its
#   permissions to whoever its trust policy admits. Roles younger than the threshold and
#   service-linked roles (which AWS manages) are left out.
# custom:
#   id: aws-iam-role-unused
#   severity: low
#   resource_type: aws.iam.role
#   controls:
#     soc2: ["CC6.2"]
#   remediation: >-
#     Confirm with the owner that nothing assumes the role, then delete it (DeleteRole
#     after removing its policies and instance profiles).
package custos.aws.iam.role_unused

import data.custos.lib.iam
import data.custos.lib.time as clock

deny contains result if {
	not iam.service_linked(input.resource)
	is_string(input.resource.create_date)
	limit := data.custos.config.iam.role_unused_days
	clock.days_between(input.resource.create_date, input.now) > limit
	[phrase, idle] := idle_days(object.get(input.resource, "last_used_date", null))
	idle > limit
	result := {
		"msg": sprintf("IAM role %s %s", [input.resource.name, phrase]),
		"evidence": {
			"create_date": input.resource.create_date,
			"last_used_date": object.get(input.resource, "last_used_date", null),
			"idle_days": clock.whole_days(idle),
			"unused_days": limit,
		},
	}
}

idle_days(last) := [sprintf("was last used %d days ago", [clock.whole_days(days)]), days] if {
	is_string(last)
	days := clock.days_between(last, input.now)
} else := [sprintf("has never been used in the %d days since it was created", [clock.whole_days(days)]), days] if {
	days := clock.days_between(input.resource.create_date, input.now)
}
