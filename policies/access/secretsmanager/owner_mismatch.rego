# METADATA
# title: Principal read a secret owned by another team
# description: >-
#   With an inventory, the principal and the secret it read both carry an owner tag
#   (owner_tag) and the owners differ (compared case-insensitively). Shared secrets
#   should be explicit; one team's workload reading another team's secret often means a
#   policy wider than intended. One finding per secret.
# custom:
#   id: access-secretsmanager-owner-mismatch
#   severity: medium
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC6.1", "CC7.2"]
#   remediation: >-
#     Confirm with both owners; narrow the principal's access, or record the sharing in
#     the secret's resource policy and tags.
package custos.access.secretsmanager.owner_mismatch

import data.custos.lib.access

cfg := data.custos.config.access

deny contains result if {
	p := input.resource
	access.judged(p)
	principal_owner := lower(trim_space(p.tags[cfg.owner_tag]))
	principal_owner != ""
	some secret in p.review.secrets
	secret_owner := lower(trim_space(secret.tags[cfg.owner_tag]))
	secret_owner != ""
	principal_owner != secret_owner
	result := {
		"msg": sprintf("%s (owner %s) read secret %s owned by %s", [access.who(p), principal_owner, secret.arn, secret_owner]),
		"evidence": {
			"secret": secret.arn, "principal_owner": principal_owner, "secret_owner": secret_owner,
			"reads": secret.reads, "events": access.events(secret.events),
		},
		"discriminator": secret.arn,
	}
}
