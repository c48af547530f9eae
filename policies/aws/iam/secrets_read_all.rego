# METADATA
# title: IAM policy allows reading every secret
# description: >-
#   A statement allows secretsmanager:GetSecretValue (through an exact action, a
#   wildcard such as secretsmanager:Get* or *, or NotAction) on every secret: Resource
#   "*", an ARN pattern whose secret name is a wildcard (arn:aws:secretsmanager:*:*:secret:*,
#   also when pinned to one region or account), or NotResource. Whoever holds the policy
#   can read every secret. BatchGetSecretValue alone is not a finding: it has no
#   resource-level permissions and still needs GetSecretValue on each secret. An
#   unconditional Deny of GetSecretValue on every secret in the same policy cancels it.
# custom:
#   id: aws-iam-secrets-read-all
#   severity: high
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2"]
#   remediation: >-
#     Scope GetSecretValue to the ARNs (or a name prefix such as
#     arn:aws:secretsmanager:REGION:ACCOUNT:secret:app/*) of the secrets the principal
#     needs, or grant by tag with a secretsmanager:ResourceTag condition.
package custos.aws.iam.secrets_read_all

import data.custos.lib.iam

deny contains result if {
	iam.may_be_broad(input, {"secretsmanager:getsecretvalue": "secret"})
	statements := iam.broad_statements_in(input, {"secretsmanager:getsecretvalue": "secret"}, set())
	count(statements) > 0
	result := {
		"msg": sprintf("%s allows reading every secret (secretsmanager:GetSecretValue on all secrets)", [iam.policy_label(input.resource)]),
		"evidence": {
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
