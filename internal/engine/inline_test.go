package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const inlineModule = `package x

kinds := {"secret": ["secretsmanager", "secret:"], "key": ["kms", "key/"]}

tiers := ["public", "internal"]

letters := {"a", "b"}

pattern := "^a"

twice := 1

twice := 1

computed := count(tiers)

overridden := {"x"}

exact := kinds

member if "a" in letters

indexed := kinds.secret

iterated := [s | some _, [s, _] in kinds]

every_tier if every t in tiers { t != "" }

negated if not letters.c

regex_call if regex.match(pattern, "abc")

nested := [x | some k, _ in kinds; x := [t | some t in tiers; startswith(t, k)]]

f(kind) := concat("|", kinds[kind])

called := f("key")

by_input := kinds[input.kind]

with_override := x if {
	x := overridden with overridden as {"y"}
}

counted := count(letters)

chained := tiers if {
	input.kind == "key"
} else := kinds.key
`

func compileInline(t *testing.T, inline bool) *ast.Compiler {
	t.Helper()
	m, err := ast.ParseModuleWithOpts("x.rego", inlineModule, ast.ParserOptions{RegoVersion: ast.RegoV1})
	require.NoError(t, err)
	c := ast.NewCompiler()
	if inline {
		c = c.WithStageAfter(string(ast.StageCheckTypes), ast.CompilerStageDefinition{Name: "InlineConstants", MetricName: "inline", Stage: inlineConstants})
	}
	c.Compile(map[string]*ast.Module{"x.rego": m})
	require.False(t, c.Failed(), "%v", c.Errors)
	return c
}

// TestInlineConstantsKeepsValues evaluates every rule of a module with and without the
// stage: the values are the same, and the constants read are gone from the bodies.
func TestInlineConstantsKeepsValues(t *testing.T) {
	t.Parallel()
	plain, inlined := compileInline(t, false), compileInline(t, true)
	input := ast.MustParseTerm(`{"kind": "secret"}`).Value
	for _, name := range []string{"exact", "member", "indexed", "iterated", "every_tier", "negated", "regex_call", "nested", "called", "by_input", "with_override", "counted", "chained", "computed", "twice"} {
		eval := func(c *ast.Compiler) (any, error) {
			rs, err := rego.New(rego.Query("data.x."+name), rego.Compiler(c), rego.ParsedInput(input)).Eval(context.Background())
			if err != nil || len(rs) == 0 {
				return nil, err
			}
			return rs[0].Expressions[0].Value, nil
		}
		want, wantErr := eval(plain)
		got, err := eval(inlined)
		assert.Equal(t, wantErr, err, name)
		assert.Equal(t, want, got, name)
	}
	var bodies []string
	for _, r := range inlined.Modules["x.rego"].Rules {
		bodies = append(bodies, r.Body.String())
	}
	text := strings.Join(bodies, "\n")
	for _, gone := range []string{"data.x.kinds", "data.x.tiers", "data.x.letters", "data.x.pattern"} {
		assert.NotContains(t, text, gone)
	}
	// Not constants: two definitions, a computed value, a rule something overrides.
	for _, kept := range []string{"data.x.overridden"} {
		assert.Contains(t, text, kept)
	}
	assert.Empty(t, constantRules(inlined)["data.x.twice"])
	assert.Empty(t, constantRules(inlined)["data.x.computed"])
}
