# METADATA
# title: IAM policy allows every action of a secrets, keys or identity service
# description: >-
#   A statement allows action patterns that together cover every action of Secrets
#   Manager, KMS, IAM, STS or CloudTrail (secretsmanager:*, kms:*, iam:*, sts:*,
#   cloudtrail:*, "*" on resources short of everything, or a set of wildcards that leaves
#   no action out; expanded against custos's action catalogue), so the principal can also
#   delete secrets, rewrite resource and key policies, schedule key deletion, grant
#   itself more permissions or stop the audit trail. Full administrator statements
#   (every action on every resource) are reported by aws-iam-full-admin, and NotAction by
#   aws-iam-allow-not-action.
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
#     from CloudTrail activity) instead of a service-wide wildcard.
package custos.aws.iam.service_wildcard

import data.custos.lib.actions
import data.custos.lib.iam

deny contains result if {
	statements := [detail |
		some i in iam.statements_with(input, "whole_services")
		stmt := input.resource.document.statements[i]
		stmt.effect == "Allow"
		not iam.full_admin(stmt)
		wide := actions.whole_services({a | some p in object.get(stmt, "actions", []); some a in actions.expand(p)})
		count(wide) > 0
		detail := object.union(iam.statement_detail(i, stmt), {"services": wide})
	]
	count(statements) > 0
	wide_services := sort({service | some s in statements; some service in s.services})
	result := {
		"msg": sprintf("%s allows every action of %s", [iam.policy_label(input.resource), concat(", ", wide_services)]),
		"evidence": {
			"services": wide_services,
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
