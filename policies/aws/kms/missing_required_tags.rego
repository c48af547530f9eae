# METADATA
# title: Customer-managed KMS key lacks required ownership tags
# description: >-
#   Every customer-managed key should carry the tags listed in required_tags (by
#   default owner, environment and data-classification) so that someone answers for
#   it and for the data it protects. Tag keys match case-sensitively, as AWS compares
#   them; a tag with a blank value counts as missing. AWS-managed keys cannot be
#   tagged and keys pending deletion are left out.
# custom:
#   id: aws-kms-missing-required-tags
#   severity: low
#   resource_type: aws.kms.key
#   controls:
#     soc2: ["C1.1"]
#   remediation: >-
#     Tag the key with every required key (TagResource), and enforce the tags at
#     creation with a tag policy or an IAM condition on aws:RequestTag.
package custos.aws.kms.missing_required_tags

import data.custos.lib.kms
import data.custos.lib.tags

deny contains result if {
	input.resource.key_manager == "CUSTOMER"
	not input.resource.key_state in kms.pending_deletion_states
	resource_tags := object.get(input.resource, "tags", {})
	missing := tags.missing(resource_tags, data.custos.config.required_tags)
	count(missing) > 0
	result := {
		"msg": sprintf("KMS key %s lacks required tags: %s", [kms.label(input.resource), concat(", ", missing)]),
		"evidence": {"missing_tags": missing, "present_tags": tags.keys(resource_tags)},
	}
}
