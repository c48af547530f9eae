# METADATA
# title: KMS grant allows decryption without an encryption context constraint
# description: >-
#   A grant on the key lets its grantee decrypt (Decrypt, ReEncryptFrom), create data keys
#   (GenerateDataKey, GenerateDataKeyPair) or pass the grant on (CreateGrant) with no
#   encryption context constraint, so it covers every ciphertext of the key rather than
#   the data it was created for. Grants AWS services create for their own principals
#   (service principals and service-linked roles) are left out. One finding per grant.
# custom:
#   id: aws-kms-grant-unconstrained
#   severity: medium
#   resource_type: aws.kms.key
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["3.6.1"]
#   remediation: >-
#     Replace the grant with one limited to the encryption context of the data it is for
#     (CreateGrant --constraints EncryptionContextSubset=…), then revoke the old one
#     (RevokeGrant).
package custos.aws.kms.grant_unconstrained

import data.custos.lib.kms

sensitive_operations := {
	"Decrypt", "ReEncryptFrom", "GenerateDataKey", "GenerateDataKeyPair",
	"GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPairWithoutPlaintext", "CreateGrant",
}

deny contains result if {
	some grant in object.get(input.resource, "grants", [])
	not kms.service_grantee(grant.grantee_principal)
	not kms.constrained(grant)
	ops := sort({op | some op in object.get(grant, "operations", []); op in sensitive_operations})
	count(ops) > 0
	result := {
		"msg": sprintf("KMS key %s has grant %s allowing %s to %s for any encryption context", [
			kms.label(input.resource), object.get(grant, "name", grant.grant_id), grant.grantee_principal, concat(", ", ops),
		]),
		"evidence": {
			"grant_id": grant.grant_id,
			"grantee_principal": grant.grantee_principal,
			"operations": ops,
		},
		"discriminator": grant.grant_id,
	}
}
