# METADATA
# title: Trail's KMS key does not rotate
# description: >-
#   The customer-managed key the trail encrypts its logs with (context.kms_key) can rotate
#   automatically but has rotation off. Keys that cannot rotate automatically (asymmetric,
#   HMAC, imported, custom key store) are left out.
# custom:
#   id: aws-cloudtrail-key-rotation-disabled
#   severity: low
#   resource_type: aws.cloudtrail.trail
#   controls:
#     soc2: ["CC6.1"]
#     pci-dss-4.0: ["3.7.4"]
#   remediation: >-
#     Turn on automatic rotation for the key (EnableKeyRotation).
package custos.aws.cloudtrail.key_rotation_disabled

import data.custos.lib.kms

deny contains result if {
	key := input.context.kms_key
	kms.can_rotate(key)
	not key.rotation_enabled
	result := {
		"msg": sprintf("trail %s encrypts its logs with KMS key %s, which does not rotate", [input.resource.name, kms.label(key)]),
		"evidence": {"kms_key_arn": key.arn, "rotation_enabled": false},
	}
}
