# METADATA
# title: Secret resource policy is open to anyone
# description: >-
#   An Allow statement of the secret's resource policy names Principal "*" (or uses
#   NotPrincipal) without a condition that narrows the caller to an organization,
#   account, ARN or network path (aws:PrincipalOrgID, aws:PrincipalAccount,
#   aws:PrincipalArn, kms:CallerAccount, aws:SourceAccount, aws:SourceArn,
#   aws:SourceVpce, aws:SourceVpc with a positive operator, no IfExists and no
#   wildcard value). Any AWS account could then call the allowed actions on the secret.
# custom:
#   id: aws-secretsmanager-resource-policy-public
#   severity: critical
#   resource_type: aws.secretsmanager.secret
#   controls:
#     soc2: ["CC6.1", "CC6.6"]
#   remediation: >-
#     Replace Principal "*" with the roles that need the secret, or add a condition
#     such as aws:PrincipalOrgID; turn on Block Public Policy (PutResourcePolicy
#     --block-public-policy) so Secrets Manager rejects public policies.
package custos.aws.secretsmanager.resource_policy_public

import data.custos.lib.iam

deny contains result if {
	statements := iam.public_statements(object.get(input.resource, "resource_policy", null))
	count(statements) > 0
	result := {
		"msg": sprintf("secret %s has a resource policy that allows anyone to access it", [input.resource.name]),
		"evidence": {"statements": statements},
	}
}
