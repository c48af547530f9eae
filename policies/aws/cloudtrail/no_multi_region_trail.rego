# METADATA
# title: Account has no multi-Region trail logging all management events
# description: >-
#   No trail that logs this account (its own, or an organization trail of the
#   management account) is multi-Region, logging, and recording both read and write
#   management events. Secret reads (GetSecretValue) and key use (Decrypt) are read
#   management events; without such a trail they go unrecorded in some region.
# custom:
#   id: aws-cloudtrail-no-multi-region-trail
#   severity: high
#   resource_type: aws.account
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.2.1"]
#     cis-aws-3.0: ["3.1"]
#     aws-fsbp: ["CloudTrail.1"]
#   remediation: >-
#     Create a multi-Region trail (or an organization trail) that logs read and write
#     management events (CreateTrail --is-multi-region-trail, PutEventSelectors
#     ReadWriteType=All, IncludeManagementEvents=true) and start logging.
package custos.aws.cloudtrail.no_multi_region_trail

deny contains result if {
	trails := [t | some t in object.get(input, ["context", "trails"], [])]
	count([t | some t in trails; covers_account(t)]) == 0
	result := {
		"msg": sprintf("account %s has no multi-Region trail logging read and write management events", [input.resource.id]),
		"evidence": {"trails": [summary(t) | some t in trails]},
	}
}

covers_account(trail) if {
	trail.is_multi_region == true
	trail.is_logging == true
	all_management_events(trail)
}

# A trail without selectors logs all management events.
all_management_events(trail) if {
	count([s | some s in object.get(trail, "event_selectors", [])]) == 0
	count([s | some s in object.get(trail, "advanced_event_selectors", [])]) == 0
}

all_management_events(trail) if {
	some selector in trail.event_selectors
	selector.include_management_events == true
	selector.read_write_type == "All"
}

# An advanced selector for management events without a readOnly field logs reads and writes.
all_management_events(trail) if {
	some selector in trail.advanced_event_selectors
	some field in selector.field_selectors
	field.field == "eventCategory"
	"Management" in object.get(field, "equals", [])
	not read_only_field(selector)
}

read_only_field(selector) if {
	some field in selector.field_selectors
	field.field == "readOnly"
}

summary(trail) := {
	"arn": trail.arn,
	"is_multi_region": object.get(trail, "is_multi_region", false),
	"is_logging": object.get(trail, "is_logging", false),
	"all_management_events": all_management_events_flag(trail),
}

all_management_events_flag(trail) if all_management_events(trail)

else := false
