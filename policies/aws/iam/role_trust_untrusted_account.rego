# METADATA
# title: Role trust policy lets an untrusted account assume the role
# description: >-
#   An Allow statement of the role's trust policy admits principals of an AWS account that
#   is neither the role's own nor listed in trusted_accounts: through its principals, or
#   through a narrowing condition (aws:PrincipalAccount, aws:PrincipalArn, …). A grant
#   through aws:PrincipalOrgID to an organization other than the account's own (or
#   organization_id) is reported too, when custos knows the organization. One finding per
#   account or organization; an sts:ExternalId condition is listed in the evidence.
#   Service-linked roles are left out.
# custom:
#   id: aws-iam-role-trust-untrusted-account
#   severity: high
#   resource_type: aws.iam.role
#   controls:
#     soc2: ["CC6.1", "CC6.6"]
#     pci-dss-4.0: ["8.2.7"]
#   remediation: >-
#     Remove the account from the trust policy (UpdateAssumeRolePolicy), or, when the access
#     is intended (a vendor, a security account), add the account to trusted_accounts in
#     .custos.yaml so the decision is recorded, and require sts:ExternalId for vendors.
package custos.aws.iam.role_trust_untrusted_account

import data.custos.lib.iam

policy := object.get(input.resource, "trust_policy", null)

owner := iam.owner_account(object.get(input, "account", {}), input.resource.arn)

deny contains result if {
	not iam.service_linked(input.resource)
	some account in iam.foreign_accounts(policy, owner, data.custos.config.trusted_accounts)
	statements := iam.statements_granting(policy, account)
	result := {
		"msg": sprintf("IAM role %s can be assumed from account %s, which is not trusted", [input.resource.name, account]),
		"evidence": {
			"account": account,
			"role_account": owner,
			"statements": statements,
			"external_id_required": external_id(policy, statements),
		},
		"discriminator": account,
	}
}

deny contains result if {
	not iam.service_linked(input.resource)
	some org in iam.foreign_organizations(policy, iam.known_organizations(object.get(input, "account", {}), data.custos.config.organization_id))
	result := {
		"msg": sprintf("IAM role %s can be assumed from organization %s, which is not this account's", [input.resource.name, org]),
		"evidence": {"organization_id": org, "statements": iam.statements_granting_organization(policy, org)},
		"discriminator": org,
	}
}

# external_id holds when every statement granting the account requires an external id.
external_id(p, refs) if {
	every ref in refs {
		some c in object.get(p.statements[ref.index], "conditions", [])
		c.key == "sts:externalid"
	}
} else := false
