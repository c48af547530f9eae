# METADATA
# title: IAM policy allows rewriting the resource policy of every secret
# description: >-
#   A statement allows secretsmanager:PutResourcePolicy or DeleteResourcePolicy on every
#   secret (Resource "*", a secret ARN pattern with a wildcard name, or NotResource), with
#   no condition scoping it to some secrets (aws:ResourceTag, secretsmanager:ResourceTag,
#   secretsmanager:SecretId). Whoever holds the policy can grant themselves, or another
#   account, read access to any secret, or remove the Deny statements guarding it: a
#   privilege escalation path to every secret. An unconditional Deny of the action on
#   every secret in the same policy cancels it.
# custom:
#   id: aws-iam-secret-policy-escalation
#   severity: high
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2"]
#   remediation: >-
#     Scope the resource-policy actions to the secrets the principal administers (by ARN
#     prefix or with a secretsmanager:ResourceTag condition), or move them to a
#     break-glass role.
package custos.aws.iam.secret_policy_escalation

import data.custos.lib.iam

escalation := {"secretsmanager:putresourcepolicy": "secret", "secretsmanager:deleteresourcepolicy": "secret"}

scoping := {"aws:resourcetag/", "secretsmanager:resourcetag/", "secretsmanager:secretid"}

deny contains result if {
	iam.may_be_broad(input, escalation)
	statements := iam.broad_statements_in(input, escalation, scoping)
	count(statements) > 0
	granted := sort({a | some s in statements; some a in s.grants})
	result := {
		"msg": sprintf("%s allows %s on every secret: a path to read any secret", [iam.policy_label(input.resource), iam.summary(granted)]),
		"evidence": {
			"actions": granted,
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
