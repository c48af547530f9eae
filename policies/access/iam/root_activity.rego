# METADATA
# title: Root user activity
# description: >-
#   The account's root user made calls of its own in the review window (calls AWS
#   makes with invokedBy are left out). Root bypasses IAM policies; day-to-day work
#   never needs it, so every use should be explained.
# custom:
#   id: access-iam-root-activity
#   severity: high
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC6.1", "CC7.2"]
#     pci-dss-4.0: ["10.2.1.2", "10.4.1.1"]
#   remediation: >-
#     Confirm who used the root user and why; make sure it has MFA, has no access keys,
#     and that its password is held under break-glass procedure.
package custos.access.iam.root_activity

import data.custos.lib.access

deny contains result if {
	p := input.resource
	p.type == "Root"
	p.review.own_events > 0
	result := {
		"msg": sprintf("the root user of account %s made %d calls between %s and %s", [p.account, p.review.own_events, p.review.first, p.review.last]),
		"evidence": {"count": p.review.own_events, "first": p.review.first, "last": p.review.last, "events": access.events(p.review.own_sample)},
	}
}
