package custos.aws.secretsmanager.customer_key_required_test

import data.custos.aws.secretsmanager.customer_key_required

secret := {
	"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/pay/db-AbCdEf",
	"name": "prod/pay/db",
	"tags": {"data-classification": "restricted"},
}

test_deny_restricted_on_aws_managed_key if {
	results := customer_key_required.deny with input as {"resource": secret, "context": {"aws_managed_key": true}}
	count(results) == 1
	some r in results
	r.evidence.classification == "restricted"
}

test_deny_default_tier if {
	count(customer_key_required.deny) == 1 with input as {"resource": object.union(object.remove(secret, ["tags"]), {"tags": {}}), "context": {"aws_managed_key": true}}
		with data.custos.config.classification.default_tier as "confidential"
}

test_pass_customer_key if {
	count(customer_key_required.deny) == 0 with input as {"resource": secret, "context": {"aws_managed_key": false}}
}

test_pass_internal_tier if {
	count(customer_key_required.deny) == 0 with input as {"resource": object.union(object.remove(secret, ["tags"]), {"tags": {"data-classification": "internal"}}), "context": {"aws_managed_key": true}}
}

test_pass_unclassified if {
	count(customer_key_required.deny) == 0 with input as {"resource": object.union(object.remove(secret, ["tags"]), {"tags": {}}), "context": {"aws_managed_key": true}}
}
