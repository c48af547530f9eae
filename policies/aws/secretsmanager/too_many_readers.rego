# METADATA
# title: Secret is readable by more principals than allowed
# description: >-
#   More distinct principals can definitely read the secret's value than
#   secrets.max_readers allows (or the max_readers of the secret's classification tier).
#   Readers come from custos's effective-access analysis (context.readers): identity
#   policies, the secret's resource policy and kms:Decrypt on its key through the key
#   policy and grants. Readers that can read it only under a condition custos cannot
#   decide are listed in the evidence but not counted; an account root counts once.
# custom:
#   id: aws-secretsmanager-too-many-readers
#   severity: medium
#   resource_type: aws.secretsmanager.secret
#   controls:
#     soc2: ["CC6.3"]
#     pci-dss-4.0: ["7.2.2", "7.2.5"]
#   remediation: >-
#     Narrow who can read the secret: scope secretsmanager:GetSecretValue in identity
#     policies to the secrets each principal needs, add a resource policy that denies
#     everyone else, and limit kms:Decrypt on its key (custos access secret ARN lists
#     each reader and the statements behind it).
package custos.aws.secretsmanager.too_many_readers

import data.custos.lib.classification
import data.custos.lib.readers
import data.custos.lib.secrets

deny contains result if {
	not secrets.scheduled_for_deletion(input.resource)
	entries := readers.secret_readers(input)
	definite := readers.definite_principals(entries)
	limit := classification.threshold(object.get(input.resource, "tags", {}), "max_readers", data.custos.config.secrets.max_readers)
	count(definite) > limit
	result := {
		"msg": sprintf("secret %s can be read by %d principals, more than the allowed %d", [input.resource.name, count(definite), limit]),
		"evidence": {
			"readers": definite,
			"conditional_readers": readers.conditional_principals(entries),
			"max_readers": limit,
		},
	}
}
