# METADATA
# title: Trail fails to deliver its logs
# description: >-
#   CloudTrail reports an error for the trail's latest log delivery to S3
#   (latest_delivery_error, such as AccessDenied on the bucket or the KMS key): the trail
#   may look on, yet events are not reaching the log bucket.
# custom:
#   id: aws-cloudtrail-delivery-failing
#   severity: high
#   resource_type: aws.cloudtrail.trail
#   controls:
#     soc2: ["CC7.2"]
#     pci-dss-4.0: ["10.7.2"]
#   remediation: >-
#     Fix the cause the error names: the bucket policy must let CloudTrail write, the
#     bucket must exist, and the key policy must let CloudTrail use the key.
package custos.aws.cloudtrail.delivery_failing

deny contains result if {
	err := input.resource.latest_delivery_error
	is_string(err)
	trim_space(err) != ""
	result := {
		"msg": sprintf("trail %s fails to deliver logs: %s", [input.resource.name, err]),
		"evidence": {
			"latest_delivery_error": err,
			"latest_delivery_time": object.get(input.resource, "latest_delivery_time", null),
			"s3_bucket_name": object.get(input.resource, "s3_bucket_name", null),
		},
	}
}
