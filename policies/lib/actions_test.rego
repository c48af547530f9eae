package custos.lib.actions_test

import data.custos.lib.actions

test_expand_wildcards if {
	actions.expand("kms:Get*") == {
		"kms:getkeylastusage", "kms:getkeypolicy", "kms:getkeyrotationstatus",
		"kms:getparametersforimport", "kms:getpublickey",
	}
	actions.expand("KMS:ReEncrypt*") == {"kms:reencryptfrom", "kms:reencryptto"}
	actions.expand("secretsmanager:*SecretValue") == {
		"secretsmanager:batchgetsecretvalue", "secretsmanager:getsecretvalue",
		"secretsmanager:putsecretvalue",
	}
	actions.expand("iam:Put*Policy") == {"iam:putgrouppolicy", "iam:putrolepolicy", "iam:putuserpolicy"}
	actions.expand("sts:AssumeRole?ith*") == {"sts:assumerolewithsaml", "sts:assumerolewithwebidentity"}
}

test_expand_whole_catalogue if {
	total := sum([count(names) | some _, names in actions.catalogue])
	count(actions.expand("*")) == total
	count(actions.expand("*:*")) == total
	count(actions.expand("secretsmanager:*")) == count(actions.catalogue.secretsmanager)
}

test_expand_outside_catalogue if {
	actions.expand("s3:GetObject") == set()
	actions.expand("ec2:*") == set()
	actions.expand("kms:NoSuchAction") == set()
}

test_level if {
	actions.level("kms:CreateGrant") == "Permissions management"
	actions.level("secretsmanager:getsecretvalue") == "Read"
	actions.level("iam:PassRole") == "Write"
	actions.level("iam:ListUsers") == "List"
	actions.level("iam:TagRole") == "Tagging"
	actions.level("cloudtrail:StopLogging") == "Write"
	not actions.level("s3:GetObject")
}

test_every_level_is_known if {
	every _, names in actions.catalogue {
		every _, lv in names {
			lv in actions.levels
		}
	}
	every action in actions.unverified {
		actions.level(action)
	}
}

test_granted if {
	actions.granted({"actions": ["kms:Decrypt", "s3:*"]}) == {"kms:decrypt"}
	granted := actions.granted({"not_actions": ["iam:*", "sts:*", "cloudtrail:*", "kms:*"]})
	granted == actions.service_actions("secretsmanager")
}

test_whole_services if {
	actions.whole_services(actions.expand("kms:*") | {"iam:passrole"}) == ["kms"]
	actions.whole_services(actions.expand("*")) == ["cloudtrail", "iam", "kms", "secretsmanager", "sts"]
	actions.whole_services(actions.expand("kms:Get*")) == []
}

test_by_level if {
	actions.by_level({"kms:decrypt", "kms:putkeypolicy", "kms:creategrant"}) == {
		"Write": ["kms:decrypt"],
		"Permissions management": ["kms:creategrant", "kms:putkeypolicy"],
	}
}

test_unknown_patterns if {
	actions.unknown_patterns({"actions": ["secretsmanager:GetSecretValues", "s3:GetObject", "kms:Decrypt", "kms:Get*"]}) == ["secretsmanager:GetSecretValues"]
	actions.unknown_patterns({"not_actions": ["iam:PassRoles"]}) == ["iam:PassRoles"]
	actions.unknown_patterns({"actions": ["*"]}) == []
}

test_grants_service if {
	actions.grants_service({"actions": ["kms:*"]}, "kms")
	actions.grants_service({"actions": ["*"]}, "kms")
	actions.grants_service({"actions": ["KMS:*"]}, "kms")
	actions.grants_service({"actions": ["kms:c*", "kms:d*", "kms:e*", "kms:g*", "kms:i*", "kms:l*", "kms:p*", "kms:r*", "kms:s*", "kms:t*", "kms:u*", "kms:v*"]}, "kms")
	not actions.grants_service({"actions": ["kms:c*", "kms:d*"]}, "kms")
	actions.grants_service({"not_actions": ["iam:*"]}, "kms")
	not actions.grants_service({"not_actions": ["kms:Decrypt"]}, "kms")
	not actions.grants_service({"actions": ["secretsmanager:*"]}, "kms")
}
