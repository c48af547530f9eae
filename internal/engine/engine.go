package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/policies"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"golang.org/x/sync/errgroup"
)

// Options configure an Engine.
type Options struct {
	// PolicyDirs are user policy directories loaded beside the built-in policies.
	PolicyDirs []string
	// NoBuiltin leaves the embedded policies out (custos policies test on a user dir).
	NoBuiltin bool
	// Config is data.custos.config.
	Config map[string]any
	// Workers bounds parallel evaluation; 0 means GOMAXPROCS.
	Workers int
}

// Engine holds the compiled policies and one prepared query per rule.
type Engine struct {
	rules   []*rule
	byType  map[string][]*rule
	digest  string
	workers int
}

type rule struct {
	meta  finding.Rule
	query rego.PreparedEvalQuery
}

// New loads, compiles and prepares every policy. Errors name the file and line.
func New(ctx context.Context, opts Options) (*Engine, error) {
	var srcs []source
	if !opts.NoBuiltin {
		builtin, err := readFS(policies.FS, ".", "policies", false)
		if err != nil {
			return nil, fmt.Errorf("embedded policies: %w", err)
		}
		srcs = append(srcs, builtin...)
	}
	for _, dir := range opts.PolicyDirs {
		user, err := readDir(dir, false)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, user...)
	}
	mods, err := parse(srcs)
	if err != nil {
		return nil, err
	}
	compiler := ast.NewCompiler().WithEnablePrintStatements(false)
	if compiler.Compile(mods); compiler.Failed() {
		return nil, RegoError(compiler.Errors)
	}
	store := inmem.NewFromObject(map[string]any{"custos": map[string]any{"config": orEmpty(opts.Config)}})

	e := &Engine{byType: map[string][]*rule{}, digest: bundleDigest(srcs), workers: opts.Workers}
	if e.workers <= 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	seen := map[string]string{}
	names := make([]string, 0, len(mods))
	for name := range mods {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m := compiler.Modules[name]
		meta, ok, err := ruleMeta(m, compiler.GetAnnotationSet())
		if err != nil {
			return nil, &PolicyError{Lines: []string{err.Error()}}
		}
		if !ok {
			continue
		}
		if prev, dup := seen[meta.ID]; dup {
			return nil, &PolicyError{Lines: []string{fmt.Sprintf("%s: rule id %s is already defined in %s", name, meta.ID, prev)}}
		}
		seen[meta.ID] = name
		q, err := rego.New(
			rego.Query(m.Package.Path.String()+".deny"),
			rego.Compiler(compiler),
			rego.Store(store),
			rego.StrictBuiltinErrors(true),
		).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: prepare: %w", name, err)
		}
		r := &rule{meta: meta, query: q}
		e.rules = append(e.rules, r)
		e.byType[meta.ResourceType] = append(e.byType[meta.ResourceType], r)
	}
	sort.Slice(e.rules, func(i, j int) bool { return e.rules[i].meta.ID < e.rules[j].meta.ID })
	return e, nil
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// Rules returns the metadata of every loaded rule, sorted by id.
func (e *Engine) Rules() []finding.Rule {
	out := make([]finding.Rule, len(e.rules))
	for i, r := range e.rules {
		out[i] = r.meta
	}
	return out
}

// BundleSHA256 identifies the exact policy files loaded.
func (e *Engine) BundleSHA256() string { return e.digest }

// Resource is one thing to judge.
type Resource struct {
	// Type selects the rules (METADATA custom.resource_type).
	Type string
	// Key identifies the resource in fingerprints; usually the ARN. Inline policies
	// add their name so two inline policies of one role never share a fingerprint.
	Key string
	// Resource is what findings name.
	Resource finding.Resource
	// Input is input for the policies: any value that marshals to JSON.
	Input any
}

// Evaluate runs every rule of each resource's type and returns the findings, sorted.
// A rule that fails on a resource yields a finding with status error naming the rule
// and the failure, so a broken rule is visible instead of looking like a pass.
func (e *Engine) Evaluate(ctx context.Context, resources []Resource) ([]finding.Finding, error) {
	results := make([][]finding.Finding, len(resources))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(e.workers)
	for i := range resources {
		rules := e.byType[resources[i].Type]
		if len(rules) == 0 {
			continue
		}
		g.Go(func() error {
			fs, err := e.evaluate(ctx, rules, &resources[i])
			results[i] = fs
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []finding.Finding
	for _, fs := range results {
		out = append(out, fs...)
	}
	finding.Sort(out)
	return out, nil
}

func (e *Engine) evaluate(ctx context.Context, rules []*rule, res *Resource) ([]finding.Finding, error) {
	input, err := toValue(res.Input)
	if err != nil {
		return nil, fmt.Errorf("%s: build policy input: %w", res.Key, err)
	}
	var out []finding.Finding
	for _, r := range rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rs, err := r.query.Eval(ctx, rego.EvalParsedInput(input))
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			out = append(out, errorFinding(r.meta, res, err))
			continue
		}
		fs, err := toFindings(r.meta, res, rs)
		if err != nil {
			out = append(out, errorFinding(r.meta, res, err))
			continue
		}
		out = append(out, fs...)
	}
	return out, nil
}

// toValue builds the Rego value of an input once per resource; every rule shares it.
func toValue(v any) (ast.Value, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return ast.ValueFromReader(bytes.NewReader(raw))
}

func toFindings(meta finding.Rule, res *Resource, rs rego.ResultSet) ([]finding.Finding, error) {
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, nil
	}
	items, ok := rs[0].Expressions[0].Value.([]any)
	if !ok {
		return nil, fmt.Errorf("deny is %T, want a set of objects", rs[0].Expressions[0].Value)
	}
	out := make([]finding.Finding, 0, len(items))
	for _, item := range items {
		obj, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("deny result %v is not an object", item)
		}
		f, err := resultFinding(meta, res, obj)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func resultFinding(meta finding.Rule, res *Resource, obj map[string]any) (finding.Finding, error) {
	f := baseFinding(meta, res)
	for k, v := range obj {
		switch k {
		case "msg":
			s, ok := v.(string)
			if !ok || s == "" {
				return f, errors.New("result msg must be a non-empty string")
			}
			f.Message = s
		case "evidence":
			m, ok := v.(map[string]any)
			if !ok {
				return f, errors.New("result evidence must be an object")
			}
			f.Evidence = m
		case "discriminator":
			s, ok := v.(string)
			if !ok {
				return f, errors.New("result discriminator must be a string")
			}
			f.Fingerprint = finding.Fingerprint(meta.ID, res.Key, s)
		case "severity":
			s, _ := v.(string)
			sev, err := finding.ParseSeverity(s)
			if err != nil {
				return f, fmt.Errorf("result severity: %w", err)
			}
			f.Severity = sev
		default:
			return f, fmt.Errorf("result has unknown key %q (want msg, evidence, discriminator, severity)", k)
		}
	}
	if f.Message == "" {
		return f, errors.New("result has no msg")
	}
	return f, nil
}

func baseFinding(meta finding.Rule, res *Resource) finding.Finding {
	return finding.Finding{
		Fingerprint: finding.Fingerprint(meta.ID, res.Key, ""),
		RuleID:      meta.ID,
		Title:       meta.Title,
		Severity:    meta.Severity,
		Status:      finding.Open,
		Resource:    res.Resource,
		Controls:    meta.Controls,
		Remediation: meta.Remediation,
		Evidence:    map[string]any{},
	}
}

func errorFinding(meta finding.Rule, res *Resource, err error) finding.Finding {
	f := baseFinding(meta, res)
	f.Status = finding.Error
	f.Message = fmt.Sprintf("rule %s could not be evaluated on %s: %s", meta.ID, res.Resource.ARN, strings.TrimSpace(err.Error()))
	f.Evidence = map[string]any{"source": meta.Source}
	return f
}
