# METADATA
# title: Non-production principal read a production secret
# description: >-
#   With an inventory, the principal's environment tag (environment_tag) says it is not
#   production while the secret it read is tagged as production (production_values).
#   Test and staging workloads are less guarded; production credentials do not belong
#   there. One finding per secret.
# custom:
#   id: access-secretsmanager-nonprod-reads-prod
#   severity: high
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC6.1", "CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Remove the principal's access to production secrets (identity policy, resource
#     policy or key policy) and rotate the secret.
package custos.access.secretsmanager.nonprod_reads_prod

import data.custos.lib.access

cfg := data.custos.config.access

deny contains result if {
	p := input.resource
	access.judged(p)
	principal_env := lower(p.tags[cfg.environment_tag])
	not principal_env in cfg.production_values
	some secret in p.review.secrets
	secret_env := lower(secret.tags[cfg.environment_tag])
	secret_env in cfg.production_values
	result := {
		"msg": sprintf("%s (%s=%s) read production secret %s", [access.who(p), cfg.environment_tag, p.tags[cfg.environment_tag], secret.arn]),
		"evidence": {
			"secret": secret.arn, "principal_environment": principal_env, "secret_environment": secret_env,
			"reads": secret.reads, "events": access.events(secret.events),
		},
		"discriminator": secret.arn,
	}
}
