# METADATA
# title: Secret's data classification requires a customer-managed key
# description: >-
#   The secret's data classification tier (its classification tag, or
#   classification.default_tier) sets require_customer_key, yet the secret is encrypted
#   with the AWS-managed key aws/secretsmanager (context.aws_managed_key). With the
#   AWS-managed key, IAM alone decides who can decrypt: there is no key policy to narrow
#   it, no separate audit of key use and no way to revoke decryption for one secret.
#   By default confidential and restricted secrets need a customer key.
# custom:
#   id: aws-secretsmanager-customer-key-required
#   severity: medium
#   resource_type: aws.secretsmanager.secret
#   controls:
#     soc2: ["CC6.1"]
#   remediation: >-
#     Create a customer-managed KMS key whose key policy lets only the secret's readers
#     decrypt through Secrets Manager (kms:ViaService), then re-encrypt the secret with it
#     (UpdateSecret --kms-key-id).
package custos.aws.secretsmanager.customer_key_required

import data.custos.lib.classification
import data.custos.lib.secrets

deny contains result if {
	not secrets.scheduled_for_deletion(input.resource)
	resource_tags := object.get(input.resource, "tags", {})
	classification.requires_customer_key(resource_tags)
	object.get(input, ["context", "aws_managed_key"], false) == true
	tier := classification.tier(resource_tags)
	result := {
		"msg": sprintf("secret %s is classified %s but encrypted with the AWS-managed key", [input.resource.name, tier]),
		"evidence": {
			"classification": tier,
			"kms_key_id": object.get(input.resource, "kms_key_id", ""),
		},
	}
}
