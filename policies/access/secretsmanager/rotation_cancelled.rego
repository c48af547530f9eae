# METADATA
# title: Secret rotation cancelled
# description: >-
#   A principal turned off automatic rotation of a secret (CancelRotateSecret). The
#   credential then lives until someone rotates it by hand; an attacker who read it
#   keeps using it.
# custom:
#   id: access-secretsmanager-rotation-cancelled
#   severity: medium
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Turn rotation back on (RotateSecret with a schedule) unless the secret's owner
#     confirms the change.
package custos.access.secretsmanager.rotation_cancelled

import data.custos.lib.access

deny contains result if {
	input.resource.source == "secretsmanager.amazonaws.com"
	input.resource.name == "CancelRotateSecret"
	access.succeeded(input.resource)
	result := {
		"msg": sprintf("%s cancelled the rotation of secret %s", [access.who(input.context.principal), input.resource.target]),
		"evidence": {"secret": input.resource.target, "events": [input.resource.evidence]},
	}
}
