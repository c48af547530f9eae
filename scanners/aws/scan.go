// Package aws collects the inventory of AWS accounts (one collector per service) and
// turns an inventory into the inputs the policies judge.
package aws

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/exposure"
	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
)

// Evaluator judges resources; *engine.Engine is one.
type Evaluator interface {
	Evaluate(ctx context.Context, resources []engine.Resource) ([]finding.Finding, error)
}

// Evaluate judges every resource of the snapshot as of now. It returns the findings and
// the effective-access analysis the policies were given, for the reports.
func Evaluate(ctx context.Context, ev Evaluator, snap *inventory.Snapshot, now time.Time) ([]finding.Finding, *exposure.Result, error) {
	ex := exposure.Analyze(snap)
	fs, err := ev.Evaluate(ctx, ResourcesWith(snap, now, ex))
	return fs, ex, err
}

// ResourceTypes are the resource types a cloud scan judges: the rules of other types
// (access-log review, for one) do not run in it and are left out of its reports.
func ResourceTypes() []string {
	return []string{
		"aws.account", "aws.cloudtrail.trail", "aws.iam.group", "aws.iam.policy",
		"aws.iam.role", "aws.iam.user", "aws.kms.key", "aws.secretsmanager.secret",
	}
}

// Resources builds one policy input per resource; see ResourcesWith.
func Resources(snap *inventory.Snapshot, now time.Time) []engine.Resource {
	return ResourcesWith(snap, now, exposure.Analyze(snap))
}

// ResourcesWith builds one policy input per resource, with the lookups rules need across
// resources (a secret's key and readers, the secrets a key protects, a principal's
// policies and the secrets it can read) computed here once, so that evaluation stays
// linear in the number of resources.
func ResourcesWith(snap *inventory.Snapshot, now time.Time, ex *exposure.Result) []engine.Resource {
	b := builder{now: now.UTC().Format(time.RFC3339), orgTrails: orgTrails(snap), exposure: ex, secretTags: map[string]inventory.Tags{}}
	for i := range snap.Accounts {
		for j := range snap.Accounts[i].Secrets {
			s := &snap.Accounts[i].Secrets[j]
			b.secretTags[s.ARN] = s.Tags
		}
	}
	for i := range snap.Accounts {
		b.account(&snap.Accounts[i])
	}
	return b.out
}

type builder struct {
	now        string
	orgTrails  map[string][]*inventory.Trail
	exposure   *exposure.Result
	secretTags map[string]inventory.Tags
	out        []engine.Resource
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

func (b *builder) add(typ, key string, res finding.Resource, acct accountInfo, resource, context any) {
	if context == nil {
		context = struct{}{}
	}
	b.out = append(b.out, engine.Resource{
		Type:     typ,
		Key:      key,
		Resource: res,
		Input: input{
			ResourceType: typ,
			Resource:     resource,
			Account:      acct,
			Now:          b.now,
			Context:      context,
		},
	})
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
	if b.exposure == nil {
		return out
	}
	pa, ok := b.exposure.Principal(arn)
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

func (b *builder) account(a *inventory.Account) {
	partition := a.Partition
	if partition == "" {
		partition = "aws"
	}
	acct := accountInfo{ID: a.ID, OrganizationID: a.OrganizationID, Partition: partition}
	keys := newKeyIndex(a)
	usage := map[string]*keyContext{}
	use := func(k *inventory.Key) *keyContext {
		if usage[k.ARN] == nil {
			usage[k.ARN] = &keyContext{UsedBySecrets: []string{}, UsedByTrails: []string{}}
		}
		return usage[k.ARN]
	}

	for i := range a.Secrets {
		s := &a.Secrets[i]
		ctx := secretContext{Readers: []exposure.Reader{}, ExternalAccounts: []string{}}
		if sa, ok := b.exposure.Secret(s.ARN); ok {
			ctx.Readers, ctx.ReaderCount, ctx.DefiniteReaders, ctx.Public = sa.Readers, sa.ReaderCount, sa.DefiniteReaders, sa.Public
			if sa.ExternalAccounts != nil {
				ctx.ExternalAccounts = sa.ExternalAccounts
			}
		}
		if k := keys.forSecret(s); k != nil {
			ctx.KMSKey = k
			ctx.AWSManagedKey = k.KeyManager == "AWS"
			use(k).UsedBySecrets = append(use(k).UsedBySecrets, s.ARN)
		} else {
			ctx.AWSManagedKey = s.KMSKeyID == "" || strings.Contains(s.KMSKeyID, "alias/aws/")
		}
		b.add("aws.secretsmanager.secret", s.ARN,
			finding.Resource{Type: "aws.secretsmanager.secret", ARN: s.ARN, Account: a.ID, Region: s.Region, Name: s.Name},
			acct, s, ctx)
	}
	for i := range a.Trails {
		t := &a.Trails[i]
		ctx := trailContext{}
		if t.KMSKeyID != "" {
			if k := keys.find(t.KMSKeyID, t.HomeRegion); k != nil {
				ctx.KMSKey = k
				use(k).UsedByTrails = append(use(k).UsedByTrails, t.ARN)
			}
		}
		b.add("aws.cloudtrail.trail", t.ARN,
			finding.Resource{Type: "aws.cloudtrail.trail", ARN: t.ARN, Account: a.ID, Region: t.HomeRegion, Name: t.Name},
			acct, t, ctx)
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
		b.add("aws.kms.key", k.ARN,
			finding.Resource{Type: "aws.kms.key", ARN: k.ARN, Account: a.ID, Region: k.Region, Name: name},
			acct, k, ctx)
	}
	b.iam(a, acct)

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
	arn := fmt.Sprintf("arn:%s:iam::%s:root", partition, a.ID)
	b.add("aws.account", arn,
		finding.Resource{Type: "aws.account", ARN: arn, Account: a.ID, Name: name},
		acct, accountResource{ID: a.ID, OrganizationID: a.OrganizationID, Root: a.IAM.Root}, accountContext{Trails: trails})
}

func (b *builder) iam(a *inventory.Account, acct accountInfo) {
	managed := map[string]*inventory.ManagedPolicy{}
	attached := map[string][]string{}
	for i := range a.IAM.Policies {
		managed[a.IAM.Policies[i].ARN] = &a.IAM.Policies[i]
	}
	policiesOf := func(inline []inventory.InlinePolicy, att []inventory.AttachedPolicy, owner string) []principalPolicy {
		out := []principalPolicy{}
		for _, p := range inline {
			out = append(out, principalPolicy{Source: "inline:" + p.Name, Document: p.Document})
		}
		for _, p := range att {
			attached[p.ARN] = append(attached[p.ARN], owner)
			if m := managed[p.ARN]; m != nil {
				out = append(out, principalPolicy{Source: p.ARN, Document: m.Document})
			}
		}
		return out
	}
	inlineResources := func(kind, arn, name string, inline []inventory.InlinePolicy) {
		for _, p := range inline {
			key := arn + "#inline:" + p.Name
			b.add("aws.iam.policy", key,
				finding.Resource{Type: "aws.iam.policy", ARN: arn, Account: a.ID, Name: kind + "/" + name + " inline policy " + p.Name},
				acct, policyResource{ARN: arn, Name: p.Name, Kind: "inline", PrincipalARN: arn, AttachedTo: []string{arn}, Document: p.Document}, nil)
		}
	}

	groups := map[string]*inventory.Group{}
	for i := range a.IAM.Groups {
		g := &a.IAM.Groups[i]
		groups[g.Name] = g
		ctx := principalContext{Policies: policiesOf(g.InlinePolicies, g.AttachedPolicies, g.ARN), ReadableSecrets: []readableSecret{}}
		b.add("aws.iam.group", g.ARN, finding.Resource{Type: "aws.iam.group", ARN: g.ARN, Account: a.ID, Name: g.Name}, acct, g, ctx)
		inlineResources("group", g.ARN, g.Name, g.InlinePolicies)
	}
	for i := range a.IAM.Users {
		u := &a.IAM.Users[i]
		ctx := principalContext{Policies: policiesOf(u.InlinePolicies, u.AttachedPolicies, u.ARN)}
		for _, gname := range u.Groups {
			if g := groups[gname]; g != nil {
				for _, p := range g.InlinePolicies {
					ctx.Policies = append(ctx.Policies, principalPolicy{Source: g.ARN + "#inline:" + p.Name, Document: p.Document})
				}
				for _, p := range g.AttachedPolicies {
					if m := managed[p.ARN]; m != nil {
						ctx.Policies = append(ctx.Policies, principalPolicy{Source: p.ARN, Document: m.Document})
					}
				}
			}
		}
		ctx.ReadableSecrets = b.readable(u.ARN)
		b.add("aws.iam.user", u.ARN, finding.Resource{Type: "aws.iam.user", ARN: u.ARN, Account: a.ID, Name: u.Name}, acct, u, ctx)
		inlineResources("user", u.ARN, u.Name, u.InlinePolicies)
	}
	for i := range a.IAM.Roles {
		r := &a.IAM.Roles[i]
		ctx := principalContext{Policies: policiesOf(r.InlinePolicies, r.AttachedPolicies, r.ARN), ReadableSecrets: b.readable(r.ARN)}
		b.add("aws.iam.role", r.ARN, finding.Resource{Type: "aws.iam.role", ARN: r.ARN, Account: a.ID, Name: r.Name}, acct, r, ctx)
		inlineResources("role", r.ARN, r.Name, r.InlinePolicies)
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
		b.add("aws.iam.policy", p.ARN,
			finding.Resource{Type: "aws.iam.policy", ARN: p.ARN, Account: a.ID, Name: p.Name},
			acct, policyResource{ARN: p.ARN, Name: p.Name, Kind: "managed", AttachedTo: to, AttachmentCount: p.AttachmentCount, Document: p.Document}, nil)
	}
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
