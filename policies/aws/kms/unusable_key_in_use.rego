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
	users := concat(" and ", [phrase |
		some [n, noun] in [[count(secrets), "secret"], [count(trails), "trail"]]
		n > 0
		phrase := counted(n, noun)
	])
	result := {
		"msg": sprintf("KMS key %s is %s but still encrypts %s", [kms.label(input.resource), input.resource.key_state, users]),
		"evidence": {
			"key_state": input.resource.key_state,
			"deletion_date": object.get(input.resource, "deletion_date", null),
			"used_by_secrets": sort(secrets),
			"used_by_trails": sort(trails),
		},
	}
}

counted(1, noun) := sprintf("1 %s", [noun])

counted(n, noun) := sprintf("%d %ss", [n, noun]) if n != 1
