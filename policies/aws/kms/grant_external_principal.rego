# METADATA
# title: KMS grant lets a principal of an untrusted account use the key
# description: >-
#   A grant on the key names a grantee principal in an account that is neither the key's
#   own nor listed in trusted_accounts. Grants bypass the key policy: the grantee can
#   perform the granted operations until the grant is retired or revoked, and grants do
#   not show in the key policy anyone reviews. One finding per grant. Grants to AWS
#   service principals are left out.
# custom:
#   id: aws-kms-grant-external-principal
#   severity: high
#   resource_type: aws.kms.key
#   controls:
#     soc2: ["CC6.1", "CC6.6"]
#     pci-dss-4.0: ["3.6.1"]
#   remediation: >-
#     Revoke the grant (RevokeGrant) unless the account is meant to use the key; in that
#     case add it to trusted_accounts in .custos.yaml so the decision is recorded.
package custos.aws.kms.grant_external_principal

import data.custos.lib.iam
import data.custos.lib.kms

owner := iam.owner_account(object.get(input, "account", {}), input.resource.arn)

deny contains result if {
	some grant in object.get(input.resource, "grants", [])
	account := kms.grantee_account(grant.grantee_principal)
	account != owner
	not account in data.custos.config.trusted_accounts
	result := {
		"msg": sprintf("KMS key %s has grant %s for %s in account %s, which is not trusted", [
			kms.label(input.resource), grant_name(grant), grant.grantee_principal, account,
		]),
		"evidence": {
			"grant_id": grant.grant_id,
			"grantee_principal": grant.grantee_principal,
			"account": account,
			"operations": object.get(grant, "operations", []),
			"constraints": object.get(grant, "constraints", null),
		},
		"discriminator": grant.grant_id,
	}
}

grant_name(grant) := grant.name if {
	is_string(grant.name)
	grant.name != ""
} else := grant.grant_id
