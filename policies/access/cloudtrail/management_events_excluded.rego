# METADATA
# title: Trail told to stop logging management read events
# description: >-
#   A principal changed a trail's event selectors (PutEventSelectors) so that no
#   selector logs management read events: IncludeManagementEvents false or
#   ReadWriteType WriteOnly on every basic selector, or no advanced selector for
#   eventCategory Management (or only with readOnly false). GetSecretValue and
#   Decrypt are management read events: they go unlogged.
# custom:
#   id: access-cloudtrail-management-events-excluded
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1", "10.7.2"]
#   remediation: >-
#     Restore a selector logging all management events (ReadWriteType All,
#     IncludeManagementEvents true) unless another reviewed trail logs them.
package custos.access.cloudtrail.management_events_excluded

import data.custos.lib.access

basic := object.get(input.resource.request, "eventSelectors", [])

advanced := object.get(input.resource.request, "advancedEventSelectors", [])

reads_management if {
	some s in basic
	object.get(s, "includeManagementEvents", true) == true
	object.get(s, "readWriteType", "All") != "WriteOnly"
}

reads_management if {
	some s in advanced
	some f in s.fieldSelectors
	f.field == "eventCategory"
	"Management" in object.get(f, "equals", [])
	not write_only(s)
}

write_only(selector) if {
	some f in selector.fieldSelectors
	f.field == "readOnly"
	object.get(f, "equals", []) == ["false"]
}

deny contains result if {
	input.resource.source == "cloudtrail.amazonaws.com"
	input.resource.name == "PutEventSelectors"
	access.succeeded(input.resource)
	count(basic) + count(advanced) > 0
	not reads_management
	result := {
		"msg": sprintf("%s told trail %s to stop logging management read events", [access.who(input.context.principal), input.resource.target]),
		"evidence": {"trail": input.resource.target, "events": [input.resource.evidence]},
	}
}
