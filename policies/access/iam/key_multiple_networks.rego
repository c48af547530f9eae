# METADATA
# title: One access key used from several networks within minutes
# description: >-
#   One access key (long-term or session) was used from at least key_networks distinct
#   public networks within key_networks_window_minutes, at least one of them new to the
#   principal and not in trusted_cidrs. A key in two places at once is a copied key.
#   Internal addresses are not counted.
# custom:
#   id: access-iam-key-multiple-networks
#   severity: high
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Deactivate the key (or revoke the session) and issue a new one; find where the
#     copy came from.
package custos.access.iam.key_multiple_networks

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	key := p.review.access_key
	key.count >= data.custos.config.access.key_networks
	unknown := [n.network | some n in key.networks; not n.in_baseline; not n.trusted]
	count(unknown) > 0
	result := {
		"msg": sprintf("%s used access key %s from %d networks between %s and %s", [access.who(p), key.access_key_id, key.count, key.start, key.end]),
		"evidence": {
			"access_key_id": key.access_key_id, "networks": key.items, "new_networks": unknown,
			"start": key.start, "end": key.end, "events": access.events(key.events),
		},
		"discriminator": key.access_key_id,
	}
}
