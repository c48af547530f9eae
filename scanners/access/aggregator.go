package access

import (
	"net/netip"
	"time"

	"github.com/custos-dev/custos/internal/config"
)

// settings are the review's windows and the aggregate shapes, in Unix seconds.
type settings struct {
	baselineFrom, since, until int64
	baselineDays               int
	late                       int64
	burst, listRead, keyWin    int64
	v4, v6                     int
	internal, trusted          []netip.Prefix
	maxEx                      int
}

func newSettings(baselineFrom, since, until time.Time, c config.Access) (*settings, error) {
	s := &settings{
		baselineFrom: baselineFrom.Unix(), since: since.Unix(), until: until.Unix(),
		late:     int64(c.LateDeliveryMinutes) * 60,
		burst:    int64(c.BurstWindowMinutes) * 60,
		listRead: int64(c.ListThenReadMinutes) * 60,
		keyWin:   int64(c.KeyNetworksWindowMinutes) * 60,
		v4:       c.NetworkPrefixIPv4, v6: c.NetworkPrefixIPv6,
		maxEx: c.MaxEvidenceEvents,
	}
	s.baselineDays = int((s.since - s.baselineFrom + 86399) / 86400)
	for _, list := range []struct {
		in  []string
		out *[]netip.Prefix
	}{{c.InternalCIDRs, &s.internal}, {c.TrustedCIDRs, &s.trusted}} {
		for _, cidr := range list.in {
			p, err := netip.ParsePrefix(cidr)
			if err != nil {
				return nil, err
			}
			*list.out = append(*list.out, p.Masked())
		}
	}
	if s.burst < 2 || s.listRead < 2 || s.keyWin < 2 || s.maxEx < 1 || s.v4 < 1 || s.v6 < 1 {
		return nil, errBadConfig
	}
	return s, nil
}

// dedupBucket is the span of event time one de-duplication set covers.
const dedupBucket = 300

// aggregator de-duplicates events, keeps per-principal aggregates and baselines and the
// few sensitive events single-event rules judge. It runs on one goroutine.
type aggregator struct {
	set        *settings
	stats      *Stats
	dedup      map[int64]map[uint64]struct{}
	principals map[string]*principal
	order      []*principal

	secretIdx      map[string]uint32
	secretKeys     []string
	secretBaseline map[uint32]struct{}
	secretCreated  map[uint32]struct{}
	paramIdx       map[string]uint32
	params         []string
	netIdx         map[netip.Prefix]uint32
	nets           []netip.Prefix

	families  map[string]string
	addrCache map[string]network

	sensitive []Event
	// compacted is the horizon of the last compaction: events older than it came later
	// than CloudTrail's delivery allows.
	compacted int64
}

func newAggregator(set *settings, stats *Stats) *aggregator {
	return &aggregator{
		set: set, stats: stats,
		dedup:          map[int64]map[uint64]struct{}{},
		principals:     map[string]*principal{},
		secretIdx:      map[string]uint32{},
		secretBaseline: map[uint32]struct{}{},
		secretCreated:  map[uint32]struct{}{},
		paramIdx:       map[string]uint32{},
		netIdx:         map[netip.Prefix]uint32{},
		families:       map[string]string{},
		addrCache:      map[string]network{},
	}
}

func (a *aggregator) secret(key string) uint32 {
	if id, ok := a.secretIdx[key]; ok {
		return id
	}
	id := uint32(len(a.secretKeys))
	a.secretIdx[key] = id
	a.secretKeys = append(a.secretKeys, key)
	return id
}

func (a *aggregator) param(name string) uint32 {
	if id, ok := a.paramIdx[name]; ok {
		return id
	}
	id := uint32(len(a.params))
	a.paramIdx[name] = id
	a.params = append(a.params, name)
	return id
}

func (a *aggregator) netID(p netip.Prefix) uint32 {
	if id, ok := a.netIdx[p]; ok {
		return id
	}
	id := uint32(len(a.nets))
	a.netIdx[p] = id
	a.nets = append(a.nets, p)
	return id
}

func (a *aggregator) family(ua string) string {
	if f, ok := a.families[ua]; ok {
		return f
	}
	f := uaFamily(ua)
	if len(a.families) > 100_000 {
		clear(a.families)
	}
	a.families[ua] = f
	return f
}

// network reads a source address; ok is false for service names and "AWS Internal".
func (a *aggregator) network(ip string) network {
	if n, ok := a.addrCache[ip]; ok {
		return n
	}
	var n network
	if addr, err := netip.ParseAddr(ip); err == nil {
		addr = addr.Unmap()
		bits := a.set.v4
		if addr.Is6() {
			bits = a.set.v6
		}
		n.prefix, _ = addr.Prefix(bits)
		n.ok = true
		for _, p := range a.set.internal {
			if p.Contains(addr) {
				n.internal = true
			}
		}
		for _, p := range a.set.trusted {
			if p.Contains(addr) {
				n.trusted = true
			}
		}
	}
	if len(a.addrCache) > 100_000 {
		clear(a.addrCache)
	}
	a.addrCache[ip] = n
	return n
}

func (a *aggregator) principal(e *Event) *principal {
	p := a.principals[e.Principal.Key]
	if p == nil {
		p = &principal{}
		a.principals[e.Principal.Key] = p
		a.order = append(a.order, p)
	}
	if p.id.Key == "" || e.Time < p.idTime {
		p.id, p.idTime = e.Principal, e.Time
		p.id.Session, p.id.AccessKeyID, p.id.InstanceID, p.id.MFA = "", "", "", false
	}
	return p
}

// add takes one event with the hash of its id.
func (a *aggregator) add(e *Event, h uint64) {
	b := e.Time / dedupBucket
	set := a.dedup[b]
	if set == nil {
		set = make(map[uint64]struct{}, 64)
		a.dedup[b] = set
	}
	if _, dup := set[h]; dup {
		a.stats.Duplicates++
		return
	}
	set[h] = struct{}{}
	if e.Time < a.compacted {
		a.stats.Late++
	}
	a.stats.Events++
	if e.Source == srcSecrets && e.Name == "CreateSecret" && e.ErrorCode == "" && e.Target != "" {
		a.secretCreated[a.secret(e.Target)] = struct{}{}
	}
	p := a.principal(e)
	if e.Time < a.set.since {
		a.baseline(p, e)
	} else {
		a.review(p, e)
	}
}

func (a *aggregator) baseline(p *principal, e *Event) {
	if !e.own() {
		return
	}
	p.bEvents++
	if p.bDays == nil {
		p.bDays = make([]int32, a.set.baselineDays)
		p.bKMS = make([]int32, a.set.baselineDays)
		p.bRegions = map[string]struct{}{}
		p.bFamilies = map[string]struct{}{}
	}
	day := (e.Time - a.set.baselineFrom) / 86400
	p.bDays[day]++
	p.bHours[(e.Time%86400)/3600]++
	if n := a.network(e.SourceIP); n.ok {
		if p.bNetworks == nil {
			p.bNetworks = map[netip.Prefix]struct{}{}
		}
		if _, ok := p.bNetworks[n.prefix]; !ok {
			if len(p.bNetworks) < maxBaselineNets {
				p.bNetworks[n.prefix] = struct{}{}
			} else {
				p.bNetOver = true
			}
		}
	}
	p.bRegions[e.Region] = struct{}{}
	p.bFamilies[a.family(e.UserAgent)] = struct{}{}
	if e.ErrorCode != "" {
		return
	}
	switch e.Kind {
	case KindSecretRead:
		if e.Target != "" {
			id := a.secret(e.Target)
			if p.bSecrets == nil {
				p.bSecrets = map[uint32]struct{}{}
			}
			p.bSecrets[id] = struct{}{}
			a.secretBaseline[id] = struct{}{}
		}
	case KindKMSUse:
		p.bKMS[day]++
	}
}

func (a *aggregator) review(p *principal, e *Event) {
	set := a.set
	p.rEvents++
	if p.first == 0 || e.Time < p.first {
		p.first = e.Time
	}
	if e.Time > p.last {
		p.last = e.Time
	}
	if e.sensitive() {
		a.sensitive = append(a.sensitive, *e)
	}
	if !e.own() {
		if p.via == nil {
			p.via = map[string]int{}
		}
		p.via[e.Via]++
		return
	}
	p.rOwn++
	p.ownEx.add(e, set.maxEx)
	ok := e.ErrorCode == ""
	acc := ok && e.Kind.access()
	n := a.network(e.SourceIP)
	if n.ok {
		if p.networks == nil {
			p.networks = map[netip.Prefix]*facet{}
		}
		f := p.networks[n.prefix]
		if f == nil && len(p.networks) >= maxFacets {
			p.netOver++
		} else {
			if f == nil {
				f = &facet{}
				p.networks[n.prefix] = f
			}
			f.events++
			if acc {
				f.access++
			}
			if e.Principal.InstanceID != "" {
				f.instance++
			}
			f.ex.add(e, facetSample)
		}
	}
	if p.regions == nil {
		p.regions = map[string]*facet{}
		p.agents = map[string]*facet{}
	}
	rf := p.regions[e.Region]
	if rf == nil {
		rf = &facet{}
		p.regions[e.Region] = rf
	}
	rf.events++
	if acc {
		rf.access++
	}
	rf.ex.add(e, facetSample)
	af := p.agents[e.UserAgent]
	if af == nil && len(p.agents) >= maxFacets {
		p.agentOver++
	} else {
		if af == nil {
			af = &facet{}
			p.agents[e.UserAgent] = af
		}
		af.events++
		if acc {
			af.access++
		}
		af.ex.add(e, facetSample)
	}
	if acc {
		h := (e.Time % 86400) / 3600
		if p.hours[h] == nil {
			p.hours[h] = &facet{}
		}
		p.hours[h].access++
		p.hours[h].ex.add(e, facetSample)
	}
	if e.denied() {
		p.denied++
		p.deniedEx.add(e, set.maxEx)
		if p.deniedBurst == nil {
			p.deniedBurst = newTiles(set.burst, count)
		}
		p.deniedBurst.add(e.Time, 0, e, set.maxEx)
	}
	if e.Principal.AccessKeyID != "" && n.ok && !n.internal {
		if p.keyNets == nil {
			p.keyNets = map[string]*tiles{}
		}
		kt := p.keyNets[e.Principal.AccessKeyID]
		if kt == nil {
			kt = newTiles(set.keyWin, distinct)
			kt.name = e.Principal.AccessKeyID
			p.keyNets[e.Principal.AccessKeyID] = kt
		}
		kt.add(e.Time, a.netID(n.prefix), e, set.maxEx)
	}
	if !ok {
		return
	}
	switch e.Kind {
	case KindSecretRead:
		if e.Target == "" {
			return
		}
		id := a.secret(e.Target)
		if p.secrets == nil {
			p.secrets = map[uint32]*secretUse{}
		}
		su := p.secrets[id]
		if su == nil {
			su = &secretUse{}
			p.secrets[id] = su
		}
		su.reads++
		su.ex.add(e, facetSample)
		if p.secretBurst == nil {
			p.secretBurst = newTiles(set.burst, distinct)
			p.listRead = newTiles(set.listRead, afterList)
		}
		p.secretBurst.add(e.Time, id, e, set.maxEx)
		p.listRead.add(e.Time, id, e, set.maxEx)
	case KindSecretList:
		if p.listRead == nil {
			p.secretBurst = newTiles(set.burst, distinct)
			p.listRead = newTiles(set.listRead, afterList)
		}
		p.listRead.markList(e.Time, e)
	case KindSecretBatch:
		p.batch++
		p.batchIDs += len(e.Targets)
		if p.batchReg == nil {
			p.batchReg = map[string]*facet{}
		}
		f := p.batchReg[e.Region]
		if f == nil {
			f = &facet{}
			p.batchReg[e.Region] = f
		}
		f.events++
		f.ex.add(e, facetSample)
	case KindKMSUse:
		p.kms++
		if p.kmsKeys == nil {
			p.kmsKeys = map[string]struct{}{}
		}
		if len(p.kmsKeys) < maxBaselineNets {
			p.kmsKeys[e.Target] = struct{}{}
		}
		p.kmsEx.add(e, set.maxEx)
	case KindSSMDecrypt:
		p.ssm++
		if p.ssmBurst == nil {
			p.ssmBurst = newTiles(set.burst, distinct)
			p.ssmParams = map[uint32]struct{}{}
		}
		for i := -1; i < len(e.Targets); i++ {
			name := e.Target
			if i >= 0 {
				name = e.Targets[i]
			}
			if name == "" {
				continue
			}
			id := a.param(name)
			p.ssmParams[id] = struct{}{}
			p.ssmBurst.add(e.Time, id, e, set.maxEx)
		}
	}
}

// compact closes every window that ends before horizon (no event still to come can fall
// in it) and forgets the event ids of those times.
func (a *aggregator) compact(horizon int64) {
	if horizon <= a.compacted {
		return
	}
	a.compacted = horizon
	for b := range a.dedup {
		if (b+1)*dedupBucket <= horizon {
			delete(a.dedup, b)
		}
	}
	for _, p := range a.order {
		for _, ts := range []*tiles{p.secretBurst, p.listRead, p.deniedBurst, p.ssmBurst} {
			if ts != nil && len(ts.open) > 0 {
				ts.close(horizon)
			}
		}
		for key, kt := range p.keyNets {
			kt.close(horizon)
			if kt.best != nil && (p.keyBest == nil || kt.score > p.keyBest.score ||
				(kt.score == p.keyBest.score && (kt.best.start < p.keyBest.best.start ||
					(kt.best.start == p.keyBest.best.start && kt.best.key < p.keyBest.best.key)))) {
				p.keyBest = &tiles{best: kt.best, score: kt.score, width: kt.width}
			}
			kt.best, kt.score = nil, 0
			if len(kt.open) == 0 {
				delete(p.keyNets, key)
			}
		}
	}
}
