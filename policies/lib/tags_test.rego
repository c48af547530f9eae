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
