# METADATA
# title: Imported key material expires soon or has expired
# description: >-
#   The key uses imported key material (origin EXTERNAL) that expires (valid_to) within
#   keys.material_expiry_warning_days days, or already has. When it expires KMS deletes
#   the material: the key becomes unusable (PendingImport) and everything encrypted under
#   it is unreadable until the same material is imported again.
# custom:
#   id: aws-kms-imported-material-expiring
#   severity: high
#   resource_type: aws.kms.key
#   controls:
#     pci-dss-4.0: ["3.7.4"]
#   remediation: >-
#     Re-import the same key material with a later expiry (GetParametersForImport, then
#     ImportKeyMaterial with a new ValidTo), or set it not to expire
#     (ExpirationModel KEY_MATERIAL_DOES_NOT_EXPIRE).
package custos.aws.kms.imported_material_expiring

import data.custos.lib.kms
import data.custos.lib.time as clock

deny contains result if {
	input.resource.origin == "EXTERNAL"
	valid_to := input.resource.valid_to
	is_string(valid_to)
	left := clock.days_between(input.now, valid_to)
	warning := data.custos.config.keys.material_expiry_warning_days
	left <= warning
	result := {
		"msg": sprintf("KMS key %s has imported key material that %s", [kms.label(input.resource), when(left)]),
		"evidence": {
			"valid_to": valid_to,
			"days_left": clock.whole_days(left),
			"warning_days": warning,
			"key_state": object.get(input.resource, "key_state", null),
		},
	}
}

when(left) := sprintf("expires in %d days", [clock.whole_days(left)]) if left >= 0

else := sprintf("expired %d days ago", [clock.whole_days(0 - left)])
