package engine

import (
	"slices"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// flatCache is a topdown.VirtualCache (the values of the rules and function calls one
// evaluation has computed) that keeps a Go map per frame, keyed by the reference's
// hash, instead of OPA's default trie of hash maps, which allocates a map per node of
// every cached reference: with helpers called hundreds of times per resource that was
// a sixth of the bytes an evaluation allocated. Semantics are those of the default:
// Get returns (nil, true) for a recorded undefined result, (value, false) for a value,
// (nil, false) for nothing recorded.
type flatCache struct {
	frames []map[int][]cacheEntry
}

type cacheEntry struct {
	ref   ast.Ref
	value *ast.Term // nil: undefined
}

var _ topdown.VirtualCache = (*flatCache)(nil)

func (c *flatCache) Push() {
	if n := len(c.frames); n < cap(c.frames) && c.frames[:n+1][n] != nil {
		c.frames = c.frames[:n+1] // a frame map from an earlier evaluation, cleared
		return
	}
	c.frames = append(c.frames, map[int][]cacheEntry{})
}

func (c *flatCache) Pop() {
	n := len(c.frames) - 1
	clear(c.frames[n])
	c.frames = c.frames[:n]
}

func (c *flatCache) Get(ref ast.Ref) (*ast.Term, bool) {
	for _, e := range c.frames[len(c.frames)-1][ref.Hash()] {
		if e.ref.Equal(ref) {
			return e.value, e.value == nil
		}
	}
	return nil, false
}

func (c *flatCache) Put(ref ast.Ref, value *ast.Term) {
	top := c.frames[len(c.frames)-1]
	h := ref.Hash()
	for i, e := range top[h] {
		if e.ref.Equal(ref) {
			top[h][i].value = value
			return
		}
	}
	// The caller reuses ref's slice (function call keys): keep a copy.
	top[h] = append(top[h], cacheEntry{ref: slices.Clone(ref), value: value})
}

func (c *flatCache) Keys() []ast.Ref {
	var keys []ast.Ref
	for _, entries := range c.frames[len(c.frames)-1] {
		for _, e := range entries {
			if e.value != nil {
				keys = append(keys, e.ref)
			}
		}
	}
	return keys
}

// cachePool recycles flat caches between evaluations; an Engine owns one.
type cachePool struct{ pool sync.Pool }

func (p *cachePool) get() *flatCache {
	if c, ok := p.pool.Get().(*flatCache); ok {
		c.Push()
		return c
	}
	c := &flatCache{}
	c.Push()
	return c
}

// put returns a cache whose evaluation is over.
func (p *cachePool) put(c *flatCache) {
	for len(c.frames) > 0 {
		c.Pop()
	}
	p.pool.Put(c)
}
