package custos.access.iam.instance_credentials_outside_test

import data.custos.access.iam.instance_credentials_outside

principal(network) := {"resource": {
	"key": "arn:aws:iam::111122223333:role/web-instance", "type": "AssumedRole",
	"baseline": {"days_active": 30, "events": 8000, "networks": 2, "networks_overflow": false},
	"review": {"networks": [network]},
}}

net(value, instance_events, in_baseline, internal) := {
	"value": value, "instance_events": instance_events, "in_baseline": in_baseline,
	"internal": internal, "trusted": false, "sample": [{"id": "e1"}],
}

test_deny_outside if count(instance_credentials_outside.deny) == 1 with input as principal(net("198.51.100.0/24", 4, false, false))

test_pass_known_network if count(instance_credentials_outside.deny) == 0 with input as principal(net("203.0.113.0/24", 400, true, false))

test_pass_vpc_address if count(instance_credentials_outside.deny) == 0 with input as principal(net("10.1.2.0/24", 400, false, true))

test_pass_not_instance_credentials if count(instance_credentials_outside.deny) == 0 with input as principal(net("198.51.100.0/24", 0, false, false))
