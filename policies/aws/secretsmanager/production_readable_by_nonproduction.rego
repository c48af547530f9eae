# METADATA
# title: Production secret is readable by a non-production principal
# description: >-
#   The secret's environment tag is a production environment
#   (tags.production_environments), and a principal whose own environment tag names
#   another environment (staging, development, …) can definitely read it
#   (context.readers, from custos's effective-access analysis). A compromise of the
#   weaker environment then reaches production data. Principals without an environment
#   tag and readers behind an undecidable condition are not reported.
# custom:
#   id: aws-secretsmanager-production-readable-by-nonproduction
#   severity: high
#   resource_type: aws.secretsmanager.secret
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["6.5.3"]
#   remediation: >-
#     Remove the non-production principals' access to the secret (their identity policies,
#     the secret's resource policy, grants on its key), and give non-production workloads
#     their own secrets.
package custos.aws.secretsmanager.production_readable_by_nonproduction

import data.custos.lib.readers
import data.custos.lib.secrets
import data.custos.lib.tags

deny contains result if {
	not secrets.scheduled_for_deletion(input.resource)
	tags.production(object.get(input.resource, "tags", {}))
	offenders := sort({sprintf("%s (%s)", [r.principal, tags.environment(r.tags)]) |
		some r in readers.secret_readers(input)
		readers.definite(r)
		tags.environment(object.get(r, "tags", {}))
		not tags.production(r.tags)
	})
	count(offenders) > 0
	result := {
		"msg": sprintf("production secret %s can be read by non-production principals: %s", [input.resource.name, concat(", ", offenders)]),
		"evidence": {
			"environment": tags.environment(input.resource.tags),
			"non_production_readers": offenders,
		},
	}
}
