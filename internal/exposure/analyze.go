package exposure

import (
	"fmt"
	"sort"
	"strings"

	"github.com/custos-dev/custos/internal/inventory"
)

// analysis holds the indexes built once per snapshot.
type analysis struct {
	accounts    map[string]*account
	invAccounts map[string]bool

	secrets []*secretRec
	keys    []*keyRec
	// secretIndex and keyIndex find, per account, the ARNs a resource pattern matches.
	secretIndex map[string]*arnIndex
	keyIndex    map[string]*arnIndex
	keyByARN    map[string]*keyRec
	keyByName   map[string]*keyRec // account/region/key-id and account/region/alias/name

	managed  map[string]*inventory.ManagedPolicy
	compiled map[managedKey][]*stmt

	actors     []*actor // the inventory's users and roles, sorted by ARN
	actorByARN map[string]*actor
	byAccount  map[string][]*actor
	pseudo     map[string]*actor

	// Who resource and key policies name, so that each principal visits only the secrets
	// and keys that can concern it.
	rpByActor   map[*actor][]int32
	rpByAccount map[string][]int32
	rpStar      []int32
	kpByActor   map[*actor][]int32
	kpByAccount map[string][]int32
	starKeys    map[string][]int32

	memo map[memoKey][]int32

	// secretReq and keyReq are reused for every request the analysis decides, one at a
	// time, to spare an allocation per decision.
	secretReq, keyReq request

	// implicitKeySteps is the evidence for the AWS-managed key aws/secretsmanager when
	// the inventory does not hold it.
	implicitKeySteps []*Step
}

type managedKey struct {
	arn, kind string
}

type memoKey struct {
	s       *stmt
	account string
	keys    bool
}

// Analyze computes the effective access of every secret, principal and key of the
// snapshot. It reads the snapshot only and does not modify it.
func Analyze(snap *inventory.Snapshot) *Result {
	a := &analysis{
		accounts:    map[string]*account{},
		invAccounts: map[string]bool{},
		secretIndex: map[string]*arnIndex{},
		keyIndex:    map[string]*arnIndex{},
		keyByARN:    map[string]*keyRec{},
		keyByName:   map[string]*keyRec{},
		managed:     map[string]*inventory.ManagedPolicy{},
		compiled:    map[managedKey][]*stmt{},
		actorByARN:  map[string]*actor{},
		byAccount:   map[string][]*actor{},
		pseudo:      map[string]*actor{},
		rpByActor:   map[*actor][]int32{},
		rpByAccount: map[string][]int32{},
		kpByActor:   map[*actor][]int32{},
		kpByAccount: map[string][]int32{},
		starKeys:    map[string][]int32{},
		memo:        map[memoKey][]int32{},
		implicitKeySteps: []*Step{{Layer: layerKey, Effect: "Allow", Source: srcAWSManagedKey, Policy: "alias/aws/secretsmanager", Index: -1,
			Note: "the AWS-managed key lets every principal of the account decrypt through Secrets Manager"}},
	}
	a.load(snap)
	a.run()
	return a.result()
}

func (a *analysis) load(snap *inventory.Snapshot) {
	for i := range snap.Accounts {
		acct := &snap.Accounts[i]
		partition := acct.Partition
		if partition == "" {
			partition = "aws"
		}
		a.accounts[acct.ID] = &account{id: acct.ID, org: acct.OrganizationID, partition: partition}
		a.invAccounts[acct.ID] = true
		for j := range acct.IAM.Policies {
			p := &acct.IAM.Policies[j]
			if _, seen := a.managed[p.ARN]; !seen {
				a.managed[p.ARN] = p
			}
		}
	}
	for i := range snap.Accounts {
		a.loadKeys(&snap.Accounts[i])
	}
	for i := range snap.Accounts {
		a.loadSecrets(&snap.Accounts[i])
		a.loadTrails(&snap.Accounts[i])
	}
	for i := range snap.Accounts {
		a.loadPrincipals(&snap.Accounts[i])
	}
	sort.Slice(a.actors, func(i, j int) bool { return a.actors[i].arn < a.actors[j].arn })
	for _, s := range a.secrets {
		a.indexResourcePolicy(s)
	}
	for _, k := range a.keys {
		a.indexKeyPolicy(k)
	}
}

// compile compiles the statements of a document that concern reading a secret or
// decrypting.
func compile(doc *inventory.Policy, kind, policy string) []*stmt {
	var out []*stmt
	for i := range doc.Statements {
		st := &doc.Statements[i]
		s := &stmt{
			kind:         kind,
			policy:       policy,
			index:        i,
			sid:          st.Sid,
			allow:        st.Effect == "Allow",
			read:         actionApplies(st.Actions, st.NotActions, actionRead),
			decrypt:      actionApplies(st.Actions, st.NotActions, actionDecrypt),
			conds:        st.Conditions,
			principal:    st.Principal,
			notPrincipal: st.NotPrincipal,
		}
		if s.read || s.decrypt {
			s.res = compileResources(st.Resources, st.NotResources)
			out = append(out, s)
		}
	}
	return out
}

// compileManaged compiles a managed policy once per kind of use (identity or boundary):
// policies attached to many principals share their compiled statements and the indexes
// built on them.
func (a *analysis) compileManaged(m *inventory.ManagedPolicy, kind string) []*stmt {
	k := managedKey{arn: m.ARN, kind: kind}
	if out, ok := a.compiled[k]; ok {
		return out
	}
	out := compile(&m.Document, kind, m.ARN)
	a.compiled[k] = out
	return out
}

func (a *analysis) loadKeys(acct *inventory.Account) {
	owner := a.accounts[acct.ID]
	var arns []string
	var ids []int32
	for i := range acct.Keys {
		k := &acct.Keys[i]
		name := k.KeyID
		if len(k.Aliases) > 0 {
			name = k.Aliases[0]
		}
		rec := &keyRec{id: int32(len(a.keys)), k: k, acct: owner, secrets: []string{}, trails: []string{},
			target: &Target{ARN: k.ARN, Name: name, Account: acct.ID}}
		a.keys = append(a.keys, rec)
		a.keyByARN[k.ARN] = rec
		a.keyByName[acct.ID+"/"+k.Region+"/"+k.KeyID] = rec
		for _, al := range k.Aliases {
			a.keyByName[acct.ID+"/"+k.Region+"/"+al] = rec
		}
		if k.KeyPolicy != nil {
			for _, s := range compile(k.KeyPolicy, srcKeyPolicy, k.ARN) {
				if s.decrypt {
					rec.policy = append(rec.policy, s)
				}
			}
		}
		for j := range k.Grants {
			g := &k.Grants[j]
			if grantDecrypts(g) {
				rec.grants = append(rec.grants, &grantRec{g: g, steps: []*Step{{
					Layer: layerKey, Effect: "Allow", Source: srcGrant, Policy: g.GrantID, Index: -1, Sid: g.Name,
				}}})
			}
		}
		arns = append(arns, k.ARN)
		ids = append(ids, rec.id)
	}
	a.keyIndex[acct.ID] = newARNIndex(arns, ids)
}

func grantDecrypts(g *inventory.Grant) bool {
	for _, op := range g.Operations {
		if op == "Decrypt" {
			return true
		}
	}
	return false
}

// resolveKey finds a key by id, ARN, alias name or alias ARN, as seen from an account
// and region.
func (a *analysis) resolveKey(ref, acct, region string) *keyRec {
	if k := a.keyByARN[ref]; k != nil {
		return k
	}
	if strings.HasPrefix(ref, "arn:") {
		parts := strings.SplitN(ref, ":", 6)
		if len(parts) != 6 {
			return nil
		}
		region, acct, ref = parts[3], parts[4], parts[5]
		if id, ok := strings.CutPrefix(ref, "key/"); ok {
			ref = id
		}
	}
	return a.keyByName[acct+"/"+region+"/"+ref]
}

func (a *analysis) loadSecrets(acct *inventory.Account) {
	owner := a.accounts[acct.ID]
	var arns []string
	var ids []int32
	for i := range acct.Secrets {
		s := &acct.Secrets[i]
		rec := &secretRec{id: int32(len(a.secrets)), s: s, acct: owner, target: &Target{ARN: s.ARN, Name: s.Name, Account: acct.ID}}
		a.secrets = append(a.secrets, rec)
		ref := s.KMSKeyID
		if ref == "" {
			ref = "alias/aws/secretsmanager"
		}
		rec.key = a.resolveKey(ref, acct.ID, s.Region)
		switch {
		case rec.key != nil:
			rec.key.secrets = append(rec.key.secrets, s.ARN)
		case strings.HasSuffix(ref, "alias/aws/secretsmanager"):
			rec.implicitKey = true
		default:
			rec.missingKey = true
		}
		if s.ResourcePolicy != nil {
			for _, st := range compile(s.ResourcePolicy, srcResourcePolicy, s.ARN) {
				if st.read {
					rec.policy = append(rec.policy, st)
				}
			}
		}
		arns = append(arns, s.ARN)
		ids = append(ids, rec.id)
	}
	a.secretIndex[acct.ID] = newARNIndex(arns, ids)
}

func (a *analysis) loadTrails(acct *inventory.Account) {
	for i := range acct.Trails {
		t := &acct.Trails[i]
		if t.KMSKeyID == "" {
			continue
		}
		if k := a.resolveKey(t.KMSKeyID, acct.ID, t.HomeRegion); k != nil {
			k.trails = append(k.trails, t.ARN)
		}
	}
}

func (a *analysis) loadPrincipals(acct *inventory.Account) {
	owner := a.accounts[acct.ID]
	groups := map[string]*inventory.Group{}
	for i := range acct.IAM.Groups {
		groups[acct.IAM.Groups[i].Name] = &acct.IAM.Groups[i]
	}
	add := func(p *actor, inline []inventory.InlinePolicy, attached []inventory.AttachedPolicy, group string) {
		for i := range inline {
			for _, s := range compile(&inline[i].Document, srcIdentity, "inline:"+inline[i].Name) {
				p.addIdentity(s, group)
			}
		}
		for _, at := range attached {
			m := a.managed[at.ARN]
			if m == nil {
				p.missing = appendUnique(p.missing, at.ARN)
				continue
			}
			for _, s := range a.compileManaged(m, srcIdentity) {
				p.addIdentity(s, group)
			}
		}
	}
	boundary := func(p *actor, arn string) {
		if arn == "" {
			return
		}
		m := a.managed[arn]
		if m == nil {
			p.boundaryMissing = arn
			p.missing = appendUnique(p.missing, arn)
			return
		}
		p.hasBoundary = true
		for _, s := range a.compileManaged(m, srcBoundary) {
			if s.read {
				p.boundaryRead = append(p.boundaryRead, stmtRef{s: s})
			}
			if s.decrypt {
				p.boundaryDecrypt = append(p.boundaryDecrypt, stmtRef{s: s})
			}
		}
	}
	for i := range acct.IAM.Users {
		u := &acct.IAM.Users[i]
		p := &actor{arn: u.ARN, kind: KindUser, account: acct.ID, name: u.Name, uniqueID: u.UserID, tags: u.Tags, inInventory: true, acct: owner}
		add(p, u.InlinePolicies, u.AttachedPolicies, "")
		for _, gname := range u.Groups {
			if g := groups[gname]; g != nil {
				add(p, g.InlinePolicies, g.AttachedPolicies, g.ARN)
			} else {
				p.missing = appendUnique(p.missing, "group "+gname)
			}
		}
		boundary(p, u.PermissionsBoundary)
		a.addActor(p)
	}
	for i := range acct.IAM.Roles {
		r := &acct.IAM.Roles[i]
		p := &actor{arn: r.ARN, kind: KindRole, account: acct.ID, name: r.Name, uniqueID: r.RoleID, tags: r.Tags, inInventory: true, acct: owner}
		add(p, r.InlinePolicies, r.AttachedPolicies, "")
		boundary(p, r.PermissionsBoundary)
		a.addActor(p)
	}
}

func (p *actor) addIdentity(s *stmt, group string) {
	if s.read {
		p.read = append(p.read, stmtRef{s: s, group: group})
	}
	if s.decrypt {
		p.decrypt = append(p.decrypt, stmtRef{s: s, group: group})
	}
}

func (a *analysis) addActor(p *actor) {
	p.contextSensitive = anyContextConditionRef(p.decrypt) || anyContextConditionRef(p.boundaryDecrypt)
	if _, dup := a.actorByARN[p.arn]; dup {
		return
	}
	a.actors = append(a.actors, p)
	a.actorByARN[p.arn] = p
	if p.uniqueID != "" {
		a.actorByARN[p.uniqueID] = p
	}
	a.byAccount[p.account] = append(a.byAccount[p.account], p)
}

// named resolves the AWS principals a resource or key policy statement names: actors of
// the inventory are returned to be indexed, account roots of inventory accounts as
// accounts, and everything else becomes a principal outside the inventory.
func (a *analysis) named(values []string, partition string, onActor func(*actor), onAccount func(string), onPseudo func(*actor)) {
	for _, v := range values {
		if v == "*" {
			continue // handled as Principal.All
		}
		if p := a.actorByARN[v]; p != nil {
			onActor(p)
			continue
		}
		acct := inventory.AccountOf(v)
		switch {
		case acct == "":
			// A unique id of a deleted principal, or something unreadable: nobody.
		case isAccountRef(v, acct) && a.invAccounts[acct]:
			onAccount(acct)
		case isAccountRef(v, acct):
			onPseudo(a.pseudoActor("arn:"+partition+":iam::"+acct+":root", KindAccount, acct))
		default:
			onPseudo(a.pseudoActor(v, kindOfARN(v), acct))
		}
	}
}

// pseudoActor returns the one actor for a principal outside the inventory.
func (a *analysis) pseudoActor(arn, kind, acct string) *actor {
	if p := a.pseudo[arn]; p != nil {
		return p
	}
	p := &actor{arn: arn, kind: kind, account: acct, acct: a.accounts[acct], assumed: map[string]verdict{}}
	switch kind {
	case KindAnyone:
		p.name = "anyone"
	case KindAccount:
		p.name = acct
	default:
		p.name = nameOfARN(arn)
	}
	for _, layer := range []string{layerSecret, layerKey} {
		switch {
		case kind == KindService:
			p.assumed[layer] = verdict{state: triYes, steps: []*Step{{Layer: layer, Effect: "Allow", Source: srcService, Index: -1,
				Note: "AWS service principals are not subject to IAM policies"}}}
		case a.invAccounts[acct]:
			p.assumed[layer] = verdict{state: triMaybe, unknowns: []string{"principal " + arn + " is not in the inventory"}}
		case kind == KindAnyone:
			p.assumed[layer] = verdict{state: triYes, steps: []*Step{{Layer: layer, Effect: "Allow", Source: srcExternal, Index: -1,
				Note: "any principal of an account outside the inventory; its own account's policies are assumed to allow"}}}
		default:
			p.assumed[layer] = verdict{state: triYes, steps: []*Step{{Layer: layer, Effect: "Allow", Source: srcExternal, Index: -1,
				Note: "account " + acct + " is outside the inventory; its identity policies are assumed to allow"}}}
		}
	}
	a.pseudo[arn] = p
	return p
}

func (a *analysis) indexResourcePolicy(s *secretRec) {
	star := false
	for _, st := range s.policy {
		if !st.allow {
			continue
		}
		if st.notPrincipal != nil || (st.principal != nil && st.principal.All) {
			star = true
		}
		if st.principal == nil {
			continue
		}
		a.named(st.principal.AWS, s.acct.partition,
			func(p *actor) { a.rpByActor[p] = appendID(a.rpByActor[p], s.id) },
			func(acct string) {
				if acct != s.acct.id {
					a.rpByAccount[acct] = appendID(a.rpByAccount[acct], s.id)
				}
			},
			func(p *actor) { s.pseudo = appendActor(s.pseudo, p) })
	}
	if star {
		a.rpStar = append(a.rpStar, s.id)
		s.pseudo = appendActor(s.pseudo, a.pseudoActor("*", KindAnyone, ""))
	}
}

func (a *analysis) indexKeyPolicy(k *keyRec) {
	for _, st := range k.policy {
		if !st.allow {
			continue
		}
		if st.notPrincipal != nil || (st.principal != nil && st.principal.All) {
			k.star = true
		}
		if st.principal == nil {
			continue
		}
		a.named(st.principal.AWS, k.acct.partition,
			func(p *actor) { a.kpByActor[p] = appendID(a.kpByActor[p], k.id) },
			func(acct string) {
				if acct != k.acct.id {
					a.kpByAccount[acct] = appendID(a.kpByAccount[acct], k.id)
				}
			},
			func(p *actor) { k.pseudo = appendActor(k.pseudo, p) })
		for _, svc := range st.principal.Service {
			k.pseudo = appendActor(k.pseudo, a.pseudoActor(svc, KindService, ""))
		}
	}
	for _, g := range k.grants {
		grantee := g.g.GranteePrincipal
		if !strings.HasPrefix(grantee, "arn:") && inventory.AccountOf(grantee) == "" {
			k.pseudo = appendActor(k.pseudo, a.pseudoActor(grantee, KindService, ""))
			continue
		}
		a.named([]string{grantee}, k.acct.partition,
			func(p *actor) { a.kpByActor[p] = appendID(a.kpByActor[p], k.id) },
			func(acct string) {
				if acct != k.acct.id {
					a.kpByAccount[acct] = appendID(a.kpByAccount[acct], k.id)
				}
			},
			func(p *actor) { k.pseudo = appendActor(k.pseudo, p) })
	}
	if k.star {
		a.starKeys[k.acct.id] = append(a.starKeys[k.acct.id], k.id)
		k.pseudo = appendActor(k.pseudo, a.pseudoActor("*", KindAnyone, ""))
	}
	k.excluded = map[string]bool{k.acct.id: true}
	k.contextSensitive = anyContextCondition(k.policy)
	for _, g := range k.grants {
		k.contextSensitive = k.contextSensitive || g.g.Constraints != nil
	}
}

func appendID(list []int32, id int32) []int32 {
	if n := len(list); n > 0 && list[n-1] == id {
		return list
	}
	return append(list, id)
}

func appendActor(list []*actor, p *actor) []*actor {
	for _, x := range list {
		if x == p {
			return list
		}
	}
	return append(list, p)
}

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
		sort.Slice(secretSet.list, func(i, j int) bool { return secretSet.list[i] < secretSet.list[j] })
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
		sort.Slice(keySet.list, func(i, j int) bool { return keySet.list[i] < keySet.list[j] })
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
		return idVerdict{allow: p.assumed[layer], boundary: yes}
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
		out.boundary = yes
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

func (a *analysis) result() *Result {
	r := &Result{Secrets: make([]SecretAccess, 0, len(a.secrets)), Keys: make([]KeyAccess, 0, len(a.keys))}
	secrets := append([]*secretRec(nil), a.secrets...)
	sort.Slice(secrets, func(i, j int) bool { return secrets[i].s.ARN < secrets[j].s.ARN })
	for _, s := range secrets {
		sortReaders(s.readers)
		sa := SecretAccess{
			ARN: s.s.ARN, Name: s.s.Name, Account: s.acct.id, Region: s.s.Region, Tags: s.s.Tags,
			Key:              KeyRef{Ref: s.s.KMSKeyID, InInventory: s.key != nil, AWSManaged: s.implicitKey},
			PendingDeletion:  s.s.DeletedDate != nil,
			ExternalAccounts: []string{},
			Readers:          s.readers,
			ReaderCount:      len(s.readers),
		}
		if s.key != nil {
			sa.Key.ARN, sa.Key.State, sa.Key.AWSManaged = s.key.k.ARN, s.key.k.KeyState, s.key.k.KeyManager == "AWS"
		}
		if sa.Readers == nil {
			sa.Readers = []Reader{}
		}
		for _, rd := range s.readers {
			if rd.Definite {
				sa.DefiniteReaders++
			} else {
				sa.ConditionalReaders++
			}
			if rd.Kind == KindAnyone {
				sa.Public = true
			}
			if rd.CrossAccount && rd.Account != "" {
				sa.ExternalAccounts = appendUnique(sa.ExternalAccounts, rd.Account)
			}
		}
		sort.Strings(sa.ExternalAccounts)
		r.Secrets = append(r.Secrets, sa)
	}

	actors := append([]*actor(nil), a.actors...)
	for _, p := range a.pseudo {
		if p.secretCount > 0 || p.keyCount > 0 {
			actors = append(actors, p)
		}
	}
	sort.Slice(actors, func(i, j int) bool { return actors[i].arn < actors[j].arn })
	// Each principal's lists are sized exactly, then filled by walking the resources in
	// ARN order, so they come out sorted.
	r.Principals = make([]PrincipalAccess, len(actors))
	slot := make(map[*Identity]*PrincipalAccess, len(actors))
	for i, p := range actors {
		r.Principals[i] = PrincipalAccess{
			Identity: *p.identity(), MissingPolicies: p.missing,
			Secrets: make([]Access, 0, p.secretCount), Keys: make([]Access, 0, p.keyCount),
		}
		slot[p.identity()] = &r.Principals[i]
	}
	for i := range r.Secrets {
		sa := &r.Secrets[i]
		target := secrets[i].target
		for j := range sa.Readers {
			rd := &sa.Readers[j]
			pa := slot[rd.Identity]
			pa.Secrets = append(pa.Secrets, access(target, rd))
			if rd.Definite {
				pa.DefiniteSecrets++
			} else {
				pa.ConditionalSecrets++
			}
		}
	}
	for _, k := range a.keys {
		sortReaders(k.decryptors)
		ka := KeyAccess{
			ARN: k.k.ARN, KeyID: k.k.KeyID, Account: k.acct.id, Region: k.k.Region, Aliases: k.k.Aliases,
			KeyManager: k.k.KeyManager, KeyState: k.k.KeyState,
			Secrets: k.secrets, SecretCount: len(k.secrets),
			Trails: k.trails, TrailCount: len(k.trails),
			Decryptors: k.decryptors, DecryptorCount: len(k.decryptors),
		}
		sort.Strings(ka.Secrets)
		sort.Strings(ka.Trails)
		if ka.Decryptors == nil {
			ka.Decryptors = []Reader{}
		}
		for _, d := range k.decryptors {
			if d.Definite {
				ka.DefiniteDecryptors++
			} else {
				ka.ConditionalDecryptors++
			}
		}
		r.Keys = append(r.Keys, ka)
	}
	sort.Slice(r.Keys, func(i, j int) bool { return r.Keys[i].ARN < r.Keys[j].ARN })
	for i := range r.Keys {
		ka := &r.Keys[i]
		target := a.keyByARN[ka.ARN].target
		for j := range ka.Decryptors {
			rd := &ka.Decryptors[j]
			pa := slot[rd.Identity]
			pa.Keys = append(pa.Keys, access(target, rd))
		}
	}
	for i := range r.Principals {
		r.Principals[i].ReadableSecrets = len(r.Principals[i].Secrets)
		r.Principals[i].DecryptableKeys = len(r.Principals[i].Keys)
	}
	r.index()
	return r
}
