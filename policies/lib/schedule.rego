# Package custos.lib.schedule reads Secrets Manager rotation rules: how long, at most,
# a secret waits between two scheduled rotations.
#
# rate(N days) and rate(N hours) are exact. For cron(minutes hours day-of-month month
# day-of-week year) the bound comes from the fields that decide how far apart runs
# can fall: every day of every month (day-of-month or day-of-week "*") is 1 day; some
# weekday of every week (day-of-month "?", day-of-week without # or L) is 7 days;
# otherwise the month field is read (*, lists, ranges, steps, JAN-DEC names) and the
# longest gap between two run months is converted to the longest run of that many
# calendar months (1 month = 31 days, 3 = 92, 12 = 366). A day-of-month of 29, 30 or 31
# leaves out the months without that day. Nth-weekday (#) and year fields are not
# modelled; a month field that cannot be read is taken as monthly (31 days).
package custos.lib.schedule

# interval_days is the longest time, in days, between two rotations under a secret's
# rotation_rules: from schedule_expression when set and readable, else from
# automatically_after_days. Undefined when neither tells.
interval_days(rules) := days if {
	is_object(rules)
	expression := object.get(rules, "schedule_expression", "")
	is_string(expression)
	days := expression_days(trim_space(expression))
} else := days if {
	is_object(rules)
	days := object.get(rules, "automatically_after_days", 0)
	is_number(days)
	days > 0
}

expression_days(expression) := to_number(match[1]) if {
	[match] := regex.find_all_string_submatch_n(`^rate\(\s*([0-9]+)\s+days?\s*\)$`, expression, 1)
}

expression_days(expression) := to_number(match[1]) / 24 if {
	[match] := regex.find_all_string_submatch_n(`^rate\(\s*([0-9]+)\s+hours?\s*\)$`, expression, 1)
}

expression_days(expression) := cron_days(fields) if {
	[match] := regex.find_all_string_submatch_n(`^cron\((.*)\)$`, expression, 1)
	fields := regex.split(`\s+`, trim_space(upper(match[1])))
	count(fields) == 6
}

# cron_days bounds the gap between runs of a cron schedule's fields
# [minutes, hours, day-of-month, month, day-of-week, year].
cron_days(fields) := 1 if {
	every_month(fields[3])
	"*" in {fields[2], fields[4]}
} else := 7 if {
	every_month(fields[3])
	fields[2] == "?"
	not regex.match(`[#L]`, fields[4])
} else := longest_span_days[max_gap(months)] if {
	months := run_months(fields[2], fields[3])
	count(months) > 0
} else := longest_span_days[1]

every_month(field) if count(parse_months(field)) == 12

# longest_span_days[n] is the most days n consecutive calendar months can hold.
longest_span_days := [0, 31, 62, 92, 123, 153, 184, 215, 245, 276, 306, 337, 366]

# days_in_month[m] is the length of month m in a common year.
days_in_month := [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

month_names := {
	"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
	"JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
}

# run_months is the set of months a schedule runs in: the month field, less the months
# too short for a day-of-month of 29, 30 or 31.
run_months(day_of_month, field) := months if {
	regex.match(`^(29|30|31)$`, day_of_month)
	months := {m |
		some m in parse_months(field)
		days_in_month[m] >= to_number(day_of_month)
	}
} else := parse_months(field)

# parse_months is the set of month numbers a cron month field names; undefined when
# any of its comma-separated parts cannot be read.
parse_months(field) := months if {
	parts := split(field, ",")
	every part in parts {
		count(part_months(part)) > 0
	}
	months := {m | some part in parts; some m in part_months(part)}
}

part_months(part) := months if {
	not contains(part, "/")
	bounds := month_bounds(part)
	months := {m | some m in numbers.range_step(bounds[0], bounds[1], 1)}
}

part_months(part) := months if {
	[start, step] := split(part, "/")
	regex.match(`^[1-9][0-9]*$`, step)
	bounds := step_bounds(start)
	months := {m | some m in numbers.range_step(bounds[0], bounds[1], to_number(step))}
}

month_bounds(part) := [1, 12] if part in {"*", "?"}

month_bounds(part) := [first, last] if {
	[a, b] := split(part, "-")
	first := month_number(a)
	last := month_number(b)
	first <= last
}

month_bounds(part) := [m, m] if {
	not contains(part, "-")
	m := month_number(part)
}

# step_bounds reads the start of a stepped part: "*", a range, or a first month
# (which runs to December).
step_bounds(start) := [m, 12] if {
	not contains(start, "-")
	m := month_number(start)
} else := month_bounds(start)

month_number(s) := to_number(s) if {
	regex.match(`^(0?[1-9]|1[0-2])$`, s)
}

month_number(s) := month_names[s]

# max_gap is the most months between one run month and the next, wrapping the year.
max_gap(months) := 12 if count(months) == 1

max_gap(months) := max(gaps) if {
	ordered := sort(months)
	n := count(ordered)
	n > 1
	steps := [(ordered[i + 1] - ordered[i]) | some i in numbers.range(0, n - 2)]
	gaps := array.concat(steps, [(ordered[0] + 12) - ordered[n - 1]])
}
