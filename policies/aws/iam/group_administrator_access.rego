# METADATA
# title: AdministratorAccess is attached to an IAM group
# description: >-
#   The AWS-managed AdministratorAccess policy (every action on every resource) is
#   attached to the group: every member of the group, now and later, has every permission, including reading every secret and rewriting every key policy.
# custom:
#   id: aws-iam-group-administrator-access
#   severity: high
#   resource_type: aws.iam.group
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2"]
#     cis-aws-3.0: ["1.16"]
#   remediation: >-
#     Detach AdministratorAccess (DetachGroupPolicy) and attach
#     policies scoped to the tasks the group performs; keep full administrator
#     rights to a break-glass role that requires MFA.
package custos.aws.iam.group_administrator_access

import data.custos.lib.iam

deny contains result if {
	attached := iam.attached_admin(input.resource)
	count(attached) > 0
	result := {
		"msg": sprintf("IAM group %s has the AdministratorAccess policy attached", [input.resource.name]),
		"evidence": {"policies": attached},
	}
}
