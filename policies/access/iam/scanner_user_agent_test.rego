package custos.access.iam.scanner_user_agent_test

import data.custos.access.iam.scanner_user_agent

principal(ua) := {"resource": {
	"key": "arn:aws:iam::111122223333:user/deploy", "type": "IAMUser",
	"review": {"user_agents": [{"value": ua, "family": "x", "events": 1, "sample": [{"id": "e1"}]}]},
}}

test_deny_trufflehog if {
	some result in scanner_user_agent.deny with input as principal("TruffleHog")
	result.evidence.tool == "trufflehog"
}

test_deny_kali if count(scanner_user_agent.deny) == 1 with input as principal("aws-cli/2.13.5 Python/3.11.4 Linux/6.3.0-kali1-amd64 exe/x86_64.kali.2023")

test_pass_aws_cli if count(scanner_user_agent.deny) == 0 with input as principal("aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.ubuntu.22")
