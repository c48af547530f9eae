# METADATA
# title: Imported key material deleted
# description: >-
#   A principal deleted the imported key material of a KMS key
#   (DeleteImportedKeyMaterial). The key becomes unusable at once, and only a copy of
#   the same material can bring it back.
# custom:
#   id: access-kms-imported-material-deleted
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Confirm with the key's owner; re-import the same key material (ImportKeyMaterial)
#     from its escrowed copy if the deletion was not planned.
package custos.access.kms.imported_material_deleted

import data.custos.lib.access

deny contains result if {
	input.resource.source == "kms.amazonaws.com"
	input.resource.name == "DeleteImportedKeyMaterial"
	access.succeeded(input.resource)
	result := {
		"msg": sprintf("%s deleted the imported key material of KMS key %s", [access.who(input.context.principal), input.resource.target]),
		"evidence": {"key": input.resource.target, "events": [input.resource.evidence]},
	}
}
