# METADATA
# title: AdministratorAccess is attached to an IAM role
# description: >-
#   The AWS-managed AdministratorAccess policy (every action on every resource) is
#   attached to the role: whoever can assume the role, and every workload it is attached to, has every permission, including reading every secret and rewriting every key policy.
# custom:
#   id: aws-iam-role-administrator-access
#   severity: medium
#   resource_type: aws.iam.role
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2"]
#     cis-aws-3.0: ["1.16"]
#   remediation: >-
#     Detach AdministratorAccess (DetachRolePolicy) and attach
#     policies scoped to the tasks the role performs; keep full administrator
#     rights to a break-glass role that requires MFA.
package custos.aws.iam.role_administrator_access

import data.custos.lib.iam

deny contains result if {
	attached := iam.attached_admin(input.resource)
	count(attached) > 0
	result := {
		"msg": sprintf("IAM role %s has the AdministratorAccess policy attached", [input.resource.name]),
		"evidence": {"policies": attached},
	}
}
