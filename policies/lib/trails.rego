# Package custos.lib.trails reads CloudTrail event selectors: which management events a
# trail records. A trail without selectors records every management event, reads and
# writes, of every source.
package custos.lib.trails

# basic and advanced list a trail's event selectors ([] when absent).
basic(trail) := [s | some s in object.get(trail, "event_selectors", [])]

advanced(trail) := [s | some s in object.get(trail, "advanced_event_selectors", [])]

# default_selectors holds for a trail without selectors of either kind.
default_selectors(trail) if {
	count(basic(trail)) == 0
	count(advanced(trail)) == 0
}

# management_selectors lists the selectors that record management events.
management_selectors(trail) := array.concat(
	[s | some s in basic(trail); s.include_management_events == true],
	[s | some s in advanced(trail); advanced_management(s)],
)

# records_management holds for a trail that records some management events.
records_management(trail) if default_selectors(trail)

records_management(trail) if count(management_selectors(trail)) > 0

advanced_management(selector) if {
	some f in selector.field_selectors
	f.field == "eventCategory"
	"Management" in object.get(f, "equals", [])
}

field(selector, name) := [f | some f in selector.field_selectors; f.field == name]

# records_reads holds when some management selector records read-only events.
records_reads(trail) if default_selectors(trail)

records_reads(trail) if {
	some s in basic(trail)
	s.include_management_events == true
	s.read_write_type in {"All", "ReadOnly"}
}

records_reads(trail) if {
	some s in advanced(trail)
	advanced_management(s)
	advanced_reads(s)
}

advanced_reads(selector) if count(field(selector, "readOnly")) == 0

advanced_reads(selector) if {
	some f in field(selector, "readOnly")
	"true" in object.get(f, "equals", [])
}

advanced_reads(selector) if {
	some f in field(selector, "readOnly")
	"false" in object.get(f, "not_equals", [])
}

# records_source holds when some management selector records events of the source
# (kms.amazonaws.com).
records_source(trail, _) if default_selectors(trail)

records_source(trail, source) if {
	some s in basic(trail)
	s.include_management_events == true
	not source in object.get(s, "exclude_management_event_sources", [])
}

records_source(trail, source) if {
	some s in advanced(trail)
	advanced_management(s)
	every f in field(s, "eventSource") {
		source_allowed(f, source)
	}
}

source_allowed(f, source) if {
	count(object.get(f, "equals", [])) == 0
	not source in object.get(f, "not_equals", [])
}

source_allowed(f, source) if source in object.get(f, "equals", [])
