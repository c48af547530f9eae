# METADATA
# title: Many SecureString parameters read with decryption in a short window
# description: >-
#   The principal read at least ssm_decrypt_bulk distinct Parameter Store parameters
#   with WithDecryption (GetParameter, GetParameters, GetParametersByPath,
#   GetParameterHistory) within burst_window_minutes. SecureString parameters are
#   secrets; reading them in bulk is harvesting. For GetParametersByPath the path
#   counts as one parameter, since CloudTrail does not list what it returned.
# custom:
#   id: access-ssm-decrypt-bulk
#   severity: medium
#   resource_type: aws.access.principal
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.4.1.1"]
#   remediation: >-
#     Confirm with the principal's owner; if unexplained, revoke its sessions and rotate
#     the values of the parameters it read.
package custos.access.ssm.decrypt_bulk

import data.custos.lib.access

deny contains result if {
	p := input.resource
	access.judged(p)
	burst := p.review.ssm_burst
	burst.count >= data.custos.config.access.ssm_decrypt_bulk
	result := {
		"msg": sprintf("%s read %d SecureString parameters with decryption between %s and %s", [access.who(p), burst.count, burst.start, burst.end]),
		"evidence": {"count": burst.count, "parameters": burst.items, "start": burst.start, "end": burst.end, "events": access.events(burst.events)},
	}
}
