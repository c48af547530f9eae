package exposure

import (
	"strings"
	"testing"

	"github.com/custos-dev/custos/internal/inventory"
	"github.com/stretchr/testify/assert"
)

// cond builds a canonical condition the way inventory.ParsePolicy does.
func cond(op, key string, values ...string) inventory.Condition {
	base, qualifier := op, ""
	if q, rest, ok := strings.Cut(op, ":"); ok {
		qualifier, base = q, rest
	}
	base, ifExists := strings.CutSuffix(base, "IfExists")
	return inventory.Condition{Operator: op, Base: base, Qualifier: qualifier, IfExists: ifExists, Key: key, Values: values}
}

func TestEvalCondition(t *testing.T) {
	t.Parallel()
	inventoryAccounts := map[string]bool{"111122223333": true}
	outside := value{excluded: func(pv string) bool { return inventoryAccounts[pv] }}
	cases := []struct {
		name string
		c    inventory.Condition
		v    value
		want tri
	}{
		{"equals match", cond("StringEquals", "k", "a", "b"), known("b"), triYes},
		{"equals miss", cond("StringEquals", "k", "a"), known("b"), triNo},
		{"equals is case-sensitive", cond("StringEquals", "k", "A"), known("a"), triNo},
		{"equals ignore case", cond("StringEqualsIgnoreCase", "k", "A"), known("a"), triYes},
		{"not equals match", cond("StringNotEquals", "k", "a"), known("b"), triYes},
		{"not equals miss", cond("StringNotEquals", "k", "a", "b"), known("b"), triNo},
		{"like", cond("StringLike", "k", "prod-*"), known("prod-db"), triYes},
		{"not like", cond("StringNotLike", "k", "prod-*"), known("prod-db"), triNo},
		{"arn like", cond("ArnLike", "k", "arn:aws:iam::*:role/app-*"), known("arn:aws:iam::111122223333:role/app-1"), triYes},
		{"arn not equals", cond("ArnNotEquals", "k", "arn:aws:iam::111122223333:role/x"), known("arn:aws:iam::111122223333:role/y"), triYes},
		{"bool", cond("Bool", "k", "true"), known("true"), triYes},
		{"bool false", cond("Bool", "k", "true"), known("false"), triNo},
		{"absent positive", cond("StringEquals", "k", "a"), value{kind: absent}, triNo},
		{"absent negated", cond("StringNotEquals", "k", "a"), value{kind: absent}, triYes},
		{"absent if exists", cond("StringEqualsIfExists", "k", "a"), value{kind: absent}, triYes},
		{"absent for all values", cond("ForAllValues:StringEquals", "k", "a"), value{kind: absent}, triYes},
		{"absent for any value", cond("ForAnyValue:StringEquals", "k", "a"), value{kind: absent}, triNo},
		{"absent for any value, negated", cond("ForAnyValue:StringNotEquals", "k", "a"), value{kind: absent}, triNo},
		{"absent for any value if exists", cond("ForAnyValue:StringEqualsIfExists", "k", "a"), value{kind: absent}, triYes},
		{"unknown", cond("StringEquals", "k", "a"), value{}, triMaybe},
		{"unknown numeric", cond("NumericLessThan", "k", "3600"), value{}, triMaybe},
		{"known value, unsupported operator", cond("IpAddress", "k", "10.0.0.0/8"), known("10.1.2.3"), triMaybe},
		{"null true on absent", cond("Null", "k", "true"), value{kind: absent}, triYes},
		{"null true on present", cond("Null", "k", "true"), known("x"), triNo},
		{"null false on present", cond("Null", "k", "false"), known("x"), triYes},
		{"null on unknown", cond("Null", "k", "false"), value{}, triMaybe},
		{"for any value", cond("ForAnyValue:StringEquals", "k", "SecretARN"), known("SecretARN", "SecretVersionId"), triYes},
		{"for all values", cond("ForAllValues:StringEquals", "k", "SecretARN"), known("SecretARN", "SecretVersionId"), triNo},
		{"for all values within", cond("ForAllValues:StringEquals", "k", "SecretARN", "SecretVersionId"), known("SecretARN", "SecretVersionId"), triYes},
		{"policy variable in value", cond("StringEquals", "k", "${aws:username}"), known("alice"), triMaybe},
		{"outside account equals an inventory account", cond("StringEquals", "k", "111122223333"), outside, triNo},
		{"outside account not equals an inventory account", cond("StringNotEquals", "k", "111122223333"), outside, triYes},
		{"outside account equals another account", cond("StringEquals", "k", "999988887777"), outside, triMaybe},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, evalCondition(&tc.c, tc.v))
		})
	}
}

type fixedLookup map[string]value

func (f fixedLookup) lookup(key string) value {
	if v, ok := f[key]; ok {
		return v
	}
	return value{}
}

func TestEvalConditions(t *testing.T) {
	t.Parallel()
	req := fixedLookup{"aws:principalorgid": known("o-1"), "kms:viaservice": value{kind: absent}}
	cases := []struct {
		name      string
		conds     []inventory.Condition
		want      tri
		undecided []string
	}{
		{"none", nil, triYes, nil},
		{"decided", []inventory.Condition{cond("StringEquals", "aws:principalorgid", "o-1")}, triYes, nil},
		{"one false decides", []inventory.Condition{cond("StringEquals", "aws:sourceip", "x"), cond("StringEquals", "kms:viaservice", "s")}, triNo, nil},
		{"undecided keys listed", []inventory.Condition{cond("IpAddress", "aws:sourceip", "10.0.0.0/8"), cond("Bool", "aws:securetransport", "true"), cond("StringEquals", "aws:principalorgid", "o-1")}, triMaybe, []string{"aws:sourceip", "aws:securetransport"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, undecided := evalConditions(tc.conds, req)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.undecided, undecided)
		})
	}
}
