# METADATA
# title: KMS key disabled
# description: >-
#   A principal disabled a KMS key (DisableKey). Everything encrypted under the key,
#   secrets included, becomes unreadable until it is enabled again: an outage or a
#   ransom move when unexpected. Failed attempts are left to the AccessDenied burst rule.
# custom:
#   id: access-kms-key-disabled
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Confirm the change with the key's owner; if it was not planned, enable the key
#     (EnableKey) and review the principal's other actions in the window.
package custos.access.kms.key_disabled

import data.custos.lib.access

deny contains result if {
	input.resource.source == "kms.amazonaws.com"
	input.resource.name == "DisableKey"
	access.succeeded(input.resource)
	result := {
		"msg": sprintf("%s disabled KMS key %s", [access.who(input.context.principal), input.resource.target]),
		"evidence": {"key": input.resource.target, "events": [input.resource.evidence]},
	}
}
