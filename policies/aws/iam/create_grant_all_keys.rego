# METADATA
# title: IAM policy allows creating grants on every KMS key
# description: >-
#   A statement allows kms:CreateGrant on every key (Resource "*", a key ARN pattern with a
#   wildcard id, or NotResource) without a condition that keeps grants for AWS services
#   (kms:GrantIsForAWSResource true) or otherwise scopes them (kms:GranteePrincipal,
#   kms:ViaService, aws:ResourceTag, kms:ResourceAliases). A grant bypasses the key
#   policy: whoever holds the policy can grant themselves Decrypt on any key that
#   delegates to IAM. An unconditional Deny of the action on every key in the same
#   policy cancels it.
# custom:
#   id: aws-iam-create-grant-all-keys
#   severity: high
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["3.6.1", "7.2.2"]
#   remediation: >-
#     Add a Bool condition kms:GrantIsForAWSResource true when the grants are for AWS
#     services (EBS, RDS, …), or scope kms:CreateGrant to the keys and grantees needed.
package custos.aws.iam.create_grant_all_keys

import data.custos.lib.iam

scoping := {"kms:grantisforawsresource", "kms:granteeprincipal", "kms:viaservice", "aws:resourcetag/", "kms:resourcealiases"}

deny contains result if {
	iam.may_be_broad(input, {"kms:creategrant": "key"})
	statements := iam.broad_statements_in(input, {"kms:creategrant": "key"}, scoping)
	count(statements) > 0
	result := {
		"msg": sprintf("%s allows kms:CreateGrant on every KMS key: a path to decrypt with any key", [iam.policy_label(input.resource)]),
		"evidence": {
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
