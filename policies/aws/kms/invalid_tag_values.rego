# METADATA
# title: KMS key's ownership tags hold values outside the allowed set
# description: >-
#   The customer-managed key's owner tag is not an e-mail address or a known team
#   (tags.owner_teams, tags.owner_team_pattern), its environment tag is not one of
#   tags.environments, or its classification tag is not one of the tiers public,
#   internal, confidential, restricted. Missing tags are reported by
#   aws-kms-missing-required-tags; AWS-managed keys cannot be tagged and are left out.
# custom:
#   id: aws-kms-invalid-tag-values
#   severity: low
#   resource_type: aws.kms.key
#   controls:
#     soc2: ["C1.1"]
#   remediation: >-
#     Correct the tag values (TagResource) and restrict them with a tag policy that lists
#     the allowed values.
package custos.aws.kms.invalid_tag_values

import data.custos.lib.kms
import data.custos.lib.tags

deny contains result if {
	input.resource.key_manager == "CUSTOMER"
	not input.resource.key_state in kms.pending_deletion_states
	problems := tags.invalid(object.get(input.resource, "tags", {}))
	count(problems) > 0
	result := {
		"msg": sprintf("KMS key %s has tags with values outside the allowed set: %s", [
			kms.label(input.resource),
			concat(", ", [sprintf("%s=%s", [p.tag, p.value]) | some p in problems]),
		]),
		"evidence": {"invalid_tags": problems},
	}
}
