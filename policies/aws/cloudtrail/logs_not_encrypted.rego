# METADATA
# title: CloudTrail logs are not encrypted with a KMS key
# description: >-
#   The trail has no KMS key, so its log files are only encrypted with S3-managed keys:
#   anyone who can read the bucket can read the logs, and key policy cannot restrict or
#   audit who decrypts them.
# custom:
#   id: aws-cloudtrail-logs-not-encrypted
#   severity: medium
#   resource_type: aws.cloudtrail.trail
#   controls:
#     soc2: ["CC6.1"]
#     cis-aws-3.0: ["3.5"]
#     aws-fsbp: ["CloudTrail.2"]
#   remediation: >-
#     Create a customer-managed KMS key whose policy lets CloudTrail encrypt and the log
#     readers decrypt, and set it on the trail (UpdateTrail --kms-key-id).
package custos.aws.cloudtrail.logs_not_encrypted

deny contains result if {
	object.get(input.resource, "kms_key_id", "") in {"", null}
	result := {
		"msg": sprintf("trail %s does not encrypt its logs with a KMS key", [input.resource.name]),
		"evidence": {"kms_key_id": null, "s3_bucket_name": object.get(input.resource, "s3_bucket_name", null)},
	}
}
