# METADATA
# title: Secrets or keys accessed with a new kind of client
# description: >-
#   The principal read secrets or used keys with a user-agent family (aws-cli, boto3,
#   aws-sdk-go-v2, console, terraform, …; versions ignored) it never used in the
#   baseline window. An application's role suddenly driven from the CLI is a stolen
#   credential in someone's shell. Judged only for principals with a history
#   (learning_days, min_baseline_events). One finding per family.
# custom:
#   id: access-principal-new-user-agent
#   severity: low
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Confirm with the principal's owner who used the new client; if unexplained,
#     revoke the principal's sessions or keys.
package custos.access.principal.new_user_agent

import data.custos.lib.access

new_families[family] contains agent if {
	p := input.resource
	some agent in p.review.user_agents
	agent.access_events > 0
	not agent.in_baseline
	family := agent.family
}

deny contains result if {
	p := input.resource
	access.judged(p)
	access.learned(p)
	some family, agents in new_families
	values := sort([a.value | some a in agents])
	result := {
		"msg": sprintf("%s read secrets or used keys with %s, a client new to it", [access.who(p), family]),
		"evidence": {
			"family": family, "user_agents": values,
			"baseline_families": p.baseline.user_agent_families,
			"events": access.events([e | some a in agents; some e in a.sample]),
		},
		"discriminator": family,
	}
}
