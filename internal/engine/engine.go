package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"sort"
	"strings"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/policies"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
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

// Engine holds the compiled policies: one prepared query per rule and, per resource
// type, one prepared query that evaluates every rule of the type at once.
type Engine struct {
	rules      []*rule
	byType     map[string]*typeRules
	digest     string
	workers    int
	compiler   *ast.Compiler
	statements *Statements
	caches     cachePool
}

type rule struct {
	meta  finding.Rule
	query rego.PreparedEvalQuery
}

// typeRules are the rules of one resource type. all evaluates every rule's deny in one
// query, its expression i+1 being rules[i]'s, so that a resource costs one evaluation
// instead of one per rule (and helpers share their cached values). When it fails (a
// rule's built-in errors, two values conflict), the rules are evaluated one by one, so
// that only the failing rule yields an error finding.
type typeRules struct {
	rules []*rule
	all   rego.PreparedEvalQuery
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
	compiler := ast.NewCompiler().WithEnablePrintStatements(false).
		WithStageAfter(string(ast.StageCheckTypes), ast.CompilerStageDefinition{
			Name: "InlineConstants", MetricName: "compile_stage_inline_constants", Stage: inlineConstants,
		})
	if compiler.Compile(mods); compiler.Failed() {
		return nil, RegoError(compiler.Errors)
	}
	store := inmem.NewFromObjectWithOpts(map[string]any{"custos": map[string]any{"config": orEmpty(opts.Config)}}, inmem.OptReturnASTValuesOnRead(true))

	e := &Engine{byType: map[string]*typeRules{}, digest: bundleDigest(srcs), workers: opts.Workers, compiler: compiler}
	if e.workers <= 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	seen := map[string]string{}
	names := make([]string, 0, len(mods))
	for name := range mods {
		names = append(names, name)
	}
	sort.Strings(names)
	denies := map[*rule]string{}
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
		deny := m.Package.Path.String() + ".deny"
		q, err := prepare(ctx, deny, compiler, store)
		if err != nil {
			return nil, fmt.Errorf("%s: prepare: %w", name, err)
		}
		r := &rule{meta: meta, query: q}
		denies[r] = deny
		e.rules = append(e.rules, r)
		tr := e.byType[meta.ResourceType]
		if tr == nil {
			tr = &typeRules{}
			e.byType[meta.ResourceType] = tr
		}
		tr.rules = append(tr.rules, r)
	}
	sort.Slice(e.rules, func(i, j int) bool { return e.rules[i].meta.ID < e.rules[j].meta.ID })
	for typ, tr := range e.byType {
		// The first expression reads the whole configuration once: OPA then answers
		// every data.custos.config.<path> the rules read from its cache of that read
		// instead of reading the store path by path.
		exprs := []string{"_ = data.custos.config"}
		for _, r := range tr.rules {
			exprs = append(exprs, denies[r])
		}
		if tr.all, err = prepare(ctx, strings.Join(exprs, "; "), compiler, store); err != nil {
			return nil, fmt.Errorf("rules of %s: prepare: %w", typ, err)
		}
	}
	if e.statements, err = loadStatements(ctx, compiler); err != nil {
		return nil, err
	}
	return e, nil
}

// Statements computes the statement facts of input.context.statements with the loaded
// policies' action catalogue; nil when the policies define no catalogue (custom
// policies without the built-in ones), and then inputs go without the facts.
func (e *Engine) Statements() *Statements { return e.statements }

func prepare(ctx context.Context, query string, compiler *ast.Compiler, store storage.Store) (rego.PreparedEvalQuery, error) {
	return rego.New(
		rego.Query(query),
		rego.Compiler(compiler),
		rego.Store(store),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
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
	// Input is input for the policies: an ast.Value, used as is, or any value that
	// marshals to JSON.
	Input any
	// Build, when set, builds the input instead of Input, in the worker that judges the
	// resource: a stream of resources then holds only the inputs being judged.
	Build func() (ast.Value, error)
}

// input is the Rego value of the resource's input, built once; every rule shares it.
func (r *Resource) input() (ast.Value, error) {
	if r.Build != nil {
		return r.Build()
	}
	if v, ok := r.Input.(ast.Value); ok {
		return v, nil
	}
	raw, err := json.Marshal(r.Input)
	if err != nil {
		return nil, err
	}
	return ast.ValueFromReader(bytes.NewReader(raw))
}

// Evaluate runs every rule of each resource's type and returns the findings, sorted.
// A rule that fails on a resource yields a finding with status error naming the rule
// and the failure, so a broken rule is visible instead of looking like a pass.
func (e *Engine) Evaluate(ctx context.Context, resources []Resource) ([]finding.Finding, error) {
	return e.EvaluateSeq(ctx, func(yield func(Resource) bool) {
		for i := range resources {
			if !yield(resources[i]) {
				return
			}
		}
	})
}

// EvaluateSeq is Evaluate over a sequence of resources, consumed as the workers judge
// them: memory holds the resources in flight and the findings, not every input.
func (e *Engine) EvaluateSeq(ctx context.Context, resources iter.Seq[Resource]) ([]finding.Finding, error) {
	type job struct {
		seq int
		res Resource
	}
	type result struct {
		seq int
		fs  []finding.Finding
	}
	g, ctx := errgroup.WithContext(ctx)
	jobs := make(chan job, e.workers)
	g.Go(func() error {
		defer close(jobs)
		seq := 0
		for res := range resources {
			if e.byType[res.Type] == nil {
				continue
			}
			select {
			case jobs <- job{seq: seq, res: res}:
				seq++
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	results := make([][]result, e.workers)
	for w := range e.workers {
		g.Go(func() error {
			for j := range jobs {
				fs, err := e.evaluate(ctx, e.byType[j.res.Type], &j.res)
				if err != nil {
					return err
				}
				if len(fs) > 0 {
					results[w] = append(results[w], result{seq: j.seq, fs: fs})
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var all []result
	for _, rs := range results {
		all = append(all, rs...)
	}
	// In resource order first, so that the order of the findings does not depend on
	// which worker judged what.
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	n := 0
	for _, r := range all {
		n += len(r.fs)
	}
	out := make([]finding.Finding, 0, n)
	for _, r := range all {
		out = append(out, r.fs...)
	}
	finding.Sort(out)
	return out, nil
}

func (e *Engine) evaluate(ctx context.Context, tr *typeRules, res *Resource) ([]finding.Finding, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	input, err := res.input()
	if err != nil {
		return nil, fmt.Errorf("%s: build policy input: %w", res.Key, err)
	}
	rs, err := e.eval(ctx, tr.all, input)
	if err == nil && len(rs) == 1 && len(rs[0].Expressions) == len(tr.rules)+1 {
		var out []finding.Finding
		for i, r := range tr.rules {
			fs, err := toFindings(r.meta, res, rs[0].Expressions[i+1].Value, true)
			if err != nil {
				out = append(out, errorFinding(r.meta, res, err))
				continue
			}
			out = append(out, fs...)
		}
		return out, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	// Some rule failed: evaluate them one by one to tell which.
	var out []finding.Finding
	for _, r := range tr.rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rs, err := e.eval(ctx, r.query, input)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			out = append(out, errorFinding(r.meta, res, err))
			continue
		}
		var deny any
		defined := len(rs) > 0 && len(rs[0].Expressions) > 0
		if defined {
			deny = rs[0].Expressions[0].Value
		}
		fs, err := toFindings(r.meta, res, deny, defined)
		if err != nil {
			out = append(out, errorFinding(r.meta, res, err))
			continue
		}
		out = append(out, fs...)
	}
	return out, nil
}

// eval evaluates a prepared query on one input with a cache of the engine's pool.
func (e *Engine) eval(ctx context.Context, q rego.PreparedEvalQuery, input ast.Value) (rego.ResultSet, error) {
	vc := e.caches.get()
	defer e.caches.put(vc)
	return q.Eval(ctx, rego.EvalParsedInput(input), rego.EvalVirtualCache(vc))
}

// toFindings reads a rule's deny set; an undefined deny yields nothing.
func toFindings(meta finding.Rule, res *Resource, deny any, defined bool) ([]finding.Finding, error) {
	if !defined {
		return nil, nil
	}
	items, ok := deny.([]any)
	if !ok {
		return nil, fmt.Errorf("deny is %T, want a set of objects", deny)
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
	f := finding.Finding{
		RuleID: meta.ID, Title: meta.Title, Severity: meta.Severity, Status: finding.Open,
		Resource: res.Resource, Controls: meta.Controls, Remediation: meta.Remediation,
	}
	discriminator := ""
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
			discriminator = s
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
	f.Fingerprint = finding.Fingerprint(meta.ID, res.Key, discriminator)
	if f.Evidence == nil {
		f.Evidence = map[string]any{}
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
