# METADATA
# title: Calls with the user agent of a secret scanner or attack tool
# description: >-
#   The principal made calls whose user agent contains a fragment listed in
#   scanner_user_agents (TruffleHog, Pacu, Kali and Parrot Linux builds, ScoutSuite,
#   …). Secret scanners check the keys they find with a call of their own: such a call
#   means the principal's key has leaked. One finding per user agent.
# custom:
#   id: access-iam-scanner-user-agent
#   severity: high
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Unless the tool is your own sanctioned scanner (then remove it from
#     scanner_user_agents or suppress the finding), treat the key as leaked: deactivate
#     and rotate it and find where it was exposed.
package custos.access.iam.scanner_user_agent

import data.custos.lib.access

deny contains result if {
	p := input.resource
	some agent in p.review.user_agents
	ua := lower(agent.value)
	matches := [fragment | some fragment in data.custos.config.access.scanner_user_agents; contains(ua, fragment)]
	count(matches) > 0
	result := {
		"msg": sprintf("%s made %d calls with user agent %q (%s)", [access.who(p), agent.events, agent.value, matches[0]]),
		"evidence": {"user_agent": agent.value, "tool": matches[0], "count": agent.events, "events": access.events(agent.sample)},
		"discriminator": agent.value,
	}
}
