# METADATA
# title: Secret lacks required ownership tags
# description: >-
#   Every secret should carry the tags listed in required_tags (by default owner,
#   environment and data-classification) so that someone answers for it. Tag keys
#   match case-sensitively, as AWS compares them; a tag with a blank value counts as
#   missing. Secrets managed by another AWS service take their ownership from the
#   owning resource and secrets scheduled for deletion are left out.
# custom:
#   id: aws-secretsmanager-missing-required-tags
#   severity: low
#   resource_type: aws.secretsmanager.secret
#   controls:
#     soc2: ["C1.1"]
#   remediation: >-
#     Tag the secret with every required key (TagResource), and enforce the tags at
#     creation with a tag policy or an IAM condition on aws:RequestTag.
package custos.aws.secretsmanager.missing_required_tags

import data.custos.lib.secrets
import data.custos.lib.tags

deny contains result if {
	not secrets.owned_by_service(input.resource)
	not secrets.scheduled_for_deletion(input.resource)
	resource_tags := object.get(input.resource, "tags", {})
	missing := tags.missing(resource_tags, data.custos.config.required_tags)
	count(missing) > 0
	result := {
		"msg": sprintf("secret %s lacks required tags: %s", [input.resource.name, concat(", ", missing)]),
		"evidence": {"missing_tags": missing, "present_tags": tags.keys(resource_tags)},
	}
}
