# METADATA
# title: Secret resource policy made public
# description: >-
#   A principal attached a resource policy to a secret (PutResourcePolicy) with an Allow
#   statement open to anyone without a narrowing condition. Secrets Manager blocks such
#   policies only when BlockPublicPolicy is set on the request.
# custom:
#   id: access-secretsmanager-policy-public
#   severity: critical
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC6.1", "CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Remove the statement (PutResourcePolicy with BlockPublicPolicy, or
#     DeleteResourcePolicy), rotate the secret, and review who read it since.
package custos.access.secretsmanager.policy_public

import data.custos.lib.access
import data.custos.lib.iam

deny contains result if {
	input.resource.source == "secretsmanager.amazonaws.com"
	input.resource.name == "PutResourcePolicy"
	access.succeeded(input.resource)
	statements := iam.public_statements(input.context.policy)
	count(statements) > 0
	result := {
		"msg": sprintf("%s attached a resource policy to secret %s that opens it to anyone", [access.who(input.context.principal), input.resource.target]),
		"evidence": {"secret": input.resource.target, "statements": statements, "events": [input.resource.evidence]},
	}
}
