package custos.aws.secretsmanager.too_many_readers_test

import data.custos.aws.secretsmanager.too_many_readers

secret(t) := {"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/a/b-AbCdEf", "name": "prod/a/b", "tags": t}

reader(i, definite) := {
	"principal": sprintf("arn:aws:iam::111122223333:role/r%d", [i]),
	"kind": "role", "account": "111122223333", "definite": definite, "tags": {},
}

readers(n, definite) := [reader(i, definite) | some i in numbers.range(1, n)]

test_deny_over_default_limit if {
	results := too_many_readers.deny with input as {"resource": secret({}), "context": {"readers": readers(11, true)}}
	count(results) == 1
	some r in results
	count(r.evidence.readers) == 11
	r.evidence.max_readers == 10
}

test_deny_restricted_tier_limit if {
	results := too_many_readers.deny with input as {"resource": secret({"data-classification": "restricted"}), "context": {"readers": readers(6, true)}}
	some r in results
	r.evidence.max_readers == 5
}

test_pass_at_limit if {
	count(too_many_readers.deny) == 0 with input as {"resource": secret({}), "context": {"readers": readers(10, true)}}
}

# Trap: conditional readers (a condition custos cannot decide) are not counted.
test_pass_conditional_readers_not_counted if {
	count(too_many_readers.deny) == 0 with input as {"resource": secret({}), "context": {"readers": array.concat(readers(4, true), readers(20, false))}}
}

# Trap: one principal reachable through several paths counts once.
test_pass_duplicate_paths_count_once if {
	dup := [reader(1, true) | some _ in numbers.range(1, 15)]
	count(too_many_readers.deny) == 0 with input as {"resource": secret({}), "context": {"readers": dup}}
}

test_pass_no_context if {
	count(too_many_readers.deny) == 0 with input as {"resource": secret({})}
}
