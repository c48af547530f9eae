package custos.aws.secretsmanager.production_readable_by_nonproduction_test

import data.custos.aws.secretsmanager.production_readable_by_nonproduction as rule

secret(env) := {"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/a/b-AbCdEf", "name": "prod/a/b", "tags": {"environment": env}}

reader(name, t, definite) := {
	"principal": sprintf("arn:aws:iam::111122223333:role/%s", [name]),
	"kind": "role", "account": "111122223333", "definite": definite, "tags": t,
}

test_deny_staging_role_reads_production if {
	results := rule.deny with input as {"resource": secret("production"), "context": {"readers": [
		reader("api", {"environment": "production"}, true),
		reader("staging-api", {"environment": "Staging"}, true),
	]}}
	count(results) == 1
	some r in results
	r.evidence.non_production_readers == ["arn:aws:iam::111122223333:role/staging-api (staging)"]
}

test_deny_custom_production_values if {
	count(rule.deny) == 1 with input as {"resource": secret("prod"), "context": {"readers": [reader("dev", {"environment": "dev"}, true)]}}
		with data.custos.config.tags.production_environments as ["prod"]
}

test_pass_only_production_readers if {
	count(rule.deny) == 0 with input as {"resource": secret("production"), "context": {"readers": [reader("api", {"environment": "production"}, true)]}}
}

test_pass_untagged_reader if {
	count(rule.deny) == 0 with input as {"resource": secret("production"), "context": {"readers": [reader("ci", {}, true), {"principal": "111122223333", "kind": "account", "definite": true}]}}
}

test_pass_conditional_reader if {
	count(rule.deny) == 0 with input as {"resource": secret("production"), "context": {"readers": [reader("dev", {"environment": "development"}, false)]}}
}

test_pass_non_production_secret if {
	count(rule.deny) == 0 with input as {"resource": secret("staging"), "context": {"readers": [reader("dev", {"environment": "development"}, true)]}}
}
