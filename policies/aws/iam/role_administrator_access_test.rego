package custos.aws.iam.role_administrator_access_test

import data.custos.aws.iam.role_administrator_access as rule

principal(policies) := {
	"arn": "arn:aws:iam::111122223333:role/ops", "name": "ops",
	"attached_policies": policies,
}

test_deny_administrator_access if {
	results := rule.deny with input as {"resource": principal([{"name": "AdministratorAccess", "arn": "arn:aws:iam::aws:policy/AdministratorAccess"}])}
	count(results) == 1
	some r in results
	r.evidence.policies == ["arn:aws:iam::aws:policy/AdministratorAccess"]
}

# Trap: a customer-managed policy that happens to share the name is judged by its content elsewhere.
test_pass_customer_policy_with_the_same_name if {
	count(rule.deny) == 0 with input as {"resource": principal([{"name": "AdministratorAccess", "arn": "arn:aws:iam::111122223333:policy/AdministratorAccess"}])}
}

test_pass_read_only if {
	count(rule.deny) == 0 with input as {"resource": principal([{"name": "ReadOnlyAccess", "arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}])}
	count(rule.deny) == 0 with input as {"resource": object.remove(principal([]), ["attached_policies"])}
}
