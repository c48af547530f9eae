# METADATA
# title: IAM user has more than one active access key
# description: >-
#   The user has two active access keys. Two live keys double what can leak, and the older
#   one is usually the one a rotation forgot; a second key should exist only for the
#   minutes a rotation takes.
# custom:
#   id: aws-iam-multiple-active-access-keys
#   severity: low
#   resource_type: aws.iam.user
#   controls:
#     soc2: ["CC6.1"]
#     cis-aws-3.0: ["1.13"]
#   remediation: >-
#     Find the key in use (GetAccessKeyLastUsed), deactivate the other
#     (UpdateAccessKey --status Inactive) and delete it.
package custos.aws.iam.multiple_active_access_keys

deny contains result if {
	active := sort([k.access_key_id | some k in object.get(input.resource, "access_keys", []); k.status == "Active"])
	count(active) > 1
	result := {
		"msg": sprintf("IAM user %s has %d active access keys", [input.resource.name, count(active)]),
		"evidence": {"active_access_keys": active},
	}
}
