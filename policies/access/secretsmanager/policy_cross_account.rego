# METADATA
# title: Secret resource policy grants another account
# description: >-
#   A principal attached a resource policy to a secret (PutResourcePolicy) that grants
#   an account that is neither the secret's own nor in trusted_accounts. Principals of
#   that account can then read the secret if their own policies allow it. One finding
#   per foreign account.
# custom:
#   id: access-secretsmanager-policy-cross-account
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC6.1", "CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Remove the account from the secret's resource policy unless the grant is intended;
#     add an intended account to trusted_accounts so that the decision is recorded.
package custos.access.secretsmanager.policy_cross_account

import data.custos.lib.access
import data.custos.lib.iam

deny contains result if {
	input.resource.source == "secretsmanager.amazonaws.com"
	input.resource.name == "PutResourcePolicy"
	access.succeeded(input.resource)
	some account in iam.foreign_accounts(input.context.policy, input.resource.target_account, data.custos.config.trusted_accounts)
	result := {
		"msg": sprintf("%s attached a resource policy to secret %s that grants account %s, which is not trusted", [access.who(input.context.principal), input.resource.target, account]),
		"evidence": {
			"secret": input.resource.target, "account": account,
			"statements": iam.statements_granting(input.context.policy, account),
			"events": [input.resource.evidence],
		},
		"discriminator": account,
	}
}
