package custos.aws.iam.cloudtrail_tampering_test

import data.custos.aws.iam.cloudtrail_tampering as rule

doc(statements) := {"resource": {
	"arn": "arn:aws:iam::111122223333:policy/ops", "name": "ops", "kind": "managed",
	"document": {"version": "2012-10-17", "statements": statements},
}}

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources}

test_deny_stop_logging if {
	results := rule.deny with input as doc([allow(["cloudtrail:StopLogging"], ["*"])])
	count(results) == 1
	some r in results
	r.evidence.actions == ["cloudtrail:stoplogging"]
}

test_deny_cloudtrail_star_on_all_trails if {
	results := rule.deny with input as doc([allow(["cloudtrail:*"], ["arn:aws:cloudtrail:*:111122223333:trail/*"])])
	some r in results
	r.evidence.actions == ["cloudtrail:deletetrail", "cloudtrail:puteventselectors", "cloudtrail:stoplogging", "cloudtrail:updatetrail"]
}

test_pass_read_only if {
	count(rule.deny) == 0 with input as doc([allow(["cloudtrail:Describe*", "cloudtrail:Get*", "cloudtrail:LookupEvents"], ["*"])])
}

test_pass_one_trail if {
	count(rule.deny) == 0 with input as doc([allow(["cloudtrail:*"], ["arn:aws:cloudtrail:eu-west-1:111122223333:trail/sandbox"])])
}

test_pass_denied_by_scp_style_statement if {
	count(rule.deny) == 0 with input as doc([
		allow(["cloudtrail:*"], ["*"]),
		{"effect": "Deny", "actions": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"], "resources": ["*"]},
	])
}
