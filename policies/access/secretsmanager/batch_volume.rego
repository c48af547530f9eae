# METADATA
# title: Many BatchGetSecretValue calls
# description: >-
#   The principal made at least batch_calls successful BatchGetSecretValue calls in the
#   review window. Each call returns up to 20 secrets; few applications need the batch
#   call at all, and fewer call it repeatedly.
# custom:
#   id: access-secretsmanager-batch-volume
#   severity: medium
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Confirm the need with the principal's owner; otherwise remove
#     secretsmanager:BatchGetSecretValue from its policies.
package custos.access.secretsmanager.batch_volume

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	batch := p.review.batch
	batch.count >= data.custos.config.access.batch_calls
	result := {
		"msg": sprintf("%s made %d BatchGetSecretValue calls", [access.who(p), batch.count]),
		"evidence": {"count": batch.count, "regions": batch.regions, "events": access.events(batch.events)},
	}
}
