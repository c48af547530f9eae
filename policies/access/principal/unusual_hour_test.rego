package custos.access.principal.unusual_hour_test

import data.custos.access.principal.unusual_hour

office_hours := [0, 0, 0, 0, 0, 0, 0, 0, 5, 40, 50, 45, 30, 40, 50, 45, 30, 10, 0, 0, 0, 0, 0, 0]

around_the_clock := [50 | some _ in numbers.range(1, 24)]

principal(baseline, hour) := {"resource": {
	"key": "arn:aws:iam::111122223333:user/alice", "type": "IAMUser",
	"baseline": {"days_active": 20, "events": sum(baseline), "hours": baseline},
	"review": {"hours": [{"hour": hour, "access_events": 7, "sample": [{"id": "e1"}]}]},
}}

test_deny_three_am if {
	some result in unusual_hour.deny with input as principal(office_hours, 3)
	result.evidence.hours == [3]
}

test_pass_office_hours if count(unusual_hour.deny) == 0 with input as principal(office_hours, 10)

test_pass_next_to_usual_hour if count(unusual_hour.deny) == 0 with input as principal(office_hours, 18)

test_pass_workload if count(unusual_hour.deny) == 0 with input as principal(around_the_clock, 3)
