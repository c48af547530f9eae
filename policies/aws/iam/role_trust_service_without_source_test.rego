package custos.aws.iam.role_trust_service_without_source_test

import data.custos.aws.iam.role_trust_service_without_source as rule

role(statements) := {"arn": "arn:aws:iam::111122223333:role/x", "name": "x", "path": "/", "trust_policy": {"statements": statements}}

service(name) := {"effect": "Allow", "principal": {"all": false, "service": [name]}, "actions": ["sts:assumerole"]}

cond(op, key, values) := {"operator": op, "base": op, "qualifier": "", "if_exists": false, "key": key, "values": values}

test_deny_glue_without_source if {
	results := rule.deny with input as {"resource": role([service("glue.amazonaws.com")])}
	count(results) == 1
	some r in results
	r.evidence.services == ["glue.amazonaws.com"]
}

test_deny_source_if_exists if {
	c := object.union(cond("StringEquals", "aws:sourceaccount", ["111122223333"]), {"if_exists": true})
	count(rule.deny) == 1 with input as {"resource": role([object.union(service("ecs-tasks.amazonaws.com"), {"conditions": [c]})])}
}

test_pass_source_arn if {
	c := cond("ArnLike", "aws:sourcearn", ["arn:aws:ecs:eu-west-1:111122223333:*"])
	count(rule.deny) == 0 with input as {"resource": role([object.union(service("ecs-tasks.amazonaws.com"), {"conditions": [c]})])}
}

test_pass_exempt_service if {
	count(rule.deny) == 0 with input as {"resource": role([service("ec2.amazonaws.com"), service("lambda.amazonaws.com")])}
}

test_pass_aws_principal if {
	count(rule.deny) == 0 with input as {"resource": role([{"effect": "Allow", "principal": {"all": false, "aws": ["arn:aws:iam::111122223333:root"]}, "actions": ["sts:assumerole"]}])}
}
