package custos.access.cloudtrail.trail_deleted_test

import data.custos.access.cloudtrail.trail_deleted

event(name, target, request) := {
	"resource": {"source": "cloudtrail.amazonaws.com", "name": name, "error_code": "", "target": target, "request": request, "evidence": {"id": "e1"}},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:user/mallory"}},
}

test_deny_delete_trail if count(trail_deleted.deny) == 1 with input as event("DeleteTrail", "org-trail", {})

test_deny_delete_event_data_store if {
	some result in trail_deleted.deny with input as event("DeleteEventDataStore", "", {"eventDataStore": "eds-1"})
	result.evidence.trail == "eds-1"
}

test_pass_create_trail if count(trail_deleted.deny) == 0 with input as event("CreateTrail", "org-trail", {})
