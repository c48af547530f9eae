package policies_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/custos-dev/custos/policies"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite docs/frameworks.md")

const frameworksDoc = "../docs/frameworks.md"

// framework is one policies/frameworks/<framework>.yaml: control ids with titles, under
// one top-level key, the framework id. (The files are also OPA data: `opa test policies/`
// loads them as data.frameworks.<id>, so each keeps its own key.)
type framework struct {
	Framework string    `yaml:"-"`
	Name      string    `yaml:"name"`
	Reference string    `yaml:"reference"`
	Scope     string    `yaml:"scope"`
	Controls  []control `yaml:"controls"`
}

type control struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
}

// loadFrameworks reads and checks every framework file: the file is named after the
// framework, the framework is one custos knows, ids are well formed and unique.
func loadFrameworks(t *testing.T) map[string]framework {
	t.Helper()
	paths, err := filepath.Glob("frameworks/*.yaml")
	require.NoError(t, err)
	out := map[string]framework{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		var doc map[string]framework
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		require.NoError(t, dec.Decode(&doc), p)
		name := strings.TrimSuffix(filepath.Base(p), ".yaml")
		require.Len(t, doc, 1, "%s: one top-level key, the framework id", p)
		fw, ok := doc[name]
		require.True(t, ok, "%s: the top-level key must be the file name %q", p, name)
		fw.Framework = name
		shape, known := frameworks[fw.Framework]
		require.True(t, known, "%s: unknown framework %q", p, fw.Framework)
		require.NotEmpty(t, fw.Name, p)
		require.NotEmpty(t, fw.Scope, p)
		seen := map[string]bool{}
		for _, c := range fw.Controls {
			assert.Regexp(t, shape, c.ID, "%s: control id", p)
			assert.NotEmpty(t, strings.TrimSpace(c.Title), "%s: %s has no title", p, c.ID)
			assert.False(t, seen[c.ID], "%s: %s listed twice", p, c.ID)
			seen[c.ID] = true
		}
		out[fw.Framework] = fw
	}
	for name := range frameworks {
		assert.Contains(t, out, name, "policies/frameworks/%s.yaml is missing", name)
	}
	return out
}

// mappedRule is one rule with its control mappings, from METADATA.
type mappedRule struct {
	ID, Title, Severity, File string
	Controls                  map[string][]string
}

// mappedRules reads the METADATA of every rule (packages with custom.id) in files.
func mappedRules(t *testing.T, files map[string][]byte) []mappedRule {
	t.Helper()
	modules, err := parseFiles(files)
	require.NoError(t, err)
	var out []mappedRule
	for name, m := range modules {
		if strings.HasSuffix(name, "_test.rego") {
			continue
		}
		as, errs := ast.BuildAnnotationSet([]*ast.Module{m})
		require.Nil(t, errs, name)
		a := as.GetPackageScope(m.Package)
		if a == nil || a.Custom["id"] == nil {
			continue
		}
		r := mappedRule{File: name, Title: a.Title, Controls: map[string][]string{}}
		r.ID, _ = a.Custom["id"].(string)
		r.Severity, _ = a.Custom["severity"].(string)
		if cs, ok := a.Custom["controls"].(map[string]any); ok {
			for fw, ids := range cs {
				list, _ := ids.([]any)
				for _, id := range list {
					if s, ok := id.(string); ok {
						r.Controls[fw] = append(r.Controls[fw], s)
					}
				}
			}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// unknownControls lists every control a rule maps to that its framework file lacks.
func unknownControls(rules []mappedRule, fws map[string]framework) []string {
	var problems []string
	for _, r := range rules {
		for fw, ids := range r.Controls {
			known := map[string]bool{}
			for _, c := range fws[fw].Controls {
				known[c.ID] = true
			}
			for _, id := range ids {
				if !known[id] {
					problems = append(problems, fmt.Sprintf("%s (%s): %s %s is not in policies/frameworks/%s.yaml", r.ID, r.File, fw, id, fw))
				}
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// TestFrameworkControlsExist checks that every control a rule maps to is listed, with its
// title, in the framework's file.
func TestFrameworkControlsExist(t *testing.T) {
	t.Parallel()
	fws := loadFrameworks(t)
	rules := mappedRules(t, regoFiles(t, policies.FS))
	require.NotEmpty(t, rules)
	for _, p := range unknownControls(rules, fws) {
		t.Error(p)
	}

	t.Run("a mapping to a control the framework lacks is reported", func(t *testing.T) {
		fake := []mappedRule{{ID: "aws-kms-x", File: "aws/kms/x.rego", Controls: map[string][]string{"pci-dss-4.0": {"3.7.4", "3.9.9"}}}}
		assert.Equal(t, []string{"aws-kms-x (aws/kms/x.rego): pci-dss-4.0 3.9.9 is not in policies/frameworks/pci-dss-4.0.yaml"}, unknownControls(fake, fws))
	})
}

// renderFrameworks writes docs/frameworks.md: for each framework, its requirements with
// the rules that test them, then those custos does not test.
func renderFrameworks(fws map[string]framework, rules []mappedRule) string {
	var b strings.Builder
	b.WriteString("# Frameworks\n\n")
	b.WriteString("<!-- Generated by `go test ./policies -run TestFrameworksDoc -update` from the rules' METADATA\n")
	b.WriteString("     (custom.controls) and policies/frameworks/*.yaml. Do not edit by hand. -->\n\n")
	b.WriteString("Each rule declares the requirements it tests in its METADATA (`custom.controls`); a mapping\n")
	b.WriteString("is made only where the standard's own text covers what the rule checks. The framework files in\n")
	b.WriteString("`policies/frameworks/` list the requirements with short titles written for custos (they\n")
	b.WriteString("summarise, they do not quote the standards). A requirement tested by a rule is not thereby\n")
	b.WriteString("met: the rules show configuration, and every requirement also asks for process evidence.\n")
	b.WriteString("`custos policies list --framework ID` lists the rules of one framework.\n\n")
	names := make([]string, 0, len(fws))
	for name := range fws {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&b, "- [%s](#%s) (`%s`)\n", fws[name].Name, anchor(fws[name].Name), name)
	}
	for _, name := range names {
		fw := fws[name]
		byControl := map[string][]string{}
		for _, r := range rules {
			for _, id := range r.Controls[name] {
				byControl[id] = append(byControl[id], r.ID)
			}
		}
		var tested, untested []control
		for _, c := range fw.Controls {
			if len(byControl[c.ID]) > 0 {
				tested = append(tested, c)
			} else {
				untested = append(untested, c)
			}
		}
		fmt.Fprintf(&b, "\n## %s\n\n", fw.Name)
		fmt.Fprintf(&b, "Framework id `%s`; reference: <%s>.\n\n", name, fw.Reference)
		fmt.Fprintf(&b, "Scope: %s\n\n", strings.TrimSpace(fw.Scope))
		fmt.Fprintf(&b, "custos tests %d of the %d requirements listed.\n\n", len(tested), len(fw.Controls))
		b.WriteString("### Tested\n\n| requirement | title | rules |\n|---|---|---|\n")
		for _, c := range tested {
			ids := byControl[c.ID]
			sort.Strings(ids)
			quoted := make([]string, len(ids))
			for i, id := range ids {
				quoted[i] = "`" + id + "`"
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", c.ID, escapeCell(c.Title), strings.Join(quoted, ", "))
		}
		b.WriteString("\n### Not tested by custos\n\n| requirement | title |\n|---|---|\n")
		for _, c := range untested {
			fmt.Fprintf(&b, "| %s | %s |\n", c.ID, escapeCell(c.Title))
		}
	}
	return b.String()
}

func escapeCell(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`).Replace(s)
}

// anchor is the GitHub heading anchor of a heading.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

// TestFrameworksDoc keeps docs/frameworks.md in step with the rules and framework files.
func TestFrameworksDoc(t *testing.T) {
	t.Parallel()
	want := renderFrameworks(loadFrameworks(t), mappedRules(t, regoFiles(t, policies.FS)))
	if *update {
		require.NoError(t, os.WriteFile(frameworksDoc, []byte(want), 0o644))
	}
	got, err := os.ReadFile(frameworksDoc)
	require.NoError(t, err, "run go test ./policies -run TestFrameworksDoc -update")
	assert.Equal(t, want, string(got), "docs/frameworks.md is stale: go test ./policies -run TestFrameworksDoc -update")
}
