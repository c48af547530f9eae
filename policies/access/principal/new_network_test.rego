package custos.access.principal.new_network_test

import data.custos.access.principal.new_network

principal(days, baseline_networks, network) := {"resource": {
	"key": "arn:aws:iam::111122223333:user/alice", "type": "IAMUser",
	"baseline": {"days_active": days, "events": 400, "networks": baseline_networks, "networks_overflow": false},
	"review": {"networks": [network]},
}}

net(in_baseline, access_events) := {"value": "198.51.100.0/24", "in_baseline": in_baseline, "internal": false, "trusted": false, "access_events": access_events, "events": 3, "sample": [{"id": "e1"}]}

test_deny_new_network if count(new_network.deny) == 1 with input as principal(20, 2, net(false, 3))

test_pass_known_network if count(new_network.deny) == 0 with input as principal(20, 2, net(true, 3))

test_pass_no_access_from_it if count(new_network.deny) == 0 with input as principal(20, 2, net(false, 0))

test_pass_roaming_principal if count(new_network.deny) == 0 with input as principal(20, 300, net(false, 3))

test_pass_no_history if count(new_network.deny) == 0 with input as principal(1, 1, net(false, 3))
