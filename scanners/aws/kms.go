package aws

import (
	"context"
	"errors"
	"sort"
	"sync"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"golang.org/x/sync/errgroup"

	"github.com/custos-dev/custos/internal/inventory"
)

// KMSCollector reads the KMS keys of one region: ListKeys, then per key DescribeKey,
// GetKeyPolicy, GetKeyRotationStatus, ListResourceTags and ListGrants, and the
// region's aliases (ListAliases). AWS-managed keys are inventoried too (secrets use
// them); the calls AWS refuses for them (tags: they cannot have any) are not made,
// nor is GetKeyRotationStatus for keys that cannot rotate automatically.
type KMSCollector struct {
	client *kms.Client
	sc     scope
}

// NewKMSCollector builds the collector from a configuration for the region.
func NewKMSCollector(cfg awssdk.Config, sc scope) *KMSCollector {
	return &KMSCollector{client: kms.NewFromConfig(cfg), sc: sc}
}

// Collect implements Collector.
func (c *KMSCollector) Collect(ctx context.Context) (Found, error) {
	var (
		fails   failures
		mu      sync.Mutex
		keys    []inventory.Key
		aliases map[string][]string
		g       errgroup.Group
		list    errgroup.Group
	)
	list.Go(func() error {
		aliases = c.aliases(ctx, &fails)
		return nil
	})
	g.SetLimit(c.sc.fanout)
	p := kms.NewListKeysPaginator(c.client, &kms.ListKeysInput{Limit: awssdk.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			fails.add(ServiceKMS, "ListKeys", "", err)
			break
		}
		for _, entry := range page.Keys {
			g.Go(func() error {
				if k, ok := c.key(ctx, entry, &fails); ok {
					mu.Lock()
					keys = append(keys, k)
					mu.Unlock()
				}
				return nil
			})
		}
	}
	_ = g.Wait()
	_ = list.Wait()
	for i := range keys {
		keys[i].Aliases = aliases[keys[i].KeyID]
	}
	return Found{Keys: keys}, fails.err()
}

// key reads one key; without DescribeKey it is not inventoried (its kind is unknown).
func (c *KMSCollector) key(ctx context.Context, e kmstypes.KeyListEntry, fails *failures) (inventory.Key, bool) {
	arn := awssdk.ToString(e.KeyArn)
	d, err := c.client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: e.KeyId})
	if err != nil {
		fails.add(ServiceKMS, "DescribeKey", arn, err)
		return inventory.Key{}, false
	}
	md := d.KeyMetadata
	k := inventory.Key{
		ARN:          awssdk.ToString(md.Arn),
		KeyID:        awssdk.ToString(md.KeyId),
		Region:       c.sc.region,
		Description:  awssdk.ToString(md.Description),
		KeyManager:   string(md.KeyManager),
		KeySpec:      string(md.KeySpec),
		KeyUsage:     string(md.KeyUsage),
		KeyState:     string(md.KeyState),
		Enabled:      md.Enabled,
		Origin:       string(md.Origin),
		MultiRegion:  awssdk.ToBool(md.MultiRegion),
		CreationDate: utc(md.CreationDate),
		DeletionDate: utc(md.DeletionDate),
		ValidTo:      utc(md.ValidTo),
	}
	if k.ARN == "" {
		k.ARN = arn
	}

	pol, err := c.client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: md.KeyId, PolicyName: awssdk.String("default")})
	if err != nil {
		fails.add(ServiceKMS, "GetKeyPolicy", k.ARN, err)
	} else if text := awssdk.ToString(pol.Policy); text != "" {
		if p, err := inventory.ParsePolicy(text); err != nil {
			fails.add(ServiceKMS, "GetKeyPolicy", k.ARN, err)
		} else {
			k.KeyPolicy = &p
		}
	}

	if rotates(md) {
		rot, err := c.client.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: md.KeyId})
		var unsupported *kmstypes.UnsupportedOperationException
		switch {
		case errors.As(err, &unsupported):
			// AWS's answer for a key that cannot rotate automatically: rotation is off.
		case err != nil:
			fails.add(ServiceKMS, "GetKeyRotationStatus", k.ARN, err)
		default:
			k.RotationEnabled = rot.KeyRotationEnabled
			k.RotationPeriodDays = int(awssdk.ToInt32(rot.RotationPeriodInDays))
			k.NextRotationDate = utc(rot.NextRotationDate)
		}
	}

	k.Tags = inventory.Tags{}
	if md.KeyManager == kmstypes.KeyManagerTypeCustomer {
		p := kms.NewListResourceTagsPaginator(c.client, &kms.ListResourceTagsInput{KeyId: md.KeyId, Limit: awssdk.Int32(50)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				fails.add(ServiceKMS, "ListResourceTags", k.ARN, err)
				break
			}
			for _, t := range page.Tags {
				k.Tags[awssdk.ToString(t.TagKey)] = awssdk.ToString(t.TagValue)
			}
		}
	}

	p := kms.NewListGrantsPaginator(c.client, &kms.ListGrantsInput{KeyId: md.KeyId, Limit: awssdk.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			fails.add(ServiceKMS, "ListGrants", k.ARN, err)
			break
		}
		for _, g := range page.Grants {
			k.Grants = append(k.Grants, grant(g))
		}
	}
	return k, true
}

// rotates reports whether AWS answers GetKeyRotationStatus for a key: symmetric
// encryption keys with key material from KMS, in a state that has key material.
func rotates(md *kmstypes.KeyMetadata) bool {
	if md.KeySpec != kmstypes.KeySpecSymmetricDefault || md.Origin != kmstypes.OriginTypeAwsKms {
		return false
	}
	switch md.KeyState {
	case kmstypes.KeyStatePendingImport, kmstypes.KeyStateUnavailable, kmstypes.KeyStateCreating:
		return false
	}
	return true
}

func grant(g kmstypes.GrantListEntry) inventory.Grant {
	out := inventory.Grant{
		GrantID:           awssdk.ToString(g.GrantId),
		Name:              awssdk.ToString(g.Name),
		GranteePrincipal:  awssdk.ToString(g.GranteePrincipal),
		RetiringPrincipal: awssdk.ToString(g.RetiringPrincipal),
		IssuingAccount:    awssdk.ToString(g.IssuingAccount),
		CreationDate:      utc(g.CreationDate),
		Operations:        []string{},
	}
	for _, op := range g.Operations {
		out.Operations = append(out.Operations, string(op))
	}
	if c := g.Constraints; c != nil {
		out.Constraints = &inventory.GrantConstraints{
			EncryptionContextSubset: c.EncryptionContextSubset,
			EncryptionContextEquals: c.EncryptionContextEquals,
		}
	}
	return out
}

// aliases maps key ids to their alias names, sorted.
func (c *KMSCollector) aliases(ctx context.Context, fails *failures) map[string][]string {
	out := map[string][]string{}
	p := kms.NewListAliasesPaginator(c.client, &kms.ListAliasesInput{Limit: awssdk.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			fails.add(ServiceKMS, "ListAliases", "", err)
			break
		}
		for _, a := range page.Aliases {
			if id := awssdk.ToString(a.TargetKeyId); id != "" {
				out[id] = append(out[id], awssdk.ToString(a.AliasName))
			}
		}
	}
	for _, names := range out {
		sort.Strings(names)
	}
	return out
}
