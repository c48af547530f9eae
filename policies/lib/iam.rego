# Package custos.lib.iam reads canonical policy documents (docs/policy-input.md):
# IAM wildcard matching, what a statement allows, whom it opens to and whether a
# condition narrows it. Every helper is a function over its arguments.
package custos.lib.iam

# glob_pattern turns an IAM pattern, where only * and ? are wildcards, into a glob
# pattern: the other glob metacharacters are escaped so they match themselves.
glob_pattern(pattern) := strings.replace_n(
	{"\\": "\\\\", "[": "\\[", "]": "\\]", "{": "\\{", "}": "\\}"},
	pattern,
)

# action_matches holds when the IAM action pattern matches the action. IAM compares
# actions case-insensitively, so both sides are lower-cased.
action_matches(pattern, action) if {
	wildcard(pattern)
	glob.match(glob_pattern(lower(pattern)), null, lower(action))
}

action_matches(pattern, action) if {
	not wildcard(pattern)
	lower(pattern) == lower(action)
}

# wildcard holds for a pattern with an IAM wildcard (* or ?); patterns without one match
# by equality, which is much cheaper than a glob.
wildcard(pattern) if contains(pattern, "*")

wildcard(pattern) if contains(pattern, "?")

# resource_matches holds when the IAM resource pattern matches the ARN. ARNs compare
# case-sensitively. No delimiters: * crosses ":" and "/" as it does in IAM.
resource_matches(pattern, arn) if {
	wildcard(pattern)
	glob.match(glob_pattern(pattern), null, arn)
}

resource_matches(pattern, arn) if {
	not wildcard(pattern)
	pattern == arn
}

# list_at reads the field at path (a key or a list of keys) of obj as a list; an absent
# or null field is the empty list. To iterate over the field, some v in
# object.get(obj, path, []) visits the same items without building the list.
list_at(obj, path) := [v | some v in object.get(obj, path, [])]

# applies_to_action holds when the statement names the action: a pattern in Action
# matches it, or NotAction is used and none of its patterns matches it.
applies_to_action(stmt, action) if {
	some pattern in object.get(stmt, "actions", [])
	action_matches(pattern, action)
}

applies_to_action(stmt, action) if {
	not_actions := list_at(stmt, "not_actions")
	count(not_actions) > 0
	not any_action_matches(not_actions, action)
}

any_action_matches(patterns, action) if {
	some pattern in patterns
	action_matches(pattern, action)
}

# allows_action holds when the statement is an Allow that names the action.
allows_action(stmt, action) if {
	stmt.effect == "Allow"
	applies_to_action(stmt, action)
}

# denies_action holds when the statement is a Deny that names the action.
denies_action(stmt, action) if {
	stmt.effect == "Deny"
	applies_to_action(stmt, action)
}

# default_arn_parts stand in for the ARN fields a short pattern leaves out.
default_arn_parts := ["arn", "aws", "", "us-east-1", "123456789012"]

# probe_arn builds an ARN of the service with the given resource part, taking partition,
# region and account from the pattern where it spells them out, so that it matches the
# pattern exactly when the pattern leaves the resource part open.
probe_arn(pattern, service, resource) := concat(":", array.concat(
	[part |
		some i in numbers.range(0, 4)
		part := probe_part(split(pattern, ":"), i, service)
	],
	[resource],
))

probe_part(_, 2, service) := service

probe_part(parts, i, _) := parts[i] if {
	i != 2
	i < count(parts) - 1
}

probe_part(parts, i, _) := default_arn_parts[i] if {
	i != 2
	i >= count(parts) - 1
}

# pattern_covers_all holds when the resource pattern matches every resource whose ARN
# resource part starts with prefix ("secret:", "key/") in the service: "*", or an ARN
# pattern whose resource part is a wildcard, such as arn:aws:secretsmanager:*:*:secret:*.
# Two unrelated names are probed; a pattern that narrows the name matches at most one.
pattern_covers_all("*", _, _)

# A full ARN pattern (resource part after the fifth colon) covers every resource when its
# resource part matches both probe names; partition, region and account may be pinned.
pattern_covers_all(pattern, service, prefix) if {
	wildcard(pattern)
	parts := split(pattern, ":")
	count(parts) >= 6
	service_field_may_match(parts, service)
	resource := glob_pattern(concat(":", array.slice(parts, 5, count(parts))))
	every name in probe_names {
		glob.match(resource, null, concat("", [prefix, name]))
	}
}

# probe_names are two unrelated resource names: a pattern that narrows the name matches at
# most one of them.
probe_names := ["a", "zz/Probe.Name_9-x+y=z@w"]

# Shorter patterns (arn:aws:secretsmanager:*) leave fields out: probe whole ARNs.
pattern_covers_all(pattern, service, prefix) if {
	pattern != "*"
	wildcard(pattern)
	count(split(pattern, ":")) < 6
	every name in probe_names {
		resource_matches(pattern, probe_arn(pattern, service, concat("", [prefix, name])))
	}
}

# service_field_may_match is a cheap filter: an ARN pattern (split at ":") whose service
# field is present can only match the service's resources when that field names it or
# is a wildcard.
service_field_may_match(parts, _) if count(parts) < 3

service_field_may_match(parts, service) if parts[2] == service

service_field_may_match(parts, service) if {
	wildcard(parts[2])
	glob.match(parts[2], null, service)
}

# covers_all holds when the statement applies to every resource of the kind: one of
# its Resource patterns covers them all, or it uses NotResource without excluding them all.
covers_all(stmt, service, prefix) if {
	some pattern in object.get(stmt, "resources", [])
	pattern_covers_all(pattern, service, prefix)
}

covers_all(stmt, service, prefix) if {
	not_resources := list_at(stmt, "not_resources")
	count(not_resources) > 0
	not any_covers_all(not_resources, service, prefix)
}

any_covers_all(patterns, service, prefix) if {
	some pattern in patterns
	pattern_covers_all(pattern, service, prefix)
}

# unrelated_arns are resources of unrelated services, partitions and shapes.
unrelated_arns := [
	"arn:aws:s3:::zz-probe-bucket/key",
	"arn:aws:iam::123456789012:role/zz-probe",
	"arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-0",
]

# all_resources holds when the statement applies to every resource of every service:
# Resource "*" (or an equivalent pattern) or NotResource.
all_resources(stmt) if {
	some pattern in object.get(stmt, "resources", [])
	every arn in unrelated_arns {
		resource_matches(pattern, arn)
	}
}

all_resources(stmt) if count(list_at(stmt, "not_resources")) > 0

# unrelated_actions are actions of unrelated services.
unrelated_actions := ["iam:createuser", "ec2:runinstances", "zzprobe:zzaction"]

# all_actions_pattern holds when the action pattern matches every action of every
# service ("*", "*:*").
all_actions_pattern(pattern) if {
	startswith(pattern, "*")
	every action in unrelated_actions {
		action_matches(pattern, action)
	}
}

# service_wide_pattern holds when the action pattern matches every action of the
# service ("kms:*", "secretsmanager:*", "kms:*"-like spellings).
service_wide_pattern(pattern, service) if {
	every name in ["a", "zzprobeaction"] {
		action_matches(pattern, concat(":", [service, name]))
	}
}

# full_admin holds for an Allow of every action on every resource.
full_admin(stmt) if {
	stmt.effect == "Allow"
	some pattern in object.get(stmt, "actions", [])
	all_actions_pattern(pattern)
	all_resources(stmt)
}

# public_principal holds when the statement's principal is anyone: "*", {"AWS": "*"}, or
# an Allow with NotPrincipal (everyone but the listed principals).
public_principal(stmt) if stmt.principal.all == true

public_principal(stmt) if {
	stmt.effect == "Allow"
	is_object(stmt.not_principal)
}

# narrowing_keys are condition keys that pin the caller to an organization, account,
# network path or resource.
narrowing_keys := {
	"aws:principalorgid",
	"aws:principalaccount",
	"aws:principalarn",
	"kms:calleraccount",
	"aws:sourceaccount",
	"aws:sourcearn",
	"aws:sourcevpce",
	"aws:sourcevpc",
}

# account_keys are condition keys whose values are account ids.
account_keys := {"aws:principalaccount", "kms:calleraccount", "aws:sourceaccount"}

# arn_keys are condition keys whose values are ARNs.
arn_keys := {"aws:principalarn", "aws:sourcearn"}

# positive_operators require the key to equal or match the values.
positive_operators := {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"}

# narrowing_condition holds when the condition restricts the caller: a narrowing key,
# a positive operator, no IfExists (an absent key would pass), no ForAllValues (an
# empty key set would pass), and only specific values.
narrowing_condition(condition) if {
	condition.key in narrowing_keys
	condition.base in positive_operators
	not condition.if_exists
	not condition.qualifier == "ForAllValues"
	values := list_at(condition, "values")
	count(values) > 0
	every value in values {
		specific_value(condition.key, value)
	}
}

# specific_value holds for a value that names one thing: no wildcard and no policy
# variable; an ARN may use wildcards after a 12-digit account field, which pins it to
# one account.
specific_value(_, value) if {
	value != ""
	not regex.match(`[*?]|\$\{`, value)
}

specific_value(key, value) if {
	key in arn_keys
	not contains(value, "${")
	regex.match(`^[0-9]{12}$`, split(value, ":")[4])
}

# narrowed holds when some condition of the statement narrows it.
narrowed(stmt) if {
	some condition in object.get(stmt, "conditions", [])
	narrowing_condition(condition)
}

# account_id holds for a 12-digit AWS account id.
account_id(value) if regex.match(`^[0-9]{12}$`, value)

# statement_accounts is the set of accounts a statement grants to: the accounts of its
# AWS principals and those named by its narrowing account and ARN conditions.
statement_accounts(stmt) := {a | some a in object.get(stmt, ["principal", "accounts"], [])} | {a |
	some condition in object.get(stmt, "conditions", [])
	narrowing_condition(condition)
	some value in object.get(condition, "values", [])
	a := condition_account(condition.key, value)
}

condition_account(key, value) := value if {
	key in account_keys
	account_id(value)
}

condition_account(key, value) := account if {
	key in arn_keys
	account := split(value, ":")[4]
	account_id(account)
}

# statement_organizations is the set of organization ids a statement's narrowing
# aws:PrincipalOrgID conditions grant to.
statement_organizations(stmt) := {value |
	some condition in object.get(stmt, "conditions", [])
	condition.key == "aws:principalorgid"
	narrowing_condition(condition)
	some value in object.get(condition, "values", [])
}

# statement_ref names a statement in evidence: index, sid and actions.
statement_ref(index, stmt) := {
	"index": index,
	"sid": object.get(stmt, "sid", ""),
	"actions": list_at(stmt, "actions"),
	"not_actions": list_at(stmt, "not_actions"),
}

# statement_detail describes an identity-policy statement in evidence: statement_ref plus
# its resources and the condition keys it carries.
statement_detail(index, stmt) := object.union(statement_ref(index, stmt), {
	"resources": list_at(stmt, "resources"),
	"not_resources": list_at(stmt, "not_resources"),
	"condition_keys": sort({c.key | some c in object.get(stmt, "conditions", [])}),
})

# allowing_on_all lists the statements of a policy that allow the action on every
# resource of the kind (see covers_all).
allowing_on_all(policy, action, service, prefix) := [statement_detail(i, stmt) |
	some i, stmt in policy.statements
	allows_action(stmt, action)
	covers_all(stmt, service, prefix)
]

# denied_for_all holds when an unconditional Deny statement of the policy takes the
# action away on every resource of the kind, cancelling any Allow in the same policy.
denied_for_all(policy, action, service, prefix) if {
	some stmt in policy.statements
	denies_action(stmt, action)
	covers_all(stmt, service, prefix)
	count(list_at(stmt, "conditions")) == 0
}

# policy_label names an identity policy resource (aws.iam.policy) in messages.
policy_label(policy) := sprintf("inline policy %s of %s", [policy.name, policy.principal_arn]) if {
	policy.kind == "inline"
	is_string(policy.principal_arn)
} else := sprintf("policy %s", [policy.name])

# arn_account is the account field of an ARN.
arn_account(arn) := split(arn, ":")[4]

# owner_account is the account a resource belongs to: input.account.id (pass
# object.get(input, "account", {})), else the account field of its ARN.
owner_account(account, arn) := id if {
	id := account.id
	id != ""
} else := arn_account(arn)

# known_organizations is the set of organization ids custos knows the resource's
# account to be in: the account's own and the configured one, when set.
known_organizations(account, configured) := {org |
	some org in [object.get(account, "organization_id", ""), configured]
	is_string(org)
	org != ""
}

# foreign_accounts is the set of accounts a resource policy grants to other than the
# owner and the trusted ones.
foreign_accounts(policy, owner, trusted) := {account |
	some account in granted_accounts(policy)
	account != owner
	not account in trusted
}

# foreign_organizations is the set of organizations a resource policy grants to other
# than the known ones; empty when no organization is known.
foreign_organizations(policy, known) := {org |
	count(known) > 0
	some org in granted_organizations(policy)
	not org in known
}

# public_statements lists the Allow statements of a resource policy (null for none)
# that open it to anyone without a narrowing condition.
public_statements(policy) := [statement_ref(i, stmt) |
	some i, stmt in policy.statements
	stmt.effect == "Allow"
	public_principal(stmt)
	not narrowed(stmt)
]

# granted_accounts is the set of accounts the Allow statements of a resource policy
# grant to (see statement_accounts).
granted_accounts(policy) := {account |
	some stmt in policy.statements
	stmt.effect == "Allow"
	some account in statement_accounts(stmt)
}

# statements_granting lists the Allow statements of a resource policy that grant to the account.
statements_granting(policy, account) := [statement_ref(i, stmt) |
	some i, stmt in policy.statements
	stmt.effect == "Allow"
	account in statement_accounts(stmt)
]

# granted_organizations is the set of organizations the Allow statements of a resource
# policy grant to through aws:PrincipalOrgID.
granted_organizations(policy) := {org |
	some stmt in policy.statements
	stmt.effect == "Allow"
	some org in statement_organizations(stmt)
}

# statements_granting_organization lists the Allow statements granting to the organization.
statements_granting_organization(policy, org) := [statement_ref(i, stmt) |
	some i, stmt in policy.statements
	stmt.effect == "Allow"
	org in statement_organizations(stmt)
]

# key_in holds when a condition key is one of keys; a key of keys ending in "/" or ":"
# is a prefix (aws:resourcetag/ covers aws:resourcetag/team).
key_in(key, keys) if key in keys

key_in(key, keys) if {
	some prefix in keys
	regex.match(`[/:]$`, prefix)
	startswith(key, prefix)
}

# restricts holds when a condition, which must hold for the statement to apply, limits it
# to the resources or requests its values name: a key of keys with a positive operator
# (or Bool true), without IfExists (an absent key would pass) or ForAllValues (an empty
# set would pass), and with values that are not only wildcards. Policy variables count as
# restricting (${aws:PrincipalTag/team} on a resource tag is attribute-based access).
restricts(condition, keys) if {
	key_in(condition.key, keys)
	condition.base in positive_operators
	not condition.if_exists
	not condition.qualifier == "ForAllValues"
	values := list_at(condition, "values")
	count(values) > 0
	every value in values {
		not regex.match(`^[*?]*$`, value)
	}
}

restricts(condition, keys) if {
	key_in(condition.key, keys)
	condition.base == "Bool"
	not condition.if_exists
	list_at(condition, "values") == ["true"]
}

# restricted holds when some condition of the statement restricts it on keys.
restricted(stmt, keys) if {
	some condition in object.get(stmt, "conditions", [])
	restricts(condition, keys)
}

# resource_kinds describe the resources of the kinds escalation rules look at: the
# service and resource-part prefix of their ARNs (see covers_all).
resource_kinds := {
	"secret": ["secretsmanager", "secret:"],
	"key": ["kms", "key/"],
	"user": ["iam", "user/"],
	"role": ["iam", "role/"],
	"group": ["iam", "group/"],
	"policy": ["iam", "policy/"],
	"trail": ["cloudtrail", "trail/"],
}

# broad_statements lists the Allow statements of an identity policy that allow one of
# the actions (a map of action to resource kind) on every resource of the action's kind,
# with no condition restricting them on the scoping keys, and whose grant no
# unconditional Deny of the same policy takes back. Each entry is statement_detail plus
# "grants": the sorted actions it grants that way.
broad_statements(policy, actions, scoping) := broad_statements_at(policy, {i | some i, _ in policy.statements}, actions, scoping)

# broad_statements_in is broad_statements over the document of an aws.iam.policy input
# (doc), reading only the statements whose precomputed facts (statement_facts) say they
# cover every resource of one of the actions' kinds.
broad_statements_in(doc, actions, scoping) := broad_statements_at(doc.resource.document, indexes, actions, scoping) if {
	indexes := covering(doc, {kind | some _, kind in actions})
	count(indexes) > 0
} else := []

broad_statements_at(policy, indexes, actions, scoping) := [detail |
	some i in indexes
	stmt := policy.statements[i]
	stmt.effect == "Allow"
	may_cover(stmt)
	services := {split(action, ":")[0] | some action, _ in actions}
	may_name(stmt, services)
	named := named_actions(stmt, actions)
	count(named) > 0
	not restricted(stmt, scoping)
	covered := {kind |
		some action in named
		kind := actions[action]
		[service, prefix] := resource_kinds[kind]
		covers_all(stmt, service, prefix)
	}
	grants := sort({action |
		some action in named
		actions[action] in covered
		[service, prefix] := resource_kinds[actions[action]]
		not denied_for_all(policy, action, service, prefix)
	})
	count(grants) > 0
	detail := object.union(statement_detail(i, stmt), {"grants": grants})
]

# statement_facts is what custos computes in Go for each statement of an aws.iam.policy
# input's document (input.context.statements, docs/policy-input.md): "kinds" and
# "services" (objects of true), "whole_services" and "unknown_actions" (lists),
# "full_admin" and "undecided" (booleans). [] when absent, as in Rego tests: then the
# helpers below read every statement.
statement_facts(doc) := facts if {
	facts := object.get(doc, ["context", "statements"], [])
	is_array(facts)
	count(facts) == count(doc.resource.document.statements)
	count(facts) > 0
} else := []

# facts_index groups the statements by their facts, once per input (a function result is
# cached for the evaluation): "kinds" maps each kind some statement covers entirely to
# the indexes of those statements; "whole_services", "unknown_actions" and "full_admin"
# hold the indexes of the statements with that fact set; "undecided" those whose facts
# custos could not compute, which the helpers read whatever they look for.
facts_index(facts) := {
	"kinds": {kind: {i | some [k, i] in pairs; k == kind} | some [kind, _] in pairs},
	"whole_services": {i | some i, f in facts; f.whole_services != []},
	"unknown_actions": {i | some i, f in facts; f.unknown_actions != []},
	"full_admin": {i | some i, f in facts; f.full_admin == true},
	"undecided": {i | some i, f in facts; f.undecided == true},
} if {
	pairs := [[k, i] | some i, f in facts; some k, _ in f.kinds]
}

# covering is the set of indexes of the statements of doc's document that may cover every
# resource of one of kinds (every statement when the facts are absent).
covering(doc, kinds) := {i |
	some kind in kinds
	some i in index.kinds[kind]
} | index.undecided if {
	facts := statement_facts(doc)
	count(facts) > 0
	index := facts_index(facts)
} else := {i | some i, _ in doc.resource.document.statements}

# may_be_broad holds unless the statement facts of doc (statement_facts) show that no
# statement of its document covers every resource of the kind of one of the actions (a
# map of action to kind, as for broad_statements): a cheap test that lets a rule skip
# broad_statements_in on most policies. any_broad, the same test for any kind, is
# computed once per input and answers for most policies, where no statement covers a
# whole kind.
may_be_broad(doc, actions) if {
	any_broad(doc)
	broad_for(doc, actions)
}

any_broad(doc) if count(statement_facts(doc)) == 0

any_broad(doc) if count(facts_index(statement_facts(doc)).kinds) > 0

any_broad(doc) if count(facts_index(statement_facts(doc)).undecided) > 0

broad_for(doc, _) if count(statement_facts(doc)) == 0

broad_for(doc, actions) if {
	index := facts_index(statement_facts(doc))
	some _, kind in actions
	index.kinds[kind]
}

broad_for(doc, _) if count(facts_index(statement_facts(doc)).undecided) > 0

# naming is the set of indexes of the statements of doc's document that may name an action
# of the service (every statement when the facts are absent).
naming(doc, service) := {i | some i, f in facts; f.services[service]} | undecided if {
	facts := statement_facts(doc)
	count(facts) > 0
	undecided := facts_index(facts).undecided
} else := {i | some i, _ in doc.resource.document.statements}

# statements_with is the set of indexes of the statements of doc's document whose fact
# whole_services, unknown_actions or full_admin is set (every statement when the facts
# are absent).
statements_with(doc, fact) := facts_index(facts)[fact] if {
	facts := statement_facts(doc)
	count(facts) > 0
} else := {i | some i, _ in doc.resource.document.statements}

# named_actions is the set of the keys of actions (lower-cased actions) that a statement
# names: with NotAction, those none of its patterns match; else those its Action patterns
# match (a pattern without wildcard by lookup, not by glob).
named_actions(stmt, actions) := {action |
	some action, _ in actions
	not any_action_matches(not_actions, action)
} if {
	not_actions := list_at(stmt, "not_actions")
	count(not_actions) > 0
} else := {action |
	some pattern in object.get(stmt, "actions", [])
	some action in pattern_actions(pattern, actions)
}

pattern_actions(pattern, actions) := {action |
	action := lower(pattern)
	actions[action]
} if {
	not wildcard(pattern)
} else := {action |
	glob_p := glob_pattern(lower(pattern))
	some action, _ in actions
	glob.match(glob_p, null, action)
}

# may_cover is a cheap filter: a statement can apply to every resource of a kind only
# with NotResource or with a resource pattern whose text before the first wildcard stops
# within the ARN's fixed fields or the kind's prefix (secret:, key/, role/, …).
may_cover(stmt) if {
	not_resources := object.get(stmt, "not_resources", [])
	is_array(not_resources)
	count(not_resources) > 0
}

may_cover(stmt) if {
	some pattern in object.get(stmt, "resources", [])
	open_pattern(split(split(split(pattern, "*")[0], "?")[0], ":"))
}

open_pattern(parts) if count(parts) < 6

open_pattern(parts) if {
	count(parts) >= 6
	contains(kind_prefixes, concat("", [" ", concat(":", array.slice(parts, 5, count(parts)))]))
}

# kind_prefixes holds every kind's prefix after a space: " x" is a substring exactly when
# x is the start of a kind's prefix.
kind_prefixes := " secret: key/ user/ role/ group/ policy/ trail/"

# may_name holds when a statement can name an action of one of the services: it uses
# NotAction, or one of its action patterns has that service (or a wildcard) before the
# colon. A cheap filter before matching statements action by action.
may_name(stmt, _) if {
	not_actions := object.get(stmt, "not_actions", [])
	is_array(not_actions)
	count(not_actions) > 0
}

may_name(stmt, services) if {
	some pattern in object.get(stmt, "actions", [])
	service_may_be(lower(split(pattern, ":")[0]), services)
}

service_may_be(service, services) if service in services

service_may_be(service, services) if {
	wildcard(service)
	some s in services
	glob.match(service, null, s)
}

# service_linked holds for a role that an AWS service created and manages.
service_linked(role) if startswith(object.get(role, "path", ""), "/aws-service-role/")

# administrator_access holds for the ARN of the AWS-managed AdministratorAccess policy,
# in any partition.
administrator_access(arn) if regex.match(`^arn:aws[a-z-]*:iam::aws:policy/AdministratorAccess$`, arn)

# attached_admin lists the attached policies of a user, role or group that are the
# AWS-managed AdministratorAccess policy.
attached_admin(principal) := [p.arn |
	some p in object.get(principal, "attached_policies", [])
	administrator_access(p.arn)
]

# summary names the items of a sorted list in a message: all of up to four, else the
# first three and how many more.
summary(items) := concat(", ", items) if count(items) <= 4

else := sprintf("%s and %d more", [concat(", ", array.slice(items, 0, 3)), count(items) - 3])
