# METADATA
# title: Secret replicated to a region outside allowed_regions
# description: >-
#   A principal replicated a secret to another region (ReplicateSecretToRegions, or
#   CreateSecret with replica regions). A replica can be read wherever it lives, under
#   that region's controls; with allowed_regions empty every replication is reported.
#   One finding per region.
# custom:
#   id: access-secretsmanager-replicated
#   severity: medium
#   resource_type: aws.cloudtrail.event
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Remove the replica (RemoveRegionsFromReplication) unless it is intended; list the
#     regions where secrets may live in access.allowed_regions.
package custos.access.secretsmanager.replicated

import data.custos.lib.access

deny contains result if {
	input.resource.source == "secretsmanager.amazonaws.com"
	input.resource.name in {"ReplicateSecretToRegions", "CreateSecret"}
	access.succeeded(input.resource)
	some replica in object.get(input.resource.request, "addReplicaRegions", [])
	region := object.get(replica, "region", "")
	region != ""
	not lower(region) in data.custos.config.access.allowed_regions
	result := {
		"msg": sprintf("%s replicated secret %s to region %s", [access.who(input.context.principal), input.resource.target, region]),
		"evidence": {"secret": input.resource.target, "region": region, "events": [input.resource.evidence]},
		"discriminator": region,
	}
}
