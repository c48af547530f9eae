# METADATA
# title: KMS key policy changed
# description: >-
#   A principal replaced a key policy (PutKeyPolicy) with one that stays within the
#   key's account and trusted accounts. Key policies decide who can decrypt; a change
#   outside change management deserves a look. Policies that open the key to anyone or
#   to another account are reported by access-kms-key-policy-external instead.
# custom:
#   id: access-kms-key-policy-changed
#   severity: medium
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Compare the new key policy with the previous one (GetKeyPolicy, the event's
#     request in CloudTrail) and confirm the change with the key's owner.
package custos.access.kms.key_policy_changed

import data.custos.lib.access
import data.custos.lib.iam

deny contains result if {
	input.resource.source == "kms.amazonaws.com"
	input.resource.name == "PutKeyPolicy"
	access.succeeded(input.resource)
	not external
	result := {
		"msg": sprintf("%s changed the key policy of KMS key %s", [access.who(input.context.principal), input.resource.target]),
		"evidence": {
			"key": input.resource.target,
			"policy_readable": input.context.policy != null,
			"events": [input.resource.evidence],
		},
	}
}

external if count(iam.public_statements(input.context.policy)) > 0

external if count(iam.foreign_accounts(input.context.policy, input.resource.target_account, data.custos.config.trusted_accounts)) > 0
