# METADATA
# title: One principal can both administer and use the KMS key
# description: >-
#   The key policy lets the same principal (other than the account root) administer the
#   key (kms:PutKeyPolicy, ScheduleKeyDeletion, CancelKeyDeletion, DisableKey,
#   DisableKeyRotation, DeleteImportedKeyMaterial) and decrypt with it (kms:Decrypt), in
#   one statement or across several. Whoever holds that principal can read the data and
#   cover the tracks by changing who else may: there is no separation of duties. Action
#   wildcards are expanded against custos's action catalogue; conditions are not taken
#   to remove either capability.
# custom:
#   id: aws-kms-no-separation-of-duties
#   severity: medium
#   resource_type: aws.kms.key
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["3.6.1"]
#   remediation: >-
#     Give administration and use to different principals: remove kms:Decrypt from the
#     key administrators, or the administrative actions from the key users (PutKeyPolicy).
package custos.aws.kms.no_separation_of_duties

import data.custos.lib.iam
import data.custos.lib.kms

admin_actions := {
	"kms:putkeypolicy", "kms:schedulekeydeletion", "kms:cancelkeydeletion",
	"kms:disablekey", "kms:disablekeyrotation", "kms:deleteimportedkeymaterial",
}

owner := iam.owner_account(object.get(input, "account", {}), input.resource.arn)

# capabilities maps each principal of the key policy (not the account root) to the
# admin and use actions its Allow statements grant it.
capabilities[principal] contains action if {
	some stmt in input.resource.key_policy.statements
	stmt.effect == "Allow"
	some principal in object.get(stmt, ["principal", "aws"], [])
	not kms.account_root(principal, owner)
	some action in iam.named_actions(stmt, capability_actions)
}

capability_actions := {a: "key" | some a in (admin_actions | {"kms:decrypt"})}

deny contains result if {
	input.resource.key_manager == "CUSTOMER"
	both := [{"principal": principal, "admin_actions": sort(admin)} |
		some principal, granted in capabilities
		"kms:decrypt" in granted
		admin := granted & admin_actions
		count(admin) > 0
	]
	count(both) > 0
	result := {
		"msg": sprintf("KMS key %s lets %s both administer the key and decrypt with it", [
			kms.label(input.resource),
			concat(", ", sort({b.principal | some b in both})),
		]),
		"evidence": {"principals": both},
	}
}
