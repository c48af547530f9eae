# METADATA
# title: KMS key policy opened to everyone or to another account
# description: >-
#   A principal set a key policy (PutKeyPolicy) with an Allow statement open to anyone
#   without a narrowing condition, or granting an account that is neither the key's own
#   nor in trusted_accounts. Whoever the policy names can then use the key for the
#   operations it allows, decryption included. One finding per public policy or per
#   foreign account.
# custom:
#   id: access-kms-key-policy-external
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC6.1", "CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Restore the previous key policy (PutKeyPolicy) unless the grant is intended; add
#     an intended account to trusted_accounts so that the decision is recorded.
package custos.access.kms.key_policy_external

import data.custos.lib.access
import data.custos.lib.iam

applies if {
	input.resource.source == "kms.amazonaws.com"
	input.resource.name == "PutKeyPolicy"
	access.succeeded(input.resource)
}

deny contains result if {
	applies
	statements := iam.public_statements(input.context.policy)
	count(statements) > 0
	result := {
		"msg": sprintf("%s set a key policy on KMS key %s that opens it to anyone", [access.who(input.context.principal), input.resource.target]),
		"evidence": {"key": input.resource.target, "statements": statements, "events": [input.resource.evidence]},
		"severity": "critical",
		"discriminator": "public",
	}
}

deny contains result if {
	applies
	some account in iam.foreign_accounts(input.context.policy, input.resource.target_account, data.custos.config.trusted_accounts)
	result := {
		"msg": sprintf("%s set a key policy on KMS key %s that grants account %s, which is not trusted", [access.who(input.context.principal), input.resource.target, account]),
		"evidence": {
			"key": input.resource.target, "account": account,
			"statements": iam.statements_granting(input.context.policy, account),
			"events": [input.resource.evidence],
		},
		"discriminator": account,
	}
}
