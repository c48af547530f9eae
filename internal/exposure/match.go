package exposure

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// IAM wildcard matching, with the semantics of policies/lib/iam.rego: only * (any run of
// characters, ":" and "/" included) and ? (exactly one character) are wildcards; every
// other character matches itself. Actions compare case-insensitively (the caller
// lower-cases both sides), ARNs case-sensitively.

// globMatch reports whether the IAM pattern matches s. It runs in O(len(p)·len(s)) at worst
// and linear time in the usual case: on a mismatch it backtracks only to the last *.
func globMatch(p, s string) bool {
	px, sx := 0, 0
	starPx, starSx := -1, 0
	for sx < len(s) {
		if px < len(p) {
			switch p[px] {
			case '*':
				if px == len(p)-1 {
					return true // a trailing * takes the rest
				}
				starPx, starSx = px, sx
				px++
				continue
			case '?':
				_, size := utf8.DecodeRuneInString(s[sx:])
				px++
				sx += size
				continue
			default:
				if p[px] == s[sx] {
					px++
					sx++
					continue
				}
			}
		}
		if starPx < 0 {
			return false
		}
		// Let the last * absorb one more character and retry from there.
		_, size := utf8.DecodeRuneInString(s[starSx:])
		starSx += size
		px, sx = starPx+1, starSx
	}
	for px < len(p) && p[px] == '*' {
		px++
	}
	return px == len(p)
}

// pattern is a compiled IAM pattern (an action or a resource ARN).
type pattern struct {
	raw string
	// prefix is the literal text before the first wildcard.
	prefix string
	// wild is true when raw holds * or ?.
	wild bool
	// any is true when the pattern matches everything ("*", "**").
	any bool
	// variable names the first policy variable (${aws:username}) the pattern held, if
	// any. Variables are replaced by * for matching, so a match through such a pattern
	// is only possible, never certain.
	variable string
}

func compilePattern(raw string) pattern {
	p := pattern{}
	for {
		i := strings.Index(raw, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(raw[i:], '}')
		if j < 0 {
			break
		}
		if p.variable == "" {
			p.variable = raw[i : i+j+1]
		}
		raw = raw[:i] + "*" + raw[i+j+1:]
	}
	p.raw = raw
	cut := strings.IndexAny(raw, "*?")
	p.wild = cut >= 0
	if p.wild {
		p.prefix = raw[:cut]
	} else {
		p.prefix = raw
	}
	p.any = strings.Trim(raw, "*") == "" && raw != ""
	return p
}

func (p *pattern) match(s string) bool {
	switch {
	case p.any:
		return true
	case !p.wild:
		return s == p.raw
	case !strings.HasPrefix(s, p.prefix):
		return false
	}
	return globMatch(p.raw[len(p.prefix):], s[len(p.prefix):])
}

// actionApplies reports whether a statement's Action / NotAction names the action
// (lower case): a pattern in actions matches it, or notActions is used and none of its
// patterns matches it.
func actionApplies(actions, notActions []string, action string) bool {
	for _, a := range actions {
		if globMatch(strings.ToLower(a), action) {
			return true
		}
	}
	if len(notActions) == 0 {
		return false
	}
	for _, a := range notActions {
		if globMatch(strings.ToLower(a), action) {
			return false
		}
	}
	return true
}

// resourceMatcher is a statement's Resource or NotResource, compiled.
type resourceMatcher struct {
	patterns []pattern
	// not is true for NotResource.
	not bool
	// none is true when the statement has neither element: it then applies to the
	// resource the policy is attached to (resource and key policies).
	none bool
}

func compileResources(resources, notResources []string) resourceMatcher {
	m := resourceMatcher{}
	list := resources
	if len(notResources) > 0 {
		list, m.not = notResources, true
	}
	if len(list) == 0 {
		m.none = true
		return m
	}
	m.patterns = make([]pattern, len(list))
	for i, r := range list {
		m.patterns[i] = compilePattern(r)
	}
	return m
}

// match reports whether the statement applies to arn, and the policy variable that makes
// the answer uncertain ("" when it is certain).
func (m *resourceMatcher) match(arn string) (bool, string) {
	if m.none {
		return true, ""
	}
	variable := ""
	for i := range m.patterns {
		p := &m.patterns[i]
		if !p.match(arn) {
			continue
		}
		if p.variable == "" {
			// A certain match: the statement applies (Resource) or is excluded (NotResource).
			return !m.not, ""
		}
		if variable == "" {
			variable = p.variable
		}
	}
	if variable != "" {
		// Only patterns with a policy variable match: the statement may apply.
		return true, variable
	}
	return m.not, ""
}

// all reports whether the matcher applies to every ARN ("*", or no Resource element).
func (m *resourceMatcher) all() bool {
	if m.none {
		return true
	}
	if m.not {
		return false
	}
	for i := range m.patterns {
		if m.patterns[i].any && m.patterns[i].variable == "" {
			return true
		}
	}
	return false
}

// arnIndex finds the ARNs a resource pattern matches without testing every ARN. ARNs are
// grouped by their colon-separated fields but the last (arn:partition:service:region:
// account[:type]) and kept sorted, so a pattern is tested only against the groups whose
// fields it matches and, within a group, only against the ARNs that share its literal
// prefix.
//
// Grouping is exact: a pattern with as many colons as an ARN can only match it field by
// field, because each of the pattern's literal colons must consume one of the ARN's
// colons, in order, and none is left for a wildcard to absorb. A pattern with more colons
// matches no ARN of the group; one with fewer is matched by literal prefix over the group.
type arnIndex struct {
	ids    []int32 // every id, ascending
	groups []arnGroup
}

type arnEntry struct {
	arn string
	id  int32
}

type arnGroup struct {
	fields  []string
	entries []arnEntry // sorted by arn
	// prefix is the length of the fields and their colons, shared by every entry.
	prefix int
}

func newARNIndex(arns []string, ids []int32) *arnIndex {
	idx := &arnIndex{ids: append([]int32(nil), ids...)}
	sort.Slice(idx.ids, func(i, j int) bool { return idx.ids[i] < idx.ids[j] })
	groups := map[string]int{}
	for i, arn := range arns {
		cut := strings.LastIndexByte(arn, ':') + 1
		g, ok := groups[arn[:cut]]
		if !ok {
			g = len(idx.groups)
			groups[arn[:cut]] = g
			var fields []string
			if cut > 0 {
				fields = strings.Split(arn[:cut-1], ":")
			}
			idx.groups = append(idx.groups, arnGroup{fields: fields, prefix: cut})
		}
		idx.groups[g].entries = append(idx.groups[g].entries, arnEntry{arn: arn, id: ids[i]})
	}
	for g := range idx.groups {
		e := idx.groups[g].entries
		sort.Slice(e, func(i, j int) bool { return e[i].arn < e[j].arn })
	}
	return idx
}

// match appends to out the ids of the ARNs p matches.
func (idx *arnIndex) match(p *pattern, out []int32) []int32 {
	if p.any {
		return append(out, idx.ids...)
	}
	colons := strings.Count(p.raw, ":")
	var fields []pattern
	var last pattern
	for g := range idx.groups {
		grp := &idx.groups[g]
		switch {
		case colons > len(grp.fields):
			continue
		case colons < len(grp.fields):
			out = scanPrefix(grp.entries, 0, p, out)
			continue
		}
		if fields == nil {
			parts := strings.Split(p.raw, ":")
			fields = make([]pattern, len(parts)-1)
			for i := range fields {
				fields[i] = compilePattern(parts[i])
			}
			last = compilePattern(parts[len(parts)-1])
		}
		ok := true
		for i := range fields {
			if !fields[i].match(grp.fields[i]) {
				ok = false
				break
			}
		}
		if ok {
			out = scanPrefix(grp.entries, grp.prefix, &last, out)
		}
	}
	return out
}

// scanPrefix tests p against the entries whose text after skip bytes starts with p's
// literal prefix, found by binary search in entries sorted by arn.
func scanPrefix(entries []arnEntry, skip int, p *pattern, out []int32) []int32 {
	start := sort.Search(len(entries), func(i int) bool { return entries[i].arn[skip:] >= p.prefix })
	for i := start; i < len(entries); i++ {
		rest := entries[i].arn[skip:]
		if !strings.HasPrefix(rest, p.prefix) {
			break
		}
		if p.match(rest) {
			out = append(out, entries[i].id)
		}
	}
	return out
}
