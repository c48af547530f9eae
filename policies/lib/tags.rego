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
