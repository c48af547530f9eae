# METADATA
# title: CloudTrail logging stopped
# description: >-
#   A principal stopped a trail (StopLogging) or the ingestion of a CloudTrail Lake
#   event data store. Nothing is logged until someone starts it again: the first move
#   of an intruder who wants the rest of the visit unseen.
# custom:
#   id: access-cloudtrail-trail-stopped
#   severity: critical
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1", "10.7.2"]
#   remediation: >-
#     Start logging again (StartLogging), find out who stopped it and why, and deny
#     cloudtrail:StopLogging with a service control policy.
package custos.access.cloudtrail.trail_stopped

import data.custos.lib.access

deny contains result if {
	input.resource.source == "cloudtrail.amazonaws.com"
	input.resource.name in {"StopLogging", "StopEventDataStoreIngestion"}
	access.succeeded(input.resource)
	result := {
		"msg": sprintf("%s stopped CloudTrail logging of %s", [access.who(input.context.principal), target]),
		"evidence": {"trail": target, "events": [input.resource.evidence]},
	}
}

target := input.resource.target if input.resource.target != ""

else := object.get(input.resource.request, "eventDataStore", "")
