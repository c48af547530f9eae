# METADATA
# title: CloudTrail log file validation is off
# description: >-
#   Without log file validation CloudTrail writes no signed digest files, so nobody can
#   prove that the delivered logs (the record of who read which secret and used which
#   key) were not changed or deleted afterwards.
# custom:
#   id: aws-cloudtrail-log-validation-disabled
#   severity: medium
#   resource_type: aws.cloudtrail.trail
#   controls:
#     pci-dss-4.0: ["10.3.4"]
#     cis-aws-3.0: ["3.2"]
#     aws-fsbp: ["CloudTrail.4"]
#   remediation: >-
#     Turn on log file validation (UpdateTrail --enable-log-file-validation) and check
#     the digests with aws cloudtrail validate-logs.
package custos.aws.cloudtrail.log_validation_disabled

deny contains result if {
	not input.resource.log_file_validation_enabled == true
	result := {
		"msg": sprintf("trail %s does not validate its log files", [input.resource.name]),
		"evidence": {"log_file_validation_enabled": false, "home_region": object.get(input.resource, "home_region", null)},
	}
}
