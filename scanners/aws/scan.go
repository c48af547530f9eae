// Package aws collects the inventory of AWS accounts (one collector per service) and
// turns an inventory into the inputs the policies judge.
package aws

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/exposure"
	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/open-policy-agent/opa/v1/ast"
)

// Evaluator judges resources; *engine.Engine is one.
type Evaluator interface {
	// EvaluateSeq judges the resources as it reads them.
	EvaluateSeq(ctx context.Context, resources iter.Seq[engine.Resource]) ([]finding.Finding, error)
	// Statements computes the statement facts of IAM policy inputs; nil for none.
	Statements() *engine.Statements
}

// Evaluate judges every resource of the snapshot as of now. It returns the findings and
// the effective-access analysis the policies were given, for the reports. Inputs are
// built by the evaluating workers as they go, never all at once.
//
// The effective-access analysis runs while the resources that do not need it (keys,
// trails, policies, groups) are judged; the inputs of secrets, users and roles wait
// for it.
func Evaluate(ctx context.Context, ev Evaluator, snap *inventory.Snapshot, now time.Time) ([]finding.Finding, *exposure.Result, error) {
	analysis := make(chan *exposure.Result, 1)
	go func() { analysis <- exposure.Analyze(snap) }()
	ex := sync.OnceValue(func() *exposure.Result { return <-analysis })
	fs, err := ev.EvaluateSeq(ctx, inputs(snap, now, ex, ev.Statements(), newEncoder().Value))
	return fs, ex(), err
}

// ResourceTypes are the resource types a cloud scan judges: the rules of other types
// (access-log review, for one) do not run in it and are left out of its reports.
func ResourceTypes() []string {
	return []string{
		"aws.account", "aws.cloudtrail.trail", "aws.iam.group", "aws.iam.policy",
		"aws.iam.role", "aws.iam.user", "aws.kms.key", "aws.secretsmanager.secret",
	}
}

// Resources lists one policy input per resource, without statement facts; see Inputs.
func Resources(snap *inventory.Snapshot, now time.Time) []engine.Resource {
	return ResourcesWith(snap, now, exposure.Analyze(snap))
}

// ResourcesWith lists one policy input per resource, without statement facts; see Inputs.
func ResourcesWith(snap *inventory.Snapshot, now time.Time, ex *exposure.Result) []engine.Resource {
	return slices.Collect(Inputs(snap, now, ex, nil))
}

// Inputs yields one resource per resource of the snapshot, its policy input built by
// Resource.Build when the resource is judged. The lookups rules need across resources
// (a secret's key and readers, the secrets a key protects, a principal's policies and
// the secrets it can read) are computed here once per account, so that evaluation stays
// linear in the number of resources. With st, IAM policy inputs carry the facts of
// their statements (input.context.statements).
func Inputs(snap *inventory.Snapshot, now time.Time, ex *exposure.Result, st *engine.Statements) iter.Seq[engine.Resource] {
	return inputs(snap, now, func() *exposure.Result { return ex }, st, newEncoder().Value)
}

// newEncoder encodes a key once for the many secrets and trails whose context holds it.
func newEncoder() *engine.Encoder { return engine.NewEncoder((*inventory.Key)(nil)) }

// inputs is Inputs with the analysis given by a function the inputs that need it call
// (it may wait for the analysis), and the function that turns a Go input into its Rego
// value.
func inputs(snap *inventory.Snapshot, now time.Time, ex func() *exposure.Result, st *engine.Statements, encode func(any) (ast.Value, error)) iter.Seq[engine.Resource] {
	return func(yield func(engine.Resource) bool) {
		b := builder{
			now: now.UTC().Format(time.RFC3339), orgTrails: orgTrails(snap), exposure: ex,
			secretTags: map[string]inventory.Tags{}, statements: st, encode: encode, yield: yield,
		}
		for i := range snap.Accounts {
			for j := range snap.Accounts[i].Secrets {
				s := &snap.Accounts[i].Secrets[j]
				b.secretTags[s.ARN] = s.Tags
			}
		}
		// What does not need the effective-access analysis first, so that Evaluate
		// can run the analysis meanwhile.
		for i := range snap.Accounts {
			if !b.account(&snap.Accounts[i]) {
				return
			}
		}
		for i := range snap.Accounts {
			if !b.exposed(&snap.Accounts[i]) {
				return
			}
		}
	}
}

type builder struct {
	now        string
	orgTrails  map[string][]*inventory.Trail
	exposure   func() *exposure.Result
	secretTags map[string]inventory.Tags
	statements *engine.Statements
	encode     func(any) (ast.Value, error)
	yield      func(engine.Resource) bool
	stopped    bool
}

type accountInfo struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organization_id"`
	Partition      string `json:"partition"`
}

type input struct {
	ResourceType string      `json:"resource_type"`
	Resource     any         `json:"resource"`
	Account      accountInfo `json:"account"`
	Now          string      `json:"now"`
	Context      any         `json:"context"`
}

// add yields one resource whose input build makes when the resource is judged. It
// returns false once the consumer stops.
func (b *builder) add(typ, key string, res finding.Resource, acct accountInfo, build func() (resource, context any)) bool {
	if b.stopped {
		return false
	}
	b.stopped = !b.yield(engine.Resource{
		Type:     typ,
		Key:      key,
		Resource: res,
		Build: func() (ast.Value, error) {
			resource, context := build()
			if context == nil {
				context = struct{}{}
			}
			return b.encode(input{ResourceType: typ, Resource: resource, Account: acct, Now: b.now, Context: context})
		},
	})
	return !b.stopped
}

// orgTrails indexes organisation trails by organisation id: they log every member account.
func orgTrails(snap *inventory.Snapshot) map[string][]*inventory.Trail {
	out := map[string][]*inventory.Trail{}
	for i := range snap.Accounts {
		a := &snap.Accounts[i]
		for j := range a.Trails {
			if a.Trails[j].IsOrganizationTrail && a.OrganizationID != "" {
				out[a.OrganizationID] = append(out[a.OrganizationID], &a.Trails[j])
			}
		}
	}
	return out
}

type secretContext struct {
	KMSKey        *inventory.Key `json:"kms_key,omitempty"`
	AWSManagedKey bool           `json:"aws_managed_key"`
	// Readers are the principals that can read the secret's value (exposure analysis).
	Readers          []exposure.Reader `json:"readers"`
	ReaderCount      int               `json:"reader_count"`
	DefiniteReaders  int               `json:"definite_readers"`
	Public           bool              `json:"public"`
	ExternalAccounts []string          `json:"external_accounts"`
}

// readableSecret is one secret a principal can read, with the secret's tags.
type readableSecret struct {
	exposure.Access
	Tags inventory.Tags `json:"tags"`
}

type keyContext struct {
	UsedBySecrets []string `json:"used_by_secrets"`
	UsedByTrails  []string `json:"used_by_trails"`
}

type trailContext struct {
	KMSKey *inventory.Key `json:"kms_key,omitempty"`
}

type policyResource struct {
	ARN             string           `json:"arn"`
	Name            string           `json:"name"`
	Kind            string           `json:"kind"`
	AWSManaged      bool             `json:"aws_managed"`
	PrincipalARN    string           `json:"principal_arn,omitempty"`
	AttachedTo      []string         `json:"attached_to"`
	AttachmentCount int              `json:"attachment_count"`
	Document        inventory.Policy `json:"document"`
}

type principalPolicy struct {
	Source   string           `json:"source"`
	Document inventory.Policy `json:"document"`
}

type principalContext struct {
	Policies []principalPolicy `json:"policies"`
	// ReadableSecrets are the secrets whose value the principal can read (users and roles).
	ReadableSecrets []readableSecret `json:"readable_secrets"`
}

// readable lists the secrets a principal can read, with their tags.
func (b *builder) readable(arn string) []readableSecret {
	out := []readableSecret{}
	ex := b.exposure()
	if ex == nil {
		return out
	}
	pa, ok := ex.Principal(arn)
	if !ok {
		return out
	}
	for _, acc := range pa.Secrets {
		out = append(out, readableSecret{Access: acc, Tags: b.secretTags[acc.ARN]})
	}
	return out
}

type accountResource struct {
	ID             string              `json:"id"`
	OrganizationID string              `json:"organization_id"`
	Root           *inventory.RootUser `json:"root"`
}

type accountContext struct {
	Trails []*inventory.Trail `json:"trails"`
}

// accountInfo of an account, partition "aws" when unset.
func info(a *inventory.Account) accountInfo {
	partition := a.Partition
	if partition == "" {
		partition = "aws"
	}
	return accountInfo{ID: a.ID, OrganizationID: a.OrganizationID, Partition: partition}
}

// account yields the resources of one account whose input does not depend on the
// effective-access analysis: trails, keys, groups, policies and the account itself.
// It returns false once the consumer stops.
func (b *builder) account(a *inventory.Account) bool {
	acct := info(a)
	keys := newKeyIndex(a)
	// Which secrets and trails use each key, before any key is yielded.
	usage := map[string]*keyContext{}
	use := func(k *inventory.Key) *keyContext {
		if usage[k.ARN] == nil {
			usage[k.ARN] = &keyContext{UsedBySecrets: []string{}, UsedByTrails: []string{}}
		}
		return usage[k.ARN]
	}
	for i := range a.Secrets {
		if k := keys.forSecret(&a.Secrets[i]); k != nil {
			use(k).UsedBySecrets = append(use(k).UsedBySecrets, a.Secrets[i].ARN)
		}
	}
	trailKeys := make([]*inventory.Key, len(a.Trails))
	for i := range a.Trails {
		t := &a.Trails[i]
		if t.KMSKeyID != "" {
			if k := keys.find(t.KMSKeyID, t.HomeRegion); k != nil {
				trailKeys[i] = k
				use(k).UsedByTrails = append(use(k).UsedByTrails, t.ARN)
			}
		}
	}

	for i := range a.Trails {
		t, k := &a.Trails[i], trailKeys[i]
		ok := b.add("aws.cloudtrail.trail", t.ARN,
			finding.Resource{Type: "aws.cloudtrail.trail", ARN: t.ARN, Account: a.ID, Region: t.HomeRegion, Name: t.Name},
			acct, func() (any, any) { return t, trailContext{KMSKey: k} })
		if !ok {
			return false
		}
	}
	for i := range a.Keys {
		k := &a.Keys[i]
		ctx := usage[k.ARN]
		if ctx == nil {
			ctx = &keyContext{UsedBySecrets: []string{}, UsedByTrails: []string{}}
		}
		name := k.KeyID
		if len(k.Aliases) > 0 {
			name = k.Aliases[0]
		}
		ok := b.add("aws.kms.key", k.ARN,
			finding.Resource{Type: "aws.kms.key", ARN: k.ARN, Account: a.ID, Region: k.Region, Name: name},
			acct, func() (any, any) { return k, ctx })
		if !ok {
			return false
		}
	}
	if !b.iam(a, acct) {
		return false
	}

	trails := make([]*inventory.Trail, 0, len(a.Trails))
	for i := range a.Trails {
		if !a.Trails[i].IsOrganizationTrail {
			trails = append(trails, &a.Trails[i])
		}
	}
	trails = append(trails, b.orgTrails[a.OrganizationID]...)
	if a.OrganizationID == "" {
		for i := range a.Trails {
			if a.Trails[i].IsOrganizationTrail {
				trails = append(trails, &a.Trails[i])
			}
		}
	}
	name := a.Name
	if name == "" {
		name = a.ID
	}
	arn := fmt.Sprintf("arn:%s:iam::%s:root", acct.Partition, a.ID)
	return b.add("aws.account", arn,
		finding.Resource{Type: "aws.account", ARN: arn, Account: a.ID, Name: name},
		acct, func() (any, any) {
			return accountResource{ID: a.ID, OrganizationID: a.OrganizationID, Root: a.IAM.Root}, accountContext{Trails: trails}
		})
}

// exposed yields the resources of one account whose input holds effective access:
// secrets (who can read them), users and roles (the secrets they can read). It returns
// false once the consumer stops.
func (b *builder) exposed(a *inventory.Account) bool {
	acct := info(a)
	keys := newKeyIndex(a)
	for i := range a.Secrets {
		s, k := &a.Secrets[i], keys.forSecret(&a.Secrets[i])
		ok := b.add("aws.secretsmanager.secret", s.ARN,
			finding.Resource{Type: "aws.secretsmanager.secret", ARN: s.ARN, Account: a.ID, Region: s.Region, Name: s.Name},
			acct, func() (any, any) { return s, b.secretContext(s, k) })
		if !ok {
			return false
		}
	}
	pols := newPolicySet(a)
	for i := range a.IAM.Users {
		u := &a.IAM.Users[i]
		policies := pols.of(u.InlinePolicies, u.AttachedPolicies)
		for _, gname := range u.Groups {
			if g := pols.groups[gname]; g != nil {
				for _, p := range g.InlinePolicies {
					policies = append(policies, principalPolicy{Source: g.ARN + "#inline:" + p.Name, Document: p.Document})
				}
				for _, p := range g.AttachedPolicies {
					if m := pols.managed[p.ARN]; m != nil {
						policies = append(policies, principalPolicy{Source: p.ARN, Document: m.Document})
					}
				}
			}
		}
		ok := b.add("aws.iam.user", u.ARN, finding.Resource{Type: "aws.iam.user", ARN: u.ARN, Account: a.ID, Name: u.Name}, acct,
			func() (any, any) { return u, principalContext{Policies: policies, ReadableSecrets: b.readable(u.ARN)} })
		if !ok {
			return false
		}
	}
	for i := range a.IAM.Roles {
		r := &a.IAM.Roles[i]
		policies := pols.of(r.InlinePolicies, r.AttachedPolicies)
		ok := b.add("aws.iam.role", r.ARN, finding.Resource{Type: "aws.iam.role", ARN: r.ARN, Account: a.ID, Name: r.Name}, acct,
			func() (any, any) { return r, principalContext{Policies: policies, ReadableSecrets: b.readable(r.ARN)} })
		if !ok {
			return false
		}
	}
	return true
}

// secretContext is a secret's context: its key (k, nil when not in the inventory) and
// who can read it.
func (b *builder) secretContext(s *inventory.Secret, k *inventory.Key) secretContext {
	ctx := secretContext{Readers: []exposure.Reader{}, ExternalAccounts: []string{}}
	if sa, ok := b.exposure().Secret(s.ARN); ok {
		ctx.Readers, ctx.ReaderCount, ctx.DefiniteReaders, ctx.Public = sa.Readers, sa.ReaderCount, sa.DefiniteReaders, sa.Public
		if sa.ExternalAccounts != nil {
			ctx.ExternalAccounts = sa.ExternalAccounts
		}
	}
	if k != nil {
		ctx.KMSKey = k
		ctx.AWSManagedKey = k.KeyManager == "AWS"
	} else {
		ctx.AWSManagedKey = s.KMSKeyID == "" || strings.Contains(s.KMSKeyID, "alias/aws/")
	}
	return ctx
}

// policyContext is an IAM policy's context: the facts of its statements, when computed.
type policyContext struct {
	Statements ast.Value `json:"statements,omitempty"`
}

func (b *builder) policyInput(res policyResource) (any, any) {
	if b.statements == nil {
		return res, nil
	}
	return res, policyContext{Statements: b.statements.Value(b.statements.Facts(&res.Document))}
}

// policySet resolves the policies of an account's principals.
type policySet struct {
	managed map[string]*inventory.ManagedPolicy
	groups  map[string]*inventory.Group
}

func newPolicySet(a *inventory.Account) policySet {
	ps := policySet{managed: map[string]*inventory.ManagedPolicy{}, groups: map[string]*inventory.Group{}}
	for i := range a.IAM.Policies {
		ps.managed[a.IAM.Policies[i].ARN] = &a.IAM.Policies[i]
	}
	for i := range a.IAM.Groups {
		ps.groups[a.IAM.Groups[i].Name] = &a.IAM.Groups[i]
	}
	return ps
}

// of lists a principal's own policies: inline ones, then the attached managed ones the
// inventory holds.
func (ps policySet) of(inline []inventory.InlinePolicy, att []inventory.AttachedPolicy) []principalPolicy {
	out := []principalPolicy{}
	for _, p := range inline {
		out = append(out, principalPolicy{Source: "inline:" + p.Name, Document: p.Document})
	}
	for _, p := range att {
		if m := ps.managed[p.ARN]; m != nil {
			out = append(out, principalPolicy{Source: p.ARN, Document: m.Document})
		}
	}
	return out
}

// iam yields an account's groups and IAM policies (inline ones of groups, users and
// roles, then customer-managed ones); false once the consumer stops.
func (b *builder) iam(a *inventory.Account, acct accountInfo) bool {
	pols := newPolicySet(a)
	attached := map[string][]string{}
	attach := func(att []inventory.AttachedPolicy, owner string) {
		for _, p := range att {
			attached[p.ARN] = append(attached[p.ARN], owner)
		}
	}
	inlineResources := func(kind, arn, name string, inline []inventory.InlinePolicy) bool {
		for _, p := range inline {
			key := arn + "#inline:" + p.Name
			ok := b.add("aws.iam.policy", key,
				finding.Resource{Type: "aws.iam.policy", ARN: arn, Account: a.ID, Name: kind + "/" + name + " inline policy " + p.Name},
				acct, func() (any, any) {
					return b.policyInput(policyResource{ARN: arn, Name: p.Name, Kind: "inline", PrincipalARN: arn, AttachedTo: []string{arn}, Document: p.Document})
				})
			if !ok {
				return false
			}
		}
		return true
	}

	for i := range a.IAM.Groups {
		g := &a.IAM.Groups[i]
		attach(g.AttachedPolicies, g.ARN)
		ctx := principalContext{Policies: pols.of(g.InlinePolicies, g.AttachedPolicies), ReadableSecrets: []readableSecret{}}
		if !b.add("aws.iam.group", g.ARN, finding.Resource{Type: "aws.iam.group", ARN: g.ARN, Account: a.ID, Name: g.Name}, acct,
			func() (any, any) { return g, ctx }) || !inlineResources("group", g.ARN, g.Name, g.InlinePolicies) {
			return false
		}
	}
	for i := range a.IAM.Users {
		u := &a.IAM.Users[i]
		attach(u.AttachedPolicies, u.ARN)
		if !inlineResources("user", u.ARN, u.Name, u.InlinePolicies) {
			return false
		}
	}
	for i := range a.IAM.Roles {
		r := &a.IAM.Roles[i]
		attach(r.AttachedPolicies, r.ARN)
		if !inlineResources("role", r.ARN, r.Name, r.InlinePolicies) {
			return false
		}
	}
	for i := range a.IAM.Policies {
		p := &a.IAM.Policies[i]
		if p.AWSManaged {
			// AWS owns these documents; what matters is who they are attached to,
			// which the principal rules judge.
			continue
		}
		to := attached[p.ARN]
		if to == nil {
			to = []string{}
		}
		ok := b.add("aws.iam.policy", p.ARN,
			finding.Resource{Type: "aws.iam.policy", ARN: p.ARN, Account: a.ID, Name: p.Name},
			acct, func() (any, any) {
				return b.policyInput(policyResource{ARN: p.ARN, Name: p.Name, Kind: "managed", AttachedTo: to, AttachmentCount: p.AttachmentCount, Document: p.Document})
			})
		if !ok {
			return false
		}
	}
	return true
}

// keyIndex resolves the ways a key can be named: id, ARN, alias name, alias ARN.
type keyIndex struct {
	byARN   map[string]*inventory.Key
	byID    map[string]*inventory.Key // region + "/" + key id
	byAlias map[string]*inventory.Key // region + "/" + alias name
}

func newKeyIndex(a *inventory.Account) keyIndex {
	idx := keyIndex{byARN: map[string]*inventory.Key{}, byID: map[string]*inventory.Key{}, byAlias: map[string]*inventory.Key{}}
	for i := range a.Keys {
		k := &a.Keys[i]
		idx.byARN[k.ARN] = k
		idx.byID[k.Region+"/"+k.KeyID] = k
		for _, al := range k.Aliases {
			idx.byAlias[k.Region+"/"+al] = k
		}
	}
	return idx
}

// find resolves ref (key id, key ARN, alias name or alias ARN) in region.
func (idx keyIndex) find(ref, region string) *inventory.Key {
	if k := idx.byARN[ref]; k != nil {
		return k
	}
	if strings.HasPrefix(ref, "arn:") {
		parts := strings.SplitN(ref, ":", 6)
		if len(parts) == 6 {
			region, ref = parts[3], parts[5]
			if id, ok := strings.CutPrefix(ref, "key/"); ok {
				ref = id
			}
		}
	}
	if strings.HasPrefix(ref, "alias/") {
		return idx.byAlias[region+"/"+ref]
	}
	return idx.byID[region+"/"+ref]
}

func (idx keyIndex) forSecret(s *inventory.Secret) *inventory.Key {
	if s.KMSKeyID == "" {
		return idx.find("alias/aws/secretsmanager", s.Region)
	}
	return idx.find(s.KMSKeyID, s.Region)
}
