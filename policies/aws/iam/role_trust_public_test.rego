package custos.aws.iam.role_trust_public_test

import data.custos.aws.iam.role_trust_public as rule

role(statements) := {"arn": "arn:aws:iam::111122223333:role/x", "name": "x", "path": "/", "trust_policy": {"statements": statements}}

anyone := {"effect": "Allow", "principal": {"all": true}, "actions": ["sts:assumerole"]}

cond(key, values) := {"operator": "StringEquals", "base": "StringEquals", "qualifier": "", "if_exists": false, "key": key, "values": values}

test_deny_principal_star if {
	count(rule.deny) == 1 with input as {"resource": role([anyone])}
}

# Trap: an external id is a shared value, not an identity.
test_deny_external_id_only if {
	count(rule.deny) == 1 with input as {"resource": role([object.union(anyone, {"conditions": [cond("sts:externalid", ["x1"])]})])}
}

# Trap: Principal "*" narrowed to the organization is not public.
test_pass_narrowed_to_organization if {
	count(rule.deny) == 0 with input as {"resource": role([object.union(anyone, {"conditions": [cond("aws:principalorgid", ["o-a1b2c3d4e5"])]})])}
}

test_pass_named_account if {
	count(rule.deny) == 0 with input as {"resource": role([object.union(anyone, {"principal": {"all": false, "aws": ["arn:aws:iam::111122223333:root"], "accounts": ["111122223333"]}})])}
}

test_pass_service_linked if {
	count(rule.deny) == 0 with input as {"resource": object.union(role([anyone]), {"path": "/aws-service-role/x.amazonaws.com/"})}
}
