# METADATA
# title: Active access key has not been used for longer than allowed
# description: >-
#   An active access key of the user was last used more than iam.access_key_unused_days
#   days ago (45 by default), or never, and was created more than that many days ago. An
#   unused key is a credential nobody needs and nobody watches. A key younger than the
#   threshold is not judged; inactive keys are left out. One finding per key.
# custom:
#   id: aws-iam-access-key-unused
#   severity: medium
#   resource_type: aws.iam.user
#   controls:
#     soc2: ["CC6.2"]
#     pci-dss-4.0: ["8.2.6"]
#     cis-aws-3.0: ["1.12"]
#     aws-fsbp: ["IAM.8"]
#   remediation: >-
#     Deactivate the key (UpdateAccessKey --status Inactive) and delete it once nothing
#     breaks.
package custos.aws.iam.access_key_unused

import data.custos.lib.time as clock

deny contains result if {
	some key in object.get(input.resource, "access_keys", [])
	key.status == "Active"
	is_string(key.create_date)
	limit := data.custos.config.iam.access_key_unused_days
	clock.days_between(key.create_date, input.now) > limit
	[phrase, idle] := idle_for(key)
	idle > limit
	result := {
		"msg": sprintf("IAM user %s has an active access key %s %s", [input.resource.name, key.access_key_id, phrase]),
		"evidence": {
			"access_key_id": key.access_key_id,
			"create_date": key.create_date,
			"last_used_date": object.get(key, "last_used_date", null),
			"idle_days": clock.whole_days(idle),
			"unused_days": limit,
		},
		"discriminator": key.access_key_id,
	}
}

idle_for(key) := [sprintf("last used %d days ago", [clock.whole_days(days)]), days] if {
	is_string(key.last_used_date)
	days := clock.days_between(key.last_used_date, input.now)
} else := [sprintf("never used in the %d days since it was created", [clock.whole_days(days)]), days] if {
	days := clock.days_between(key.create_date, input.now)
}
