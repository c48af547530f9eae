package custos.aws.iam.role_trust_oidc_unrestricted_test

import data.custos.aws.iam.role_trust_oidc_unrestricted as rule

role(conditions) := {"arn": "arn:aws:iam::111122223333:role/deploy", "name": "deploy", "path": "/", "trust_policy": {"statements": [{
	"effect": "Allow",
	"principal": {"all": false, "federated": ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]},
	"actions": ["sts:assumerolewithwebidentity"],
	"conditions": conditions,
}]}}

cond(op, key, values) := {"operator": op, "base": op, "qualifier": "", "if_exists": false, "key": key, "values": values}

aud := cond("StringEquals", "token.actions.githubusercontent.com:aud", ["sts.amazonaws.com"])

test_deny_audience_only if {
	results := rule.deny with input as {"resource": role([aud])}
	count(results) == 1
	some r in results
	r.evidence.statements[0].provider == "token.actions.githubusercontent.com"
}

# Trap: repo:* matches every repository on GitHub.
test_deny_any_repository if {
	count(rule.deny) == 1 with input as {"resource": role([aud, cond("StringLike", "token.actions.githubusercontent.com:sub", ["repo:*"])])}
}

test_pass_repository_pinned if {
	count(rule.deny) == 0 with input as {"resource": role([aud, cond("StringLike", "token.actions.githubusercontent.com:sub", ["repo:acme/deploy:ref:refs/heads/main", "repo:acme/*"])])}
}

test_pass_other_provider_with_audience if {
	r := {"arn": "arn:aws:iam::111122223333:role/web", "name": "web", "trust_policy": {"statements": [{
		"effect": "Allow",
		"principal": {"all": false, "federated": ["arn:aws:iam::111122223333:oidc-provider/accounts.google.com"]},
		"actions": ["sts:assumerolewithwebidentity"],
		"conditions": [cond("StringEquals", "accounts.google.com:aud", ["1234.apps.googleusercontent.com"])],
	}]}}
	count(rule.deny) == 0 with input as {"resource": r}
}

test_pass_saml_provider if {
	r := {"arn": "arn:aws:iam::111122223333:role/sso", "name": "sso", "trust_policy": {"statements": [{
		"effect": "Allow",
		"principal": {"all": false, "federated": ["arn:aws:iam::111122223333:saml-provider/idp"]},
		"actions": ["sts:assumerolewithsaml"],
	}]}}
	count(rule.deny) == 0 with input as {"resource": r}
}
