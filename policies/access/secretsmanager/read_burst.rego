# METADATA
# title: One principal read many distinct secrets in a short window
# description: >-
#   The principal read at least distinct_secrets_burst distinct secrets
#   (GetSecretValue, including those of BatchGetSecretValue) within burst_window_minutes.
#   Applications read the few secrets they need; reading many at once looks like
#   harvesting. Windows are fixed and overlap by half, so any burst no longer than half
#   the window is seen whole.
# custom:
#   id: access-secretsmanager-read-burst
#   severity: high
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Confirm with the principal's owner; if unexplained, revoke its sessions, rotate
#     the secrets it read and narrow its secretsmanager:GetSecretValue permission.
package custos.access.secretsmanager.read_burst

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	burst := p.review.secret_burst
	burst.count >= data.custos.config.access.distinct_secrets_burst
	result := {
		"msg": sprintf("%s read %d distinct secrets between %s and %s", [access.who(p), burst.count, burst.start, burst.end]),
		"evidence": {
			"count": burst.count, "start": burst.start, "end": burst.end,
			"secrets": burst.items,
			"events": access.events(burst.events),
		},
	}
}
