package custos.access.principal.new_user_agent_test

import data.custos.access.principal.new_user_agent

principal(agents) := {"resource": {
	"key": "arn:aws:iam::111122223333:role/app", "type": "AssumedRole",
	"baseline": {"days_active": 30, "events": 9000, "user_agent_families": ["aws-sdk-go-v2"]},
	"review": {"user_agents": agents},
}}

agent(value, family, in_baseline, access_events) := {"value": value, "family": family, "in_baseline": in_baseline, "access_events": access_events, "events": access_events, "sample": [{"id": value}]}

test_deny_cli if {
	results := new_user_agent.deny with input as principal([
		agent("aws-cli/2.15.0 Python/3.11", "aws-cli", false, 2),
		agent("aws-cli/2.15.1 Python/3.11", "aws-cli", false, 1),
	])
	count(results) == 1
	some result in results
	count(result.evidence.user_agents) == 2
}

test_pass_same_sdk_new_version if count(new_user_agent.deny) == 0 with input as principal([agent("aws-sdk-go-v2/1.30.0", "aws-sdk-go-v2", true, 5)])

test_pass_new_client_without_access if count(new_user_agent.deny) == 0 with input as principal([agent("aws-cli/2.15.0", "aws-cli", false, 0)])
