package custos.lib.classification_test

import data.custos.lib.classification

test_tier if {
	classification.tier({"data-classification": "Restricted"}) == "restricted"
	not classification.tier({"data-classification": "top-secret"})
	not classification.tier({})
	not classification.tier(null)
	classification.tier({}) == "internal" with data.custos.config.classification.default_tier as "internal"
}

test_threshold if {
	classification.threshold({"data-classification": "restricted"}, "secret_rotation_max_days", 90) == 30
	classification.threshold({"data-classification": "internal"}, "secret_rotation_max_days", 90) == 90
	classification.threshold({}, "secret_rotation_max_days", 90) == 90
}

test_requires_customer_key if {
	classification.requires_customer_key({"data-classification": "confidential"})
	classification.requires_customer_key({"data-classification": "restricted"})
	not classification.requires_customer_key({"data-classification": "internal"})
	not classification.requires_customer_key({})
}
