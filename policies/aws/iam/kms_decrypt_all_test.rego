package custos.aws.iam.kms_decrypt_all_test

import data.custos.aws.iam.kms_decrypt_all
import data.custos.lib.actions

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
	r.evidence.actions == [
		"kms:decrypt", "kms:generatedatakey", "kms:generatedatakeypair",
		"kms:generatedatakeypairwithoutplaintext", "kms:generatedatakeywithoutplaintext",
		"kms:reencryptfrom", "kms:reencryptto",
	]
}

test_deny_reencrypt_from_only if {
	results := kms_decrypt_all.deny with input as with_statements([allow(["kms:reencrypt*"], ["*"])])
	some r in results
	r.evidence.actions == ["kms:reencryptfrom", "kms:reencryptto"]
}

test_deny_generate_data_key_wildcard if {
	results := kms_decrypt_all.deny with input as with_statements([allow(["kms:GenerateDataKey*"], ["*"])])
	some r in results
	"kms:generatedatakey" in r.evidence.actions
}

condition(key, values) := {"operator": "StringEquals", "base": "StringEquals", "qualifier": "", "if_exists": false, "key": key, "values": values}

test_deny_with_unrelated_condition if {
	results := kms_decrypt_all.deny with input as with_statements([object.union(allow(["kms:decrypt"], ["*"]), {"conditions": [condition("aws:requestedregion", ["eu-west-1"])]})])
	some r in results
	[s.condition_keys | some s in r.evidence.statements] == [["aws:requestedregion"]]
}

# Trap: IfExists lets a request without the key through, so it does not narrow.
test_deny_via_service_if_exists if {
	c := object.union(condition("kms:viaservice", ["secretsmanager.eu-west-1.amazonaws.com"]), {"operator": "StringEqualsIfExists", "if_exists": true})
	count(kms_decrypt_all.deny) == 1 with input as with_statements([object.union(allow(["kms:decrypt"], ["*"]), {"conditions": [c]})])
}

test_pass_via_service_condition if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([object.union(allow(["kms:decrypt"], ["*"]), {"conditions": [condition("kms:viaservice", ["secretsmanager.eu-west-1.amazonaws.com"])]})])
}

test_pass_encryption_context_condition if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([object.union(allow(["kms:decrypt"], ["*"]), {"conditions": [condition("kms:encryptioncontext:app", ["billing"])]})])
}

test_pass_specific_keys if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([allow(["kms:decrypt"], ["arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"])])
}

test_pass_alias_arns_only if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([allow(["kms:decrypt"], ["arn:aws:kms:*:*:alias/*"])])
}

test_pass_encrypt_only if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([allow(["kms:encrypt", "kms:describekey", "kms:list*"], ["*"])])
}

test_pass_deny_statement if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([{"effect": "Deny", "actions": ["kms:decrypt"], "resources": ["*"]}])
}

test_pass_cancelled_by_deny if {
	count(kms_decrypt_all.deny) == 0 with input as with_statements([allow(["kms:decrypt"], ["*"]), {"effect": "Deny", "actions": ["kms:decrypt"], "resources": ["*"]}])
}

test_decrypt_actions_match_the_catalogue if {
	expanded := (actions.expand("kms:Decrypt") | actions.expand("kms:ReEncrypt*")) | actions.expand("kms:GenerateDataKey*")
	kms_decrypt_all.decrypt_actions == expanded
}
