# METADATA
# title: Secrets or keys accessed from a new network
# description: >-
#   The principal read secrets or used keys from a public network (a /24 for IPv4, /48
#   for IPv6 by default) it never used in the baseline window. Judged only for
#   principals with a history (learning_days, min_baseline_events) whose baseline used
#   at most max_baseline_networks networks: serverless and roaming principals change
#   address all the time. Internal and trusted_cidrs networks are left out. One finding
#   per network.
# custom:
#   id: access-principal-new-network
#   severity: medium
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Confirm the network with the principal's owner; if unexplained, revoke its
#     sessions or keys. Add your organisation's egress ranges to trusted_cidrs.
package custos.access.principal.new_network

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	access.learned(p)
	p.baseline.networks <= data.custos.config.access.max_baseline_networks
	not p.baseline.networks_overflow
	some network in p.review.networks
	network.access_events > 0
	not network.in_baseline
	not network.internal
	not network.trusted
	result := {
		"msg": sprintf("%s read secrets or used keys from network %s, new to it", [access.who(p), network.value]),
		"evidence": {
			"network": network.value, "access_events": network.access_events,
			"baseline_networks": p.baseline.networks, "events": access.events(network.sample),
		},
		"discriminator": network.value,
	}
}
