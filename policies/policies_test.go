package policies_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/policies"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// frameworks are the control frameworks a rule may map to, with the shape of their ids.
var frameworks = map[string]*regexp.Regexp{
	"soc2":        regexp.MustCompile(`^(CC[1-9]|A1|C1|PI1|P[1-8])\.[0-9]+$`),
	"pci-dss-4.0": regexp.MustCompile(`^[1-9][0-9]?(\.[0-9]+){1,3}$`),
	"cis-aws-3.0": regexp.MustCompile(`^[1-9]\.[0-9]+$`),
	"aws-fsbp":    regexp.MustCompile(`^[A-Za-z0-9]+\.[0-9]+$`),
}

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// regoFiles reads every .rego file of fsys, keyed by path.
func regoFiles(t *testing.T, fsys fs.FS) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		files[p] = data
		return err
	})
	require.NoError(t, err)
	require.NotEmpty(t, files, "no .rego files embedded")
	return files
}

func parseFiles(files map[string][]byte) (map[string]*ast.Module, error) {
	modules := make(map[string]*ast.Module, len(files))
	for name, src := range files {
		m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, err
		}
		modules[name] = m
	}
	return modules, nil
}

// documentedResourceTypes reads the resource types of the table in docs/policy-input.md,
// the contract rules are written against.
func documentedResourceTypes(t *testing.T) map[string]bool {
	t.Helper()
	doc, err := os.ReadFile("../docs/policy-input.md")
	require.NoError(t, err)
	token := regexp.MustCompile("`(aws\\.[a-z0-9_.]+)`")
	types := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`aws.") {
			continue
		}
		for _, m := range token.FindAllStringSubmatch(cells[1], -1) {
			types[m[1]] = true
		}
	}
	require.GreaterOrEqual(t, len(types), 5, "docs/policy-input.md: resource type table not found")
	return types
}

// catalogRule is one rule as its METADATA declares it.
type catalogRule struct {
	File         string
	Package      string
	ID           string
	Severity     string
	ResourceType string
	Controls     map[string][]string
}

// checkCatalog reads the rules of a set of Rego files and reports every way the set
// breaks the policy contract (DESIGN.md, docs/policies.md).
func checkCatalog(files map[string][]byte, resourceTypes map[string]bool) ([]catalogRule, []error) {
	var problems []error
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }

	modules, err := parseFiles(files)
	if err != nil {
		return nil, []error{err}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)

	for _, name := range names {
		formatted, err := format.SourceWithOpts(name, files[name], format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			bad("%s: opa fmt: %v", name, err)
		} else if !bytes.Equal(formatted, files[name]) {
			bad("%s: not opa fmt clean (run go tool opa fmt -w policies/)", name)
		}
	}

	// Tests by package: package -> test rule names.
	tests := map[string][]string{}
	for _, name := range names {
		m := modules[name]
		if !strings.HasSuffix(name, "_test.rego") {
			continue
		}
		pkg := pkgPath(m)
		if !strings.HasSuffix(pkg, "_test") {
			bad("%s: test file package %s does not end in _test", name, pkg)
		}
		for _, r := range m.Rules {
			tests[pkg] = append(tests[pkg], r.Head.Ref().String())
		}
	}

	var rules []catalogRule
	ids := map[string]string{}
	for _, name := range names {
		m := modules[name]
		if strings.HasSuffix(name, "_test.rego") {
			continue
		}
		pkg := pkgPath(m)
		if strings.HasPrefix(pkg, "custos.lib.") {
			if hasDeny(m) {
				bad("%s: helper package %s has a deny rule", name, pkg)
			}
			continue
		}
		where := fmt.Sprintf("%s:%d", name, m.Package.Location.Row)
		r, ok := readRule(m, where, bad)
		if !ok {
			continue
		}
		r.File = name

		wantPkg := "custos." + strings.ReplaceAll(strings.TrimSuffix(name, ".rego"), "/", ".")
		if pkg != wantPkg {
			bad("%s: package %s does not match its path (want %s)", where, pkg, wantPkg)
		}
		parts := strings.Split(pkg, ".")
		if len(parts) != 4 || (parts[1] != "aws" && parts[1] != "access") {
			bad("%s: package %s is not custos.aws.<service>.<rule> or custos.access.<service>.<rule>", where, pkg)
		} else if want := strings.ReplaceAll(strings.Join(parts[1:], "-"), "_", "-"); r.ID != want {
			bad("%s: id %q does not match package %s (want %q)", where, r.ID, pkg, want)
		}
		if !kebab.MatchString(r.ID) {
			bad("%s: id %q is not kebab-case", where, r.ID)
		}
		if other, dup := ids[r.ID]; dup {
			bad("%s: id %q is also used by %s", where, r.ID, other)
		}
		ids[r.ID] = name
		if !resourceTypes[r.ResourceType] {
			bad("%s: resource_type %q is not one of docs/policy-input.md", where, r.ResourceType)
		}

		testFile := strings.TrimSuffix(name, ".rego") + "_test.rego"
		if _, ok := files[testFile]; !ok {
			bad("%s: no test file %s", where, testFile)
		}
		var deny, pass int
		for _, test := range tests[pkg+"_test"] {
			switch {
			case strings.HasPrefix(test, "test_deny_"):
				deny++
			case strings.HasPrefix(test, "test_pass_"):
				pass++
			}
		}
		if deny == 0 || pass == 0 {
			bad("%s: rule needs test_deny_ and test_pass_ tests in package %s_test (has %d and %d)", where, pkg, deny, pass)
		}
		rules = append(rules, r)
	}
	return rules, problems
}

// readRule reads and checks a rule module's package METADATA.
func readRule(m *ast.Module, where string, bad func(string, ...any)) (catalogRule, bool) {
	r := catalogRule{Package: pkgPath(m)}
	if !hasDeny(m) {
		bad("%s: package %s has no deny rule", where, r.Package)
		return r, false
	}
	as, errs := ast.BuildAnnotationSet([]*ast.Module{m})
	if errs != nil {
		bad("%s: METADATA: %v", where, errs)
		return r, false
	}
	a := as.GetPackageScope(m.Package)
	if a == nil {
		bad("%s: package %s has no package METADATA", where, r.Package)
		return r, false
	}
	ok := true
	if strings.TrimSpace(a.Title) == "" {
		bad("%s: METADATA title is missing", where)
		ok = false
	}
	if strings.TrimSpace(a.Description) == "" {
		bad("%s: METADATA description is missing", where)
		ok = false
	}
	str := func(key string) string {
		s, isString := a.Custom[key].(string)
		if !isString || strings.TrimSpace(s) == "" {
			bad("%s: METADATA custom.%s is missing or not a string", where, key)
			ok = false
		}
		return s
	}
	r.ID = str("id")
	r.Severity = str("severity")
	r.ResourceType = str("resource_type")
	str("remediation")
	if sev, err := finding.ParseSeverity(r.Severity); r.Severity != "" && (err != nil || string(sev) != r.Severity) {
		bad("%s: severity %q is not one of critical, high, medium, low, info", where, r.Severity)
		ok = false
	}
	controls, isMap := a.Custom["controls"].(map[string]any)
	if !isMap {
		bad("%s: METADATA custom.controls must map frameworks to lists of ids ({} for none)", where)
		return r, false
	}
	r.Controls = map[string][]string{}
	for fw, v := range controls {
		shape, known := frameworks[fw]
		if !known {
			bad("%s: controls: unknown framework %q", where, fw)
			ok = false
			continue
		}
		list, isList := v.([]any)
		if !isList || len(list) == 0 {
			bad("%s: controls: %s must be a non-empty list of ids", where, fw)
			ok = false
			continue
		}
		for _, id := range list {
			s, isString := id.(string)
			if !isString || !shape.MatchString(s) {
				bad("%s: controls: %s id %v is not a %s requirement id", where, fw, id, fw)
				ok = false
				continue
			}
			r.Controls[fw] = append(r.Controls[fw], s)
		}
	}
	return r, ok
}

func hasDeny(m *ast.Module) bool {
	for _, r := range m.Rules {
		if r.Head.Ref().String() == "deny" {
			return true
		}
	}
	return false
}

func pkgPath(m *ast.Module) string {
	return strings.TrimPrefix(m.Package.Path.String(), "data.")
}

// TestRego runs every Rego test in the embedded policies through OPA's tester, with
// data.json as data, each as a subtest.
func TestRego(t *testing.T) {
	files := regoFiles(t, policies.FS)
	modules, err := parseFiles(files)
	require.NoError(t, err)
	defaults, err := policies.FS.ReadFile(policies.DefaultsFile)
	require.NoError(t, err)

	runner := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithStrict(true).WithEnablePrintStatements(true)).
		SetStore(inmem.NewFromReader(bytes.NewReader(defaults))).
		SetModules(modules).
		RaiseBuiltinErrors(true).
		EnableTracing(true)
	ch, err := runner.RunTests(context.Background(), nil)
	require.NoError(t, err, "compile")
	var results []*tester.Result
	for r := range ch {
		results = append(results, r)
	}
	sort.Slice(results, func(i, j int) bool {
		if results[i].Package != results[j].Package {
			return results[i].Package < results[j].Package
		}
		return results[i].Name < results[j].Name
	})

	want := 0
	for _, m := range modules {
		for _, r := range m.Rules {
			if strings.HasPrefix(r.Head.Ref().String(), "test_") {
				want++
			}
		}
	}
	require.Len(t, results, want, "every test_ rule runs once")

	for _, r := range results {
		t.Run(strings.TrimPrefix(r.Package, "data.")+"."+r.Name, func(t *testing.T) {
			if r.Skip {
				t.Skip("todo_ test")
			}
			if r.Pass() {
				return
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%s: %s\n", r.Location, r.Name)
			if r.Error != nil {
				fmt.Fprintf(&b, "error: %v\n", r.Error)
			}
			if r.FailedAt != nil {
				fmt.Fprintf(&b, "failed at %s: %s\n", r.FailedAt.Location, r.FailedAt)
			}
			if len(r.Output) > 0 {
				fmt.Fprintf(&b, "print output:\n%s\n", r.Output)
			}
			topdown.PrettyTraceWithLocation(&b, r.Trace)
			t.Error(b.String())
		})
	}
}

// TestCatalog checks the rules' METADATA, names, tests and formatting, that rules and
// helpers compile in strict mode without their tests, and that docs/policies.md lists
// every rule.
func TestCatalog(t *testing.T) {
	files := regoFiles(t, policies.FS)
	rules, problems := checkCatalog(files, documentedResourceTypes(t))
	for _, p := range problems {
		t.Error(p)
	}
	cloud := 0
	for _, r := range rules {
		if strings.HasPrefix(r.ID, "aws-") {
			cloud++
		}
	}
	assert.GreaterOrEqual(t, cloud, 50, "built-in cloud rule count")

	doc, err := os.ReadFile("../docs/policies.md")
	require.NoError(t, err)
	for _, r := range rules {
		row := "| `" + r.ID + "` | " + r.Severity + " | `" + r.ResourceType + "` |"
		assert.True(t, strings.Contains(string(doc), row), "docs/policies.md: no row starting %s", row)
	}

	withoutTests := map[string][]byte{}
	for name, src := range files {
		if !strings.HasSuffix(name, "_test.rego") {
			withoutTests[name] = src
		}
	}
	modules, err := parseFiles(withoutTests)
	require.NoError(t, err)
	c := ast.NewCompiler().WithStrict(true)
	c.Compile(modules)
	assert.Empty(t, c.Errors, "strict compile of rules and helpers")
}

// TestCatalogRejects proves that the catalog check catches each broken rule.
func TestCatalogRejects(t *testing.T) {
	types := map[string]bool{"aws.kms.key": true}
	const meta = `# METADATA
# title: t
# description: d
# custom:
#   id: %s
#   severity: %s
#   resource_type: %s
#   controls: %s
#   remediation: r
`
	rule := func(id, severity, resourceType, controls, pkg string) string {
		return fmt.Sprintf(meta, id, severity, resourceType, controls) +
			"package " + pkg + "\n\ndeny contains {\"msg\": \"m\"} if input.resource.bad\n"
	}
	good := rule("aws-kms-x", "low", "aws.kms.key", "{soc2: [\"CC6.1\"]}", "custos.aws.kms.x")
	tests := "package custos.aws.kms.x_test\n\nimport data.custos.aws.kms.x\n\n" +
		"test_deny_a if count(x.deny) == 1 with input as {\"resource\": {\"bad\": true}}\n\n" +
		"test_pass_a if count(x.deny) == 0 with input as {\"resource\": {}}\n"

	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no METADATA", map[string]string{"aws/kms/x.rego": "package custos.aws.kms.x\n\ndeny contains {\"msg\": \"m\"} if input.resource.bad\n", "aws/kms/x_test.rego": tests}, "no package METADATA"},
		{"no deny rule", map[string]string{"aws/kms/x.rego": strings.Replace(good, "deny contains", "allow contains", 1), "aws/kms/x_test.rego": tests}, "no deny rule"},
		{"bad severity", map[string]string{"aws/kms/x.rego": rule("aws-kms-x", "urgent", "aws.kms.key", "{}", "custos.aws.kms.x"), "aws/kms/x_test.rego": tests}, `severity "urgent"`},
		{"upper-case severity", map[string]string{"aws/kms/x.rego": rule("aws-kms-x", "High", "aws.kms.key", "{}", "custos.aws.kms.x"), "aws/kms/x_test.rego": tests}, `severity "High"`},
		{"unknown resource type", map[string]string{"aws/kms/x.rego": rule("aws-kms-x", "low", "aws.ec2.instance", "{}", "custos.aws.kms.x"), "aws/kms/x_test.rego": tests}, `resource_type "aws.ec2.instance"`},
		{"id does not match package", map[string]string{"aws/kms/x.rego": rule("aws-kms-y", "low", "aws.kms.key", "{}", "custos.aws.kms.x"), "aws/kms/x_test.rego": tests}, `id "aws-kms-y" does not match`},
		{"package does not match path", map[string]string{"aws/kms/y.rego": good, "aws/kms/y_test.rego": tests}, "does not match its path"},
		{"unknown framework", map[string]string{"aws/kms/x.rego": rule("aws-kms-x", "low", "aws.kms.key", "{iso27001: [\"A.8\"]}", "custos.aws.kms.x"), "aws/kms/x_test.rego": tests}, `unknown framework "iso27001"`},
		{"malformed control id", map[string]string{"aws/kms/x.rego": rule("aws-kms-x", "low", "aws.kms.key", "{cis-aws-3.0: [\"three point six\"]}", "custos.aws.kms.x"), "aws/kms/x_test.rego": tests}, "is not a cis-aws-3.0 requirement id"},
		{"controls missing", map[string]string{"aws/kms/x.rego": strings.Replace(good, "#   controls: {soc2: [\"CC6.1\"]}\n", "", 1), "aws/kms/x_test.rego": tests}, "custom.controls must map"},
		{"remediation missing", map[string]string{"aws/kms/x.rego": strings.Replace(good, "#   remediation: r\n", "", 1), "aws/kms/x_test.rego": tests}, "custom.remediation is missing"},
		{"no test file", map[string]string{"aws/kms/x.rego": good}, "no test file"},
		{"no pass test", map[string]string{"aws/kms/x.rego": good, "aws/kms/x_test.rego": strings.Replace(tests, "test_pass_a", "test_other", 1)}, "needs test_deny_ and test_pass_"},
		{"duplicate id", map[string]string{"aws/kms/x.rego": good, "aws/kms/x_test.rego": tests, "aws/kms/z.rego": strings.Replace(good, "package custos.aws.kms.x", "package custos.aws.kms.z", 1)}, `id "aws-kms-x" is also used`},
		{"not formatted", map[string]string{"aws/kms/x.rego": strings.Replace(good, "deny contains", "deny    contains", 1), "aws/kms/x_test.rego": tests}, "not opa fmt clean"},
		{"deny in a helper", map[string]string{"lib/h.rego": "package custos.lib.h\n\ndeny contains \"x\" if input.bad\n"}, "helper package custos.lib.h has a deny rule"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{}
			for name, src := range tc.files {
				files[name] = []byte(src)
			}
			_, problems := checkCatalog(files, types)
			var msgs []string
			for _, p := range problems {
				msgs = append(msgs, p.Error())
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tc.want)
		})
	}

	t.Run("well-formed rule passes", func(t *testing.T) {
		rules, problems := checkCatalog(map[string][]byte{"aws/kms/x.rego": []byte(good), "aws/kms/x_test.rego": []byte(tests)}, types)
		assert.Empty(t, problems)
		require.Len(t, rules, 1)
		assert.Equal(t, catalogRule{File: "aws/kms/x.rego", Package: "custos.aws.kms.x", ID: "aws-kms-x", Severity: "low", ResourceType: "aws.kms.key", Controls: map[string][]string{"soc2": {"CC6.1"}}}, rules[0])
	})
}
