# METADATA
# title: KMS key rotation period is longer than allowed
# description: >-
#   The key rotates automatically, but its rotation period is longer than
#   keys.rotation_max_days, or than the key_rotation_max_days of the key's data
#   classification tier. A key with rotation on and no period reported uses the KMS
#   default of 365 days. Keys that cannot rotate automatically are left out.
# custom:
#   id: aws-kms-rotation-period-too-long
#   severity: low
#   resource_type: aws.kms.key
#   controls:
#     soc2: ["CC6.1"]
#     pci-dss-4.0: ["3.7.4"]
#   remediation: >-
#     Shorten the rotation period (EnableKeyRotation with RotationPeriodInDays, 90 to
#     2560 days) to at most the configured maximum.
package custos.aws.kms.rotation_period_too_long

import data.custos.lib.classification
import data.custos.lib.kms

deny contains result if {
	kms.can_rotate(input.resource)
	input.resource.rotation_enabled == true
	days := kms.rotation_period_days(input.resource)
	key_tags := object.get(input.resource, "tags", {})
	max_days := classification.threshold(key_tags, "key_rotation_max_days", data.custos.config.keys.rotation_max_days)
	days > max_days
	result := {
		"msg": sprintf(
			"KMS key %s rotates every %v days, more than the allowed %v",
			[kms.label(input.resource), days, max_days],
		),
		"evidence": {
			"rotation_period_days": days,
			"max_days": max_days,
			"classification": classification.tier_or_null(key_tags),
		},
	}
}
