# METADATA
# title: Secret's ownership tags hold values outside the allowed set
# description: >-
#   The secret's owner tag is not an e-mail address or a known team
#   (tags.owner_teams, tags.owner_team_pattern), its environment tag is not one of
#   tags.environments, or its classification tag is not one of the tiers public,
#   internal, confidential, restricted. A tag that is present but wrong routes alerts and
#   overrides nowhere. Environment and classification compare case-insensitively.
#   Missing tags are reported by aws-secretsmanager-missing-required-tags; secrets
#   managed by another service or scheduled for deletion are left out.
# custom:
#   id: aws-secretsmanager-invalid-tag-values
#   severity: low
#   resource_type: aws.secretsmanager.secret
#   controls:
#     soc2: ["C1.1"]
#   remediation: >-
#     Correct the tag values (TagResource) and restrict them at creation with a tag policy
#     that lists the allowed values.
package custos.aws.secretsmanager.invalid_tag_values

import data.custos.lib.secrets
import data.custos.lib.tags

deny contains result if {
	not secrets.owned_by_service(input.resource)
	not secrets.scheduled_for_deletion(input.resource)
	problems := tags.invalid(object.get(input.resource, "tags", {}))
	count(problems) > 0
	result := {
		"msg": sprintf("secret %s has tags with values outside the allowed set: %s", [
			input.resource.name,
			concat(", ", [sprintf("%s=%s", [p.tag, p.value]) | some p in problems]),
		]),
		"evidence": {"invalid_tags": problems},
	}
}
