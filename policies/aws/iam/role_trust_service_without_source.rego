# METADATA
# title: Role trusts an AWS service without pinning the source account or resource
# description: >-
#   An Allow statement of the role's trust policy admits an AWS service principal
#   (glue.amazonaws.com, ecs-tasks.amazonaws.com, …) without an aws:SourceAccount,
#   aws:SourceArn, aws:SourceOrgID or aws:SourceOrgPaths condition. The service then
#   assumes the role on behalf of any customer's resource that names it: the confused
#   deputy problem. Services that assume roles for the account's own compute and do not
#   send these keys are listed in iam.services_without_source_keys (by default EC2 and
#   Lambda) and left out, as are service-linked roles.
# custom:
#   id: aws-iam-role-trust-service-without-source
#   severity: low
#   resource_type: aws.iam.role
#   controls:
#     soc2: ["CC6.6"]
#   remediation: >-
#     Add a condition aws:SourceAccount (the account whose resources use the role) or
#     aws:SourceArn (the exact resource) to the trust policy statement
#     (UpdateAssumeRolePolicy).
package custos.aws.iam.role_trust_service_without_source

import data.custos.lib.iam

source_keys := {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}

deny contains result if {
	not iam.service_linked(input.resource)
	policy := input.resource.trust_policy
	statements := [object.union(iam.statement_ref(i, stmt), {"services": services}) |
		some i, stmt in policy.statements
		stmt.effect == "Allow"
		not iam.restricted(stmt, source_keys)
		services := sort({s |
			some s in object.get(stmt, ["principal", "service"], [])
			not s in data.custos.config.iam.services_without_source_keys
		})
		count(services) > 0
	]
	count(statements) > 0
	services := sort({s | some st in statements; some s in st.services})
	result := {
		"msg": sprintf("IAM role %s trusts %s without an aws:SourceAccount or aws:SourceArn condition", [input.resource.name, concat(", ", services)]),
		"evidence": {"services": services, "statements": statements},
	}
}
