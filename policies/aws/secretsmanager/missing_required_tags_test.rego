package custos.aws.secretsmanager.missing_required_tags_test

import data.custos.aws.secretsmanager.missing_required_tags

secret := {
	"arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf",
	"name": "prod/db",
	"region": "eu-west-1",
	"tags": {"owner": "payments", "environment": "prod", "data-classification": "confidential"},
}

with_tags(tags) := object.union(object.remove(secret, ["tags"]), {"tags": tags})

test_deny_one_finding_listing_missing_tags if {
	results := missing_required_tags.deny with input as {"resource": with_tags({"owner": "payments"})}
	count(results) == 1
	some r in results
	r.evidence.missing_tags == ["data-classification", "environment"]
	r.evidence.present_tags == ["owner"]
}

test_deny_key_case_differs if {
	results := missing_required_tags.deny with input as {"resource": with_tags({"Owner": "payments", "environment": "prod", "data-classification": "internal"})}
	some r in results
	r.evidence.missing_tags == ["owner"]
}

test_deny_blank_value if {
	count(missing_required_tags.deny) == 1 with input as {"resource": with_tags({"owner": "  ", "environment": "prod", "data-classification": "internal"})}
}

test_deny_null_tags if {
	results := missing_required_tags.deny with input as {"resource": with_tags(null)}
	some r in results
	r.evidence.missing_tags == ["data-classification", "environment", "owner"]
}

test_deny_configured_tags if {
	results := missing_required_tags.deny with input as {"resource": secret}
		with data.custos.config.required_tags as ["cost-center"]
	some r in results
	r.evidence.missing_tags == ["cost-center"]
}

test_pass_all_tags_present if {
	count(missing_required_tags.deny) == 0 with input as {"resource": secret}
}

test_pass_no_required_tags if {
	count(missing_required_tags.deny) == 0 with input as {"resource": with_tags({})}
		with data.custos.config.required_tags as []
}

test_pass_owned_by_service if {
	count(missing_required_tags.deny) == 0 with input as {"resource": object.union(with_tags({}), {"owning_service": "rds"})}
}
