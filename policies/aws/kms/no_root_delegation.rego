# METADATA
# title: Key policy does not delegate to the account
# description: >-
#   No Allow statement of the key policy gives every KMS action to the key's own account
#   root (arn:aws:iam::ACCOUNT:root or the account id) without a condition. Without that
#   statement IAM policies cannot grant access to the key, and if the principals the key
#   policy names are deleted the key becomes unmanageable: only AWS Support can restore
#   access. AWS-managed keys and keys whose policy was not collected are left out.
# custom:
#   id: aws-kms-no-root-delegation
#   severity: medium
#   resource_type: aws.kms.key
#   controls: {}
#   remediation: >-
#     Add the default key policy statement that allows kms:* to
#     arn:aws:iam::ACCOUNT:root (PutKeyPolicy), and control access to the key with IAM
#     policies and narrower key policy statements.
package custos.aws.kms.no_root_delegation

import data.custos.lib.actions
import data.custos.lib.iam
import data.custos.lib.kms

owner := iam.owner_account(object.get(input, "account", {}), input.resource.arn)

deny contains result if {
	input.resource.key_manager == "CUSTOMER"
	policy := input.resource.key_policy
	is_object(policy)
	count([stmt |
		some stmt in policy.statements
		delegates(stmt)
	]) == 0
	result := {
		"msg": sprintf("KMS key %s has a key policy without the statement that lets account %s manage it through IAM", [kms.label(input.resource), owner]),
		"evidence": {"account": owner, "principals": sort({p.principal | some p in kms.aws_principals(policy, owner)})},
	}
}

delegates(stmt) if {
	stmt.effect == "Allow"
	count(iam.list_at(stmt, "conditions")) == 0
	some principal in object.get(stmt, ["principal", "aws"], [])
	kms.account_root(principal, owner)
	actions.grants_service(stmt, "kms")
}
