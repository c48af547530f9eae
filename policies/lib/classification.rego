# Package custos.lib.classification reads a resource's data classification tier and the
# thresholds its tier overrides (data.custos.config.classification).
package custos.lib.classification

import data.custos.lib.tags

# tier is the resource's classification tier: its classification tag's value, lower-cased,
# when that names a tier, else classification.default_tier when set. Undefined otherwise,
# so that no tier override applies.
tier(resource_tags) := t if {
	t := lower(tags.value(resource_tags, data.custos.config.tags.classification))
	t in tags.tiers
} else := t if {
	t := data.custos.config.classification.default_tier
	t != ""
}

# threshold is the tier's override of key when the tier sets one (non-zero), else general.
threshold(resource_tags, key, general) := v if {
	v := data.custos.config.classification[tier(resource_tags)][key]
	v != 0
} else := general

# requires_customer_key holds when the resource's tier requires a customer-managed key.
requires_customer_key(resource_tags) if {
	data.custos.config.classification[tier(resource_tags)].require_customer_key == true
}

# tier_or_null is tier, or null when the resource has none (for evidence).
tier_or_null(resource_tags) := t if {
	t := tier(resource_tags)
} else := null
