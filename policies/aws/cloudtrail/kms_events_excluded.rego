# METADATA
# title: Trail excludes KMS events
# description: >-
#   The trail records management events but its selectors leave out those of
#   kms.amazonaws.com (ExcludeManagementEventSources in a basic selector, or an advanced
#   selector with eventSource not equal to kms.amazonaws.com). Every Decrypt, and so every
#   read of a secret through its key, goes unrecorded by this trail. Trails that record
#   no management events at all are left out.
# custom:
#   id: aws-cloudtrail-kms-events-excluded
#   severity: medium
#   resource_type: aws.cloudtrail.trail
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.2.1"]
#   remediation: >-
#     Remove kms.amazonaws.com from the excluded event sources (PutEventSelectors), or
#     record KMS events in another trail that covers the same regions.
package custos.aws.cloudtrail.kms_events_excluded

import data.custos.lib.trails

deny contains result if {
	trails.records_management(input.resource)
	not trails.records_source(input.resource, "kms.amazonaws.com")
	result := {
		"msg": sprintf("trail %s does not record KMS events (Decrypt, key policy changes)", [input.resource.name]),
		"evidence": {
			"event_selectors": trails.basic(input.resource),
			"advanced_event_selectors": trails.advanced(input.resource),
		},
	}
}
