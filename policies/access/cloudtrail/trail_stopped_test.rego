package custos.access.cloudtrail.trail_stopped_test

import data.custos.access.cloudtrail.trail_stopped

event(name, error_code) := {
	"resource": {"source": "cloudtrail.amazonaws.com", "name": name, "error_code": error_code, "target": "management-events", "request": {}, "evidence": {"id": "e1"}},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:user/mallory"}},
}

test_deny_stop_logging if {
	some result in trail_stopped.deny with input as event("StopLogging", "")
	result.evidence.trail == "management-events"
}

test_pass_start_logging if count(trail_stopped.deny) == 0 with input as event("StartLogging", "")

test_pass_denied if count(trail_stopped.deny) == 0 with input as event("StopLogging", "AccessDenied")
