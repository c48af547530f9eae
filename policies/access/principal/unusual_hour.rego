# METADATA
# title: Secrets or keys accessed at hours unusual for the principal
# description: >-
#   The principal read secrets or used keys during hours of the day (UTC) in which,
#   together with the hour before and the hour after, it made no call in the baseline
#   window. Workloads run around the clock and are not flagged; people keep hours, and
#   their credentials used at 3 a.m. deserve a look. Judged only for principals with a
#   history (learning_days, min_baseline_events).
# custom:
#   id: access-principal-unusual-hour
#   severity: low
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Confirm with the principal's owner; if unexplained, revoke its sessions or keys.
package custos.access.principal.unusual_hour

import data.custos.lib.access

unusual contains hour if {
	p := input.resource
	some hour in p.review.hours
	hour.access_events > 0
	every h in [hour.hour - 1, hour.hour, hour.hour + 1] {
		p.baseline.hours[(h + 24) % 24] == 0
	}
}

deny contains result if {
	p := input.resource
	access.judged(p)
	access.learned(p)
	count(unusual) > 0
	hours := sort([h.hour | some h in unusual])
	result := {
		"msg": sprintf("%s read secrets or used keys at unusual hours (UTC): %s", [access.who(p), concat(", ", [sprintf("%02d:00", [h]) | some h in hours])]),
		"evidence": {
			"hours": hours,
			"access_events": sum([h.access_events | some h in unusual]),
			"baseline_hours": p.baseline.hours,
			"events": access.events([e | some h in unusual; some e in h.sample]),
		},
	}
}
