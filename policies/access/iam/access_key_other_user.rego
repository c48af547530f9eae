# METADATA
# title: Access key created for another user
# description: >-
#   A principal created an access key (CreateAccessKey) for an IAM user other than
#   itself. Creating keys for someone else is how an intruder keeps a foothold under a
#   name nobody watches; administrators rarely need to.
# custom:
#   id: access-iam-access-key-other-user
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC6.2", "CC7.2"]
#     pci-dss-4.0: ["10.2.1.5", "10.4.1.1"]
#   remediation: >-
#     Confirm with the user; if unexpected, deactivate and delete the key
#     (UpdateAccessKey, DeleteAccessKey) and review what it was used for.
package custos.access.iam.access_key_other_user

import data.custos.lib.access

deny contains result if {
	input.resource.source == "iam.amazonaws.com"
	input.resource.name == "CreateAccessKey"
	access.succeeded(input.resource)
	user := object.get(input.resource.request, "userName", "")
	user != ""
	not own_key(input.context.principal, user)
	result := {
		"msg": sprintf("%s created an access key for IAM user %s", [access.who(input.context.principal), user]),
		"evidence": {
			"user": user,
			"access_key_id": object.get(input.resource.response, "accessKey.accessKeyId", ""),
			"events": [input.resource.evidence],
		},
	}
}

own_key(principal, user) if {
	principal.type == "IAMUser"
	principal.name == user
}
