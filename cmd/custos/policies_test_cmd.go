package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/custos-dev/custos/internal/config"
	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/policies"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/spf13/cobra"
)

// newPoliciesTestCmd runs the Rego tests of the user's policy directories against the
// built-in helpers (data.custos.lib.*) and rules, with data.custos.config as custos uses
// it, and prints one line per test.
func newPoliciesTestCmd(a *app) *cobra.Command {
	var dirs []string
	var configFile, run string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run the Rego tests of your own policies",
		Long: `Run the Rego tests (test_ rules) in the --policy-dir directories. The built-in
helpers (data.custos.lib.*) and rules are loaded beside them, and data.custos.config holds
the defaults of policies/data.json, or the thresholds of --config. The rules are first loaded
as custos scans with them, so a rule custos would refuse fails here too.

Exit codes: 0 every test passed; 1 a test failed or errored; 2 a policy does not parse or
compile, breaks the rule contract, or there is no test to run.`,
		Example: `  custos policies test --policy-dir ./my-policies
  custos policies test --policy-dir ./my-policies --run secret_customer_key -v
  custos policies test --policy-dir ./my-policies --config .custos.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(dirs) == 0 {
				return errors.New("--policy-dir is required: the directory of the policies and tests to run")
			}
			cfg, err := config.Load(configFile)
			if err != nil {
				return err
			}
			data, err := cfg.PolicyData()
			if err != nil {
				return fmt.Errorf("config: %w", err)
			}
			// The rules must load as a scan loads them: METADATA, resource types, unique ids.
			if _, err := engine.New(cmd.Context(), engine.Options{PolicyDirs: dirs, Config: data}); err != nil {
				return err
			}
			modules, err := testModules(dirs)
			if err != nil {
				return err
			}
			results, err := runRegoTests(cmd, modules, data, run)
			if err != nil {
				return err
			}
			if len(results) == 0 {
				return fmt.Errorf("no test_ rules in %s", strings.Join(dirs, ", "))
			}
			return a.reportTests(results, verbose)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&dirs, "policy-dir", nil, "directory of your policies and their _test.rego files (repeatable)")
	fl.StringVarP(&configFile, "config", "c", "", "configuration whose thresholds the tests see (default: policies/data.json, or "+config.DefaultFile+" when present)")
	fl.StringVar(&run, "run", "", "only tests whose package.name matches this regular expression")
	fl.BoolVarP(&verbose, "verbose", "v", false, "print the evaluation trace and print() output of failed tests")
	return cmd
}

// testModules parses the built-in rules and helpers (without their tests) and every .rego
// file of the user's directories (with their tests).
func testModules(dirs []string) (map[string]*ast.Module, error) {
	srcs := map[string][]byte{}
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		data, err := fs.ReadFile(policies.FS, p)
		srcs["policies/"+p] = data
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("embedded policies: %w", err)
	}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
				return err
			}
			data, err := os.ReadFile(p)
			srcs[filepath.ToSlash(p)] = data
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("policy dir: %w", err)
		}
	}
	modules := make(map[string]*ast.Module, len(srcs))
	var errs ast.Errors
	for name, src := range srcs {
		m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			var astErrs ast.Errors
			if errors.As(err, &astErrs) {
				errs = append(errs, astErrs...)
				continue
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		modules[name] = m
	}
	if len(errs) > 0 {
		return nil, engine.RegoError(errs)
	}
	return modules, nil
}

// runRegoTests runs every test_ rule of the modules, sorted by package and name.
func runRegoTests(cmd *cobra.Command, modules map[string]*ast.Module, data map[string]any, filter string) ([]*tester.Result, error) {
	store := inmem.NewFromObject(map[string]any{"custos": map[string]any{"config": data}})
	runner := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithEnablePrintStatements(true)).
		SetStore(store).
		SetModules(modules).
		RaiseBuiltinErrors(true).
		EnableTracing(true).
		SetTimeout(time.Minute)
	if filter != "" {
		runner = runner.Filter(filter)
	}
	ch, err := runner.RunTests(cmd.Context(), nil)
	if err != nil {
		var astErrs ast.Errors
		if errors.As(err, &astErrs) {
			return nil, engine.RegoError(astErrs)
		}
		return nil, fmt.Errorf("run tests: %w", err)
	}
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
	return results, nil
}

// reportTests prints one line per test and a summary; failed or errored tests make the
// command exit 1.
func (a *app) reportTests(results []*tester.Result, verbose bool) error {
	var passed, failed, skipped int
	var b bytes.Buffer
	for _, r := range results {
		name := strings.TrimPrefix(r.Package, "data.") + "." + r.Name
		where := ""
		if r.Location != nil {
			where = fmt.Sprintf(" (%s:%d)", r.Location.File, r.Location.Row)
		}
		switch {
		case r.Skip:
			skipped++
			fmt.Fprintf(&b, "SKIP   %s%s\n", name, where)
		case r.Error != nil:
			failed++
			fmt.Fprintf(&b, "ERROR  %s%s\n       %v\n", name, where, r.Error)
		case r.Fail:
			failed++
			fmt.Fprintf(&b, "FAIL   %s%s\n", name, where)
			if expr := failedAt(r); expr != nil {
				fmt.Fprintf(&b, "       failed at %s:%d: %s\n", expr.Location.File, expr.Location.Row, expr)
			}
			if verbose {
				if len(r.Output) > 0 {
					fmt.Fprintf(&b, "       print output:\n%s\n", indent(string(r.Output)))
				}
				var trace bytes.Buffer
				topdown.PrettyTraceWithLocation(&trace, r.Trace)
				b.WriteString(indent(trace.String()))
			}
		default:
			passed++
			fmt.Fprintf(&b, "PASS   %s\n", name)
		}
	}
	fmt.Fprintf(&b, "%d tests: %d passed, %d failed, %d skipped\n", len(results), passed, failed, skipped)
	if _, err := a.stdout.Write(b.Bytes()); err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{code: exitFindings, err: fmt.Errorf("%d of %d policy tests failed", failed, len(results))}
	}
	return nil
}

// failedAt is the last expression of the test's own file that failed, from the trace.
func failedAt(r *tester.Result) *ast.Expr {
	if r.Location == nil {
		return nil
	}
	var last *ast.Expr
	for _, e := range r.Trace {
		if e.Op != topdown.FailOp {
			continue
		}
		if expr, ok := e.Node.(*ast.Expr); ok && expr.Location != nil && expr.Location.File == r.Location.File {
			last = expr
		}
	}
	return last
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "       " + l
	}
	return strings.Join(lines, "\n") + "\n"
}
