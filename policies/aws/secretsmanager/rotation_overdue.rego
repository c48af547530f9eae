# METADATA
# title: Secret rotation is enabled but has not happened on schedule
# description: >-
#   Rotation is on, yet the last rotation (or, for a secret that never rotated, its
#   creation) is older than the schedule's interval plus secrets.rotation_grace_days:
#   rotation is silently failing and the value is older than everyone believes. A secret
#   created recently that has not reached its first rotation is not a finding.
# custom:
#   id: aws-secretsmanager-rotation-overdue
#   severity: high
#   resource_type: aws.secretsmanager.secret
#   controls:
#     soc2: ["CC6.1"]
#     pci-dss-4.0: ["8.6.3"]
#     aws-fsbp: ["SecretsManager.2"]
#   remediation: >-
#     Check the rotation function's CloudWatch logs and the secret's version stages
#     (AWSPENDING left behind means a failed rotation), fix the function's permissions
#     or network access, then rotate the secret now (RotateSecret).
package custos.aws.secretsmanager.rotation_overdue

import data.custos.lib.schedule
import data.custos.lib.secrets
import data.custos.lib.time as clock

deny contains result if {
	secrets.rotates(input.resource)
	not secrets.scheduled_for_deletion(input.resource)
	interval := schedule.interval_days(object.get(input.resource, "rotation_rules", null))
	grace := data.custos.config.secrets.rotation_grace_days
	[since_field, since] := secrets.last_rotation(input.resource)
	age := clock.days_between(since, input.now)
	age > interval + grace
	result := {
		"msg": sprintf(
			"secret %s has not rotated for %d days although its schedule rotates it every %v days",
			[input.resource.name, clock.whole_days(age), interval],
		),
		"evidence": {
			since_field: since,
			"days_since": clock.whole_days(age),
			"interval_days": interval,
			"grace_days": grace,
			"next_rotation_date": object.get(input.resource, "next_rotation_date", null),
			"rotation_lambda_arn": object.get(input.resource, "rotation_lambda_arn", null),
		},
	}
}
