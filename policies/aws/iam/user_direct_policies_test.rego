package custos.aws.iam.user_direct_policies_test

import data.custos.aws.iam.user_direct_policies as rule

user := {"arn": "arn:aws:iam::111122223333:user/jane", "name": "jane", "groups": ["developers"]}

test_deny_attached_policy if {
	results := rule.deny with input as {"resource": object.union(user, {"attached_policies": [{"name": "ReadOnlyAccess", "arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]})}
	count(results) == 1
	some r in results
	r.evidence.attached_policies == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

test_deny_inline_policy if {
	count(rule.deny) == 1 with input as {"resource": object.union(user, {"inline_policies": [{"name": "extra", "document": {"statements": []}}]})}
}

test_pass_groups_only if {
	count(rule.deny) == 0 with input as {"resource": user}
	count(rule.deny) == 0 with input as {"resource": object.union(user, {"inline_policies": [], "attached_policies": []})}
}
