package engine_test

import (
	"bytes"
	"encoding/json"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/custos-dev/custos/internal/engine"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type inner struct {
	A string `json:"a"`
	B int    `json:"b,omitempty"`
}

type Shared struct {
	Name   string `json:"name"`
	Deep   string `json:"deep"`
	Hidden string
	Only   string // ties with Twin.Only in conflict
}

// TaggedHidden's tagged field wins over Shared.Hidden at the same depth.
type TaggedHidden struct {
	H string `json:"Hidden"`
}

// Twin's Only ties with Shared's: both are dropped.
type Twin struct {
	Deep string `json:"deep2"`
	Only string
}

type Other struct {
	Deep string `json:"deep"`
	Only string
}

type node struct {
	Label    string  `json:"label"`
	Children []*node `json:"children,omitempty"`
}

type textKey struct{ v string }

func (k textKey) MarshalText() ([]byte, error) { return []byte("text:" + k.v), nil }

type ptrMarshaler struct{ V int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"ptr"`), nil }

type zeroer struct{ V int }

func (z zeroer) IsZero() bool { return z.V == 7 }

type sample struct {
	*Shared
	Other
	inner  `json:"inner"`
	Hidden string // hides Shared.Hidden
	Skip   string `json:"-"`
	//lint:ignore SA5008 encoding/json names this field "-", and the encoder must too
	Dash     string            `json:"-,"`
	unexp    string            //nolint:unused // encoding/json skips it
	Untagged int               //
	Bool     bool              `json:"bool,omitempty"`
	Ptr      *string           `json:"ptr"`
	NilSlice []string          `json:"nil_slice"`
	Empty    []string          `json:"empty"`
	Omitted  []string          `json:"omitted,omitempty"`
	Map      map[string]string `json:"map"`
	NilMap   map[string]int    `json:"nil_map"`
	IntKeys  map[int]string    `json:"int_keys"`
	TextKeys map[textKey]int   `json:"text_keys"`
	Any      any               `json:"any"`
	AnyNil   any               `json:"any_nil"`
	Time     time.Time         `json:"time"`
	TimePtr  *time.Time        `json:"time_ptr,omitempty"`
	Zone     time.Time         `json:"zone"`
	Float    float64           `json:"float"`
	BigFloat float64           `json:"big_float"`
	Uint     uint64            `json:"uint"`
	Neg      int64             `json:"neg"`
	Bytes    []byte            `json:"bytes"`
	Raw      json.RawMessage   `json:"raw"`
	Array    [2]int            `json:"array"`
	Invalid  string            `json:"invalid"`
	Tree     *node             `json:"tree"`
	Pm       ptrMarshaler      `json:"pm"`
	PmPtr    *ptrMarshaler     `json:"pm_ptr"`
	Quoted   int               `json:"quoted,omitzero"`
	Zeroer   zeroer            `json:"zeroer,omitzero"`
}

type withString struct {
	N int `json:"n,string"`
}

type conflict struct {
	TaggedHidden
	Twin
	Shared
}

func TestEncoderMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	s := "set"
	now := time.Date(2026, 11, 20, 6, 0, 0, 123000000, time.UTC)
	cases := map[string]any{
		"struct": sample{
			Shared: &Shared{Name: "shared", Deep: "from shared"}, Other: Other{Deep: "from other", Only: "o"},
			inner: inner{A: "a"}, Hidden: "top", Skip: "x", Dash: "dash", unexp: "u", Untagged: 3,
			Ptr: &s, Empty: []string{}, Map: map[string]string{"z": "1", "a": "2"},
			IntKeys: map[int]string{2: "b", 10: "a"}, TextKeys: map[textKey]int{{"k"}: 1},
			Any: map[string]any{"n": 1.5, "list": []any{"x", true, nil}}, Time: now, TimePtr: &now,
			Zone:  time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 5*3600+1800)),
			Float: 0.000001, BigFloat: 1e21, Uint: math.MaxUint64, Neg: math.MinInt64,
			Bytes: []byte("hello"), Raw: json.RawMessage(`{"b": [1, 2], "a": null}`), Array: [2]int{1, 2},
			Invalid: "bad \xff byte \xfe\xfd", Tree: &node{Label: "root", Children: []*node{{Label: "leaf"}}},
			Quoted: 0, Zeroer: zeroer{V: 7},
		},
		"nil embedded pointer": sample{Hidden: "n"},
		"string option":        withString{N: 5},
		"conflicting embeds": conflict{
			TaggedHidden: TaggedHidden{H: "tagged"}, Twin: Twin{Deep: "d2", Only: "twin"},
			Shared: Shared{Name: "s", Deep: "d", Hidden: "h", Only: "shared"},
		},
		"pointer to struct": &inner{A: "p", B: 2},
		"nil pointer":       (*inner)(nil),
		"slice of maps":     []map[string]any{{"a": 1}, nil},
		"plain string":      "str",
		"nil":               nil,
	}
	enc := engine.NewEncoder()
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := json.Marshal(v)
			require.NoError(t, err)
			want, err := ast.ValueFromReader(bytes.NewReader(raw))
			require.NoError(t, err)
			got, err := enc.Value(v)
			require.NoError(t, err)
			assert.Equal(t, want.String(), got.String())
			assert.Equal(t, 0, ast.Compare(want, got))
		})
	}
}

func TestEncoderErrorsLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	cases := map[string]any{
		"NaN":               struct{ F float64 }{F: math.NaN()},
		"channel":           struct{ C chan int }{C: make(chan int)},
		"year out of range": struct{ T time.Time }{T: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	enc := engine.NewEncoder()
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, jsonErr := json.Marshal(v)
			require.Error(t, jsonErr)
			_, err := enc.Value(v)
			assert.Error(t, err)
		})
	}
}

func TestEncoderIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	v := &node{Label: "a", Children: []*node{{Label: "b"}}}
	want, err := engine.NewEncoder().Value(v)
	require.NoError(t, err)
	shared := engine.NewEncoder() // every goroutine meets the types for the first time
	var wg sync.WaitGroup
	results := make([]ast.Value, 8)
	errs := make([]error, len(results))
	for i := range results {
		wg.Go(func() { results[i], errs[i] = shared.Value(v) })
	}
	wg.Wait()
	for i, got := range results {
		require.NoError(t, errs[i])
		assert.Equal(t, want.String(), got.String())
	}
}

func TestEncoderSharesValuesOfSharedPointers(t *testing.T) {
	t.Parallel()
	type holder struct {
		A *inner `json:"a"`
		B *inner `json:"b"`
		C *node  `json:"c"`
	}
	one, two := &inner{A: "one"}, &inner{A: "two"}
	enc := engine.NewEncoder((*inner)(nil))
	first, err := enc.Value(holder{A: one, B: one, C: &node{Label: "x"}})
	require.NoError(t, err)
	second, err := enc.Value(holder{A: one, B: two})
	require.NoError(t, err)
	a1 := first.(ast.Object).Get(ast.StringTerm("a")).Value
	b1 := first.(ast.Object).Get(ast.StringTerm("b")).Value
	a2 := second.(ast.Object).Get(ast.StringTerm("a")).Value
	b2 := second.(ast.Object).Get(ast.StringTerm("b")).Value
	assert.Same(t, a1.(ast.Object), a2.(ast.Object), "one pointer, one value")
	assert.Same(t, a1.(ast.Object), b1.(ast.Object))
	assert.NotSame(t, a1.(ast.Object), b2.(ast.Object))
	assert.Equal(t, `{"a": "two"}`, b2.String())
	raw, err := json.Marshal(holder{A: one, B: two})
	require.NoError(t, err)
	want, err := ast.ValueFromReader(bytes.NewReader(raw))
	require.NoError(t, err)
	assert.Equal(t, want.String(), second.String())
}
