# METADATA
# title: KMS key scheduled for deletion
# description: >-
#   A principal scheduled a KMS key for deletion (ScheduleKeyDeletion). When the waiting
#   period ends, data encrypted under the key is lost for good. The pending window is in
#   the evidence: a short one leaves little time to cancel.
# custom:
#   id: access-kms-key-deletion-scheduled
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     If the deletion was not planned, cancel it (CancelKeyDeletion) before the pending
#     window ends and re-enable the key.
package custos.access.kms.key_deletion_scheduled

import data.custos.lib.access

deny contains result if {
	input.resource.source == "kms.amazonaws.com"
	input.resource.name == "ScheduleKeyDeletion"
	access.succeeded(input.resource)
	days := object.get(input.resource.request, "pendingWindowInDays", 30)
	result := {
		"msg": sprintf("%s scheduled KMS key %s for deletion in %v days", [access.who(input.context.principal), input.resource.target, days]),
		"evidence": {"key": input.resource.target, "pending_window_days": days, "events": [input.resource.evidence]},
	}
}
