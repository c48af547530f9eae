# METADATA
# title: IAM policy allows rewriting the key policy of every KMS key
# description: >-
#   A statement allows kms:PutKeyPolicy on every key (Resource "*", a key ARN pattern with
#   a wildcard id, or NotResource), with no condition scoping it to some keys
#   (aws:ResourceTag, kms:ResourceAliases). On any key whose policy delegates to IAM,
#   whoever holds the policy can give themselves kms:Decrypt and read every secret it
#   protects, or lock everyone else out: a privilege escalation path. An unconditional
#   Deny of the action on every key in the same policy cancels it.
# custom:
#   id: aws-iam-key-policy-escalation
#   severity: high
#   resource_type: aws.iam.policy
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["3.6.1", "7.2.2"]
#   remediation: >-
#     Grant kms:PutKeyPolicy only on the keys the principal administers (by key ARN or an
#     aws:ResourceTag condition), ideally only to a key-administration role.
package custos.aws.iam.key_policy_escalation

import data.custos.lib.iam

scoping := {"aws:resourcetag/", "kms:resourcealiases"}

deny contains result if {
	iam.may_be_broad(input, {"kms:putkeypolicy": "key"})
	statements := iam.broad_statements_in(input, {"kms:putkeypolicy": "key"}, scoping)
	count(statements) > 0
	result := {
		"msg": sprintf("%s allows kms:PutKeyPolicy on every KMS key: a path to decrypt with any key", [iam.policy_label(input.resource)]),
		"evidence": {
			"statements": statements,
			"attached_to": object.get(input.resource, "attached_to", []),
		},
	}
}
