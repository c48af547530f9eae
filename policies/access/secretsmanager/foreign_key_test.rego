package custos.access.secretsmanager.foreign_key_test

import data.custos.access.secretsmanager.foreign_key

event(name, request) := {
	"resource": {
		"source": "secretsmanager.amazonaws.com", "name": name, "error_code": "",
		"account": "111122223333", "target_account": "111122223333",
		"target": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db", "request": request,
		"evidence": {"id": "e1"},
	},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:user/mallory"}},
}

test_deny_update_foreign_key if {
	some result in foreign_key.deny with input as event("UpdateSecret", {"kmsKeyId": "arn:aws:kms:eu-west-1:444455556666:key/k9"})
	result.evidence.account == "444455556666"
}

test_deny_replica_foreign_key if {
	count(foreign_key.deny) == 1 with input as event("ReplicateSecretToRegions", {"addReplicaRegions": [{"region": "us-east-1", "kmsKeyId": "arn:aws:kms:us-east-1:444455556666:key/k9"}]})
}

test_pass_own_key if count(foreign_key.deny) == 0 with input as event("UpdateSecret", {"kmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/k1"})

test_pass_alias if count(foreign_key.deny) == 0 with input as event("UpdateSecret", {"kmsKeyId": "alias/app"})
