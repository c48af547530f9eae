# METADATA
# title: CloudTrail trail is not logging
# description: >-
#   The trail exists but logging is stopped, so secret reads, key use and policy
#   changes in its scope go unrecorded, however well the trail is configured.
# custom:
#   id: aws-cloudtrail-not-logging
#   severity: high
#   resource_type: aws.cloudtrail.trail
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.2.1"]
#   remediation: >-
#     Start logging (StartLogging), find out who stopped it (the StopLogging event in
#     CloudTrail), and deny cloudtrail:StopLogging outside a break-glass role with an
#     SCP.
package custos.aws.cloudtrail.not_logging

deny contains result if {
	not input.resource.is_logging == true
	result := {
		"msg": sprintf("trail %s is not logging", [input.resource.name]),
		"evidence": {
			"is_logging": false,
			"latest_delivery_time": object.get(input.resource, "latest_delivery_time", null),
			"latest_delivery_error": object.get(input.resource, "latest_delivery_error", null),
		},
	}
}
