package custos.lib.iam_test

import data.custos.lib.iam

test_action_matches_wildcards if {
	iam.action_matches("secretsmanager:Get*", "secretsmanager:getsecretvalue")
	iam.action_matches("*", "kms:decrypt")
	iam.action_matches("kms:De?rypt", "kms:Decrypt")
	not iam.action_matches("kms:Describe*", "kms:decrypt")
	not iam.action_matches("secretsmanager:GetSecretValue", "secretsmanager:getsecretvalueextra")
}

test_glob_metacharacters_match_literally if {
	iam.resource_matches("arn:aws:s3:::bucket[1]", "arn:aws:s3:::bucket[1]")
	not iam.resource_matches("arn:aws:s3:::bucket[12]", "arn:aws:s3:::bucket1")
	iam.resource_matches("arn:aws:s3:::{a,b}", "arn:aws:s3:::{a,b}")
	not iam.resource_matches("arn:aws:s3:::{a,b}", "arn:aws:s3:::a")
}

test_resource_wildcard_crosses_delimiters if {
	iam.resource_matches("arn:aws:secretsmanager:*", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:a.b/c")
	not iam.resource_matches("arn:aws:secretsmanager:*", "arn:aws:kms:eu-west-1:123456789012:key/1")
}

test_not_action_applies_to_everything_else if {
	stmt := {"effect": "Allow", "not_actions": ["iam:*"], "resources": ["*"]}
	iam.allows_action(stmt, "secretsmanager:getsecretvalue")
	not iam.allows_action(stmt, "iam:createuser")
}

test_deny_does_not_allow if {
	stmt := {"effect": "Deny", "actions": ["*"], "resources": ["*"]}
	not iam.allows_action(stmt, "kms:decrypt")
	iam.denies_action(stmt, "kms:decrypt")
}

test_pattern_covers_all_secrets if {
	every pattern in [
		"*",
		"arn:aws:secretsmanager:*:*:secret:*",
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:*",
		"arn:aws:secretsmanager:*",
		"arn:*:secretsmanager:*:*:*",
		"arn:aws:secretsmanager:us-east-?:*:secret:?*",
	] {
		iam.pattern_covers_all(pattern, "secretsmanager", "secret:")
	}
}

test_pattern_scoped_is_not_all_secrets if {
	every pattern in [
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-*",
		"arn:aws:secretsmanager:*:*:secret:app-?????",
		"arn:aws:kms:*:*:key/*",
		"arn:aws:secretsmanager:*:*:secret:*-AbCdEf",
	] {
		not iam.pattern_covers_all(pattern, "secretsmanager", "secret:")
	}
}

test_not_resource_covers_all_unless_it_excludes_all if {
	iam.covers_all({"not_resources": ["arn:aws:kms:*:*:key/1234"]}, "kms", "key/")
	not iam.covers_all({"not_resources": ["arn:aws:kms:*:*:key/*"]}, "kms", "key/")
}

test_all_resources if {
	iam.all_resources({"resources": ["*"]})
	iam.all_resources({"resources": ["arn:*"]})
	iam.all_resources({"not_resources": ["arn:aws:s3:::x"]})
	not iam.all_resources({"resources": ["arn:aws:*"]})
	not iam.all_resources({"resources": ["arn:aws:secretsmanager:*:*:secret:*"]})
}

test_all_actions_and_service_wide if {
	iam.all_actions_pattern("*")
	iam.all_actions_pattern("*:*")
	not iam.all_actions_pattern("kms:*")
	iam.service_wide_pattern("kms:*", "kms")
	iam.service_wide_pattern("*", "kms")
	not iam.service_wide_pattern("kms:de*", "kms")
}

test_public_principal if {
	iam.public_principal({"effect": "Allow", "principal": {"all": true}})
	iam.public_principal({"effect": "Allow", "not_principal": {"all": false, "aws": ["arn:aws:iam::123456789012:root"]}})
	not iam.public_principal({"effect": "Allow", "principal": {"all": false, "aws": ["arn:aws:iam::123456789012:root"]}})
	not iam.public_principal({"effect": "Allow", "principal": {"all": false, "service": ["cloudtrail.amazonaws.com"]}})
}

condition(operator, key, values) := {
	"operator": operator, "base": operator, "qualifier": "", "if_exists": false,
	"key": key, "values": values,
}

test_narrowing_conditions if {
	iam.narrowing_condition(condition("StringEquals", "aws:principalorgid", ["o-abcdefghij"]))
	iam.narrowing_condition(condition("StringEquals", "kms:calleraccount", ["123456789012"]))
	iam.narrowing_condition(condition("ArnLike", "aws:principalarn", ["arn:aws:iam::123456789012:role/*"]))
	iam.narrowing_condition(condition("StringEquals", "aws:sourcevpce", ["vpce-0abc"]))
}

test_not_narrowing_conditions if {
	not iam.narrowing_condition(condition("StringNotEquals", "aws:principalorgid", ["o-abcdefghij"]))
	not iam.narrowing_condition(condition("StringLike", "aws:principalorgid", ["*"]))
	not iam.narrowing_condition(condition("StringLike", "aws:principalorgid", ["o-*"]))
	not iam.narrowing_condition(condition("ArnLike", "aws:principalarn", ["arn:aws:iam::*:role/admin"]))
	not iam.narrowing_condition(condition("StringEquals", "aws:principalaccount", ["${aws:PrincipalAccount}"]))
	not iam.narrowing_condition(condition("Bool", "aws:securetransport", ["true"]))
	not iam.narrowing_condition(condition("StringEquals", "kms:viaservice", ["secretsmanager.eu-west-1.amazonaws.com"]))
	not iam.narrowing_condition(object.union(condition("StringEquals", "aws:principalorgid", ["o-abcdefghij"]), {"if_exists": true}))
	not iam.narrowing_condition(object.union(condition("StringEquals", "aws:principalorgid", ["o-abcdefghij"]), {"qualifier": "ForAllValues"}))
	not iam.narrowing_condition(condition("StringEquals", "aws:principalorgid", []))
}

test_statement_accounts if {
	stmt := {
		"effect": "Allow",
		"principal": {"all": true, "aws": ["*"]},
		"conditions": [
			condition("StringEquals", "aws:principalaccount", ["111111111111"]),
			condition("ArnLike", "aws:sourcearn", ["arn:aws:cloudtrail:*:222222222222:trail/*"]),
			condition("StringEquals", "aws:principalorgid", ["o-abcdefghij"]),
		],
	}
	iam.statement_accounts(stmt) == {"111111111111", "222222222222"}
	iam.statement_organizations(stmt) == {"o-abcdefghij"}
	iam.statement_accounts({"effect": "Allow", "principal": {"accounts": ["333333333333"]}}) == {"333333333333"}
	iam.statement_accounts({"effect": "Allow", "principal": null}) == set()
}

test_resource_policy_summaries if {
	policy := {"statements": [
		{"sid": "Owner", "effect": "Allow", "principal": {"all": false, "aws": ["arn:aws:iam::111122223333:root"], "accounts": ["111122223333"]}, "actions": ["kms:*"], "resources": ["*"]},
		{"effect": "Allow", "principal": {"all": true, "aws": ["*"]}, "actions": ["kms:decrypt"], "resources": ["*"]},
		{"effect": "Deny", "principal": {"all": true, "aws": ["*"]}, "actions": ["kms:*"], "resources": ["*"]},
		{"effect": "Allow", "principal": {"all": true, "aws": ["*"]}, "actions": ["kms:encrypt"], "resources": ["*"], "conditions": [condition("StringEquals", "aws:principalorgid", ["o-abcdefghij"])]},
	]}
	iam.public_statements(policy) == [{"index": 1, "sid": "", "actions": ["kms:decrypt"], "not_actions": []}]
	iam.granted_accounts(policy) == {"111122223333"}
	[ref.index | some ref in iam.statements_granting(policy, "111122223333")] == [0]
	iam.granted_organizations(policy) == {"o-abcdefghij"}
	[ref.index | some ref in iam.statements_granting_organization(policy, "o-abcdefghij")] == [3]
	iam.public_statements(null) == []
	iam.granted_accounts(null) == set()
}

test_foreign_accounts_and_organizations if {
	policy := {"statements": [{"effect": "Allow", "principal": {"all": false, "accounts": ["111122223333", "444455556666", "777788889999"]}, "actions": ["kms:decrypt"], "conditions": [condition("StringEquals", "aws:principalorgid", ["o-zzzzzzzzzz"])]}]}
	iam.foreign_accounts(policy, "111122223333", ["777788889999"]) == {"444455556666"}
	iam.foreign_organizations(policy, {"o-abcdefghij"}) == {"o-zzzzzzzzzz"}
	iam.foreign_organizations(policy, set()) == set()
	iam.known_organizations({"organization_id": "o-abcdefghij"}, "") == {"o-abcdefghij"}
	iam.known_organizations({}, "") == set()
	iam.owner_account({"id": "111122223333"}, "arn:aws:kms:eu-west-1:444455556666:key/1") == "111122223333"
	iam.owner_account({"id": ""}, "arn:aws:kms:eu-west-1:444455556666:key/1") == "444455556666"
	iam.owner_account({}, "arn:aws:kms:eu-west-1:444455556666:key/1") == "444455556666"
}

test_allowing_on_all_and_denied_for_all if {
	policy := {"statements": [
		{"sid": "Read", "effect": "Allow", "actions": ["secretsmanager:get*"], "resources": ["arn:aws:secretsmanager:*:*:secret:*"], "conditions": [condition("StringEquals", "aws:requestedregion", ["eu-west-1"])]},
		{"sid": "Scoped", "effect": "Allow", "actions": ["secretsmanager:getsecretvalue"], "resources": ["arn:aws:secretsmanager:*:*:secret:app/*"]},
	]}
	[d.sid | some d in iam.allowing_on_all(policy, "secretsmanager:getsecretvalue", "secretsmanager", "secret:")] == ["Read"]
	[d.condition_keys | some d in iam.allowing_on_all(policy, "secretsmanager:getsecretvalue", "secretsmanager", "secret:")] == [["aws:requestedregion"]]
	not iam.denied_for_all(policy, "secretsmanager:getsecretvalue", "secretsmanager", "secret:")
	iam.denied_for_all({"statements": [{"effect": "Deny", "actions": ["secretsmanager:*"], "resources": ["*"]}]}, "secretsmanager:getsecretvalue", "secretsmanager", "secret:")
	not iam.denied_for_all({"statements": [{"effect": "Deny", "actions": ["secretsmanager:*"], "resources": ["*"], "conditions": [condition("Bool", "aws:multifactorauthpresent", ["false"])]}]}, "secretsmanager:getsecretvalue", "secretsmanager", "secret:")
}

test_policy_label if {
	iam.policy_label({"name": "app", "kind": "inline", "principal_arn": "arn:aws:iam::111122223333:role/app"}) == "inline policy app of arn:aws:iam::111122223333:role/app"
	iam.policy_label({"name": "app", "kind": "managed", "arn": "arn:aws:iam::111122223333:policy/app"}) == "policy app"
}

test_full_admin if {
	iam.full_admin({"effect": "Allow", "actions": ["*"], "resources": ["*"]})
	not iam.full_admin({"effect": "Allow", "actions": ["*"], "resources": ["arn:aws:s3:::b"]})
	not iam.full_admin({"effect": "Deny", "actions": ["*"], "resources": ["*"]})
	not iam.full_admin({"effect": "Allow", "not_actions": ["iam:*"], "resources": ["*"]})
}

cond(base, key, values) := {"operator": base, "base": base, "qualifier": "", "if_exists": false, "key": key, "values": values}

test_restricts if {
	iam.restricts(cond("StringEquals", "aws:resourcetag/team", ["payments"]), {"aws:resourcetag/"})
	iam.restricts(cond("StringEquals", "aws:resourcetag/team", ["${aws:principaltag/team}"]), {"aws:resourcetag/"})
	iam.restricts(cond("StringLike", "kms:encryptioncontext:app", ["payments-*"]), {"kms:encryptioncontext:"})
	iam.restricts(cond("Bool", "kms:grantisforawsresource", ["true"]), {"kms:grantisforawsresource"})
	not iam.restricts(cond("Bool", "kms:grantisforawsresource", ["false"]), {"kms:grantisforawsresource"})
	not iam.restricts(cond("StringLike", "aws:resourcetag/team", ["*"]), {"aws:resourcetag/"})
	not iam.restricts(cond("StringNotEquals", "aws:resourcetag/team", ["x"]), {"aws:resourcetag/"})
	not iam.restricts(object.union(cond("StringEquals", "aws:resourcetag/team", ["x"]), {"if_exists": true}), {"aws:resourcetag/"})
	not iam.restricts(object.union(cond("StringEquals", "aws:resourcetag/team", ["x"]), {"qualifier": "ForAllValues"}), {"aws:resourcetag/"})
	not iam.restricts(cond("StringEquals", "aws:sourceip", ["10.0.0.1"]), {"aws:resourcetag/"})
	not iam.restricts(cond("StringEquals", "aws:resourcetagx", ["x"]), {"aws:resourcetag"})
}

test_broad_statements if {
	policy := {"statements": [
		{"sid": "All", "effect": "Allow", "actions": ["iam:PassRole"], "resources": ["*"]},
		{"sid": "One", "effect": "Allow", "actions": ["iam:PassRole"], "resources": ["arn:aws:iam::111122223333:role/app"]},
		{"sid": "Tagged", "effect": "Allow", "actions": ["iam:*"], "resources": ["*"], "conditions": [cond("StringEquals", "iam:resourcetag/team", ["a"])]},
		{"sid": "Pattern", "effect": "Allow", "actions": ["iam:Pass*"], "resources": ["arn:aws:iam::*:role/*"]},
	]}
	[s.sid | some s in iam.broad_statements(policy, {"iam:passrole": "role"}, {"iam:resourcetag/"})] == ["All", "Pattern"]
	[s.grants | some s in iam.broad_statements(policy, {"iam:passrole": "role"}, {"iam:resourcetag/"})] == [["iam:passrole"], ["iam:passrole"]]
	denied := {"statements": array.concat(policy.statements, [{"effect": "Deny", "actions": ["iam:PassRole"], "resources": ["*"]}])}
	iam.broad_statements(denied, {"iam:passrole": "role"}, {"iam:resourcetag/"}) == []
}

# fact builds the statement facts custos computes in Go (docs/policy-input.md).
fact(kinds, services) := {
	"kinds": {k: true | some k in kinds},
	"services": {s: true | some s in services},
	"whole_services": [],
	"unknown_actions": [],
	"full_admin": false,
	"undecided": false,
}

broad_doc := {"resource": {"document": {"statements": [
	{"sid": "All", "effect": "Allow", "actions": ["iam:PassRole"], "resources": ["*"]},
	{"sid": "One", "effect": "Allow", "actions": ["iam:PassRole"], "resources": ["arn:aws:iam::111122223333:role/app"]},
	{"sid": "Pattern", "effect": "Allow", "actions": ["iam:Pass*"], "resources": ["arn:aws:iam::*:role/*"]},
]}}}

test_broad_statements_in_reads_the_statements_the_facts_name if {
	facts := [fact(["role", "user", "group", "policy"], ["iam"]), fact([], ["iam"]), fact(["role"], ["iam"])]
	doc := object.union(broad_doc, {"context": {"statements": facts}})
	want := iam.broad_statements(broad_doc.resource.document, {"iam:passrole": "role"}, set())
	[s.sid | some s in want] == ["All", "Pattern"]
	iam.broad_statements_in(doc, {"iam:passrole": "role"}, set()) == want
	iam.covering(doc, {"role"}) == {0, 2}
	iam.covering(doc, {"secret"}) == set()
}

test_broad_statements_in_skips_what_the_facts_rule_out if {
	# Facts that say no statement covers every role: the statements are not read.
	doc := object.union(broad_doc, {"context": {"statements": [fact([], ["iam"]), fact([], ["iam"]), fact([], ["iam"])]}})
	iam.broad_statements_in(doc, {"iam:passrole": "role"}, set()) == []
}

test_helpers_read_every_statement_without_facts if {
	every doc in [broad_doc, object.union(broad_doc, {"context": {"statements": [fact(["role"], [])]}})] {
		# Absent, or not one entry per statement: ignored.
		iam.covering(doc, {"secret"}) == {0, 1, 2}
		iam.naming(doc, "kms") == {0, 1, 2}
		iam.statements_with(doc, "full_admin") == {0, 1, 2}
		[s.sid | some s in iam.broad_statements_in(doc, {"iam:passrole": "role"}, set())] == ["All", "Pattern"]
	}
}

test_helpers_read_undecided_statements if {
	undecided := object.union(fact([], []), {"undecided": true})
	doc := object.union(broad_doc, {"context": {"statements": [undecided, fact([], ["iam"]), fact(["role"], ["iam"])]}})
	iam.covering(doc, {"role"}) == {0, 2}
	iam.naming(doc, "iam") == {0, 1, 2}
	iam.naming(doc, "kms") == {0}
}

test_statements_with if {
	admin := object.union(fact(["secret"], ["kms"]), {"full_admin": true, "whole_services": ["kms"]})
	unknown := object.union(fact([], ["kms"]), {"unknown_actions": ["kms:nosuch"]})
	doc := object.union(broad_doc, {"context": {"statements": [admin, unknown, fact([], [])]}})
	iam.statements_with(doc, "full_admin") == {0}
	iam.statements_with(doc, "whole_services") == {0}
	iam.statements_with(doc, "unknown_actions") == {1}
}

test_service_linked if {
	iam.service_linked({"path": "/aws-service-role/rds.amazonaws.com/"})
	not iam.service_linked({"path": "/"})
	not iam.service_linked({})
}

test_administrator_access if {
	iam.administrator_access("arn:aws:iam::aws:policy/AdministratorAccess")
	iam.administrator_access("arn:aws-us-gov:iam::aws:policy/AdministratorAccess")
	not iam.administrator_access("arn:aws:iam::111122223333:policy/AdministratorAccess")
	not iam.administrator_access("arn:aws:iam::aws:policy/AdministratorAccess-Amplify")
	iam.attached_admin({"attached_policies": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, {"arn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}) == ["arn:aws:iam::aws:policy/AdministratorAccess"]
	iam.attached_admin({}) == []
}

test_summary if {
	iam.summary(["a", "b", "c", "d"]) == "a, b, c, d"
	iam.summary(["a", "b", "c", "d", "e"]) == "a, b, c and 2 more"
}

test_may_name if {
	iam.may_name({"actions": ["iam:PassRole"]}, {"iam"})
	iam.may_name({"actions": ["*"]}, {"iam"})
	iam.may_name({"actions": ["i*:Put*"]}, {"iam"})
	iam.may_name({"not_actions": ["s3:*"]}, {"kms"})
	not iam.may_name({"actions": ["secretsmanager:getsecretvalue", "kms:decrypt"]}, {"iam"})
}

test_may_cover if {
	every resources in [["*"], ["arn:aws:secretsmanager:*:*:secret:*"], ["arn:aws:iam::*:role/*"], ["arn:aws:kms:eu-west-1:111122223333:key/*"], ["arn:aws:secretsmanager:*"], ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:?*"]] {
		iam.may_cover({"resources": resources})
	}
	iam.may_cover({"not_resources": ["arn:aws:s3:::b"]})
	not iam.may_cover({"resources": ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:app-*"]})
	not iam.may_cover({"resources": ["arn:aws:iam::111122223333:role/app"]})
}
