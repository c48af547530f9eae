// Command schemagen writes the JSON Schema (draft 2020-12) of the custos snapshot
// format, inventory.Snapshot, from the Go types: json tags give the property names,
// fields without omitempty are required and Go doc comments become descriptions.
// What the Go decoder checks beyond types (schema_version, enumerations, the policy
// statement grammar) is added by hand below, so that an editor or another tool can
// validate a snapshot without custos.
//
// It is run by `go generate ./internal/inventory` (make generate):
//
//	go run ./schemagen -src . schema.json ../../docs/snapshot.schema.json
//
// Every output path gets the same bytes. The test beside this file regenerates the
// schema in memory and fails when a committed copy is stale.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/custos-dev/custos/internal/inventory"
)

// SchemaID is the $id of the generated schema: where the published copy lives.
const SchemaID = "https://raw.githubusercontent.com/custos-dev/custos/main/docs/snapshot.schema.json"

func main() {
	if err := run(os.Args[1:]); err != nil {
		// The repository keeps os.Exit to cmd/custos/main.go; a panic still fails
		// `go generate` with a non-zero status and the message first.
		panic("schemagen: " + err.Error())
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("schemagen", flag.ContinueOnError)
	src := fs.String("src", ".", "directory of the internal/inventory Go sources (for descriptions)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: schemagen [-src dir] output.json [output.json]")
	}
	data, err := Generate(*src)
	if err != nil {
		return err
	}
	for _, out := range fs.Args() {
		if err := writeFile(out, data); err != nil {
			return err
		}
	}
	return nil
}

// writeFile replaces path atomically: a temporary file in the same folder, then rename.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename this finds nothing
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Generate returns the schema document: indented JSON with a final newline.
// src is the folder holding the internal/inventory sources, read for doc comments.
func Generate(src string) ([]byte, error) {
	comments, err := goComments(src)
	if err != nil {
		return nil, err
	}
	pkg := reflect.TypeFor[inventory.Snapshot]().PkgPath()
	r := &jsonschema.Reflector{
		Anonymous:      true,
		ExpandedStruct: true,
		LookupComment: func(t reflect.Type, field string) string {
			if t.PkgPath() != pkg {
				return ""
			}
			if field == "" {
				return comments[t.Name()]
			}
			return comments[t.Name()+"."+field]
		},
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t == reflect.TypeFor[inventory.CoverageStatus]() {
				return &jsonschema.Schema{Type: "string", Enum: []any{
					string(inventory.CoverageOK), string(inventory.CoverageDenied),
					string(inventory.CoverageThrottled), string(inventory.CoverageFailed),
					string(inventory.CoverageNotEnabled), string(inventory.CoverageSkipped),
				}}
			}
			return nil
		},
	}
	s := r.Reflect(&inventory.Snapshot{})
	s.ID = SchemaID
	s.Title = "custos snapshot"
	if err := tune(s); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// tune adds what the Go decoder enforces beyond types (see internal/inventory/validate.go)
// and describes the three forms a policy document may take. A field that is missing
// here is an error, so that renaming a Go field cannot silently drop a constraint.
func tune(s *jsonschema.Schema) error {
	defs := s.Definitions
	def := func(name string) (*jsonschema.Schema, error) {
		if name == "Snapshot" {
			return s, nil
		}
		d, ok := defs[name]
		if !ok {
			return nil, fmt.Errorf("no definition %q in the reflected schema", name)
		}
		return d, nil
	}
	prop := func(defName, name string) (*jsonschema.Schema, error) {
		d, err := def(defName)
		if err != nil {
			return nil, err
		}
		p, ok := d.Properties.Get(name)
		if !ok {
			return nil, fmt.Errorf("no property %q in definition %q", name, defName)
		}
		return p, nil
	}

	// Nullable lists and maps: encoding/json writes a nil slice or map as null, and a
	// required field has no omitempty, so custos itself may write null there. The
	// decoder refuses a missing or null "accounts" only.
	for name, d := range defs {
		if err := nullableCollections(name, d, defs); err != nil {
			return err
		}
	}
	if err := nullableCollections("Snapshot", s, defs); err != nil {
		return err
	}

	one := uint64(1)
	edits := []struct {
		def, prop string
		edit      func(*jsonschema.Schema)
	}{
		{"Snapshot", "schema_version", func(p *jsonschema.Schema) { p.Const = inventory.SchemaVersion }},
		{"Account", "id", func(p *jsonschema.Schema) { p.Pattern = `^[0-9]{12}$` }},
		{"Key", "key_manager", func(p *jsonschema.Schema) { p.Enum = []any{"AWS", "CUSTOMER"} }},
		{"Statement", "effect", func(p *jsonschema.Schema) { p.Enum = []any{"Allow", "Deny"} }},
		{"Statement", "actions", func(p *jsonschema.Schema) { p.MinItems = &one }},
		{"Statement", "not_actions", func(p *jsonschema.Schema) { p.MinItems = &one }},
	}
	// Strings the decoder requires to be non-empty.
	for def, props := range map[string][]string{
		"Secret":        {"arn", "name", "region"},
		"Key":           {"arn", "key_id", "region", "key_state"},
		"User":          {"arn", "name"},
		"Role":          {"arn", "name"},
		"Group":         {"arn", "name"},
		"ManagedPolicy": {"arn", "name"},
		"Coverage":      {"service"},
	} {
		for _, name := range props {
			edits = append(edits, struct {
				def, prop string
				edit      func(*jsonschema.Schema)
			}{def, name, func(p *jsonschema.Schema) { p.MinLength = &one }})
		}
	}
	for _, e := range edits {
		p, err := prop(e.def, e.prop)
		if err != nil {
			return err
		}
		e.edit(p)
	}

	stmt, err := def("Statement")
	if err != nil {
		return err
	}
	// Exactly one of actions and not_actions; not both resources and not_resources,
	// nor both principal and not_principal. (Not allOf: OPA's schema type checker,
	// which reads this file for the Rego rules, merges allOf branches as types.)
	stmt.OneOf = []*jsonschema.Schema{{Required: []string{"actions"}}, {Required: []string{"not_actions"}}}
	stmt.DependentSchemas = map[string]*jsonschema.Schema{
		"resources": {Not: &jsonschema.Schema{Required: []string{"not_resources"}}},
		"principal": {Not: &jsonschema.Schema{Required: []string{"not_principal"}}},
	}

	canonical, err := def("Policy")
	if err != nil {
		return err
	}
	// The Go comment's first paragraph describes the canonical shape.
	canonical.Description, _, _ = strings.Cut(canonical.Description, "\n\n")
	defs["CanonicalPolicy"] = canonical
	defs["Policy"] = &jsonschema.Schema{
		Description: "A policy document. custos writes the canonical form (CanonicalPolicy, see " +
			"docs/policy-input.md); when reading it also accepts a policy in AWS's grammar, as an object " +
			"or as a JSON string, and normalises it.",
		AnyOf: []*jsonschema.Schema{
			{Ref: "#/$defs/CanonicalPolicy"},
			{Ref: "#/$defs/AWSPolicy"},
			{Type: "string", Description: "A policy document in AWS's grammar held in a JSON string, " +
				"URL-encoded or not, exactly as the IAM, KMS and Secrets Manager APIs return it."},
		},
	}
	for name, d := range awsGrammar() {
		defs[name] = d
	}
	return nil
}

// nullableCollections lets each required array or map property of d also be null.
// It widens "type" to a list ("array", "null") rather than wrapping the property in
// anyOf: OPA's schema type checker, which reads this file for the Rego rules, turns an
// anyOf into a union and stops checking the paths below it.
func nullableCollections(name string, d *jsonschema.Schema, defs jsonschema.Definitions) error {
	if d.Properties == nil {
		return nil
	}
	for _, req := range d.Required {
		if name == "Snapshot" && req == "accounts" {
			continue
		}
		p, ok := d.Properties.Get(req)
		if !ok {
			return fmt.Errorf("definition %q requires %q but has no such property", name, req)
		}
		if ref, ok := strings.CutPrefix(p.Ref, "#/$defs/"); ok {
			if p = defs[ref]; p == nil {
				return fmt.Errorf("definition %q: property %q refers to a missing definition %q", name, req, ref)
			}
		}
		if p.Type == "array" || (p.Type == "object" && p.Properties == nil) {
			if p.Extras == nil {
				p.Extras = map[string]any{}
			}
			p.Extras["type"] = []string{p.Type, "null"}
			p.Type = ""
		}
	}
	return nil
}

// awsGrammar returns the definitions of a policy document as AWS writes it, the second
// form a snapshot may hold. It mirrors what inventory.ParsePolicy accepts.
func awsGrammar() jsonschema.Definitions {
	strOrList := func(desc string) *jsonschema.Schema {
		return &jsonschema.Schema{Description: desc, AnyOf: []*jsonschema.Schema{
			{Type: "string"},
			{Type: "array", Items: &jsonschema.Schema{Type: "string"}},
		}}
	}
	principal := func(desc string) *jsonschema.Schema {
		kinds := jsonschema.NewProperties()
		for _, k := range []string{"AWS", "Service", "Federated", "CanonicalUser"} {
			kinds.Set(k, strOrList(""))
		}
		return &jsonschema.Schema{Description: desc, AnyOf: []*jsonschema.Schema{
			{Const: "*"},
			{Type: "object", Properties: kinds, AdditionalProperties: jsonschema.FalseSchema},
		}}
	}
	scalar := []*jsonschema.Schema{{Type: "string"}, {Type: "number"}, {Type: "boolean"}}
	condValue := &jsonschema.Schema{AnyOf: append(append([]*jsonschema.Schema{}, scalar...),
		&jsonschema.Schema{Type: "array", Items: &jsonschema.Schema{AnyOf: scalar}})}

	stmt := jsonschema.NewProperties()
	stmt.Set("Sid", &jsonschema.Schema{Type: "string"})
	stmt.Set("Effect", &jsonschema.Schema{Enum: []any{"Allow", "Deny"}})
	stmt.Set("Principal", principal(`"*" or a map of principal kind to one or more principals.`))
	stmt.Set("NotPrincipal", principal(`As Principal; the statement applies to everyone else.`))
	stmt.Set("Action", strOrList("One action or a list; matched case-insensitively."))
	stmt.Set("NotAction", strOrList("Every action except these."))
	stmt.Set("Resource", strOrList("One resource ARN pattern or a list."))
	stmt.Set("NotResource", strOrList("Every resource except these."))
	stmt.Set("Condition", &jsonschema.Schema{
		Description: "Operator (e.g. StringEquals, ForAnyValue:StringLikeIfExists) to condition key to value or values.",
		Type:        "object",
		AdditionalProperties: &jsonschema.Schema{
			Type:                 "object",
			AdditionalProperties: condValue,
		},
	})

	doc := jsonschema.NewProperties()
	doc.Set("Version", &jsonschema.Schema{Type: "string"})
	doc.Set("Id", &jsonschema.Schema{Type: "string"})
	doc.Set("Statement", &jsonschema.Schema{
		Description: "One statement or a list of statements.",
		AnyOf: []*jsonschema.Schema{
			{Ref: "#/$defs/AWSStatement"},
			{Type: "array", Items: &jsonschema.Schema{Ref: "#/$defs/AWSStatement"}},
			{Type: "null"},
		},
	})
	return jsonschema.Definitions{
		"AWSPolicy": {
			Description: "A policy document in AWS's grammar (IAM JSON policy reference), as an object. " +
				"custos normalises it to the canonical shape when reading and never writes it.",
			Type:       "object",
			Properties: doc,
			Required:   []string{"Statement"},
		},
		"AWSStatement": {
			Description: "One statement in AWS's grammar.",
			Type:        "object",
			Properties:  stmt,
			Required:    []string{"Effect"},
			OneOf:       []*jsonschema.Schema{{Required: []string{"Action"}}, {Required: []string{"NotAction"}}},
		},
	}
}

// goComments reads the doc comments of the types in the Go files of dir (tests
// excluded): "Type" to the type's comment and "Type.Field" to the field's.
func goComments(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	fset := token.NewFileSet()
	out := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("comments: %w", err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				text := ts.Doc.Text()
				if text == "" && len(gd.Specs) == 1 {
					text = gd.Doc.Text()
				}
				out[ts.Name.Name] = prose(text)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, field := range st.Fields.List {
					text := field.Doc.Text()
					if text == "" {
						text = field.Comment.Text()
					}
					for _, n := range field.Names {
						out[ts.Name.Name+"."+n.Name] = prose(text)
					}
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("comments: no Go types in %s", dir)
	}
	return out, nil
}

// prose joins the lines of each paragraph of a comment.
func prose(text string) string {
	paras := strings.Split(strings.TrimSpace(text), "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paras, "\n\n")
}
