package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The committed copies: path relative to this folder, name as the repository knows it.
var committed = []struct{ path, name string }{
	{"../schema.json", "internal/inventory/schema.json"},
	{"../../../docs/snapshot.schema.json", "docs/snapshot.schema.json"},
}

func TestCommittedSchemaIsFresh(t *testing.T) {
	want, err := Generate("..")
	require.NoError(t, err)
	for _, c := range committed {
		t.Run(c.name, func(t *testing.T) {
			got, err := os.ReadFile(c.path)
			require.NoError(t, err)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s is stale: the inventory types changed since it was generated.\n"+
					"Refresh it with `make generate` (go generate ./internal/inventory) and commit the result.", c.name)
			}
		})
	}
}

func TestSchemaCompiles(t *testing.T) {
	data, err := Generate("..")
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource(SchemaID, doc))
	_, err = c.Compile(SchemaID)
	require.NoError(t, err, "the generated schema must be a valid draft 2020-12 schema")
}

func TestGenerateIsDeterministic(t *testing.T) {
	first, err := Generate("..")
	require.NoError(t, err)
	for range 5 {
		again, err := Generate("..")
		require.NoError(t, err)
		require.Equal(t, string(first), string(again))
	}
}

func TestDescriptionsComeFromGoComments(t *testing.T) {
	data, err := Generate("..")
	require.NoError(t, err)
	// Field comment (Snapshot.Identity), type comment (Coverage) and a comment that wraps
	// over two lines (Secret.KMSKeyID), joined into one line.
	for _, want := range []string{
		`"description": "Identity is the caller identity the collection ran as (an ARN), if known."`,
		`"description": "Coverage records whether one service in one account and region was seen. Any status other than CoverageOK makes a scan incomplete."`,
		`"description": "KMSKeyID is the key as Secrets Manager reports it (id, ARN or alias); empty means the AWS-managed key aws/secretsmanager."`,
	} {
		assert.Contains(t, string(data), want)
	}
}

func TestRunWritesEveryOutput(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	require.NoError(t, os.WriteFile(a, []byte("old"), 0o644))
	require.NoError(t, run([]string{"-src", "..", a, b}))
	want, err := Generate("..")
	require.NoError(t, err)
	for _, path := range []string{a, b} {
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), path)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file is left behind")
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no output", args: []string{"-src", ".."}, want: "usage"},
		{name: "source folder missing", args: []string{"-src", "no-such-dir", filepath.Join(t.TempDir(), "x.json")}, want: "no-such-dir"},
		{name: "source folder without types", args: []string{"-src", t.TempDir(), filepath.Join(t.TempDir(), "x.json")}, want: "no Go types"},
		{name: "output folder missing", args: []string{"-src", "..", filepath.Join(t.TempDir(), "missing", "x.json")}, want: "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(tt.args)
			require.Error(t, err)
			assert.True(t, strings.Contains(err.Error(), tt.want), "error %q should mention %q", err, tt.want)
		})
	}
}

// The Rego rules are type-checked against this schema (METADATA schemas annotations):
// OPA must find a misspelt path at every depth, inside the nullable lists and maps and
// inside the three-form policy documents, and accept the real ones.
func TestOPATypeChecksAgainstSchema(t *testing.T) {
	data, err := Generate("..")
	require.NoError(t, err)
	var doc any
	require.NoError(t, util.UnmarshalJSON(data, &doc))
	schemas := ast.NewSchemaSet()
	schemas.Put(ast.MustParseRef("schema.snapshot"), doc)

	const head = "# METADATA\n# scope: package\n# schemas:\n#   - input: schema.snapshot\npackage t\n\n"
	tests := []struct {
		name, body string
		ok         bool
	}{
		{name: "top level", body: `x := input.generated_at`, ok: true},
		{name: "top level misspelt", body: `x := input.acounts`},
		{name: "nullable list", body: `x := input.accounts[0].secrets[0].rotation_enabled`, ok: true},
		{name: "nullable list misspelt", body: `x := input.accounts[0].secrets[0].rotaton_enabled`},
		{name: "nullable map", body: `x := input.accounts[0].keys[0].tags.owner`, ok: true},
		{name: "policy document", body: `x := input.accounts[0].keys[0].key_policy.statements[0].principal.accounts[0]`, ok: true},
		{name: "policy document misspelt", body: `x := input.accounts[0].keys[0].key_policy.statements[0].principal.alll`},
		{name: "iteration", body: "x contains a if {\n\tsome r in input.accounts[_].iam.roles\n\ta := r.last_used_date\n}", ok: true},
		{name: "iteration misspelt", body: "x contains a if {\n\tsome r in input.accounts[_].iam.roles\n\ta := r.last_used\n}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mod, err := ast.ParseModuleWithOpts("t.rego", head+tt.body, ast.ParserOptions{ProcessAnnotation: true})
			require.NoError(t, err)
			c := ast.NewCompiler().WithSchemas(schemas).WithUseTypeCheckAnnotations(true)
			c.Compile(map[string]*ast.Module{"t.rego": mod})
			if tt.ok {
				assert.False(t, c.Failed(), "%v", c.Errors)
				return
			}
			require.True(t, c.Failed(), "OPA should refuse the misspelt path")
			assert.Contains(t, c.Errors.Error(), "undefined ref")
		})
	}
}
