package custos.access.secretsmanager.batch_negated_filter_test

import data.custos.access.secretsmanager.batch_negated_filter

event(request) := {
	"resource": {"source": "secretsmanager.amazonaws.com", "name": "BatchGetSecretValue", "error_code": "", "request": request, "evidence": {"id": "e1"}},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:user/mallory"}},
}

test_deny_negated_tag_key if {
	some result in batch_negated_filter.deny with input as event({"filters": [{"key": "tag-key", "values": ["!nonexistent"]}]})
	result.evidence.filters == ["tag-key=!nonexistent"]
}

test_pass_positive_filter if count(batch_negated_filter.deny) == 0 with input as event({"filters": [{"key": "tag-key", "values": ["app"]}]})

test_pass_id_list if count(batch_negated_filter.deny) == 0 with input as event({"secretIdCount": 3})
