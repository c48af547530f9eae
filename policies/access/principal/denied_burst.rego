# METADATA
# title: Burst of AccessDenied on secrets and keys
# description: >-
#   The principal's calls to Secrets Manager, KMS or Parameter Store failed with
#   AccessDenied (or a similar code) at least denied_burst times within
#   burst_window_minutes. A principal probing what its credentials can reach fails a
#   lot; a working application does not.
# custom:
#   id: access-principal-denied-burst
#   severity: medium
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.2.1.4", "10.4.1.1"]
#   remediation: >-
#     Find out what the principal tried to reach; if it is not a broken deployment,
#     treat its credentials as stolen and revoke them.
package custos.access.principal.denied_burst

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	burst := p.review.denied_burst
	burst.count >= data.custos.config.access.denied_burst
	result := {
		"msg": sprintf("%s was denied %d times on secrets and keys between %s and %s", [access.who(p), burst.count, burst.start, burst.end]),
		"evidence": {"count": burst.count, "total": p.review.denied.count, "start": burst.start, "end": burst.end, "events": access.events(burst.events)},
	}
}
