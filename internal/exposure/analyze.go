package exposure

import (
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
