# METADATA
# title: EC2 instance-role credentials used from outside the usual networks
# description: >-
#   Calls with the role credentials of an EC2 instance (session named after the
#   instance, or ec2RoleDelivery) came from a public network that is not internal, not
#   in trusted_cidrs and not among the networks the role used in the baseline. Instance
#   credentials stolen through SSRF or the metadata service show up this way. Roles with
#   more than max_baseline_networks networks in the baseline (ever-changing public
#   addresses) are not judged: list their egress ranges in trusted_cidrs instead.
# custom:
#   id: access-iam-instance-credentials-outside
#   severity: high
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Revoke the role's active sessions (an inline deny on aws:TokenIssueTime), require
#     IMDSv2 on the instance and look for the SSRF or access that exposed the credentials.
package custos.access.iam.instance_credentials_outside

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	access.learned(p)
	p.baseline.networks <= data.custos.config.access.max_baseline_networks
	not p.baseline.networks_overflow
	some network in p.review.networks
	network.instance_events > 0
	not network.internal
	not network.trusted
	not network.in_baseline
	result := {
		"msg": sprintf("%s used EC2 instance credentials from network %s, outside its usual networks", [access.who(p), network.value]),
		"evidence": {"network": network.value, "count": network.instance_events, "events": access.events(network.sample)},
		"discriminator": network.value,
	}
}
