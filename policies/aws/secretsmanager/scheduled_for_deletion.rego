# METADATA
# title: Secret is scheduled for deletion
# description: >-
#   The secret has a deletion date: reading it fails already, and after the recovery
#   window its value is gone for good. Reported so that a deletion nobody planned, or one
#   of a secret that was still read recently, is noticed while it can be cancelled. The
#   evidence holds the deletion date and when the secret was last read.
# custom:
#   id: aws-secretsmanager-scheduled-for-deletion
#   severity: low
#   resource_type: aws.secretsmanager.secret
#   controls: {}
#   remediation: >-
#     If the deletion was not intended or something still reads the secret, cancel it
#     (RestoreSecret) before the deletion date; otherwise no action is needed.
package custos.aws.secretsmanager.scheduled_for_deletion

import data.custos.lib.secrets

deny contains result if {
	secrets.scheduled_for_deletion(input.resource)
	result := {
		"msg": sprintf("secret %s is scheduled for deletion (deletion requested %s)", [input.resource.name, input.resource.deleted_date]),
		"evidence": {
			"deleted_date": input.resource.deleted_date,
			"last_accessed_date": object.get(input.resource, "last_accessed_date", null),
		},
	}
}
