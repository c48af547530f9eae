package policies_test

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/custos-dev/custos/policies"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshotDefs reads the inventory's JSON Schema definitions (internal/inventory/schema.json).
// Policy inputs always hold canonical policy documents, so references to the three-form
// Policy are narrowed to CanonicalPolicy, which OPA can check below.
func snapshotDefs(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("../internal/inventory/schema.json")
	require.NoError(t, err)
	raw = []byte(strings.ReplaceAll(string(raw), `"#/$defs/Policy"`, `"#/$defs/CanonicalPolicy"`))
	var doc map[string]any
	require.NoError(t, util.UnmarshalJSON(raw, &doc))
	defs, ok := doc["$defs"].(map[string]any)
	require.True(t, ok, "schema.json has $defs")
	return defs
}

func obj(props map[string]any) map[string]any {
	return map[string]any{"type": "object", "additionalProperties": false, "properties": props}
}

func ref(def string) map[string]any { return map[string]any{"$ref": "#/$defs/" + def} }

func list(items any) map[string]any { return map[string]any{"type": "array", "items": items} }

var (
	str     = map[string]any{"type": "string"}
	boolean = map[string]any{"type": "boolean"}
	integer = map[string]any{"type": "integer"}
	anyVal  = map[string]any{}
)

// inputSchemas are the JSON Schemas of the input each resource type receives, as
// docs/policy-input.md describes it, built on the inventory's definitions.
func inputSchemas(defs map[string]any) map[string]map[string]any {
	reader := obj(map[string]any{
		"principal": str, "kind": str, "account": str, "name": str, "tags": ref("Tags"),
		"in_inventory": boolean, "cross_account": boolean, "definite": boolean,
		"conditions": list(str), "unknowns": list(str), "via": list(anyVal),
	})
	readable := obj(map[string]any{
		"arn": str, "name": str, "account": str, "definite": boolean, "tags": ref("Tags"),
		"conditions": list(str), "unknowns": list(str), "via": list(anyVal),
	})
	principalContext := obj(map[string]any{
		"policies":         list(obj(map[string]any{"source": str, "document": ref("CanonicalPolicy")})),
		"readable_secrets": list(readable),
	})
	types := map[string][2]any{
		"aws.secretsmanager.secret": {ref("Secret"), obj(map[string]any{
			"kms_key": ref("Key"), "aws_managed_key": boolean, "readers": list(reader),
			"reader_count": integer, "definite_readers": integer, "public": boolean, "external_accounts": list(str),
		})},
		"aws.kms.key": {ref("Key"), obj(map[string]any{"used_by_secrets": list(str), "used_by_trails": list(str)})},
		"aws.iam.policy": {obj(map[string]any{
			"arn": str, "name": str, "kind": str, "aws_managed": boolean, "principal_arn": str,
			"attached_to": list(str), "attachment_count": integer, "document": ref("CanonicalPolicy"),
		}), obj(map[string]any{})},
		"aws.iam.user":         {ref("User"), principalContext},
		"aws.iam.role":         {ref("Role"), principalContext},
		"aws.iam.group":        {ref("Group"), principalContext},
		"aws.cloudtrail.trail": {ref("Trail"), obj(map[string]any{"kms_key": ref("Key")})},
		"aws.account": {obj(map[string]any{
			"id": str, "organization_id": str,
			"root": map[string]any{"anyOf": []any{ref("RootUser"), map[string]any{"type": "null"}}},
		}), obj(map[string]any{"trails": list(ref("Trail"))})},
	}
	out := map[string]map[string]any{}
	for typ, rc := range types {
		s := obj(map[string]any{
			"resource_type": str,
			"resource":      rc[0],
			"account":       obj(map[string]any{"id": str, "organization_id": str, "partition": str}),
			"now":           str,
			"context":       rc[1],
		})
		s["$defs"] = defs
		out[typ] = s
	}
	return out
}

// typeCheck compiles the rule modules of one resource type with the helpers, with input
// typed by schema, and returns the compiler's errors.
func typeCheck(t *testing.T, schema map[string]any, modules map[string]*ast.Module) ast.Errors {
	t.Helper()
	raw, err := json.Marshal(schema)
	require.NoError(t, err)
	var doc any
	require.NoError(t, util.UnmarshalJSON(raw, &doc))
	ss := ast.NewSchemaSet()
	ss.Put(ast.SchemaRootRef, doc)
	c := ast.NewCompiler().WithSchemas(ss).WithUseTypeCheckAnnotations(true)
	c.Compile(modules)
	return c.Errors
}

// TestRulesTypeCheckAgainstSchema compiles every built-in rule with input typed by its
// resource type's schema: a misspelt input path (input.resource.rotaton_enabled) is a
// compile error, not a rule that silently never fires.
func TestRulesTypeCheckAgainstSchema(t *testing.T) {
	t.Parallel()
	schemas := inputSchemas(snapshotDefs(t))
	files := regoFiles(t, policies.FS)
	modules, err := parseFiles(files)
	require.NoError(t, err)

	helpers := map[string]*ast.Module{}
	byType := map[string]map[string]*ast.Module{}
	for name, m := range modules {
		switch {
		case strings.HasSuffix(name, "_test.rego"):
		case strings.HasPrefix(name, "lib/"):
			helpers[name] = m
		default:
			typ := resourceTypeOf(m)
			if byType[typ] == nil {
				byType[typ] = map[string]*ast.Module{}
			}
			byType[typ][name] = m
		}
	}
	types := make([]string, 0, len(byType))
	for typ := range byType {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		schema, ok := schemas[typ]
		if !ok {
			t.Logf("%s: no input schema here, %d rules not type-checked", typ, len(byType[typ]))
			continue
		}
		t.Run(typ, func(t *testing.T) {
			set := map[string]*ast.Module{}
			for name, m := range helpers {
				set[name] = m.Copy()
			}
			for name, m := range byType[typ] {
				set[name] = m.Copy()
			}
			assert.Empty(t, typeCheck(t, schema, set))
		})
	}
}

func resourceTypeOf(m *ast.Module) string {
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			if s, ok := a.Custom["resource_type"].(string); ok {
				return s
			}
		}
	}
	return ""
}

// TestTypeCheckRejectsMisspeltPaths proves the check bites: misspelt paths into the
// resource and the precomputed context are refused, real ones accepted.
func TestTypeCheckRejectsMisspeltPaths(t *testing.T) {
	t.Parallel()
	schemas := inputSchemas(snapshotDefs(t))
	tests := []struct {
		name, typ, body string
		ok              bool
	}{
		{name: "secret field", typ: "aws.secretsmanager.secret", body: "input.resource.rotation_enabled == false", ok: true},
		{name: "secret field misspelt", typ: "aws.secretsmanager.secret", body: "input.resource.rotaton_enabled == false"},
		{name: "reader", typ: "aws.secretsmanager.secret", body: "some r in input.context.readers\n\tr.definite", ok: true},
		{name: "reader misspelt", typ: "aws.secretsmanager.secret", body: "some r in input.context.readers\n\tr.defnite"},
		{name: "context misspelt", typ: "aws.secretsmanager.secret", body: "input.context.readerz[_].definite"},
		{name: "policy statement", typ: "aws.iam.policy", body: `input.resource.document.statements[_].effect == "Allow"`, ok: true},
		{name: "policy statement misspelt", typ: "aws.iam.policy", body: `input.resource.document.statements[_].efect == "Allow"`},
		{name: "key grant", typ: "aws.kms.key", body: "input.resource.grants[_].grantee_principal", ok: true},
		{name: "key grant misspelt", typ: "aws.kms.key", body: "input.resource.grants[_].grantee"},
		{name: "account trail", typ: "aws.account", body: "input.context.trails[_].is_multi_region", ok: true},
		{name: "account trail misspelt", typ: "aws.account", body: "input.context.trails[_].multi_region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := "package custos.aws.x.y\n\ndeny contains \"m\" if {\n\t" + tt.body + "\n}\n"
			m, err := ast.ParseModuleWithOpts("x.rego", src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
			require.NoError(t, err)
			errs := typeCheck(t, schemas[tt.typ], map[string]*ast.Module{"x.rego": m})
			if tt.ok {
				assert.Empty(t, errs)
				return
			}
			require.NotEmpty(t, errs, "the misspelt path must be refused")
			assert.Contains(t, errs.Error(), "undefined ref")
		})
	}
}
