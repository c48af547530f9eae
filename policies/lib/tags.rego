# Package custos.lib.tags checks resource tags.
package custos.lib.tags

# missing lists, sorted, the required tag keys that tags lacks or holds with a blank
# value. Keys match case-sensitively, as AWS compares them. tags may be null.
missing(tags, required) := sort({key |
	some key in required
	not has_value(tags, key)
})

has_value(tags, key) if {
	value := tags[key]
	is_string(value)
	trim_space(value) != ""
}

# keys lists, sorted, the tag keys present (never the values, which may be sensitive).
keys(tags) := sort({key | some key, _ in tags})

# value is the tag's value trimmed, or undefined when the tag is absent or blank.
value(tags, key) := v if {
	is_object(tags)
	v := trim_space(tags[key])
	is_string(v)
	v != ""
}

# email matches an e-mail address (something@domain.tld), the first kind of valid owner.
email := `^[^@\s]+@[^@\s]+\.[^@\s.]+$`

# valid_owner holds for an owner tag value that is an e-mail address, one of
# tags.owner_teams, or matches tags.owner_team_pattern.
valid_owner(v) if regex.match(email, v)

valid_owner(v) if v in data.custos.config.tags.owner_teams

valid_owner(v) if {
	pattern := data.custos.config.tags.owner_team_pattern
	pattern != ""
	regex.match(pattern, v)
}

# tiers are the data classification tiers.
tiers := ["public", "internal", "confidential", "restricted"]

# invalid lists, sorted by tag, the owner, environment and classification tags of tags
# whose value is not allowed: {"tag", "value", "allowed"}. Absent tags are not listed
# (missing lists those); environment and classification compare case-insensitively.
invalid(tags) := [problem |
	some [key, kind] in [
		[data.custos.config.tags.owner, "owner"],
		[data.custos.config.tags.environment, "environment"],
		[data.custos.config.tags.classification, "classification"],
	]
	v := value(tags, key)
	not allowed(kind, v)
	problem := {"tag": key, "value": v, "allowed": allowed_text(kind)}
]

allowed("owner", v) if valid_owner(v)

allowed("environment", v) if lower(v) in data.custos.config.tags.environments

allowed("classification", v) if lower(v) in tiers

allowed_text("owner") := concat("", [
	"an e-mail address",
	team_list_text,
	team_pattern_text,
])

allowed_text("environment") := concat(", ", data.custos.config.tags.environments)

allowed_text("classification") := concat(", ", tiers)

team_list_text := sprintf(", or one of %s", [concat(", ", data.custos.config.tags.owner_teams)]) if {
	count(data.custos.config.tags.owner_teams) > 0
} else := ""

team_pattern_text := sprintf(", or a team matching %s", [data.custos.config.tags.owner_team_pattern]) if {
	data.custos.config.tags.owner_team_pattern != ""
} else := ""

# environment is the resource's environment tag value, lower-cased.
environment(tags) := lower(value(tags, data.custos.config.tags.environment))

# production holds for tags whose environment is one of tags.production_environments.
production(tags) if environment(tags) in data.custos.config.tags.production_environments
