# METADATA
# title: KMS grant given to another account
# description: >-
#   A principal created a grant on a KMS key (CreateGrant) for a grantee in an account
#   that is neither the key's own nor in trusted_accounts. A grant lets the grantee use
#   the key without any change to the key policy, and is easy to miss.
# custom:
#   id: access-kms-grant-cross-account
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC6.1", "CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Retire or revoke the grant (RevokeGrant) unless it is intended; list the key's
#     grants (ListGrants) for others of the same kind.
package custos.access.kms.grant_cross_account

import data.custos.lib.access

deny contains result if {
	input.resource.source == "kms.amazonaws.com"
	input.resource.name == "CreateGrant"
	access.succeeded(input.resource)
	grantee := object.get(input.resource.request, "granteePrincipal", "")
	account := grantee_account(grantee)
	account != ""
	not access.trusted_account(account, input.resource.target_account)
	result := {
		"msg": sprintf("%s granted %s in account %s the use of KMS key %s", [access.who(input.context.principal), grantee, account, input.resource.target]),
		"evidence": {
			"key": input.resource.target, "grantee": grantee, "account": account,
			"operations": object.get(input.resource.request, "operations", []),
			"events": [input.resource.evidence],
		},
	}
}

# grantee_account reads the account of a grantee: an ARN or a bare account id.
grantee_account(grantee) := grantee if regex.match(`^[0-9]{12}$`, grantee)

grantee_account(grantee) := access.arn_account(grantee) if not regex.match(`^[0-9]{12}$`, grantee)
