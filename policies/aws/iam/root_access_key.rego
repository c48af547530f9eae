# METADATA
# title: The account root user has access keys
# description: >-
#   IAM's account summary reports access keys for the root user. A root key can do
#   anything in the account, cannot be limited by any policy, and is the credential
#   attackers look for first.
# custom:
#   id: aws-iam-root-access-key
#   severity: critical
#   resource_type: aws.account
#   controls:
#     soc2: ["CC6.1"]
#     cis-aws-3.0: ["1.4"]
#     aws-fsbp: ["IAM.4"]
#   remediation: >-
#     Sign in as root, delete the access keys (Security credentials page), and use roles
#     for every automated task.
package custos.aws.iam.root_access_key

deny contains result if {
	input.resource.root.access_keys_present == true
	result := {
		"msg": sprintf("the root user of account %s has access keys", [input.resource.id]),
		"evidence": {"access_keys_present": true},
	}
}
