package exposure

import (
	"fmt"
	"sort"
	"strings"
)

// matching returns the ids of the secrets (or keys) of an account that an identity
// statement's resources match, computed once per statement and account.
func (a *analysis) matching(s *stmt, acct string, keys bool) []int32 {
	mk := memoKey{s: s, account: acct, keys: keys}
	if ids, ok := a.memo[mk]; ok {
		return ids
	}
	idx := a.secretIndex[acct]
	arnOf := func(id int32) string { return a.secrets[id].s.ARN }
	if keys {
		idx = a.keyIndex[acct]
		arnOf = func(id int32) string { return a.keys[id].k.ARN }
	}
	var ids []int32
	switch {
	case idx == nil:
	case s.res.all():
		ids = idx.ids
	case s.res.not:
		for _, id := range idx.ids {
			if ok, _ := s.res.match(arnOf(id)); ok {
				ids = append(ids, id)
			}
		}
	default:
		for i := range s.res.patterns {
			ids = idx.match(&s.res.patterns[i], ids)
		}
		if len(s.res.patterns) > 1 {
			sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
			ids = compact(ids)
		}
	}
	a.memo[mk] = ids
	return ids
}

func compact(ids []int32) []int32 {
	if len(ids) == 0 {
		return ids
	}
	out := ids[:1]
	for _, id := range ids[1:] {
		if id != out[len(out)-1] {
			out = append(out, id)
		}
	}
	return out
}

// sparseSet is a set of small ints that clears in time proportional to its size.
type sparseSet struct {
	mark []uint32
	gen  uint32
	list []int32
}

func newSparseSet(n int) *sparseSet { return &sparseSet{mark: make([]uint32, n), gen: 1} }

func (s *sparseSet) reset() {
	s.gen++
	s.list = s.list[:0]
}

func (s *sparseSet) add(ids ...int32) {
	for _, id := range ids {
		if s.mark[id] != s.gen {
			s.mark[id] = s.gen
			s.list = append(s.list, id)
		}
	}
}

// run decides every access that can exist: each principal of the inventory against the
// secrets and keys that can concern it (never all of them), then the principals outside
// the inventory that resource and key policies name. Visiting order does not matter:
// result sorts.
func (a *analysis) run() {
	secretSet := newSparseSet(len(a.secrets))
	keySet := newSparseSet(len(a.keys))
	kmsCache := map[*keyRec]verdict{}
	for _, p := range a.actors {
		// The secrets that can concern p: those its identity policies name in its own
		// account, and those whose resource policy names it, its account or anyone.
		secretSet.reset()
		for _, ref := range p.read {
			if ref.s.allow {
				secretSet.add(a.matching(ref.s, p.account, false)...)
			}
		}
		secretSet.add(a.rpByActor[p]...)
		secretSet.add(a.rpByAccount[p.account]...)
		secretSet.add(a.rpStar...)
		clear(kmsCache)
		for _, id := range secretSet.list {
			s := a.secrets[id]
			v := a.secretSide(p, s)
			if v.state == triNo {
				continue
			}
			var kv verdict
			if s.key != nil && !contextSensitive(s.key, p) {
				cached, ok := kmsCache[s.key]
				if !ok {
					cached = a.keySide(p, s)
					kmsCache[s.key] = cached
				}
				kv = cached
			} else {
				kv = a.keySide(p, s)
			}
			v = and(v, kv)
			if v.state == triNo {
				continue
			}
			a.grantRead(p, s, v)
		}

		// The keys p may decrypt with: named by its identity policies in its account,
		// naming it or its account, open to anyone in its account, or granted to it.
		keySet.reset()
		for _, ref := range p.decrypt {
			if ref.s.allow {
				keySet.add(a.matching(ref.s, p.account, true)...)
			}
		}
		keySet.add(a.kpByActor[p]...)
		keySet.add(a.kpByAccount[p.account]...)
		keySet.add(a.starKeys[p.account]...)
		for _, id := range keySet.list {
			k := a.keys[id]
			if v := a.kms(p, k, nil); v.state != triNo {
				a.grantDecrypt(p, k, v)
			}
		}
	}
	for _, s := range a.secrets {
		for _, p := range s.pseudo {
			v := a.secretSide(p, s)
			if v.state == triNo {
				continue
			}
			if v = and(v, a.keySide(p, s)); v.state != triNo {
				a.grantRead(p, s, v)
			}
		}
	}
	for _, k := range a.keys {
		for _, p := range k.pseudo {
			if v := a.kms(p, k, nil); v.state != triNo {
				a.grantDecrypt(p, k, v)
			}
		}
	}
}

func (a *analysis) grantRead(p *actor, s *secretRec, v verdict) {
	s.readers = append(s.readers, p.reader(v, s.acct.id))
	p.secretCount++
}

func (a *analysis) grantDecrypt(p *actor, k *keyRec, v verdict) {
	k.decryptors = append(k.decryptors, p.reader(v, k.acct.id))
	p.keyCount++
}

// contextSensitive reports whether decrypting with k for one secret may be decided
// differently than for another: a condition on the encryption context (which names the
// secret) or a grant constraint, in the key's policy and grants or in p's policies.
func contextSensitive(k *keyRec, p *actor) bool {
	return k.contextSensitive || p.contextSensitive
}

func anyContextCondition(stmts []*stmt) bool {
	for _, s := range stmts {
		if hasContextCondition(s) {
			return true
		}
	}
	return false
}

func anyContextConditionRef(refs []stmtRef) bool {
	for _, ref := range refs {
		if hasContextCondition(ref.s) {
			return true
		}
	}
	return false
}

func hasContextCondition(s *stmt) bool {
	for i := range s.conds {
		if strings.HasPrefix(s.conds[i].Key, "kms:encryptioncontext") {
			return true
		}
	}
	return false
}

// idVerdict is what a principal's identity policies and boundary say about one action
// on one resource.
type idVerdict struct {
	allow, deny, boundary verdict
}

func (a *analysis) identity(p *actor, refs, boundary []stmtRef, layer, arn string, req *request) idVerdict {
	if !p.inInventory {
		return idVerdict{allow: p.assumed[layer], boundary: verdict{state: triYes}}
	}
	var out idVerdict
	for _, ref := range refs {
		ok, variable := ref.s.res.match(arn)
		if !ok {
			continue
		}
		v := a.stmtVerdict(ref.s, layer, ref.group, req, variable)
		if ref.s.allow {
			out.allow = or(out.allow, v)
		} else {
			out.deny = or(out.deny, v)
		}
	}
	switch {
	case p.hasBoundary:
		for _, ref := range boundary {
			ok, variable := ref.s.res.match(arn)
			if !ok {
				continue
			}
			v := a.stmtVerdict(ref.s, layer, "", req, variable)
			if ref.s.allow {
				out.boundary = or(out.boundary, v)
			} else {
				out.deny = or(out.deny, v)
			}
		}
	case p.boundaryMissing != "":
		out.boundary = verdict{state: triMaybe, unknowns: []string{"permissions boundary " + p.boundaryMissing + " is not in the inventory"}}
	default:
		out.boundary = verdict{state: triYes}
	}
	out.allow = and(out.allow, out.boundary)
	return out
}

// stmtVerdict decides one statement that applies to the request.
func (a *analysis) stmtVerdict(s *stmt, layer, group string, req *request, variable string) verdict {
	state, undecided := triYes, []string(nil)
	if len(s.conds) > 0 {
		if state, undecided = evalConditions(s.conds, req); state == triNo {
			return verdict{}
		}
	}
	if variable != "" {
		state = triMaybe
		undecided = appendUnique(undecided, variable)
	}
	v := verdict{state: state, steps: s.evidence(layer, group, undecided)}
	if state == triMaybe {
		v.conds = undecided
	}
	return v
}

// resourcePolicy evaluates a resource or key policy for an actor: allows that name it
// directly, allows that name its account, and denies.
func (a *analysis) resourcePolicy(stmts []*stmt, layer, arn string, p *actor, req *request) (direct, acct, dny verdict) {
	for _, s := range stmts {
		m := principalMatch(s.principal, s.notPrincipal, p)
		if m == matchNone {
			continue
		}
		ok, variable := s.res.match(arn)
		if !ok {
			continue
		}
		v := a.stmtVerdict(s, layer, "", req, variable)
		switch {
		case !s.allow:
			dny = or(dny, v)
		case m == matchDirect:
			direct = or(direct, v)
		default:
			acct = or(acct, v)
		}
	}
	return direct, acct, dny
}

// secretSide decides whether p may call GetSecretValue on s. Within an account an allow
// in either the identity policies or the resource policy suffices (a role's boundary
// still limits what the resource policy grants; a user's does not); across accounts both
// are needed. An explicit Deny anywhere wins.
func (a *analysis) secretSide(p *actor, s *secretRec) verdict {
	req := &a.secretReq
	*req = request{actor: p, secret: s, layer: layerSecret, excluded: a.invAccounts}
	id := a.identity(p, p.read, p.boundaryRead, layerSecret, s.s.ARN, req)
	direct, acct, dny := a.resourcePolicy(s.policy, layerSecret, s.s.ARN, p, req)
	var allowed verdict
	if p.account == s.acct.id {
		if p.kind == KindRole {
			direct = and(direct, id.boundary)
		}
		// Naming the own account's root in a resource policy delegates to IAM: no grant.
		allowed = or(id.allow, direct)
	} else {
		allowed = and(id.allow, or(direct, acct))
	}
	return deny(deny(allowed, id.deny), dny)
}

// keySide decides whether Secrets Manager may decrypt s's key on p's behalf.
func (a *analysis) keySide(p *actor, s *secretRec) verdict {
	switch {
	case s.implicitKey:
		if p.account == s.acct.id && p.kind != KindService {
			return verdict{state: triYes, steps: a.implicitKeySteps}
		}
		return verdict{}
	case s.missingKey:
		return verdict{state: triMaybe, unknowns: []string{fmt.Sprintf("key %s is not in the inventory", s.s.KMSKeyID)}}
	}
	return a.kms(p, s.key, s)
}

// kms decides whether p may decrypt with k: through Secrets Manager for secret s, or by a
// direct call when s is nil. The key policy is the root of trust: it grants directly, or
// delegates to an account's IAM policies by naming the account; grants add access of
// their own. Across accounts the key policy and the caller's IAM policies must both allow.
func (a *analysis) kms(p *actor, k *keyRec, s *secretRec) verdict {
	excluded := k.excluded
	if s != nil {
		excluded = a.invAccounts
	}
	req := &a.keyReq
	*req = request{actor: p, secret: s, key: k, layer: layerKey, excluded: excluded}
	direct, acct, dny := a.resourcePolicy(k.policy, layerKey, k.k.ARN, p, req)
	var granted verdict
	for _, g := range k.grants {
		switch grantMatch(g.g.GranteePrincipal, p) {
		case matchDirect:
			granted = or(granted, grantVerdict(g, s))
		case matchAccount:
			acct = or(acct, grantVerdict(g, s))
		}
	}
	id := a.identity(p, p.decrypt, p.boundaryDecrypt, layerKey, k.k.ARN, req)
	var allowed verdict
	if p.account == k.acct.id {
		if p.kind == KindRole {
			direct = and(direct, id.boundary)
		}
		allowed = or(or(direct, and(acct, id.allow)), granted)
	} else {
		allowed = or(and(or(direct, acct), id.allow), granted)
	}
	return deny(deny(allowed, id.deny), dny)
}

func grantMatch(grantee string, p *actor) match {
	switch {
	case grantee == p.arn:
		return matchDirect
	case isAccountRef(grantee, p.account) && p.kind != KindService:
		if p.kind == KindAccount {
			return matchDirect
		}
		return matchAccount
	}
	return matchNone
}

// grantVerdict decides a grant's encryption-context constraint. Secrets Manager's
// context is {"SecretARN": <secret ARN>, "SecretVersionId": <version>}; a direct call
// may carry any context, so a constrained grant is conditional there.
func grantVerdict(g *grantRec, s *secretRec) verdict {
	c := g.g.Constraints
	if c == nil || (len(c.EncryptionContextSubset) == 0 && len(c.EncryptionContextEquals) == 0) {
		return verdict{state: triYes, steps: g.steps}
	}
	if s == nil {
		return verdict{state: triMaybe, steps: g.steps, conds: []string{"grant encryption context constraint"}}
	}
	state := triYes
	check := func(ctx map[string]string, equals bool) {
		if equals && len(ctx) != 2 {
			state = triNo
		}
		for k, v := range ctx {
			switch {
			case k == "SecretARN" && v == s.s.ARN:
			case k == "SecretVersionId":
				state = min(state, triMaybe)
			default:
				state = triNo
			}
		}
	}
	if len(c.EncryptionContextSubset) > 0 {
		check(c.EncryptionContextSubset, false)
	}
	if len(c.EncryptionContextEquals) > 0 {
		check(c.EncryptionContextEquals, true)
	}
	v := verdict{state: state, steps: g.steps}
	if state == triMaybe {
		v.conds = []string{"kms:encryptioncontext:secretversionid"}
	}
	if state == triNo {
		return verdict{}
	}
	return v
}
