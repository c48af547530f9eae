package engine

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
)

// inlineConstants is a compiler stage that replaces every reference to a constant rule
// (a complete rule without body, arguments, else or default whose value is a literal:
// escalation := {"iam:passrole": "role"}, tiers := ["public", …]) by the literal itself.
// OPA evaluates such a rule again in every evaluation that reads it, some thirty
// allocations each time, and the rules read dozens of them per resource; the literal in
// place costs nothing. A reference that goes on past the rule (resource_kinds[kind])
// keeps its path under the literal. A rule some expression overrides with `with` is left
// alone. It runs after type checking, so that checks and messages see the policy as
// written, and before the rule indices are built.
func inlineConstants(c *ast.Compiler) *ast.Error {
	consts := constantRules(c)
	if len(consts) == 0 {
		return nil
	}
	for _, m := range c.Modules {
		for _, r := range m.Rules {
			for rule := r; rule != nil; rule = rule.Else {
				inlineIn(rule, consts)
			}
		}
	}
	return nil
}

// constantRules maps the path of each constant rule (as a string) to its value.
func constantRules(c *ast.Compiler) map[string]*ast.Term {
	defs := map[string]int{}
	candidates := map[string]*ast.Term{}
	overridden := map[string]bool{}
	for _, m := range c.Modules {
		for _, r := range m.Rules {
			//lint:ignore SA1019 the full data path of a rule is what references name; constantValue only accepts rules without variables in their head, where Path is exact
			path := r.Path().String()
			defs[path]++
			if value := constantValue(r); value != nil {
				candidates[path] = value
			}
			ast.WalkExprs(r, func(e *ast.Expr) bool {
				for _, w := range e.With {
					if ref, ok := w.Target.Value.(ast.Ref); ok {
						// Any rule at or below the target may be replaced.
						overridden[ref.String()] = true
					}
				}
				return false
			})
		}
	}
	out := map[string]*ast.Term{}
	for path, value := range candidates {
		if defs[path] != 1 || overriddenPrefix(path, overridden) {
			continue
		}
		out[path] = value
	}
	return out
}

// overriddenPrefix reports whether a `with` targets the path or one of its prefixes.
func overriddenPrefix(path string, overridden map[string]bool) bool {
	for target := range overridden {
		if path == target || (len(path) > len(target) && path[:len(target)] == target && path[len(target)] == '.') {
			return true
		}
	}
	return false
}

// constantValue is the literal value of a constant rule, nil for any other rule.
func constantValue(r *ast.Rule) *ast.Term {
	h := r.Head
	if r.Default || r.Else != nil || len(h.Args) > 0 || h.Key != nil || h.Value == nil || len(h.Ref()) != 1 {
		return nil
	}
	if len(r.Body) != 1 || len(r.Body[0].With) > 0 || r.Body[0].Negated {
		return nil
	}
	if t, ok := r.Body[0].Terms.(*ast.Term); !ok || !t.Equal(ast.BooleanTerm(true)) {
		return nil
	}
	literal := true
	ast.WalkTerms(h.Value, func(t *ast.Term) bool {
		switch t.Value.(type) {
		case ast.Ref, ast.Var, ast.Call, *ast.ArrayComprehension, *ast.SetComprehension, *ast.ObjectComprehension:
			literal = false
		}
		return !literal
	})
	if !literal {
		return nil
	}
	return h.Value
}

// inlineIn replaces the references to constants in the rule's body. A reference that
// is the constant becomes the literal. A reference that goes on past it (kinds[k],
// iteration over a constant) needs a variable as its head: the body then starts with
// __custos_constN__ = <literal>, visible to the comprehensions and every bodies within.
func inlineIn(r *ast.Rule, consts map[string]*ast.Term) {
	vars := map[string]ast.Var{}
	var assign []*ast.Expr
	ast.WalkTerms(r.Body, func(t *ast.Term) bool {
		ref, ok := t.Value.(ast.Ref)
		if !ok || !ref[0].Equal(ast.DefaultRootDocument) {
			return false
		}
		for n := len(ref); n > 1; n-- {
			path := ref[:n].String()
			value, ok := consts[path]
			if !ok {
				continue
			}
			if n == len(ref) {
				t.Value = value.Value
				return true
			}
			v, ok := vars[path]
			if !ok {
				v = ast.Var(fmt.Sprintf("__custos_const%d__", len(vars)))
				vars[path] = v
				assign = append(assign, ast.Equality.Expr(ast.NewTerm(v), value.Copy()))
			}
			rest := make(ast.Ref, 0, len(ref)-n+1)
			t.Value = append(append(rest, ast.NewTerm(v)), ref[n:]...)
			return true
		}
		return false
	})
	if len(assign) == 0 {
		return
	}
	body := make(ast.Body, 0, len(assign)+len(r.Body))
	for _, e := range assign {
		body.Append(e)
	}
	for _, e := range r.Body {
		body.Append(e)
	}
	r.Body = body
}
