# METADATA
# title: Customer-managed KMS key does not rotate automatically
# description: >-
#   A customer-managed symmetric encryption key with key material from KMS can rotate
#   its material automatically; without rotation, everything ever encrypted under it
#   stays exposed to one leaked key. Asymmetric, HMAC, imported (EXTERNAL) and custom
#   key store keys cannot rotate automatically and AWS-managed keys rotate on their
#   own; they are not findings, nor are keys pending deletion.
# custom:
#   id: aws-kms-rotation-disabled
#   severity: medium
#   resource_type: aws.kms.key
#   controls:
#     soc2: ["CC6.1"]
#     pci-dss-4.0: ["3.7.4"]
#     cis-aws-3.0: ["3.6"]
#     aws-fsbp: ["KMS.4"]
#   remediation: >-
#     Turn on automatic rotation for the key (console, or EnableKeyRotation with a
#     RotationPeriodInDays no longer than keys.rotation_max_days). For a multi-Region
#     key, change it on the primary key.
package custos.aws.kms.rotation_disabled

import data.custos.lib.kms

deny contains result if {
	kms.can_rotate(input.resource)
	not input.resource.rotation_enabled == true
	result := {
		"msg": sprintf("KMS key %s does not rotate its key material automatically", [kms.label(input.resource)]),
		"evidence": {
			"rotation_enabled": false,
			"key_spec": input.resource.key_spec,
			"origin": input.resource.origin,
			"key_state": input.resource.key_state,
		},
	}
}
