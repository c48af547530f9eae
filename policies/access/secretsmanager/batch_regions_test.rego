package custos.access.secretsmanager.batch_regions_test

import data.custos.access.secretsmanager.batch_regions

principal(regions) := {"resource": {"key": "k", "type": "IAMUser", "review": {"batch": {"count": count(regions), "regions": regions, "events": []}}}}

test_deny_sweep if count(batch_regions.deny) == 1 with input as principal(["eu-west-1", "us-east-1", "ap-south-1", "sa-east-1"])

test_pass_home_region if count(batch_regions.deny) == 0 with input as principal(["eu-west-1"])
