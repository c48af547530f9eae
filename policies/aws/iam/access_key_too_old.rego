# METADATA
# title: Active access key is older than allowed
# description: >-
#   An active access key of the user was created more than iam.access_key_max_age_days
#   days ago (90 by default). Long-lived keys end up in scripts, laptops and repositories;
#   rotating them limits how long a leaked one works. One finding per key; inactive keys
#   are left out.
# custom:
#   id: aws-iam-access-key-too-old
#   severity: medium
#   resource_type: aws.iam.user
#   controls:
#     soc2: ["CC6.1"]
#     pci-dss-4.0: ["8.3.9", "8.6.3"]
#     cis-aws-3.0: ["1.14"]
#     aws-fsbp: ["IAM.3"]
#   remediation: >-
#     Create a second key, move every client to it, deactivate the old key
#     (UpdateAccessKey --status Inactive), then delete it; better, replace the user's keys
#     with a role and temporary credentials.
package custos.aws.iam.access_key_too_old

import data.custos.lib.time as clock

deny contains result if {
	some key in object.get(input.resource, "access_keys", [])
	key.status == "Active"
	is_string(key.create_date)
	age := clock.days_between(key.create_date, input.now)
	limit := data.custos.config.iam.access_key_max_age_days
	age > limit
	result := {
		"msg": sprintf("IAM user %s has an active access key %s created %d days ago, more than the allowed %d", [input.resource.name, key.access_key_id, clock.whole_days(age), limit]),
		"evidence": {
			"access_key_id": key.access_key_id,
			"create_date": key.create_date,
			"age_days": clock.whole_days(age),
			"max_age_days": limit,
		},
		"discriminator": key.access_key_id,
	}
}
