# METADATA
# title: First read of a secret by a principal with a history
# description: >-
#   The principal read a secret it never read in the baseline window, although it was
#   active enough there to have a history (learning_days, min_baseline_events). A
#   stolen credential reaching beyond what its owner uses shows this way. Secrets
#   created in the windows read are left out. One finding per secret.
# custom:
#   id: access-secretsmanager-first-read
#   severity: medium
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Confirm with the principal's owner that it needs the secret; if not, remove its
#     access to it and rotate the secret.
package custos.access.secretsmanager.first_read

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	access.learned(p)
	some secret in p.review.secrets
	not secret.in_baseline
	not secret.created_in_window
	result := {
		"msg": sprintf("%s read secret %s for the first time", [access.who(p), secret.arn]),
		"evidence": {
			"secret": secret.arn, "reads": secret.reads,
			"read_by_others_in_baseline": secret.read_in_baseline,
			"baseline_secrets_read": p.baseline.secrets_read,
			"events": access.events(secret.events),
		},
		"discriminator": secret.arn,
	}
}
