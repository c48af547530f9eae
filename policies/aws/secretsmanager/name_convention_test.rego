package custos.aws.secretsmanager.name_convention_test

import data.custos.aws.secretsmanager.name_convention

secret(name) := {"arn": sprintf("arn:aws:secretsmanager:eu-west-1:111122223333:secret:%s-AbCdEf", [name]), "name": name}

test_deny_flat_name if {
	count(name_convention.deny) == 1 with input as {"resource": secret("db_password")}
}

test_deny_upper_case if {
	count(name_convention.deny) == 1 with input as {"resource": secret("Prod/Payments/DB")}
}

test_deny_custom_pattern if {
	count(name_convention.deny) == 1 with input as {"resource": secret("prod/payments/db")}
		with data.custos.config.secrets.name_pattern as `^(payments|orders)-(prod|dev)-[a-z-]+$`
}

test_pass_convention if {
	count(name_convention.deny) == 0 with input as {"resource": secret("prod/payments/db-credentials")}
	count(name_convention.deny) == 0 with input as {"resource": secret("payments-prod-db")}
		with data.custos.config.secrets.name_pattern as `^(payments|orders)-(prod|dev)-[a-z-]+$`
}

test_pass_service_owned if {
	count(name_convention.deny) == 0 with input as {"resource": object.union(secret("rds!db-1234"), {"owning_service": "rds"})}
}

test_pass_rule_off if {
	count(name_convention.deny) == 0 with input as {"resource": secret("anything")}
		with data.custos.config.secrets.name_pattern as ""
}
