# METADATA
# title: Trail's KMS key is disabled or pending deletion
# description: >-
#   The key the trail encrypts its logs with (context.kms_key) is disabled, pending
#   deletion or unavailable: CloudTrail cannot deliver new log files, and the logs already
#   written become unreadable once the key is deleted.
# custom:
#   id: aws-cloudtrail-key-unusable
#   severity: high
#   resource_type: aws.cloudtrail.trail
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.2.1", "10.5.1"]
#   remediation: >-
#     Cancel the key's deletion (CancelKeyDeletion) or re-enable it (EnableKey), or move
#     the trail to another key (UpdateTrail --kms-key-id) before the key goes.
package custos.aws.cloudtrail.key_unusable

import data.custos.lib.kms

deny contains result if {
	key := input.context.kms_key
	key.key_state in kms.unusable_states
	result := {
		"msg": sprintf("trail %s encrypts its logs with KMS key %s, which is %s", [input.resource.name, kms.label(key), key.key_state]),
		"evidence": {
			"kms_key_arn": key.arn,
			"key_state": key.key_state,
			"deletion_date": object.get(key, "deletion_date", null),
		},
	}
}
