package custos.lib.tags_test

import data.custos.lib.tags

test_missing_tags if {
	tags.missing({"owner": "team-a", "Environment": "prod", "data-classification": " "}, ["owner", "environment", "data-classification"]) == ["data-classification", "environment"]
	tags.missing(null, ["owner"]) == ["owner"]
	tags.missing({"owner": "x"}, ["owner"]) == []
}

test_keys if {
	tags.keys({"b": "1", "a": "2"}) == ["a", "b"]
	tags.keys(null) == []
}

test_value if {
	tags.value({"owner": " a@b.io "}, "owner") == "a@b.io"
	not tags.value({"owner": " "}, "owner")
	not tags.value(null, "owner")
	not tags.value({}, "owner")
}

test_valid_owner if {
	tags.valid_owner("jane.doe@example.com")
	tags.valid_owner("team-payments")
	not tags.valid_owner("jane")
	not tags.valid_owner("jane@localhost")
	not tags.valid_owner("Team-Payments")
	tags.valid_owner("payments") with data.custos.config.tags.owner_teams as ["payments"]
	not tags.valid_owner("team-payments") with data.custos.config.tags.owner_team_pattern as ""
}

test_invalid if {
	tags.invalid({"owner": "jane", "environment": "prd", "data-classification": "secret"}) == [
		{"tag": "owner", "value": "jane", "allowed": "an e-mail address, or a team matching ^team-[a-z0-9]+(-[a-z0-9]+)*$"},
		{"tag": "environment", "value": "prd", "allowed": "production, staging, development, test, sandbox"},
		{"tag": "data-classification", "value": "secret", "allowed": "public, internal, confidential, restricted"},
	]
	tags.invalid({"owner": "a@b.io", "environment": "Production", "data-classification": "Restricted"}) == []
	tags.invalid({}) == []
	tags.invalid(null) == []
}

test_production if {
	tags.production({"environment": "Production"})
	not tags.production({"environment": "staging"})
	not tags.production({})
	tags.production({"environment": "prod"}) with data.custos.config.tags.production_environments as ["prod"]
}
