# METADATA
# title: BatchGetSecretValue with a negated (catch-all) filter
# description: >-
#   A principal called BatchGetSecretValue with a filter value starting with "!". A
#   negated filter such as tag-key "!nonexistent" matches every secret that lacks the
#   tag, that is nearly every secret: one call reads up to 20 secrets a page, a known
#   way to harvest a whole account quickly.
# custom:
#   id: access-secretsmanager-batch-negated-filter
#   severity: high
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Find out which secrets the call returned (the GetSecretValue events Secrets Manager
#     logs for each), rotate them, and restrict secretsmanager:BatchGetSecretValue.
package custos.access.secretsmanager.batch_negated_filter

import data.custos.lib.access

deny contains result if {
	input.resource.source == "secretsmanager.amazonaws.com"
	input.resource.name == "BatchGetSecretValue"
	access.succeeded(input.resource)
	negated := [sprintf("%s=%s", [object.get(f, "key", ""), v]) |
		some f in object.get(input.resource.request, "filters", [])
		some v in object.get(f, "values", [])
		startswith(v, "!")
	]
	count(negated) > 0
	result := {
		"msg": sprintf("%s called BatchGetSecretValue with the negated filter %s", [access.who(input.context.principal), concat(", ", negated)]),
		"evidence": {"filters": negated, "events": [input.resource.evidence]},
	}
}
