# METADATA
# title: KMS decrypt and data-key volume far above the principal's own baseline
# description: >-
#   The principal's own Decrypt, ReEncrypt and GenerateDataKey* calls in the review
#   window, as a daily rate, exceed its baseline median by more than kms_mad_factor
#   robust standard deviations (1.4826 × the median absolute deviation of its daily
#   counts, at least a tenth of the median and at least one), and number at least
#   kms_min_count. Calls AWS services make on the principal's behalf (Secrets Manager,
#   S3 with SSE-KMS) are not counted. The baseline starts at the principal's first
#   active day; principals with less history than learning_days are not judged.
# custom:
#   id: access-kms-decrypt-volume
#   severity: high
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Find out what the principal decrypted (the keys and encryption contexts of the
#     events) and why; if its credentials may be stolen, revoke its sessions and rotate
#     its keys.
package custos.access.kms.decrypt_volume

import data.custos.lib.access

cfg := data.custos.config.access

deny contains result if {
	p := input.resource
	access.judged(p)
	access.learned(p)
	kms := p.review.kms
	kms.count >= cfg.kms_min_count
	daily := p.baseline.kms_daily
	daily.days >= cfg.learning_days
	spread := max([1.4826 * daily.mad, 0.1 * daily.median, 1])
	limit := daily.median + (cfg.kms_mad_factor * spread)
	kms.per_day > limit
	result := {
		"msg": sprintf("%s made %d KMS decrypt/data-key calls (%.0f a day) against a baseline median of %.0f a day", [access.who(p), kms.count, kms.per_day, daily.median]),
		"evidence": {
			"count": kms.count, "per_day": kms.per_day, "keys": kms.distinct,
			"baseline_median": daily.median, "baseline_mad": daily.mad, "baseline_days": daily.days,
			"limit_per_day": limit,
			"events": access.events(kms.events),
		},
	}
}
