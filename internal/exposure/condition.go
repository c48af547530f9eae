package exposure

import (
	"strings"

	"github.com/custos-dev/custos/internal/inventory"
)

// tri is a three-valued answer: no, maybe (custos cannot decide), yes.
type tri uint8

const (
	triNo tri = iota
	triMaybe
	triYes
)

// valueKind says what custos knows about a condition key in a request.
type valueKind uint8

const (
	// unknown: the request may or may not carry the key, with any value.
	unknown valueKind = iota
	// absent: the request certainly does not carry the key.
	absent
	// present: the request carries the key with exactly these values.
	present
)

// value is what custos knows about one condition key in one request.
type value struct {
	kind valueKind
	vals []string
	// For an unknown value: excluded reports the policy values the real value certainly
	// does not match (an account outside the inventory is none of the inventory's
	// accounts). nil when nothing is known.
	excluded func(policyValue string) bool
}

func known(vals ...string) value { return value{kind: present, vals: vals} }

// isNegated reports whether an operator is negated: true when the value matches none of
// the policy's values, and true on an absent key.
func isNegated(base string) bool {
	switch base {
	case "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike",
		"NumericNotEquals", "DateNotEquals", "NotIpAddress":
		return true
	}
	return false
}

// compare reports whether policy value pv matches request value rv under the base
// operator; ok is false for operators custos does not evaluate (numbers, dates, IP
// addresses, binary), whose keys it never knows anyway.
func compare(base, pv, rv string) (match, ok bool) {
	switch base {
	case "StringEquals", "StringNotEquals":
		return pv == rv, true
	case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
		return strings.EqualFold(pv, rv), true
	case "StringLike", "StringNotLike", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike":
		return globMatch(pv, rv), true
	case "Bool":
		return strings.EqualFold(pv, rv), true
	}
	return false, false
}

// evalCondition decides one condition against what is known of its key.
func evalCondition(c *inventory.Condition, v value) tri {
	if c.Base == "Null" {
		// Null: "true" requires the key to be absent, "false" present.
		if v.kind == unknown || len(c.Values) != 1 {
			return triMaybe
		}
		wantAbsent := strings.EqualFold(c.Values[0], "true")
		return boolTri(wantAbsent == (v.kind == absent))
	}
	neg := isNegated(c.Base)
	switch v.kind {
	case absent:
		switch {
		case c.IfExists || c.Qualifier == "ForAllValues":
			return triYes
		case c.Qualifier == "ForAnyValue":
			// No value of an absent key can satisfy anything, negated or not.
			return triNo
		}
		return boolTri(neg)
	case unknown:
		if v.excluded == nil || c.Qualifier != "" {
			return triMaybe
		}
		for _, pv := range c.Values {
			if !v.excluded(pv) {
				return triMaybe
			}
		}
		// The value certainly matches none of the policy's values.
		return boolTri(neg)
	}
	for _, pv := range c.Values {
		if strings.Contains(pv, "${") {
			return triMaybe
		}
	}
	matches := func(rv string) (bool, bool) {
		for _, pv := range c.Values {
			m, ok := compare(c.Base, pv, rv)
			if !ok {
				return false, false
			}
			if m {
				return true, true
			}
		}
		return false, true
	}
	// sat reports whether one request value satisfies the operator.
	sat := func(rv string) (bool, bool) {
		m, ok := matches(rv)
		if neg {
			return !m, ok
		}
		return m, ok
	}
	switch c.Qualifier {
	case "ForAllValues":
		for _, rv := range v.vals {
			s, ok := sat(rv)
			if !ok {
				return triMaybe
			}
			if !s {
				return triNo
			}
		}
		return triYes
	case "ForAnyValue":
		for _, rv := range v.vals {
			s, ok := sat(rv)
			if !ok {
				return triMaybe
			}
			if s {
				return triYes
			}
		}
		return triNo
	}
	// A single-valued operator: positive operators hold when some request value matches,
	// negated ones when none does.
	any := false
	for _, rv := range v.vals {
		m, ok := matches(rv)
		if !ok {
			return triMaybe
		}
		any = any || m
	}
	return boolTri(any != neg)
}

func boolTri(b bool) tri {
	if b {
		return triYes
	}
	return triNo
}

// lookuper answers what is known of a condition key (lower case) in a request.
type lookuper interface {
	lookup(key string) value
}

// evalConditions decides a statement's conditions (all must hold) and lists the keys of
// those it could not decide.
func evalConditions(conds []inventory.Condition, req lookuper) (tri, []string) {
	result := triYes
	var undecided []string
	for i := range conds {
		c := &conds[i]
		switch evalCondition(c, req.lookup(c.Key)) {
		case triNo:
			return triNo, nil
		case triMaybe:
			result = triMaybe
			undecided = appendUnique(undecided, c.Key)
		}
	}
	return result, undecided
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
