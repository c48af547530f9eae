# METADATA
# title: IAM policy allows every Secrets Manager or KMS action
# description: >-
#   A statement allows an action pattern that covers every action of Secrets Manager or
#   KMS (secretsmanager:*, kms:*, or * on resources short of everything), so the
#   principal can also delete secrets, rewrite resource and key policies, disable
#   rotation or schedule key deletion. Full administrator statements (every action on
#   every resource) are reported by aws-iam-full-admin instead.
# custom:
#   id: aws-iam-service-wildcard
#   severity: medium
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2"]
#     aws-fsbp: ["IAM.21"]
#   remediation: >-
#     List the actions the principal uses (IAM Access Analyzer can generate a policy
#     from CloudTrail activity) instead of secretsmanager:* or kms:*.
package custos.aws.iam.service_wildcard

import data.custos.lib.iam

services := ["kms", "secretsmanager"]

deny contains result if {
	statements := [detail |
		some i, stmt in input.resource.document.statements
		stmt.effect == "Allow"
		not iam.full_admin(stmt)
		wide := [service |
			some service in services
			some pattern in iam.list_at(stmt, "actions")
			iam.service_wide_pattern(pattern, service)
		]
		count(wide) > 0
		detail := object.union(iam.statement_detail(i, stmt), {"services": sort({s | some s in wide})})
	]
	count(statements) > 0
	wide_services := sort({service | some s in statements; some service in s.services})
	result := {
		"msg": sprintf("%s allows every action of %s", [iam.policy_label(input.resource), concat(" and ", wide_services)]),
		"evidence": {
			"services": wide_services,
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
