// Package engine loads Rego policies (the embedded ones and the user's), compiles them
// once, and evaluates every rule against every resource of its type in parallel with
// shared prepared queries. Rego decides; the engine only gathers inputs and results.
package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/open-policy-agent/opa/v1/ast"
)

// source is one Rego file: the name errors and findings cite, and its text.
type source struct {
	name string
	text string
}

// readFS collects every .rego file below root in fsys. Tests are included only when
// withTests is set. Names are prefix + the path inside fsys.
func readFS(fsys fs.FS, root, prefix string, withTests bool) ([]source, error) {
	var out []source
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return nil
		}
		if !withTests && strings.HasSuffix(p, "_test.rego") {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out = append(out, source{name: path.Join(prefix, p), text: string(data)})
		return nil
	})
	return out, err
}

// readDir collects the .rego files of a user's policy directory.
func readDir(dir string, withTests bool) ([]source, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("policy dir: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("policy dir %s: not a directory", dir)
	}
	srcs, err := readFS(os.DirFS(dir), ".", filepath.ToSlash(dir), withTests)
	if err != nil {
		return nil, fmt.Errorf("policy dir %s: %w", dir, err)
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("policy dir %s: no .rego files", dir)
	}
	return srcs, nil
}

// parse parses every source with METADATA processing on.
func parse(srcs []source) (map[string]*ast.Module, error) {
	mods := make(map[string]*ast.Module, len(srcs))
	var errs ast.Errors
	for _, s := range srcs {
		if _, dup := mods[s.name]; dup {
			return nil, fmt.Errorf("%s: loaded twice", s.name)
		}
		m, err := ast.ParseModuleWithOpts(s.name, s.text, ast.ParserOptions{
			ProcessAnnotation: true,
			RegoVersion:       ast.RegoV1,
		})
		if err != nil {
			var astErrs ast.Errors
			if errors.As(err, &astErrs) {
				errs = append(errs, astErrs...)
				continue
			}
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		mods[s.name] = m
	}
	if len(errs) > 0 {
		return nil, RegoError(errs)
	}
	return mods, nil
}

// RegoError formats Rego errors one per line as file:row:col: message.
func RegoError(errs ast.Errors) error {
	lines := make([]string, 0, len(errs))
	for _, e := range errs {
		loc := ""
		if e.Location != nil {
			loc = fmt.Sprintf("%s:%d:%d: ", e.Location.File, e.Location.Row, e.Location.Col)
		}
		lines = append(lines, loc+e.Code+": "+e.Message)
	}
	sort.Strings(lines)
	return &PolicyError{Lines: lines}
}

// PolicyError is a Rego file that does not parse, compile or meet the policy contract.
type PolicyError struct{ Lines []string }

func (e *PolicyError) Error() string { return strings.Join(e.Lines, "\n") }

// bundleDigest is a SHA-256 over every loaded file's name and text, in name order:
// the run records exactly which policies judged it.
func bundleDigest(srcs []source) string {
	sorted := append([]source(nil), srcs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	h := sha256.New()
	for _, s := range sorted {
		fmt.Fprintf(h, "%s\x00%d\x00%s", s.name, len(s.text), s.text)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// resourceTypes are the resource types custos gives policies (read-only).
var resourceTypes = map[string]bool{
	"aws.secretsmanager.secret": true,
	"aws.kms.key":               true,
	"aws.iam.policy":            true,
	"aws.iam.user":              true,
	"aws.iam.role":              true,
	"aws.iam.group":             true,
	"aws.cloudtrail.trail":      true,
	"aws.account":               true,
	// Access review (scanners/access): one sensitive CloudTrail event, and one
	// principal's aggregates over the review and baseline windows.
	"aws.cloudtrail.event": true,
	"aws.access.principal": true,
}

// ruleMeta reads a rule's METADATA. ok is false for modules that are not rules
// (helpers and tests: no custom.id and no deny rule).
func ruleMeta(m *ast.Module, as *ast.AnnotationSet) (finding.Rule, bool, error) {
	file := m.Package.Location.File
	hasDeny := false
	for _, r := range m.Rules {
		if r.Head.Name.Equal(ast.Var("deny")) || (len(r.Head.Reference) > 0 && r.Head.Reference[0].Value.Compare(ast.Var("deny")) == 0) {
			hasDeny = true
		}
	}
	a := as.GetPackageScope(m.Package)
	if a == nil || a.Custom["id"] == nil {
		if hasDeny {
			return finding.Rule{}, false, fmt.Errorf("%s:%d: package %s has a deny rule but no package METADATA with custom.id", file, m.Package.Location.Row, pkgPath(m))
		}
		return finding.Rule{}, false, nil
	}
	where := fmt.Sprintf("%s:%d", file, a.Location.Row)
	if !hasDeny {
		return finding.Rule{}, false, fmt.Errorf("%s: package %s has METADATA custom.id but no deny rule", where, pkgPath(m))
	}
	str := func(key string) (string, error) {
		v, ok := a.Custom[key].(string)
		if !ok || strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("%s: METADATA custom.%s is missing or not a string", where, key)
		}
		return v, nil
	}
	var r finding.Rule
	var err error
	if r.ID, err = str("id"); err != nil {
		return r, false, err
	}
	sev, err := str("severity")
	if err != nil {
		return r, false, err
	}
	if r.Severity, err = finding.ParseSeverity(sev); err != nil {
		return r, false, fmt.Errorf("%s: METADATA custom.severity: %w", where, err)
	}
	if r.ResourceType, err = str("resource_type"); err != nil {
		return r, false, err
	}
	if !resourceTypes[r.ResourceType] {
		return r, false, fmt.Errorf("%s: METADATA custom.resource_type %q is not a resource type custos evaluates", where, r.ResourceType)
	}
	if r.Remediation, err = str("remediation"); err != nil {
		return r, false, err
	}
	if r.Title = strings.TrimSpace(a.Title); r.Title == "" {
		return r, false, fmt.Errorf("%s: METADATA title is missing", where)
	}
	r.Description = strings.TrimSpace(a.Description)
	if r.Controls, err = controls(a.Custom["controls"]); err != nil {
		return r, false, fmt.Errorf("%s: METADATA custom.controls: %w", where, err)
	}
	r.Source = file
	return r, true, nil
}

func controls(v any) (map[string][]string, error) {
	out := map[string][]string{}
	if v == nil {
		return out, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("must map a framework to a list of requirement ids")
	}
	for fw, ids := range m {
		list, ok := ids.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: must be a list of requirement ids", fw)
		}
		for _, id := range list {
			s, ok := id.(string)
			if !ok {
				return nil, fmt.Errorf("%s: requirement id %v is not a string", fw, id)
			}
			out[fw] = append(out[fw], s)
		}
		sort.Strings(out[fw])
	}
	return out, nil
}

func pkgPath(m *ast.Module) string {
	return strings.TrimPrefix(m.Package.Path.String(), "data.")
}
