# Package custos.lib.access holds the helpers of the access-review rules
# (policies/access/, docs/access-review.md): whether a principal has history enough to
# be judged against, which principals are judged, and evidence lists.
package custos.lib.access

# learned holds when the principal has enough history in the baseline window for
# "new" and "unusual" verdicts: active on at least learning_days days, with at least
# min_baseline_events events of its own.
learned(principal) if {
	principal.baseline.days_active >= data.custos.config.access.learning_days
	principal.baseline.events >= data.custos.config.access.min_baseline_events
}

# judged holds for principals that act on their own behalf: not an AWS service and not
# a service-linked role, whose calls AWS makes.
judged(principal) if {
	principal.type != "AWSService"
	not principal.service_linked
}

# events keeps the first max_evidence_events evidence events of a list.
events(list) := array.slice(list, 0, data.custos.config.access.max_evidence_events)

# trusted_account holds for the resource's own account and the configured trusted accounts.
trusted_account(account, own) if account == own

trusted_account(account, _) if account in data.custos.config.trusted_accounts

# arn_account is the account field of an ARN; "" when the value is not an ARN with one.
arn_account(arn) := parts[4] if {
	parts := split(arn, ":")
	count(parts) >= 6
	parts[0] == "arn"
} else := ""

# succeeded holds for an event without an error code.
succeeded(event) if object.get(event, "error_code", "") == ""

# who names the principal of an event input (input.context.principal) or a principal input.
who(principal) := principal.key
