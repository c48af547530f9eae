# METADATA
# title: The account root user has no MFA
# description: >-
#   IAM's account summary reports that the root user has no MFA device: the password
#   alone opens an identity that can do anything in the account, including reading every
#   secret and deleting every key.
# custom:
#   id: aws-iam-root-mfa-disabled
#   severity: critical
#   resource_type: aws.account
#   controls:
#     soc2: ["CC6.1"]
#     cis-aws-3.0: ["1.5"]
#   remediation: >-
#     Sign in as root and register an MFA device (a hardware or passkey authenticator),
#     or, in an AWS Organization, remove the member account's root credentials
#     (centralized root access).
package custos.aws.iam.root_mfa_disabled

deny contains result if {
	input.resource.root.mfa_enabled == false
	result := {
		"msg": sprintf("the root user of account %s has no MFA device", [input.resource.id]),
		"evidence": {"mfa_enabled": false},
	}
}
