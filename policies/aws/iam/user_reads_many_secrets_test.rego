package custos.aws.iam.user_reads_many_secrets_test

import data.custos.aws.iam.user_reads_many_secrets as rule

principal := {"arn": "arn:aws:iam::111122223333:user/ops", "name": "ops"}

secrets(n, definite) := [{"arn": sprintf("arn:aws:secretsmanager:eu-west-1:111122223333:secret:s%03d-AbCdEf", [i]), "definite": definite, "tags": {}} | some i in numbers.range(1, n)]

test_deny_over_limit if {
	results := rule.deny with input as {"resource": principal, "context": {"readable_secrets": secrets(26, true)}}
	count(results) == 1
	some r in results
	r.evidence.readable_secrets == 26
	count(r.evidence.first_secrets) == 20
}

test_deny_lower_limit if {
	count(rule.deny) == 1 with input as {"resource": principal, "context": {"readable_secrets": secrets(3, true)}}
		with data.custos.config.iam.max_readable_secrets as 2
}

test_pass_at_limit if {
	count(rule.deny) == 0 with input as {"resource": principal, "context": {"readable_secrets": secrets(25, true)}}
}

# Trap: secrets readable only under an undecidable condition do not count.
test_pass_conditional_not_counted if {
	count(rule.deny) == 0 with input as {"resource": principal, "context": {"readable_secrets": secrets(100, false)}}
}

test_pass_no_context if {
	count(rule.deny) == 0 with input as {"resource": principal, "context": {"policies": []}}
}
