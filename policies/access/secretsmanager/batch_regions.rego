# METADATA
# title: BatchGetSecretValue across many regions
# description: >-
#   The principal called BatchGetSecretValue in at least batch_regions regions in the
#   review window. Applications read secrets where they run; sweeping region after
#   region is how a stolen credential collects everything it can.
# custom:
#   id: access-secretsmanager-batch-regions
#   severity: high
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Revoke the principal's sessions if the sweep is unexplained, rotate the secrets of
#     those regions, and limit the regions it may use (aws:RequestedRegion).
package custos.access.secretsmanager.batch_regions

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	regions := p.review.batch.regions
	count(regions) >= data.custos.config.access.batch_regions
	result := {
		"msg": sprintf("%s called BatchGetSecretValue in %d regions: %s", [access.who(p), count(regions), concat(", ", regions)]),
		"evidence": {"regions": regions, "count": p.review.batch.count, "events": access.events(p.review.batch.events)},
	}
}
