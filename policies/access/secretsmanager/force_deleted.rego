# METADATA
# title: Secret deleted without a recovery window
# description: >-
#   A principal deleted a secret with ForceDeleteWithoutRecovery (DeleteSecret). The
#   secret is gone at once: no RestoreSecret, and every application that reads it
#   fails. Deletions with a recovery window can still be undone and are not reported.
# custom:
#   id: access-secretsmanager-force-deleted
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Recreate the secret from its source of truth and rotate the credential it held;
#     deny secretsmanager:DeleteSecret with ForceDeleteWithoutRecovery through a
#     condition on secretsmanager:ForceDeleteWithoutRecovery.
package custos.access.secretsmanager.force_deleted

import data.custos.lib.access

deny contains result if {
	input.resource.source == "secretsmanager.amazonaws.com"
	input.resource.name == "DeleteSecret"
	access.succeeded(input.resource)
	object.get(input.resource.request, "forceDeleteWithoutRecovery", false) == true
	result := {
		"msg": sprintf("%s deleted secret %s without a recovery window", [access.who(input.context.principal), input.resource.target]),
		"evidence": {"secret": input.resource.target, "events": [input.resource.evidence]},
	}
}
