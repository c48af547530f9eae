package custos.access.iam.key_multiple_networks_test

import data.custos.access.iam.key_multiple_networks

principal(networks) := {"resource": {
	"key": "arn:aws:iam::111122223333:user/deploy", "type": "IAMUser",
	"review": {"access_key": {
		"access_key_id": "AKIAIOSFODNN7EXAMPLE", "count": count(networks),
		"start": "2024-05-01T03:00:00Z", "end": "2024-05-01T03:10:00Z",
		"items": [n.network | some n in networks], "networks": networks, "events": [],
	}},
}}

office := {"network": "203.0.113.0/24", "in_baseline": true, "trusted": false}

elsewhere := {"network": "198.51.100.0/24", "in_baseline": false, "trusted": false}

test_deny_two_places if count(key_multiple_networks.deny) == 1 with input as principal([office, elsewhere])

test_pass_one_network if count(key_multiple_networks.deny) == 0 with input as principal([office])

test_pass_known_networks if {
	count(key_multiple_networks.deny) == 0 with input as principal([office, {"network": "192.0.2.0/24", "in_baseline": true, "trusted": false}])
}
