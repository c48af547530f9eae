package custos.aws.iam.service_wildcard_test

import data.custos.aws.iam.service_wildcard

with_statements(statements) := {"resource": {
	"arn": "arn:aws:iam::111122223333:policy/ops", "name": "ops", "kind": "managed",
	"document": {"version": "2012-10-17", "statements": statements},
}}

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources}

test_deny_secretsmanager_star if {
	results := service_wildcard.deny with input as with_statements([allow(["secretsmanager:*"], ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/*"])])
	count(results) == 1
	some r in results
	r.evidence.services == ["secretsmanager"]
}

test_deny_both_services_one_finding if {
	results := service_wildcard.deny with input as with_statements([allow(["kms:*"], ["*"]), allow(["Secretsmanager:*"], ["*"])])
	count(results) == 1
	some r in results
	r.evidence.services == ["kms", "secretsmanager"]
	[s.index | some s in r.evidence.statements] == [0, 1]
}

test_deny_star_on_a_key if {
	results := service_wildcard.deny with input as with_statements([allow(["*"], ["arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"])])
	some r in results
	r.evidence.services == ["cloudtrail", "iam", "kms", "secretsmanager", "sts"]
}

test_pass_full_admin_reported_elsewhere if {
	count(service_wildcard.deny) == 0 with input as with_statements([allow(["*"], ["*"])])
}

test_pass_partial_wildcards if {
	count(service_wildcard.deny) == 0 with input as with_statements([allow(["kms:describe*", "kms:list*", "secretsmanager:get*"], ["*"])])
}

test_pass_other_service_wildcard if {
	count(service_wildcard.deny) == 0 with input as with_statements([allow(["s3:*"], ["arn:aws:s3:::scratch/*"])])
}

test_pass_deny_statement if {
	count(service_wildcard.deny) == 0 with input as with_statements([{"effect": "Deny", "actions": ["kms:*"], "resources": ["*"]}])
}

test_deny_identity_and_audit_services if {
	results := service_wildcard.deny with input as with_statements([allow(["iam:*", "sts:*", "cloudtrail:*"], ["*"])])
	some r in results
	r.evidence.services == ["cloudtrail", "iam", "sts"]
	r.msg == "policy ops allows every action of cloudtrail, iam, sts"
}

# Trap: wildcards that together leave no KMS action out are as wide as kms:*.
test_deny_wildcards_covering_the_service if {
	patterns := ["kms:c*", "kms:d*", "kms:e*", "kms:g*", "kms:i*", "kms:l*", "kms:p*", "kms:r*", "kms:s*", "kms:t*", "kms:u*", "kms:v*"]
	results := service_wildcard.deny with input as with_statements([allow(patterns, ["*"])])
	some r in results
	r.evidence.services == ["kms"]
}

test_pass_almost_every_action if {
	patterns := ["kms:c*", "kms:d*", "kms:e*", "kms:g*", "kms:i*", "kms:l*", "kms:p*", "kms:r*", "kms:s*", "kms:t*", "kms:u*"]
	count(service_wildcard.deny) == 0 with input as with_statements([allow(patterns, ["*"])])
}

test_pass_not_action_reported_elsewhere if {
	count(service_wildcard.deny) == 0 with input as with_statements([{"effect": "Allow", "not_actions": ["s3:*"], "resources": ["arn:aws:kms:*:*:key/*"]}])
}
