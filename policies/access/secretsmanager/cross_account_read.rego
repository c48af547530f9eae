# METADATA
# title: Secret read by a principal of another account
# description: >-
#   A principal of one account read a secret of another account that does not trust
#   it (trusted_accounts). Cross-account reads need both a resource policy and a
#   customer-managed key; when they happen unexpectedly the policy is wider than meant.
#   One finding per secret.
# custom:
#   id: access-secretsmanager-cross-account-read
#   severity: high
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC6.1", "CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Narrow the secret's resource policy and key policy to the intended principals, or
#     record the account in trusted_accounts when the access is intended.
package custos.access.secretsmanager.cross_account_read

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	some secret in p.review.secrets
	secret.account != ""
	p.account != ""
	not access.trusted_account(p.account, secret.account)
	result := {
		"msg": sprintf("%s of account %s read secret %s of account %s", [access.who(p), p.account, secret.arn, secret.account]),
		"evidence": {"secret": secret.arn, "reads": secret.reads, "principal_account": p.account, "secret_account": secret.account, "events": access.events(secret.events)},
		"discriminator": secret.arn,
	}
}
