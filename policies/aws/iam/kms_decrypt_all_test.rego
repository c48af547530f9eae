package custos.aws.iam.kms_decrypt_all_test

import data.custos.aws.iam.kms_decrypt_all

with_statements(statements) := {
	"resource_type": "aws.iam.policy",
	"resource": {
		"name": "decrypt", "kind": "inline", "principal_arn": "arn:aws:iam::111122223333:role/app",
		"attached_to": ["arn:aws:iam::111122223333:role/app"],
		"document": {"version": "2012-10-17", "statements": statements},
	},
}

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources}

test_deny_decrypt_on_star if {
	results := kms_decrypt_all.deny with input as with_statements([allow(["kms:decrypt"], ["*"])])
	count(results) == 1
	some r in results
	r.evidence.actions == ["kms:decrypt"]
	contains(r.msg, "inline policy decrypt of arn:aws:iam::111122223333:role/app")
}

test_deny_all_keys_pattern if {
	every resources in [["arn:aws:kms:*:*:key/*"], ["arn:aws:kms:eu-west-1:111122223333:key/*"], ["arn:aws:kms:*"]] {
		count(kms_decrypt_all.deny) == 1 with input as with_statements([allow(["kms:decrypt"], resources)])
	}
}

test_deny_wildcards_and_reencrypt if {
	results := kms_decrypt_all.deny with input as with_statements([allow(["kms:*"], ["*"])])
	some r in results
	r.evidence.actions == ["kms:decrypt", "kms:reencryptfrom"]
}

test_deny_reencrypt_from_only if {
	results := kms_decrypt_all.deny with input as with_statements([allow(["kms:reencrypt*"], ["*"])])
	some r in results
	r.evidence.actions == ["kms:reencryptfrom"]
}

test_deny_with_via_service_condition if {
	results := kms_decrypt_all.deny with input as with_statements([object.union(allow(["kms:decrypt"], ["*"]), {"conditions": [{"operator": "StringEquals", "base": "StringEquals", "qualifier": "", "if_exists": false, "key": "kms:viaservice", "values": ["secretsmanager.eu-west-1.amazonaws.com"]}]})])
	some r in results
	[s.condition_keys | some s in r.evidence.statements] == [["kms:viaservice"]]
}

test_pass_specific_keys if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([allow(["kms:decrypt"], ["arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"])])
}

test_pass_alias_arns_only if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([allow(["kms:decrypt"], ["arn:aws:kms:*:*:alias/*"])])
}

test_pass_encrypt_only if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([allow(["kms:encrypt", "kms:generatedatakey*", "kms:describekey"], ["*"])])
}

test_pass_deny_statement if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([{"effect": "Deny", "actions": ["kms:decrypt"], "resources": ["*"]}])
}

test_pass_cancelled_by_deny if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([allow(["kms:decrypt"], ["*"]), {"effect": "Deny", "actions": ["kms:decrypt"], "resources": ["*"]}])
}
