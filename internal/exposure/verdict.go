package exposure

import "sort"

// verdict is a three-valued access decision with the evidence behind it: the steps (policy
// statements, grants, assumptions) that make up the path, the condition keys custos could
// not decide and the facts missing from the inventory.
type verdict struct {
	state    tri
	steps    []*Step
	conds    []string
	unknowns []string
}

// or is either path: the stronger one wins; equally strong paths are both kept as evidence.
func or(v, w verdict) verdict {
	switch {
	case w.state > v.state:
		return w
	case v.state > w.state || w.state == triNo:
		return v
	}
	return merge(v, w, v.state)
}

// and needs both: the weaker decides.
func and(v, w verdict) verdict {
	if v.state == triNo || w.state == triNo {
		return verdict{}
	}
	return merge(v, w, min(v.state, w.state))
}

// deny applies a Deny verdict d to v: a certain Deny removes access, a conditional one
// makes it conditional and joins the evidence.
func deny(v, d verdict) verdict {
	switch {
	case v.state == triNo || d.state == triNo:
		return v
	case d.state == triYes:
		return verdict{}
	}
	return merge(v, d, triMaybe)
}

func merge(v, w verdict, state tri) verdict {
	out := verdict{state: state}
	switch {
	case len(w.steps) == 0:
		out.steps = v.steps
	case len(v.steps) == 0:
		out.steps = w.steps
	default:
		out.steps = make([]*Step, 0, len(v.steps)+len(w.steps))
		out.steps = append(out.steps, v.steps...)
		for _, s := range w.steps {
			if !containsStep(out.steps, s) {
				out.steps = append(out.steps, s)
			}
		}
	}
	if state == triMaybe {
		out.conds = union(v.conds, w.conds)
		out.unknowns = union(v.unknowns, w.unknowns)
	}
	return out
}

func containsStep(list []*Step, s *Step) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// union joins two small sorted-or-not string sets without modifying either.
func union(a, b []string) []string {
	switch {
	case len(b) == 0:
		return a
	case len(a) == 0:
		return b
	}
	out := make([]string, 0, len(a)+len(b))
	out = append(out, a...)
	for _, s := range b {
		out = appendUnique(out, s)
	}
	sort.Strings(out)
	return out
}
