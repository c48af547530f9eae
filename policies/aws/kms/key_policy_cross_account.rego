# METADATA
# title: KMS key policy grants access to an untrusted account
# description: >-
#   An Allow statement of the key policy grants to an AWS account that is neither the
#   key's own account nor listed in trusted_accounts: through its principals, or through
#   a narrowing condition (kms:CallerAccount, aws:PrincipalAccount, aws:SourceAccount,
#   aws:PrincipalArn, aws:SourceArn). A grant through aws:PrincipalOrgID to an
#   organization other than the account's own (or organization_id) is reported too,
#   when custos knows the organization. One finding per account or organization.
# custom:
#   id: aws-kms-key-policy-cross-account
#   severity: high
#   resource_type: aws.kms.key
#   controls:
#     soc2: ["CC6.1", "CC6.6"]
#     pci-dss-4.0: ["3.6.1"]
#   remediation: >-
#     Remove the account from the key policy (PutKeyPolicy), or, when the access is
#     intended, add the account to trusted_accounts in .custos.yaml so the decision is
#     recorded.
package custos.aws.kms.key_policy_cross_account

import data.custos.lib.iam
import data.custos.lib.kms

policy := object.get(input.resource, "key_policy", null)

owner := iam.owner_account(object.get(input, "account", {}), input.resource.arn)

known_organizations := iam.known_organizations(object.get(input, "account", {}), data.custos.config.organization_id)

deny contains result if {
	some account in iam.foreign_accounts(policy, owner, data.custos.config.trusted_accounts)
	result := {
		"msg": sprintf("KMS key %s grants access to account %s, which is not trusted", [kms.label(input.resource), account]),
		"evidence": {
			"account": account,
			"resource_account": owner,
			"statements": iam.statements_granting(policy, account),
		},
		"discriminator": account,
	}
}

deny contains result if {
	some org in iam.foreign_organizations(policy, known_organizations)
	result := {
		"msg": sprintf("KMS key %s grants access to organization %s, which is not this account's", [kms.label(input.resource), org]),
		"evidence": {
			"organization_id": org,
			"known_organizations": sort(known_organizations),
			"statements": iam.statements_granting_organization(policy, org),
		},
		"discriminator": org,
	}
}
