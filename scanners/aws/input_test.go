package aws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/exposure"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInputsAreTheirJSON builds every input of the demo snapshot both ways: with the
// engine's Encoder, as a scan does, and through encoding/json, as the inputs were built
// before; the Rego values must be the same.
func TestInputsAreTheirJSON(t *testing.T) {
	t.Parallel()
	snap, err := inventory.Load("../../testdata/snapshots/demo.json")
	require.NoError(t, err)
	enc := engine.NewEncoder()
	checked := 0
	encode := func(v any) (ast.Value, error) {
		got, err := enc.Value(v)
		require.NoError(t, err)
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		want, err := ast.ValueFromReader(bytes.NewReader(raw))
		require.NoError(t, err)
		assert.Equal(t, want.String(), got.String())
		checked++
		return got, nil
	}
	now := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	types := map[string]bool{}
	ex := exposure.Analyze(snap)
	for r := range inputs(snap, now, func() *exposure.Result { return ex }, nil, encode) {
		_, err := r.Build()
		require.NoError(t, err, r.Key)
		types[r.Type] = true
	}
	assert.Len(t, types, len(ResourceTypes()), fmt.Sprint(types))
	assert.Greater(t, checked, 50)
}

// TestInputsStopWhenTheConsumerDoes: the sequence ends at the first refusal.
func TestInputsStopWhenTheConsumerDoes(t *testing.T) {
	t.Parallel()
	snap, err := inventory.Load("../../testdata/snapshots/demo.json")
	require.NoError(t, err)
	all := len(Resources(snap, time.Now()))
	require.Greater(t, all, 3)
	for stop := 1; stop < all; stop += all / 3 {
		n := 0
		for range Inputs(snap, time.Now(), exposure.Analyze(snap), nil) {
			n++
			if n == stop {
				break
			}
		}
		assert.Equal(t, stop, n)
	}
}
