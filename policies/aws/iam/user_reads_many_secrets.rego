# METADATA
# title: IAM user can read more secrets than allowed
# description: >-
#   The user can definitely read the values of more secrets than
#   iam.max_readable_secrets allows: its blast radius, from custos's effective-access
#   analysis (context.readable_secrets: identity policies, resource policies and
#   kms:Decrypt on each secret's key). Secrets it can read only under a condition custos
#   cannot decide are counted in the evidence but not against the limit.
# custom:
#   id: aws-iam-user-reads-many-secrets
#   severity: medium
#   resource_type: aws.iam.user
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2"]
#   remediation: >-
#     Scope the user's secretsmanager:GetSecretValue and kms:Decrypt permissions to the
#     secrets it needs (custos access principal ARN lists them and the statements behind
#     each).
package custos.aws.iam.user_reads_many_secrets

import data.custos.lib.readers

deny contains result if {
	entries := readers.readable_secrets(input)
	definite := sort({s.arn | some s in entries; readers.definite(s)})
	limit := data.custos.config.iam.max_readable_secrets
	count(definite) > limit
	conditional := {s.arn | some s in entries; not readers.definite(s)} - {a | some a in definite}
	result := {
		"msg": sprintf("IAM user %s can read %d secrets, more than the allowed %d", [input.resource.name, count(definite), limit]),
		"evidence": {
			"readable_secrets": count(definite),
			"conditional_secrets": count(conditional),
			"max_readable_secrets": limit,
			"first_secrets": array.slice(definite, 0, 20),
		},
	}
}
