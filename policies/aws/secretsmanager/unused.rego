# METADATA
# title: Secret has not been read for longer than allowed
# description: >-
#   Nobody has read the secret's value for more than secrets.unused_days days (its
#   last_accessed_date), or it has never been read and was created more than that many
#   days ago. A secret nobody uses still grants whatever it unlocks to anyone who can
#   read it. A secret younger than secrets.unused_days is never unused, and one without a
#   creation date is not judged; secrets scheduled for deletion are left out.
# custom:
#   id: aws-secretsmanager-unused
#   severity: low
#   resource_type: aws.secretsmanager.secret
#   controls:
#     aws-fsbp: ["SecretsManager.3"]
#   remediation: >-
#     Confirm with the owner that nothing uses the secret, revoke what it grants at the
#     other end (database user, API key), then delete it (DeleteSecret with a recovery
#     window).
package custos.aws.secretsmanager.unused

import data.custos.lib.secrets
import data.custos.lib.time as clock

deny contains result if {
	not secrets.scheduled_for_deletion(input.resource)
	created := input.resource.created_date
	secrets.present(created)
	limit := data.custos.config.secrets.unused_days
	clock.days_between(created, input.now) > limit
	[phrase, idle] := idle_days(object.get(input.resource, "last_accessed_date", null), created)
	idle > limit
	result := {
		"msg": sprintf("secret %s %s (more than %d days)", [input.resource.name, phrase, limit]),
		"evidence": {
			"last_accessed_date": object.get(input.resource, "last_accessed_date", null),
			"created_date": created,
			"idle_days": clock.whole_days(idle),
			"unused_days": limit,
		},
	}
}

idle_days(last, _) := [sprintf("has not been read for %d days", [clock.whole_days(days)]), days] if {
	secrets.present(last)
	days := clock.days_between(last, input.now)
}

idle_days(last, created) := [sprintf("has never been read in the %d days since it was created", [clock.whole_days(days)]), days] if {
	not secrets.present(last)
	days := clock.days_between(created, input.now)
}
