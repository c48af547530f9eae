# METADATA
# title: Secrets or keys accessed in a new region
# description: >-
#   The principal read secrets or used keys in a region where it made no call in the
#   baseline window. Judged only for principals with a history (learning_days,
#   min_baseline_events). One finding per region.
# custom:
#   id: access-principal-new-region
#   severity: medium
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Confirm with the principal's owner; limit the regions it may use with an
#     aws:RequestedRegion condition or a service control policy.
package custos.access.principal.new_region

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	access.learned(p)
	some region in p.review.regions
	region.access_events > 0
	not region.in_baseline
	result := {
		"msg": sprintf("%s read secrets or used keys in region %s, new to it", [access.who(p), region.value]),
		"evidence": {
			"region": region.value, "access_events": region.access_events,
			"baseline_regions": p.baseline.regions, "events": access.events(region.sample),
		},
		"discriminator": region.value,
	}
}
