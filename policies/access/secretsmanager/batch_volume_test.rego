package custos.access.secretsmanager.batch_volume_test

import data.custos.access.secretsmanager.batch_volume

principal(n) := {"resource": {"key": "k", "type": "IAMUser", "review": {"batch": {"count": n, "regions": ["eu-west-1"], "events": []}}}}

test_deny_many_calls if count(batch_volume.deny) == 1 with input as principal(40)

test_pass_few_calls if count(batch_volume.deny) == 0 with input as principal(2)
