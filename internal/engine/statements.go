package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/custos-dev/custos/internal/inventory"
	"github.com/gobwas/glob"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// Statements computes, once per statement of a policy document, what the built-in
// helpers (policies/lib/iam.rego, policies/lib/actions.rego) would otherwise derive in
// every rule that reads the statement: the catalogued actions it names, the kinds of
// resource it applies to entirely, the services it grants whole, the action patterns
// that name nothing, whether it is full admin. The rules read these facts from
// input.context.statements (docs/policy-input.md) to skip the statements that cannot
// concern them, and judge the others as before.
//
// The action catalogue, the resource kinds and the probes are read from the compiled
// policies, so Go and Rego share one definition; matching uses the glob library and
// the escaping of OPA's glob.match.
type Statements struct {
	globs  sync.Map     // pattern -> *glob.Pattern, or nil when it does not compile
	cached atomic.Int64 // entries in globs, at most maxGlobs

	services  []string                   // catalogued services, sorted
	actions   map[string][]string        // service -> "service:name", sorted
	catalogue map[string]map[string]bool // service -> action name
	kinds     []resourceKind             // sorted by name
	probes    []string                   // iam.probe_names
	arnParts  []string                   // iam.default_arn_parts
	allARNs   []string                   // iam.unrelated_arns
	allActs   []string                   // iam.unrelated_actions
}

type resourceKind struct{ name, service, prefix string }

// loadStatements reads the catalogue and probes from the compiled policies. It returns
// nil when the policies do not define them (custom policies loaded without the
// built-in ones).
func loadStatements(ctx context.Context, compiler *ast.Compiler) (*Statements, error) {
	rs, err := rego.New(
		rego.Query(`x := {
			"catalogue": data.custos.lib.actions.catalogue,
			"kinds": data.custos.lib.iam.resource_kinds,
			"probes": data.custos.lib.iam.probe_names,
			"arn_parts": data.custos.lib.iam.default_arn_parts,
			"all_arns": data.custos.lib.iam.unrelated_arns,
			"all_actions": data.custos.lib.iam.unrelated_actions,
		}`),
		rego.Compiler(compiler),
		rego.StrictBuiltinErrors(true),
	).Eval(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the action catalogue: %w", err)
	}
	if len(rs) == 0 {
		return nil, nil
	}
	x, ok := rs[0].Bindings["x"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("read the action catalogue: got %T", rs[0].Bindings["x"])
	}
	s := &Statements{actions: map[string][]string{}, catalogue: map[string]map[string]bool{}}
	cat, ok := x["catalogue"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("data.custos.lib.actions.catalogue is %T, want an object", x["catalogue"])
	}
	for service, names := range cat {
		m, ok := names.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("data.custos.lib.actions.catalogue[%q] is %T, want an object", service, names)
		}
		s.services = append(s.services, service)
		s.catalogue[service] = map[string]bool{}
		for name := range m {
			s.catalogue[service][name] = true
			s.actions[service] = append(s.actions[service], service+":"+name)
		}
		sort.Strings(s.actions[service])
	}
	sort.Strings(s.services)
	kinds, ok := x["kinds"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("data.custos.lib.iam.resource_kinds is %T, want an object", x["kinds"])
	}
	for name, v := range kinds {
		pair, err := strings2(v)
		if err != nil {
			return nil, fmt.Errorf("data.custos.lib.iam.resource_kinds[%q]: %w", name, err)
		}
		s.kinds = append(s.kinds, resourceKind{name: name, service: pair[0], prefix: pair[1]})
	}
	sort.Slice(s.kinds, func(i, j int) bool { return s.kinds[i].name < s.kinds[j].name })
	for key, dst := range map[string]*[]string{"probes": &s.probes, "arn_parts": &s.arnParts, "all_arns": &s.allARNs, "all_actions": &s.allActs} {
		list, err := stringList(x[key])
		if err != nil {
			return nil, fmt.Errorf("data.custos.lib.iam %s: %w", key, err)
		}
		*dst = list
	}
	if len(s.arnParts) != 5 {
		return nil, fmt.Errorf("data.custos.lib.iam.default_arn_parts has %d parts, want 5", len(s.arnParts))
	}
	return s, nil
}

func stringList(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("is %T, want a list of strings", v)
	}
	out := make([]string, len(list))
	for i, x := range list {
		if out[i], ok = x.(string); !ok {
			return nil, fmt.Errorf("item %d is %T, want a string", i, x)
		}
	}
	return out, nil
}

func strings2(v any) ([2]string, error) {
	list, err := stringList(v)
	if err != nil || len(list) != 2 {
		return [2]string{}, fmt.Errorf("want [service, prefix], got %v", v)
	}
	return [2]string{list[0], list[1]}, nil
}

// StatementFacts is what Statements computes for one statement.
type StatementFacts struct {
	// Kinds are the resource kinds (iam.resource_kinds) every resource of which the
	// statement applies to: iam.covers_all.
	Kinds []string
	// Services are the catalogued services of the actions the statement may name: those
	// its Action patterns match and, with NotAction, those none of its NotAction
	// patterns match.
	Services []string
	// WholeServices are the services every catalogued action of which its Action
	// patterns grant: actions.whole_services of their expansion.
	WholeServices []string
	// UnknownActions are its patterns that name a catalogued service but no action of
	// it: actions.unknown_patterns.
	UnknownActions []string
	// FullAdmin is iam.full_admin.
	FullAdmin bool
	// Undecided is set when a pattern is not a valid glob where the helpers match it as
	// one (a wildcard service field): the helpers then judge the statement themselves.
	Undecided bool
}

// Facts computes the facts of every statement of doc, in order.
func (s *Statements) Facts(doc *inventory.Policy) []StatementFacts {
	if doc == nil {
		return nil
	}
	out := make([]StatementFacts, len(doc.Statements))
	for i := range doc.Statements {
		out[i] = s.facts(&doc.Statements[i])
	}
	return out
}

// Value is the Rego value of facts: input.context.statements. A field that would be
// empty or false is left out (most statements cover no kind and are decided).
func (s *Statements) Value(facts []StatementFacts) ast.Value {
	terms := make([]*ast.Term, len(facts))
	for i, f := range facts {
		items := make([][2]*ast.Term, 0, 6)
		if len(f.Kinds) > 0 {
			items = append(items, ast.Item(ast.StringTerm("kinds"), setObject(f.Kinds)))
		}
		if len(f.Services) > 0 {
			items = append(items, ast.Item(ast.StringTerm("services"), setObject(f.Services)))
		}
		if len(f.WholeServices) > 0 {
			items = append(items, ast.Item(ast.StringTerm("whole_services"), stringArray(f.WholeServices)))
		}
		if len(f.UnknownActions) > 0 {
			items = append(items, ast.Item(ast.StringTerm("unknown_actions"), stringArray(f.UnknownActions)))
		}
		if f.FullAdmin {
			items = append(items, ast.Item(ast.StringTerm("full_admin"), ast.BooleanTerm(true)))
		}
		if f.Undecided {
			items = append(items, ast.Item(ast.StringTerm("undecided"), ast.BooleanTerm(true)))
		}
		terms[i] = ast.ObjectTerm(items...)
	}
	return ast.NewArray(terms...)
}

// setObject is {"x": true, …}: a lookup that reads the same from JSON and from Rego.
func setObject(keys []string) *ast.Term {
	items := make([][2]*ast.Term, len(keys))
	for i, k := range keys {
		items[i] = ast.Item(ast.StringTerm(k), ast.BooleanTerm(true))
	}
	return ast.ObjectTerm(items...)
}

func stringArray(list []string) *ast.Term {
	terms := make([]*ast.Term, len(list))
	for i, x := range list {
		terms[i] = ast.StringTerm(x)
	}
	return ast.ArrayTerm(terms...)
}

func (s *Statements) facts(st *inventory.Statement) StatementFacts {
	var f StatementFacts
	f.Undecided = s.undecided(st)

	// Services and whole services: the Action expansion, grouped by service, plus with
	// NotAction every service with an action it leaves in.
	expanded := map[string]map[string]bool{} // service -> actions
	expansions := make(map[string][]string, len(st.Actions))
	for _, p := range st.Actions {
		if _, done := expansions[p]; done {
			continue
		}
		expansions[p] = s.expand(p)
		for _, a := range expansions[p] {
			service, _, _ := strings.Cut(a, ":")
			if expanded[service] == nil {
				expanded[service] = map[string]bool{}
			}
			expanded[service][a] = true
		}
	}
	var not []matcher
	if len(st.NotActions) > 0 {
		not = s.actionMatchers(st.NotActions)
	}
	for _, service := range s.services {
		some := len(expanded[service]) > 0
		for _, a := range s.actions[service] {
			if some || not == nil {
				break
			}
			some = !anyMatch(not, a)
		}
		if some {
			f.Services = append(f.Services, service)
		}
		if len(expanded[service]) == len(s.actions[service]) {
			f.WholeServices = append(f.WholeServices, service)
		}
	}

	f.Kinds = s.coveredKinds(st)
	f.UnknownActions = s.unknownPatterns(st, expansions)
	f.FullAdmin = s.fullAdmin(st)
	return f
}

// undecided holds when a may_name or service_field_may_match glob (a wildcard service
// field, matched unescaped) does not compile: glob.match then fails in Rego.
func (s *Statements) undecided(st *inventory.Statement) bool {
	for _, p := range st.Actions {
		service := strings.ToLower(strings.Split(p, ":")[0])
		if wildcard(service) && s.compile(service) == nil {
			return true
		}
	}
	for _, list := range [][]string{st.Resources, st.NotResources} {
		for _, p := range list {
			parts := strings.Split(p, ":")
			if len(parts) >= 6 && wildcard(p) && wildcard(parts[2]) && s.compile(parts[2]) == nil {
				return true
			}
		}
	}
	return false
}

// compile compiles a glob pattern without delimiters, as glob.match(pattern, null, x)
// does; nil when it does not compile. Patterns repeat across policies: each is compiled
// once per engine.
func (s *Statements) compile(pattern string) *glob.Pattern {
	if g, ok := s.globs.Load(pattern); ok {
		return g.(*glob.Pattern)
	}
	g, err := glob.Compile(pattern)
	if err != nil {
		g = nil
	}
	if s.cached.Add(1) <= maxGlobs {
		s.globs.Store(pattern, g)
	}
	return g
}

// maxGlobs bounds the compiled patterns an engine keeps (a few MB).
const maxGlobs = 20_000

func (s *Statements) globMatch(pattern, x string) bool {
	g := s.compile(pattern)
	return g != nil && g.Match(x)
}

// globEscaper is iam.glob_pattern: IAM wildcards only, the other glob metacharacters
// escaped so that they match themselves.
var globEscaper = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `{`, `\{`, `}`, `\}`)

func globPattern(p string) string { return globEscaper.Replace(p) }

func wildcard(p string) bool { return strings.ContainsAny(p, "*?") }

// matcher is one IAM pattern, compiled: iam.action_matches or iam.resource_matches.
type matcher struct {
	literal string
	g       *glob.Pattern // nil for a pattern without wildcard
}

func (m matcher) match(x string) bool {
	if m.g == nil {
		return m.literal == x
	}
	return m.g.Match(x)
}

// actionMatcher matches lower-cased actions as iam.action_matches does.
func (s *Statements) actionMatcher(pattern string) matcher {
	p := strings.ToLower(pattern)
	if wildcard(p) {
		if g := s.compile(globPattern(p)); g != nil {
			return matcher{g: g}
		}
	}
	return matcher{literal: p}
}

func (s *Statements) actionMatchers(patterns []string) []matcher {
	out := make([]matcher, len(patterns))
	for i, p := range patterns {
		out[i] = s.actionMatcher(p)
	}
	return out
}

func anyMatch(ms []matcher, x string) bool {
	for _, m := range ms {
		if m.match(x) {
			return true
		}
	}
	return false
}

// resourceMatches is iam.resource_matches.
func (s *Statements) resourceMatches(pattern, arn string) bool {
	if wildcard(pattern) {
		return s.globMatch(globPattern(pattern), arn)
	}
	return pattern == arn
}

// expand is actions.expand: the catalogued actions the pattern matches.
func (s *Statements) expand(pattern string) []string {
	p := strings.ToLower(pattern)
	if !wildcard(p) {
		if service, name, ok := cut2(p); ok && s.catalogue[service][name] {
			return []string{p}
		}
		return nil
	}
	services := s.services
	if service, _, ok := cut2(p); ok && !wildcard(service) {
		services = []string{service}
	}
	m := s.actionMatcher(p)
	var out []string
	for _, service := range services {
		for _, a := range s.actions[service] {
			if m.match(a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// cut2 splits "service:name"; ok is false unless there is exactly one colon.
func cut2(p string) (string, string, bool) {
	service, name, ok := strings.Cut(p, ":")
	if !ok || strings.Contains(name, ":") {
		return "", "", false
	}
	return service, name, true
}

// unknownPatterns is actions.unknown_patterns, sorted; expansions holds the expansions
// of the Action patterns already made.
func (s *Statements) unknownPatterns(st *inventory.Statement, expansions map[string][]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range [][]string{st.Actions, st.NotActions} {
		for _, p := range list {
			service, _, ok := cut2(strings.ToLower(p))
			if !ok || s.catalogue[service] == nil || seen[p] {
				continue
			}
			expansion, done := expansions[p]
			if !done {
				expansion = s.expand(p)
			}
			if len(expansion) == 0 {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// fullAdmin is iam.full_admin: an Allow of every action on every resource.
func (s *Statements) fullAdmin(st *inventory.Statement) bool {
	if st.Effect != "Allow" {
		return false
	}
	allActions := false
	for _, p := range st.Actions {
		if !strings.HasPrefix(p, "*") {
			continue
		}
		m, every := s.actionMatcher(p), true
		for _, a := range s.allActs {
			every = every && m.match(strings.ToLower(a))
		}
		allActions = allActions || every
	}
	return allActions && s.allResources(st)
}

// allResources is iam.all_resources.
func (s *Statements) allResources(st *inventory.Statement) bool {
	if len(st.NotResources) > 0 {
		return true
	}
	for _, p := range st.Resources {
		every := true
		for _, arn := range s.allARNs {
			every = every && s.resourceMatches(p, arn)
		}
		if every {
			return true
		}
	}
	return false
}

// coveredKinds lists the kinds the statement applies to entirely: iam.covers_all for
// each kind, in kind order.
func (s *Statements) coveredKinds(st *inventory.Statement) []string {
	covered := make([]bool, len(s.kinds))
	for _, p := range st.Resources {
		for i, c := range s.patternCovers(p) {
			covered[i] = covered[i] || c
		}
	}
	if len(st.NotResources) > 0 {
		excluded := make([]bool, len(s.kinds))
		for _, p := range st.NotResources {
			for i, c := range s.patternCovers(p) {
				excluded[i] = excluded[i] || c
			}
		}
		for i := range covered {
			covered[i] = covered[i] || !excluded[i]
		}
	}
	var out []string
	for i, k := range s.kinds {
		if covered[i] {
			out = append(out, k.name)
		}
	}
	return out
}

// patternCovers is iam.pattern_covers_all of the pattern for each kind, in kind order.
func (s *Statements) patternCovers(pattern string) []bool {
	out := make([]bool, len(s.kinds))
	switch {
	case pattern == "*":
		for i := range out {
			out[i] = true
		}
		return out
	case !wildcard(pattern):
		return out
	}
	parts := strings.Split(pattern, ":")
	if len(parts) >= 6 {
		// A full ARN pattern: the service field may match, and the resource part
		// matches both probe names.
		resource := s.compile(globPattern(strings.Join(parts[5:], ":")))
		var serviceGlob *glob.Pattern
		if wildcard(parts[2]) {
			serviceGlob = s.compile(parts[2])
		}
		for i, k := range s.kinds {
			if parts[2] != k.service && (serviceGlob == nil || !serviceGlob.Match(k.service)) {
				continue
			}
			out[i] = resource != nil
			for _, name := range s.probes {
				out[i] = out[i] && resource.Match(k.prefix+name)
			}
		}
		return out
	}
	// A short pattern: probe whole ARNs built from its fields.
	g := s.compile(globPattern(pattern))
	for i, k := range s.kinds {
		out[i] = g != nil
		for _, name := range s.probes {
			out[i] = out[i] && g.Match(s.probeARN(parts, k.service, k.prefix+name))
		}
	}
	return out
}

// probeARN is iam.probe_arn over the pattern's fields.
func (s *Statements) probeARN(parts []string, service, resource string) string {
	out := make([]string, 0, 6)
	for i := range 5 {
		switch {
		case i == 2:
			out = append(out, service)
		case i < len(parts)-1:
			out = append(out, parts[i])
		default:
			out = append(out, s.arnParts[i])
		}
	}
	return strings.Join(append(out, resource), ":")
}
