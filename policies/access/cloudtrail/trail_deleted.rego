# METADATA
# title: CloudTrail trail deleted
# description: >-
#   A principal deleted a trail (DeleteTrail) or a CloudTrail Lake event data store.
#   Logging ends for everything the trail covered.
# custom:
#   id: access-cloudtrail-trail-deleted
#   severity: critical
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1", "10.7.2"]
#   remediation: >-
#     Recreate the trail with its previous settings, find out who deleted it and why,
#     and deny cloudtrail:DeleteTrail with a service control policy.
package custos.access.cloudtrail.trail_deleted

import data.custos.lib.access

deny contains result if {
	input.resource.source == "cloudtrail.amazonaws.com"
	input.resource.name in {"DeleteTrail", "DeleteEventDataStore"}
	access.succeeded(input.resource)
	result := {
		"msg": sprintf("%s deleted CloudTrail trail %s", [access.who(input.context.principal), target]),
		"evidence": {"trail": target, "events": [input.resource.evidence]},
	}
}

target := input.resource.target if input.resource.target != ""

else := object.get(input.resource.request, "eventDataStore", "")
