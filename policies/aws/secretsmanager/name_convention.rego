# METADATA
# title: Secret name does not follow the naming convention
# description: >-
#   The secret's name does not match secrets.name_pattern (a regular expression; by
#   default three lower-case segments environment/application/purpose, such as
#   prod/payments/db-credentials). Names that follow one convention let IAM policies grant
#   by prefix (secret:prod/payments/*) instead of by wildcard. Secrets managed by another
#   service (rds!…) and secrets scheduled for deletion are left out; an empty pattern
#   turns the rule off.
# custom:
#   id: aws-secretsmanager-name-convention
#   severity: low
#   resource_type: aws.secretsmanager.secret
#   controls: {}
#   remediation: >-
#     Create the secret again under a conforming name (secrets cannot be renamed), move
#     its readers to the new name, then delete the old one.
package custos.aws.secretsmanager.name_convention

import data.custos.lib.secrets

deny contains result if {
	pattern := data.custos.config.secrets.name_pattern
	pattern != ""
	not secrets.owned_by_service(input.resource)
	not secrets.scheduled_for_deletion(input.resource)
	not regex.match(pattern, input.resource.name)
	result := {
		"msg": sprintf("secret %s does not match the naming convention %s", [input.resource.name, pattern]),
		"evidence": {"name": input.resource.name, "name_pattern": pattern},
	}
}
