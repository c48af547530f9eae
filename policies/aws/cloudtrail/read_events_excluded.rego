# METADATA
# title: Trail records only write management events
# description: >-
#   The trail records management events, but only writes (ReadWriteType WriteOnly, or an
#   advanced selector with readOnly = false). Reading a secret (GetSecretValue) and using
#   a key (Decrypt) are read events: this trail does not record who read which secret.
#   Trails that record no management events at all are left out.
# custom:
#   id: aws-cloudtrail-read-events-excluded
#   severity: medium
#   resource_type: aws.cloudtrail.trail
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.2.1", "10.2.1.1"]
#   remediation: >-
#     Record read and write management events (PutEventSelectors with ReadWriteType All,
#     or an advanced selector without a readOnly field).
package custos.aws.cloudtrail.read_events_excluded

import data.custos.lib.trails

deny contains result if {
	trails.records_management(input.resource)
	not trails.records_reads(input.resource)
	result := {
		"msg": sprintf("trail %s records only write management events: secret reads and key use go unrecorded", [input.resource.name]),
		"evidence": {
			"event_selectors": trails.basic(input.resource),
			"advanced_event_selectors": trails.advanced(input.resource),
		},
	}
}
