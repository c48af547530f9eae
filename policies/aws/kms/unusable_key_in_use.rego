# METADATA
# title: KMS key that secrets or trails use is disabled or pending deletion
# description: >-
#   The key is disabled, pending deletion or unavailable while Secrets Manager secrets or
#   CloudTrail trails still encrypt with it: the secrets cannot be read or rotated and
#   the trail cannot deliver logs, and once the key is deleted the data it protects is
#   lost for good.
# custom:
#   id: aws-kms-unusable-key-in-use
#   severity: high
#   resource_type: aws.kms.key
#   controls:
#     aws-fsbp: ["KMS.3"]
#   remediation: >-
#     Cancel the deletion (CancelKeyDeletion) or re-enable the key (EnableKey), or first
#     move every secret (UpdateSecret --kms-key-id) and trail (UpdateTrail --kms-key-id)
#     listed in the evidence to another key.
package custos.aws.kms.unusable_key_in_use

import data.custos.lib.kms

unusable_states := {"Disabled", "PendingDeletion", "PendingReplicaDeletion", "Unavailable"}

deny contains result if {
	input.resource.key_state in unusable_states
	secrets := [arn | some arn in object.get(input, ["context", "used_by_secrets"], [])]
	trails := [arn | some arn in object.get(input, ["context", "used_by_trails"], [])]
	count(secrets) + count(trails) > 0
	result := {
		"msg": sprintf(
			"KMS key %s is %s but %d secrets and %d trails still encrypt with it",
			[kms.label(input.resource), input.resource.key_state, count(secrets), count(trails)],
		),
		"evidence": {
			"key_state": input.resource.key_state,
			"deletion_date": object.get(input.resource, "deletion_date", null),
			"used_by_secrets": sort(secrets),
			"used_by_trails": sort(trails),
		},
	}
}
