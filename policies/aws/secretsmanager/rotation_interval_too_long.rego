# METADATA
# title: Secret rotation interval is longer than allowed
# description: >-
#   The secret rotates automatically, but its schedule lets more days pass between two
#   rotations than secrets.rotation_max_days allows. The interval is read from
#   rotation_rules: rate(N days|hours) exactly, cron() as the longest gap its fields
#   allow (see policies/lib/schedule.rego), else automatically_after_days. A secret's
#   data classification tier may set a shorter maximum
#   (classification.<tier>.secret_rotation_max_days). Secrets scheduled for deletion are
#   left out.
# custom:
#   id: aws-secretsmanager-rotation-interval-too-long
#   severity: low
#   resource_type: aws.secretsmanager.secret
#   controls:
#     soc2: ["CC6.1"]
#     pci-dss-4.0: ["8.6.3"]
#     aws-fsbp: ["SecretsManager.1"]
#   remediation: >-
#     Shorten the rotation schedule (RotateSecret with RotationRules, e.g.
#     ScheduleExpression rate(30 days)) to at most the configured maximum.
package custos.aws.secretsmanager.rotation_interval_too_long

import data.custos.lib.classification
import data.custos.lib.schedule
import data.custos.lib.secrets

deny contains result if {
	secrets.rotates(input.resource)
	not secrets.scheduled_for_deletion(input.resource)
	rules := object.get(input.resource, "rotation_rules", null)
	days := schedule.interval_days(rules)
	resource_tags := object.get(input.resource, "tags", {})
	max_days := classification.threshold(resource_tags, "secret_rotation_max_days", data.custos.config.secrets.rotation_max_days)
	days > max_days
	result := {
		"msg": sprintf(
			"secret %s rotates up to every %v days, more than the allowed %v",
			[input.resource.name, days, max_days],
		),
		"evidence": {
			"interval_days": days,
			"max_days": max_days,
			"classification": classification.tier_or_null(resource_tags),
			"schedule_expression": object.get(rules, "schedule_expression", null),
			"automatically_after_days": object.get(rules, "automatically_after_days", null),
		},
	}
}
