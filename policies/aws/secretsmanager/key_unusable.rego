# METADATA
# title: Secret is encrypted with a disabled or deleted KMS key
# description: >-
#   The KMS key the secret is encrypted with (context.kms_key) is disabled, pending
#   deletion or unavailable: nobody can read or rotate the secret, and once the key is
#   deleted the value is lost for good. Secrets scheduled for deletion are left out.
# custom:
#   id: aws-secretsmanager-key-unusable
#   severity: high
#   resource_type: aws.secretsmanager.secret
#   controls: {}
#   remediation: >-
#     Re-enable the key (EnableKey) or cancel its deletion (CancelKeyDeletion), then move
#     the secret to a key that stays (UpdateSecret --kms-key-id) if the key is retiring.
package custos.aws.secretsmanager.key_unusable

import data.custos.lib.kms
import data.custos.lib.secrets

deny contains result if {
	not secrets.scheduled_for_deletion(input.resource)
	key := input.context.kms_key
	key.key_state in kms.unusable_states
	result := {
		"msg": sprintf("secret %s is encrypted with KMS key %s, which is %s", [input.resource.name, kms.label(key), key.key_state]),
		"evidence": {
			"kms_key_arn": key.arn,
			"key_state": key.key_state,
			"deletion_date": object.get(key, "deletion_date", null),
		},
	}
}
