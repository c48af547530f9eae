package custos.lib.schedule_test

import data.custos.lib.schedule

test_rate_expressions if {
	schedule.interval_days({"schedule_expression": "rate(30 days)"}) == 30
	schedule.interval_days({"schedule_expression": "rate(1 day)"}) == 1
	schedule.interval_days({"schedule_expression": "rate(12 hours)"}) == 0.5
}

test_automatically_after_days if {
	schedule.interval_days({"automatically_after_days": 45}) == 45
	schedule.interval_days({"automatically_after_days": 45, "schedule_expression": "rate(10 days)"}) == 10
	schedule.interval_days({"automatically_after_days": 45, "schedule_expression": "bogus"}) == 45
}

test_unknown_schedule_is_undefined if {
	not schedule.interval_days({})
	not schedule.interval_days(null)
	not schedule.interval_days({"schedule_expression": "rate(soon)"})
}

test_cron_expressions if {
	every expression, days in {
		"cron(0 16 * * ? *)": 1,
		"cron(0 8 ? * MON *)": 7,
		"cron(0 8 ? * MON-FRI *)": 7,
		"cron(0 8 1 * ? *)": 31,
		"cron(0 8 ? * MON#1 *)": 31,
		"cron(0 8 1 */3 ? *)": 92,
		"cron(0 8 1 1/3 ? *)": 92,
		"cron(0 8 1 JAN,JUL ? *)": 184,
		"cron(0 8 1 6 ? *)": 366,
		"cron(0 8 1 1-6 ? *)": 215,
		"cron(0 8 31 * ? *)": 62,
		"cron(0 8 1 FOO ? *)": 31,
	} {
		schedule.interval_days({"schedule_expression": expression}) == days
	}
}
