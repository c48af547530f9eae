# METADATA
# title: Secret resource policy grants access to an untrusted account
# description: >-
#   An Allow statement of the secret's resource policy grants to an AWS account that is
#   neither the secret's own account nor listed in trusted_accounts: through its
#   principals, or through a narrowing condition (aws:PrincipalAccount,
#   aws:SourceAccount, kms:CallerAccount, aws:PrincipalArn, aws:SourceArn). A grant
#   through aws:PrincipalOrgID to an organization other than the account's own (or
#   organization_id) is reported too, when custos knows the organization. One finding
#   per account or organization.
# custom:
#   id: aws-secretsmanager-resource-policy-cross-account
#   severity: high
#   resource_type: aws.secretsmanager.secret
#   controls:
#     soc2: ["CC6.1", "CC6.6"]
#   remediation: >-
#     Remove the account from the secret's resource policy, or, when the access is
#     intended, add the account to trusted_accounts in .custos.yaml so the decision
#     is recorded.
package custos.aws.secretsmanager.resource_policy_cross_account

import data.custos.lib.iam

policy := object.get(input.resource, "resource_policy", null)

owner := iam.owner_account(object.get(input, "account", {}), input.resource.arn)

known_organizations := iam.known_organizations(object.get(input, "account", {}), data.custos.config.organization_id)

deny contains result if {
	policy.statements # most secrets have no resource policy: nothing to look up
	some account in iam.foreign_accounts(policy, owner, data.custos.config.trusted_accounts)
	result := {
		"msg": sprintf("secret %s grants access to account %s, which is not trusted", [input.resource.name, account]),
		"evidence": {
			"account": account,
			"resource_account": owner,
			"statements": iam.statements_granting(policy, account),
		},
		"discriminator": account,
	}
}

deny contains result if {
	policy.statements
	some org in iam.foreign_organizations(policy, known_organizations)
	result := {
		"msg": sprintf("secret %s grants access to organization %s, which is not this account's", [input.resource.name, org]),
		"evidence": {
			"organization_id": org,
			"known_organizations": sort(known_organizations),
			"statements": iam.statements_granting_organization(policy, org),
		},
		"discriminator": org,
	}
}
