package custos.aws.secretsmanager.invalid_tag_values_test

import data.custos.aws.secretsmanager.invalid_tag_values

secret(t) := {"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/a/b-AbCdEf", "name": "prod/a/b", "tags": t}

good := {"owner": "team-payments", "environment": "production", "data-classification": "restricted"}

test_deny_owner_not_a_team_or_email if {
	results := invalid_tag_values.deny with input as {"resource": secret(object.union(good, {"owner": "bob"}))}
	count(results) == 1
	some r in results
	r.msg == "secret prod/a/b has tags with values outside the allowed set: owner=bob"
}

test_deny_unknown_environment_and_tier if {
	results := invalid_tag_values.deny with input as {"resource": secret(object.union(good, {"environment": "prd", "data-classification": "secret"}))}
	some r in results
	[p.tag | some p in r.evidence.invalid_tags] == ["environment", "data-classification"]
}

test_deny_team_not_in_configured_list if {
	count(invalid_tag_values.deny) == 1 with input as {"resource": secret(good)}
		with data.custos.config.tags.owner_team_pattern as ""
		with data.custos.config.tags.owner_teams as ["team-orders"]
}

test_pass_allowed_values if {
	count(invalid_tag_values.deny) == 0 with input as {"resource": secret(good)}
}

test_pass_email_owner_mixed_case_values if {
	count(invalid_tag_values.deny) == 0 with input as {"resource": secret({"owner": "jane.doe@example.com", "environment": "Production", "data-classification": "Internal"})}
}

test_pass_missing_tags_left_to_missing_rule if {
	count(invalid_tag_values.deny) == 0 with input as {"resource": secret({})}
}

test_pass_service_owned if {
	count(invalid_tag_values.deny) == 0 with input as {"resource": object.union(secret({"owner": "bob"}), {"owning_service": "rds"})}
}
