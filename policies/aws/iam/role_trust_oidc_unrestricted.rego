# METADATA
# title: Role trusts a web identity provider without restricting the subject
# description: >-
#   An Allow statement of the role's trust policy admits an OIDC identity provider
#   (sts:AssumeRoleWithWebIdentity) without a condition on the token's subject
#   (<provider>:sub) that names who may assume it, or, for providers other than GitHub,
#   its audience (<provider>:aud). Anyone who can get a token from that provider can
#   assume the role: with token.actions.githubusercontent.com, any GitHub repository.
#   For GitHub the subject must name a repository owner (repo:OWNER/…); wildcards alone
#   do not restrict.
# custom:
#   id: aws-iam-role-trust-oidc-unrestricted
#   severity: critical
#   resource_type: aws.iam.role
#   controls:
#     soc2: ["CC6.1", "CC6.6"]
#   remediation: >-
#     Add a StringEquals or StringLike condition on the provider's sub claim naming the
#     repository and branch or environment allowed, e.g.
#     token.actions.githubusercontent.com:sub = repo:acme/deploy:ref:refs/heads/main.
package custos.aws.iam.role_trust_oidc_unrestricted

import data.custos.lib.iam

github := "token.actions.githubusercontent.com"

deny contains result if {
	policy := input.resource.trust_policy
	statements := [object.union(iam.statement_ref(i, stmt), {"provider": provider}) |
		some i, stmt in policy.statements
		stmt.effect == "Allow"
		some federated in object.get(stmt, ["principal", "federated"], [])
		contains(federated, ":oidc-provider/")
		provider := lower(split(federated, ":oidc-provider/")[1])
		not restricted(stmt, provider)
	]
	count(statements) > 0
	result := {
		"msg": sprintf("IAM role %s can be assumed with any token of %s", [
			input.resource.name,
			concat(", ", sort({s.provider | some s in statements})),
		]),
		"evidence": {"statements": statements},
	}
}

restricted(stmt, provider) if {
	provider == github
	some c in object.get(stmt, "conditions", [])
	iam.restricts(c, {concat("", [github, ":sub"])})
	every v in c.values {
		regex.match(`^repo:[^*?:/]+/`, v)
	}
}

restricted(stmt, provider) if {
	provider != github
	iam.restricted(stmt, {concat("", [provider, ":sub"]), concat("", [provider, ":aud"])})
}
