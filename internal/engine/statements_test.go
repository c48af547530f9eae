package engine

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"testing"

	"github.com/custos-dev/custos/internal/inventory"
	"github.com/custos-dev/custos/policies"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceFacts computes with the Rego helpers what Statements computes in Go.
const referenceFacts = `facts := {
	"kinds": sort({k |
		some k, [service, prefix] in data.custos.lib.iam.resource_kinds
		data.custos.lib.iam.covers_all(input, service, prefix)
	}),
	"services": sort({split(a, ":")[0] |
		some a in data.custos.lib.actions.granted(input) | {a |
			some p in data.custos.lib.iam.list_at(input, "actions")
			some a in data.custos.lib.actions.expand(p)
		}
	}),
	"whole_services": data.custos.lib.actions.whole_services({a |
		some p in data.custos.lib.iam.list_at(input, "actions")
		some a in data.custos.lib.actions.expand(p)
	}),
	"unknown_actions": data.custos.lib.actions.unknown_patterns(input),
	"full_admin": full_admin,
}

default full_admin := false

full_admin if data.custos.lib.iam.full_admin(input)
`

// statementCorpus is every statement of the snapshots in testdata plus random
// statements built from patterns that exercise every branch of the helpers.
func statementCorpus(t *testing.T) []inventory.Statement {
	t.Helper()
	var out []inventory.Statement
	paths, err := filepath.Glob("../../testdata/snapshots/*.json")
	require.NoError(t, err)
	for _, p := range paths {
		snap, err := inventory.Load(p)
		require.NoError(t, err, p)
		for _, a := range snap.Accounts {
			add := func(doc *inventory.Policy) {
				if doc != nil {
					out = append(out, doc.Statements...)
				}
			}
			for i := range a.IAM.Policies {
				add(&a.IAM.Policies[i].Document)
			}
			for _, r := range a.IAM.Roles {
				add(r.TrustPolicy)
				for _, p := range r.InlinePolicies {
					add(&p.Document)
				}
			}
			for _, u := range a.IAM.Users {
				for _, p := range u.InlinePolicies {
					add(&p.Document)
				}
			}
			for _, k := range a.Keys {
				add(k.KeyPolicy)
			}
			for _, s := range a.Secrets {
				add(s.ResourcePolicy)
			}
		}
	}
	actions := []string{
		"*", "*:*", "*:get*", "kms:*", "KMS:Decrypt", "kms:get*", "kms:?ecrypt", "kms:decrypt",
		"secretsmanager:*", "secretsmanager:*secret*", "secretsmanager:getsecretvalue",
		"iam:*", "iam:pass?ole", "iam:put*policy", "iam:createaccesskey", "cloudtrail:*",
		"cloudtrail:stoplogging", "sts:*", "s3:*", "nosuchservice:*", "kms:nosuchaction",
		"secretsmanager:nosuch*", "s*:*", "?ms:*", "kms:[x]*", "[bad:*", "{kms,iam}:*",
		"kms:*:x", "kms", "", "iam:*user*", "IAM:Create*", "[k*:decrypt",
	}
	resources := []string{
		"*", "arn:aws:secretsmanager:*:*:secret:*", "arn:aws:secretsmanager:*:*:secret:app-*",
		"arn:aws:secretsmanager:eu-west-1:111122223333:secret:app-000001-*", "arn:aws:kms:*",
		"arn:*:kms:*:*:key/*", "arn:aws:kms:*:*:*", "arn:aws:s*:*:*:*", "arn:aws:iam::*:role/*",
		"arn:aws:iam::111122223333:role/x", "arn:aws:iam::*:*", "arn:aws:*", "arn:*", "arn:aws:[bad*:x:y:z",
		"arn:aws:cloudtrail:*:*:trail/*", "arn:aws:secretsmanager:*:*:secret:?*", "arn:aws:secretsmanager:*:*:secret:[a]*",
		"arn:aws:*:*:*:*", "arn:aws:iam::*:user/*", "arn:aws:iam::*:group/*", "arn:aws:iam::*:policy/*",
		"arn:aws:kms:*:*:alias/*", "*:*", "arn:aws:secretsmanager:*", "arn:aws:secretsmanager:*:*:secret",
		"arn:aws:{a,b}*:*:*:*", "arn:aws:kms:*:*:key/{x*", "arn:aws:iam::*", "arn:aws:secretsmanager:eu-west-1:*",
		"arn:*:secretsmanager:*:111122223333", "arn:aws:iam::111122223333:*", "arn:aws:kms:eu-west-1:*",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(list []string) []string {
		n := 1 + rng.IntN(3)
		out := make([]string, n)
		for i := range out {
			out[i] = list[rng.IntN(len(list))]
		}
		return out
	}
	for range 600 {
		st := inventory.Statement{Effect: []string{"Allow", "Deny"}[rng.IntN(2)]}
		switch rng.IntN(4) {
		case 0:
			st.NotActions = pick(actions)
		case 1:
			st.Actions, st.NotActions = pick(actions), pick(actions)
		default:
			st.Actions = pick(actions)
		}
		if rng.IntN(4) == 0 {
			st.NotResources = pick(resources)
		} else {
			st.Resources = pick(resources)
		}
		out = append(out, st)
	}
	return out
}

func TestStatementFactsMatchTheRegoHelpers(t *testing.T) {
	t.Parallel()
	e := newBuiltinEngine(t)
	require.NotNil(t, e.Statements())
	srcs, err := readFS(policies.FS, ".", "policies", false)
	require.NoError(t, err)
	mods, err := parse(append(srcs, source{name: "check.rego", text: "package check\n\n" + referenceFacts}))
	require.NoError(t, err)
	compiler := ast.NewCompiler()
	compiler.Compile(mods)
	require.False(t, compiler.Failed(), "%v", compiler.Errors)
	q, err := rego.New(rego.Query("x = data.check.facts"), rego.Compiler(compiler), rego.StrictBuiltinErrors(true)).
		PrepareForEval(context.Background())
	require.NoError(t, err)
	corpus := statementCorpus(t)
	require.Greater(t, len(corpus), 600)
	undecided := 0
	for i, st := range corpus {
		got := e.Statements().Facts(&inventory.Policy{Statements: []inventory.Statement{st}})[0]
		if got.Undecided {
			undecided++
			continue // the helpers fail on such a statement: the rules judge it themselves
		}
		input, err := NewEncoder().Value(st)
		require.NoError(t, err)
		rs, err := q.Eval(context.Background(), rego.EvalParsedInput(input))
		require.NoError(t, err)
		require.Len(t, rs, 1, "statement %d: %+v", i, st)
		want := rs[0].Bindings["x"].(map[string]any)
		assert.Equal(t, want["kinds"], anyList(got.Kinds), "kinds of %+v", st)
		assert.Equal(t, want["services"], anyList(got.Services), "services of %+v", st)
		assert.Equal(t, want["whole_services"], anyList(got.WholeServices), "whole services of %+v", st)
		assert.Equal(t, want["unknown_actions"], anyList(got.UnknownActions), "unknown actions of %+v", st)
		assert.Equal(t, want["full_admin"], got.FullAdmin, "full admin of %+v", st)
	}
	assert.Positive(t, undecided, "the corpus has statements the helpers cannot judge")
	assert.Less(t, undecided, len(corpus)/4)
}

func anyList(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	sort.Slice(out, func(i, j int) bool { return out[i].(string) < out[j].(string) })
	return out
}

func newBuiltinEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(context.Background(), Options{})
	require.NoError(t, err)
	return e
}
