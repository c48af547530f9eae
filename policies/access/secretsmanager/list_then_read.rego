# METADATA
# title: ListSecrets followed by reads of several secrets
# description: >-
#   The principal listed the account's secrets (ListSecrets) and then, within
#   list_then_read_minutes, read at least list_then_read_secrets distinct secrets. The
#   enumerate-then-collect pattern of credential harvesting; applications know the
#   names of their secrets and do not list first.
# custom:
#   id: access-secretsmanager-list-then-read
#   severity: high
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Confirm with the principal's owner; if unexplained, revoke its sessions and rotate
#     the secrets read after the listing.
package custos.access.secretsmanager.list_then_read

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	seq := p.review.list_then_read
	seq.count >= data.custos.config.access.list_then_read_secrets
	result := {
		"msg": sprintf("%s listed secrets at %s and then read %d of them", [access.who(p), seq.list_at, seq.count]),
		"evidence": {
			"count": seq.count, "list_at": seq.list_at,
			"secrets": seq.items, "events": access.events(seq.events),
		},
	}
}
