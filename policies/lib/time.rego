# Package custos.lib.time measures ages against input.now, never the wall clock.
package custos.lib.time

ns_per_day := ((24 * 60) * 60) * 1000000000

# days_between is the time from one RFC 3339 timestamp to another, in (fractional) days.
days_between(from, to) := (time.parse_rfc3339_ns(to) - time.parse_rfc3339_ns(from)) / ns_per_day

# whole_days rounds a number of days down, for messages.
whole_days(days) := floor(days)
