# METADATA
# title: Secret does not rotate automatically
# description: >-
#   A Secrets Manager secret without automatic rotation keeps the same value until
#   someone changes it by hand, so a leaked copy stays valid indefinitely. Secrets
#   managed by another AWS service (owning_service) rotate under that service's
#   control and secrets scheduled for deletion are left out.
# custom:
#   id: aws-secretsmanager-rotation-disabled
#   severity: medium
#   resource_type: aws.secretsmanager.secret
#   controls:
#     soc2: ["CC6.1"]
#     pci-dss-4.0: ["8.6.3"]
#     aws-fsbp: ["SecretsManager.1"]
#   remediation: >-
#     Turn on automatic rotation with a rotation function (console, or
#     RotateSecret with RotationRules), or use a managed rotation where the
#     service offers one.
package custos.aws.secretsmanager.rotation_disabled

import data.custos.lib.secrets

deny contains result if {
	not secrets.owned_by_service(input.resource)
	not secrets.scheduled_for_deletion(input.resource)
	not secrets.rotates(input.resource)
	result := {
		"msg": sprintf("secret %s does not rotate automatically", [input.resource.name]),
		"evidence": {
			"rotation_enabled": false,
			"last_rotated_date": object.get(input.resource, "last_rotated_date", null),
			"last_changed_date": object.get(input.resource, "last_changed_date", null),
		},
	}
}
