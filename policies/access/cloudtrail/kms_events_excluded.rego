# METADATA
# title: Trail told to stop logging KMS events
# description: >-
#   A principal changed a trail's event selectors (PutEventSelectors) to exclude
#   kms.amazonaws.com from management events: a basic selector's
#   ExcludeManagementEventSources, or an advanced selector with eventSource
#   NotEquals kms.amazonaws.com. Decrypt and GenerateDataKey calls then go unlogged.
# custom:
#   id: access-cloudtrail-kms-events-excluded
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1", "10.7.2"]
#   remediation: >-
#     Remove the exclusion from the trail's event selectors unless the KMS events are
#     logged by another trail that is reviewed.
package custos.access.cloudtrail.kms_events_excluded

import data.custos.lib.access

kms := "kms.amazonaws.com"

exclusions contains "event selector excludes kms.amazonaws.com" if {
	some s in object.get(input.resource.request, "eventSelectors", [])
	kms in object.get(s, "excludeManagementEventSources", [])
}

exclusions contains sprintf("advanced selector %q excludes kms.amazonaws.com", [object.get(s, "name", "")]) if {
	some s in object.get(input.resource.request, "advancedEventSelectors", [])
	some f in object.get(s, "fieldSelectors", [])
	f.field == "eventSource"
	kms in object.get(f, "notEquals", [])
}

deny contains result if {
	input.resource.source == "cloudtrail.amazonaws.com"
	input.resource.name == "PutEventSelectors"
	access.succeeded(input.resource)
	count(exclusions) > 0
	result := {
		"msg": sprintf("%s told trail %s to stop logging KMS events", [access.who(input.context.principal), input.resource.target]),
		"evidence": {"trail": input.resource.target, "exclusions": sort(exclusions), "events": [input.resource.evidence]},
	}
}
