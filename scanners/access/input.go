package access

import (
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/custos-dev/custos/internal/config"
	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
)

// Resource types of the access review (METADATA custom.resource_type).
const (
	// TypeEvent is one prefiltered sensitive event.
	TypeEvent = "aws.cloudtrail.event"
	// TypePrincipal is one principal's aggregates over the review and baseline windows.
	TypePrincipal = "aws.access.principal"
	// FindingType is the resource type access findings name: the principal.
	FindingType = "aws.iam.principal"
)

// EvidenceEvent is an event behind a verdict: identifiers only.
type EvidenceEvent struct {
	ID        string `json:"id"`
	Time      string `json:"time"`
	Name      string `json:"name"`
	Source    string `json:"source"`
	Region    string `json:"region,omitempty"`
	SourceIP  string `json:"source_ip,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
	ErrorCode string `json:"error_code,omitempty"`
	Target    string `json:"target,omitempty"`
}

func evidence(xs []exemplar) []EvidenceEvent {
	out := make([]EvidenceEvent, 0, len(xs))
	for _, x := range xs {
		out = append(out, x.evidence())
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Time != out[j].Time {
			return out[i].Time < out[j].Time
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (x exemplar) evidence() EvidenceEvent {
	return EvidenceEvent{ID: x.id, Time: rfc3339(x.time), Name: x.name, Source: x.source, Region: x.region,
		SourceIP: x.sourceIP, UserAgent: x.userAgent, ErrorCode: x.errorCode, Target: x.target}
}

func rfc3339(unix int64) string { return time.Unix(unix, 0).UTC().Format(time.RFC3339) }

type accountInfo struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organization_id"`
	Partition      string `json:"partition"`
}

type windowInput struct {
	BaselineFrom string  `json:"baseline_from"`
	Since        string  `json:"since"`
	Until        string  `json:"until"`
	BaselineDays int     `json:"baseline_days"`
	ReviewDays   float64 `json:"review_days"`
}

type input struct {
	ResourceType string      `json:"resource_type"`
	Resource     any         `json:"resource"`
	Account      accountInfo `json:"account"`
	Now          string      `json:"now"`
	Context      any         `json:"context"`
}

// builder turns the aggregates into policy inputs.
type builder struct {
	agg      *aggregator
	window   windowInput
	now      string
	cfg      config.Access
	accounts map[string]accountInfo
	tags     map[string]inventory.Tags // principal ARN -> tags
	secrets  map[string]*inventory.Secret
	inv      bool
}

func newBuilder(agg *aggregator, snap *inventory.Snapshot, w Window, cfg config.Access) *builder {
	b := &builder{
		agg: agg, cfg: cfg, now: w.Until.Format(time.RFC3339),
		window: windowInput{
			BaselineFrom: w.BaselineFrom.Format(time.RFC3339), Since: w.Since.Format(time.RFC3339), Until: w.Until.Format(time.RFC3339),
			BaselineDays: agg.set.baselineDays, ReviewDays: w.Until.Sub(w.Since).Hours() / 24,
		},
		accounts: map[string]accountInfo{}, tags: map[string]inventory.Tags{}, secrets: map[string]*inventory.Secret{},
	}
	if snap == nil {
		return b
	}
	b.inv = true
	for i := range snap.Accounts {
		a := &snap.Accounts[i]
		b.accounts[a.ID] = accountInfo{ID: a.ID, OrganizationID: a.OrganizationID, Partition: a.Partition}
		for j := range a.IAM.Users {
			b.tags[a.IAM.Users[j].ARN] = a.IAM.Users[j].Tags
		}
		for j := range a.IAM.Roles {
			b.tags[a.IAM.Roles[j].ARN] = a.IAM.Roles[j].Tags
		}
		for j := range a.Secrets {
			s := &a.Secrets[j]
			b.secrets[SecretKey(s.ARN, "", "")] = s
		}
	}
	return b
}

func (b *builder) account(id string) accountInfo {
	if a, ok := b.accounts[id]; ok {
		if a.Partition == "" {
			a.Partition = "aws"
		}
		return a
	}
	return accountInfo{ID: id, Partition: "aws"}
}

// principalTags returns the inventory tags of a principal; ok is false when the
// inventory does not hold it (or there is no inventory).
func (b *builder) principalTags(p *Principal) (inventory.Tags, bool) {
	if t, ok := b.tags[p.Key]; ok {
		if t == nil {
			t = inventory.Tags{}
		}
		return t, true
	}
	return inventory.Tags{}, false
}

func (b *builder) resources() []engine.Resource {
	var out []engine.Resource
	sort.SliceStable(b.agg.sensitive, func(i, j int) bool {
		x, y := &b.agg.sensitive[i], &b.agg.sensitive[j]
		if x.Time != y.Time {
			return x.Time < y.Time
		}
		return x.ID < y.ID
	})
	for i := range b.agg.sensitive {
		out = append(out, b.eventResource(&b.agg.sensitive[i]))
	}
	ps := append([]*principal(nil), b.agg.order...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].id.Key < ps[j].id.Key })
	for _, p := range ps {
		if p.rEvents == 0 {
			continue
		}
		out = append(out, b.principalResource(p))
	}
	return out
}

func (b *builder) findingResource(p *Principal) finding.Resource {
	name := p.Name
	if name == "" {
		name = p.Key
	}
	return finding.Resource{Type: FindingType, ARN: p.Key, Account: p.Account, Name: name}
}

// eventInput is input.resource of an aws.cloudtrail.event.
type eventInput struct {
	ID            string         `json:"id"`
	Time          string         `json:"time"`
	Name          string         `json:"name"`
	Source        string         `json:"source"`
	Region        string         `json:"region"`
	Account       string         `json:"account"`
	SourceIP      string         `json:"source_ip"`
	UserAgent     string         `json:"user_agent"`
	Via           string         `json:"via"`
	VPCEndpointID string         `json:"vpc_endpoint_id"`
	ErrorCode     string         `json:"error_code"`
	ReadOnly      bool           `json:"read_only"`
	Target        string         `json:"target"`
	TargetAccount string         `json:"target_account"`
	Targets       []string       `json:"targets"`
	Request       map[string]any `json:"request"`
	Response      map[string]any `json:"response"`
	Evidence      EvidenceEvent  `json:"evidence"`
}

type principalContext struct {
	Principal
	Tags        inventory.Tags `json:"tags"`
	InInventory bool           `json:"in_inventory"`
}

type eventContext struct {
	Principal   principalContext  `json:"principal"`
	Policy      *inventory.Policy `json:"policy"`
	PolicyError string            `json:"policy_error"`
	Window      windowInput       `json:"window"`
}

func (b *builder) eventResource(e *Event) engine.Resource {
	req, _ := e.Detail["request"].(map[string]any)
	resp, _ := e.Detail["response"].(map[string]any)
	if req == nil {
		req = map[string]any{}
	}
	if resp == nil {
		resp = map[string]any{}
	}
	targets := e.Targets
	if targets == nil {
		targets = []string{}
	}
	ex := exemplarOf(e)
	res := eventInput{
		ID: e.ID, Time: rfc3339(e.Time), Name: e.Name, Source: e.Source, Region: e.Region, Account: e.Account,
		SourceIP: e.SourceIP, UserAgent: e.UserAgent, Via: e.Via, VPCEndpointID: e.VPCEndpointID, ErrorCode: e.ErrorCode,
		ReadOnly: e.ReadOnly, Target: e.Target, TargetAccount: arnAccount(e.Target, e.Account), Targets: targets,
		Request: req, Response: resp, Evidence: ex.evidence(),
	}
	tags, ok := b.principalTags(&e.Principal)
	ctx := eventContext{
		Principal: principalContext{Principal: e.Principal, Tags: tags, InInventory: ok},
		Policy:    e.Policy, PolicyError: e.PolicyError, Window: b.window,
	}
	return engine.Resource{
		Type: TypeEvent,
		// Each event is its own occurrence: the event id keeps findings of two events apart.
		Key:      e.Principal.Key + "#" + e.ID,
		Resource: b.findingResource(&e.Principal),
		Input:    input{ResourceType: TypeEvent, Resource: res, Account: b.account(e.Account), Now: b.now, Context: ctx},
	}
}

// arnAccount is the account field of an ARN, or def when s is not an ARN with one.
func arnAccount(s, def string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[4] != "" {
		return parts[4]
	}
	return def
}

// Principal input: the aggregates.
type baselineInput struct {
	Events            int      `json:"events"`
	DaysActive        int      `json:"days_active"`
	Days              int      `json:"days"`
	Hours             []int32  `json:"hours"`
	Networks          int      `json:"networks"`
	NetworksOverflow  bool     `json:"networks_overflow"`
	Regions           []string `json:"regions"`
	UserAgentFamilies []string `json:"user_agent_families"`
	SecretsRead       int      `json:"secrets_read"`
	KMSDaily          kmsDaily `json:"kms_daily"`
}

type kmsDaily struct {
	Median float64 `json:"median"`
	MAD    float64 `json:"mad"`
	Days   int     `json:"days"`
}

type secretInput struct {
	ARN            string          `json:"arn"`
	Name           string          `json:"name"`
	Account        string          `json:"account"`
	Region         string          `json:"region"`
	Reads          int             `json:"reads"`
	InBaseline     bool            `json:"in_baseline"`
	ReadInBaseline bool            `json:"read_in_baseline"`
	Created        bool            `json:"created_in_window"`
	InInventory    bool            `json:"in_inventory"`
	Tags           inventory.Tags  `json:"tags"`
	Events         []EvidenceEvent `json:"events"`
}

type burstInput struct {
	Count   int             `json:"count"`
	Start   string          `json:"start,omitempty"`
	End     string          `json:"end,omitempty"`
	Items   []string        `json:"items"`
	Events  []EvidenceEvent `json:"events"`
	ListAt  string          `json:"list_at,omitempty"`
	KeyID   string          `json:"access_key_id,omitempty"`
	Details []networkInput  `json:"networks,omitempty"`
}

type facetInput struct {
	Value          string          `json:"value"`
	Family         string          `json:"family,omitempty"`
	InBaseline     bool            `json:"in_baseline"`
	Internal       bool            `json:"internal,omitempty"`
	Trusted        bool            `json:"trusted,omitempty"`
	Events         int             `json:"events"`
	AccessEvents   int             `json:"access_events"`
	InstanceEvents int             `json:"instance_events,omitempty"`
	Sample         []EvidenceEvent `json:"sample"`
}

type networkInput struct {
	Network    string `json:"network"`
	InBaseline bool   `json:"in_baseline"`
	Internal   bool   `json:"internal"`
	Trusted    bool   `json:"trusted"`
}

type hourInput struct {
	Hour         int             `json:"hour"`
	AccessEvents int             `json:"access_events"`
	Sample       []EvidenceEvent `json:"sample"`
}

type countInput struct {
	Count    int             `json:"count"`
	PerDay   float64         `json:"per_day,omitempty"`
	Distinct int             `json:"distinct,omitempty"`
	Regions  []string        `json:"regions,omitempty"`
	IDs      int             `json:"secret_ids,omitempty"`
	Events   []EvidenceEvent `json:"events"`
}

type reviewInput struct {
	Events           int             `json:"events"`
	OwnEvents        int             `json:"own_events"`
	ViaService       map[string]int  `json:"via_service"`
	First            string          `json:"first"`
	Last             string          `json:"last"`
	OwnSample        []EvidenceEvent `json:"own_sample"`
	Secrets          []secretInput   `json:"secrets"`
	SecretBurst      burstInput      `json:"secret_burst"`
	ListThenRead     burstInput      `json:"list_then_read"`
	Batch            countInput      `json:"batch"`
	Networks         []facetInput    `json:"networks"`
	NetworksOverflow int             `json:"networks_overflow"`
	Regions          []facetInput    `json:"regions"`
	UserAgents       []facetInput    `json:"user_agents"`
	AgentsOverflow   int             `json:"user_agents_overflow"`
	Hours            []hourInput     `json:"hours"`
	Denied           countInput      `json:"denied"`
	DeniedBurst      burstInput      `json:"denied_burst"`
	KMS              countInput      `json:"kms"`
	SSM              countInput      `json:"ssm"`
	SSMBurst         burstInput      `json:"ssm_burst"`
	AccessKey        burstInput      `json:"access_key"`
}

type principalInput struct {
	Principal
	Tags        inventory.Tags `json:"tags"`
	InInventory bool           `json:"in_inventory"`
	Baseline    baselineInput  `json:"baseline"`
	Review      reviewInput    `json:"review"`
}

type principalContextInput struct {
	Window    windowInput `json:"window"`
	Inventory bool        `json:"inventory"`
}

func (b *builder) principalResource(p *principal) engine.Resource {
	tags, inInv := b.principalTags(&p.id)
	in := principalInput{Principal: p.id, Tags: tags, InInventory: inInv}
	in.Baseline = b.baselineOf(p)
	in.Review = b.reviewOf(p)
	return engine.Resource{
		Type:     TypePrincipal,
		Key:      p.id.Key,
		Resource: b.findingResource(&p.id),
		Input: input{ResourceType: TypePrincipal, Resource: in, Account: b.account(p.id.Account), Now: b.now,
			Context: principalContextInput{Window: b.window, Inventory: b.inv}},
	}
}

func (b *builder) baselineOf(p *principal) baselineInput {
	out := baselineInput{Events: p.bEvents, Days: b.agg.set.baselineDays, Hours: p.bHours[:], Networks: len(p.bNetworks),
		NetworksOverflow: p.bNetOver, Regions: keys(p.bRegions), UserAgentFamilies: keys(p.bFamilies), SecretsRead: len(p.bSecrets)}
	firstDay := -1
	for i, n := range p.bDays {
		if n > 0 {
			out.DaysActive++
			if firstDay < 0 {
				firstDay = i
			}
		}
	}
	if firstDay >= 0 {
		// Daily KMS use from the principal's first active day: a principal new in the
		// baseline is not compared with days before it existed.
		days := p.bKMS[firstDay:]
		out.KMSDaily.Median, out.KMSDaily.MAD = medianMAD(days)
		out.KMSDaily.Days = len(days)
	}
	return out
}

func keys(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (b *builder) reviewOf(p *principal) reviewInput {
	set := b.agg.set
	r := reviewInput{Events: p.rEvents, OwnEvents: p.rOwn, ViaService: p.via, First: rfc3339(p.first), Last: rfc3339(p.last),
		OwnSample: evidence(p.ownEx), NetworksOverflow: p.netOver, AgentsOverflow: p.agentOver}
	if r.ViaService == nil {
		r.ViaService = map[string]int{}
	}
	// Secrets read.
	r.Secrets = []secretInput{}
	ids := make([]uint32, 0, len(p.secrets))
	for id := range p.secrets {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return b.agg.secretKeys[ids[i]] < b.agg.secretKeys[ids[j]] })
	for _, id := range ids {
		su := p.secrets[id]
		key := b.agg.secretKeys[id]
		s := secretInput{ARN: key, Reads: su.reads, Tags: inventory.Tags{}, Events: evidence(su.ex)}
		s.Account, s.Region, s.Name = splitSecretKey(key)
		_, s.InBaseline = p.bSecrets[id]
		_, s.ReadInBaseline = b.agg.secretBaseline[id]
		_, s.Created = b.agg.secretCreated[id]
		if inv, ok := b.secrets[key]; ok {
			s.InInventory, s.ARN, s.Name = true, inv.ARN, inv.Name
			if inv.Tags != nil {
				s.Tags = inv.Tags
			}
		}
		r.Secrets = append(r.Secrets, s)
	}
	r.SecretBurst = b.burst(p.secretBurst, func(id uint32) string { return b.agg.secretKeys[id] }, false)
	r.ListThenRead = b.burst(p.listRead, func(id uint32) string { return b.agg.secretKeys[id] }, true)
	r.DeniedBurst = b.burst(p.deniedBurst, nil, false)
	r.SSMBurst = b.burst(p.ssmBurst, func(id uint32) string { return b.agg.params[id] }, false)
	r.AccessKey = b.burst(p.keyBest, func(id uint32) string { return b.agg.nets[id].String() }, false)
	if p.keyBest != nil && p.keyBest.best != nil {
		r.AccessKey.KeyID = p.keyBest.best.key
		for _, item := range r.AccessKey.Items {
			pfx, _ := netip.ParsePrefix(item)
			n := b.agg.network(pfx.Addr().String())
			_, in := p.bNetworks[pfx]
			r.AccessKey.Details = append(r.AccessKey.Details, networkInput{Network: item, InBaseline: in, Internal: n.internal, Trusted: n.trusted})
		}
	}
	// Batch reads.
	r.Batch = countInput{Count: p.batch, IDs: p.batchIDs, Regions: []string{}, Events: []EvidenceEvent{}}
	var batchEx []exemplar
	for region, f := range p.batchReg {
		r.Batch.Regions = append(r.Batch.Regions, region)
		batchEx = append(batchEx, f.ex...)
	}
	sort.Strings(r.Batch.Regions)
	r.Batch.Events = capEvidence(evidence(batchEx), set.maxEx)
	// Facets.
	r.Networks = []facetInput{}
	for pfx, f := range p.networks {
		n := b.agg.network(pfx.Addr().String())
		_, in := p.bNetworks[pfx]
		r.Networks = append(r.Networks, facetInput{Value: pfx.String(), InBaseline: in, Internal: n.internal, Trusted: n.trusted,
			Events: f.events, AccessEvents: f.access, InstanceEvents: f.instance, Sample: evidence(f.ex)})
	}
	r.Regions = []facetInput{}
	for region, f := range p.regions {
		_, in := p.bRegions[region]
		r.Regions = append(r.Regions, facetInput{Value: region, InBaseline: in, Events: f.events, AccessEvents: f.access, Sample: evidence(f.ex)})
	}
	r.UserAgents = []facetInput{}
	for ua, f := range p.agents {
		fam := b.agg.family(ua)
		_, in := p.bFamilies[fam]
		r.UserAgents = append(r.UserAgents, facetInput{Value: ua, Family: fam, InBaseline: in, Events: f.events, AccessEvents: f.access, Sample: evidence(f.ex)})
	}
	for _, list := range [][]facetInput{r.Networks, r.Regions, r.UserAgents} {
		sort.Slice(list, func(i, j int) bool { return list[i].Value < list[j].Value })
	}
	r.Hours = []hourInput{}
	for h, f := range p.hours {
		if f != nil {
			r.Hours = append(r.Hours, hourInput{Hour: h, AccessEvents: f.access, Sample: evidence(f.ex)})
		}
	}
	r.Denied = countInput{Count: p.denied, Events: evidence(p.deniedEx)}
	perDay := 0.0
	if span := float64(set.until-set.since) / 86400; span > 0 {
		perDay = float64(p.kms) / span
	}
	r.KMS = countInput{Count: p.kms, PerDay: perDay, Distinct: len(p.kmsKeys), Events: evidence(p.kmsEx)}
	r.SSM = countInput{Count: p.ssm, Distinct: len(p.ssmParams), Events: []EvidenceEvent{}}
	return r
}

func capEvidence(xs []EvidenceEvent, n int) []EvidenceEvent {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}

// burst describes the busiest tile of a tracker.
func (b *builder) burst(ts *tiles, name func(uint32) string, afterList bool) burstInput {
	out := burstInput{Items: []string{}, Events: []EvidenceEvent{}}
	if ts == nil || ts.best == nil {
		return out
	}
	t := ts.best
	out.Count = ts.score
	out.Start, out.End = rfc3339(t.start), rfc3339(t.start+ts.width)
	var ex []exemplar
	for _, x := range t.ex {
		if afterList && x.time < t.list {
			continue
		}
		ex = append(ex, x)
	}
	if afterList && t.listEx != nil {
		out.ListAt = rfc3339(t.list)
		ex = append([]exemplar{*t.listEx}, ex...)
	}
	out.Events = evidence(ex)
	if name != nil {
		for id, first := range t.ids {
			if afterList && first < t.list {
				continue
			}
			out.Items = append(out.Items, name(id))
		}
		sort.Strings(out.Items)
	}
	return out
}

// splitSecretKey returns the account, region and name of a canonical secret key.
func splitSecretKey(key string) (account, region, name string) {
	parts := strings.SplitN(key, ":", 7)
	if len(parts) == 7 {
		return parts[4], parts[3], parts[6]
	}
	return "", "", key
}

// PrincipalSummary is one line of the per-principal table of a review.
type PrincipalSummary struct {
	Key         string            `json:"key"`
	Type        string            `json:"type"`
	Account     string            `json:"account"`
	Name        string            `json:"name"`
	Events      int               `json:"events"`
	OwnEvents   int               `json:"own_events"`
	ViaService  int               `json:"via_service"`
	SecretsRead int               `json:"secrets_read"`
	SecretReads int               `json:"secret_reads"`
	KMSUse      int               `json:"kms_use"`
	KeysUsed    int               `json:"keys_used"`
	Denied      int               `json:"denied"`
	Networks    int               `json:"networks"`
	Regions     int               `json:"regions"`
	First       time.Time         `json:"first"`
	Last        time.Time         `json:"last"`
	Findings    int               `json:"findings"`
	Worst       finding.Severity  `json:"worst_severity,omitempty"`
	Baseline    bool              `json:"baseline"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// summaries lists every principal active in the review window, most findings first.
func (b *builder) summaries(fs []finding.Finding) []PrincipalSummary {
	count := map[string]int{}
	worst := map[string]finding.Severity{}
	for _, f := range fs {
		count[f.Resource.ARN]++
		if f.Severity.Rank() > worst[f.Resource.ARN].Rank() {
			worst[f.Resource.ARN] = f.Severity
		}
	}
	var out []PrincipalSummary
	for _, p := range b.agg.order {
		if p.rEvents == 0 {
			continue
		}
		reads := 0
		for _, su := range p.secrets {
			reads += su.reads
		}
		via := 0
		for _, n := range p.via {
			via += n
		}
		s := PrincipalSummary{Key: p.id.Key, Type: p.id.Type, Account: p.id.Account, Name: p.id.Name,
			Events: p.rEvents, OwnEvents: p.rOwn, ViaService: via, SecretsRead: len(p.secrets), SecretReads: reads,
			KMSUse: p.kms, KeysUsed: len(p.kmsKeys), Denied: p.denied, Networks: len(p.networks), Regions: len(p.regions),
			First: time.Unix(p.first, 0).UTC(), Last: time.Unix(p.last, 0).UTC(),
			Findings: count[p.id.Key], Worst: worst[p.id.Key], Baseline: p.bEvents > 0}
		if t, ok := b.tags[p.id.Key]; ok && len(t) > 0 {
			s.Tags = t
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, c := out[i], out[j]
		if a.Worst.Rank() != c.Worst.Rank() {
			return a.Worst.Rank() > c.Worst.Rank()
		}
		if a.Findings != c.Findings {
			return a.Findings > c.Findings
		}
		return a.Key < c.Key
	})
	return out
}
