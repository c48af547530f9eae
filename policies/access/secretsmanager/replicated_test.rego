package custos.access.secretsmanager.replicated_test

import data.custos.access.secretsmanager.replicated

event(name, regions) := {
	"resource": {
		"source": "secretsmanager.amazonaws.com", "name": name, "error_code": "",
		"target": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db",
		"request": {"addReplicaRegions": [{"region": r} | some r in regions]},
		"evidence": {"id": "e1"},
	},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:user/mallory"}},
}

test_deny_replicated if {
	results := replicated.deny with input as event("ReplicateSecretToRegions", ["ap-southeast-3", "eu-central-1"])
	count(results) == 2
}

test_deny_at_creation if count(replicated.deny) == 1 with input as event("CreateSecret", ["ap-southeast-3"])

test_pass_allowed_region if {
	count(replicated.deny) == 0 with input as event("ReplicateSecretToRegions", ["eu-central-1"])
		with data.custos.config.access.allowed_regions as ["eu-central-1"]
}

test_pass_no_replica if count(replicated.deny) == 0 with input as event("CreateSecret", [])
