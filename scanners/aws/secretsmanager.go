package aws

import (
	"context"
	"sync"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"golang.org/x/sync/errgroup"

	"github.com/custos-dev/custos/internal/inventory"
)

// SecretsManagerCollector reads the metadata of the secrets of one region: ListSecrets
// (rotation, dates, tags, key), GetResourcePolicy per secret, and DescribeSecret for
// the primary copy of a replicated secret (its replicas). Never a value.
type SecretsManagerCollector struct {
	client *secretsmanager.Client
	sc     scope
}

// NewSecretsManagerCollector builds the collector from a configuration for the region.
func NewSecretsManagerCollector(cfg awssdk.Config, sc scope) *SecretsManagerCollector {
	return &SecretsManagerCollector{client: secretsmanager.NewFromConfig(cfg), sc: sc}
}

// Collect implements Collector.
func (c *SecretsManagerCollector) Collect(ctx context.Context) (Found, error) {
	var (
		fails   failures
		mu      sync.Mutex
		secrets []inventory.Secret
		g       errgroup.Group
	)
	g.SetLimit(c.sc.fanout)
	p := secretsmanager.NewListSecretsPaginator(c.client, &secretsmanager.ListSecretsInput{
		IncludePlannedDeletion: awssdk.Bool(true),
		MaxResults:             awssdk.Int32(100),
	})
	// Each page's secrets are completed while the next page is read.
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			fails.add(ServiceSecretsManager, "ListSecrets", "", err)
			break
		}
		for _, entry := range page.SecretList {
			g.Go(func() error {
				s := c.secret(ctx, entry, &fails)
				mu.Lock()
				secrets = append(secrets, s)
				mu.Unlock()
				return nil
			})
		}
	}
	_ = g.Wait()
	return Found{Secrets: secrets}, fails.err()
}

func (c *SecretsManagerCollector) secret(ctx context.Context, e smtypes.SecretListEntry, fails *failures) inventory.Secret {
	s := inventory.Secret{
		ARN:               awssdk.ToString(e.ARN),
		Name:              awssdk.ToString(e.Name),
		Description:       awssdk.ToString(e.Description),
		Region:            c.sc.region,
		KMSKeyID:          awssdk.ToString(e.KmsKeyId),
		RotationEnabled:   awssdk.ToBool(e.RotationEnabled),
		RotationLambdaARN: awssdk.ToString(e.RotationLambdaARN),
		LastRotatedDate:   utc(e.LastRotatedDate),
		LastChangedDate:   utc(e.LastChangedDate),
		LastAccessedDate:  utc(e.LastAccessedDate),
		NextRotationDate:  utc(e.NextRotationDate),
		CreatedDate:       utc(e.CreatedDate),
		DeletedDate:       utc(e.DeletedDate),
		Tags:              tagsOf(e.Tags, func(t smtypes.Tag) (*string, *string) { return t.Key, t.Value }),
		PrimaryRegion:     awssdk.ToString(e.PrimaryRegion),
		OwningService:     awssdk.ToString(e.OwningService),
	}
	if r := e.RotationRules; r != nil {
		s.RotationRules = &inventory.RotationRules{
			AutomaticallyAfterDays: int(awssdk.ToInt64(r.AutomaticallyAfterDays)),
			ScheduleExpression:     awssdk.ToString(r.ScheduleExpression),
			Duration:               awssdk.ToString(r.Duration),
		}
	}
	out, err := c.client.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: e.ARN})
	if err != nil {
		fails.add(ServiceSecretsManager, "GetResourcePolicy", s.ARN, err)
	} else if text := awssdk.ToString(out.ResourcePolicy); text != "" {
		if pol, err := inventory.ParsePolicy(text); err != nil {
			fails.add(ServiceSecretsManager, "GetResourcePolicy", s.ARN, err)
		} else {
			s.ResourcePolicy = &pol
		}
	}
	if s.PrimaryRegion == c.sc.region {
		c.replicas(ctx, &s, fails)
	}
	return s
}

// replicas reads where the primary copy of a multi-region secret is replicated.
func (c *SecretsManagerCollector) replicas(ctx context.Context, s *inventory.Secret, fails *failures) {
	out, err := c.client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: awssdk.String(s.ARN)})
	if err != nil {
		fails.add(ServiceSecretsManager, "DescribeSecret", s.ARN, err)
		return
	}
	for _, r := range out.ReplicationStatus {
		s.Replicas = append(s.Replicas, inventory.Replica{
			Region:           awssdk.ToString(r.Region),
			KMSKeyID:         awssdk.ToString(r.KmsKeyId),
			Status:           string(r.Status),
			StatusMessage:    awssdk.ToString(r.StatusMessage),
			LastAccessedDate: utc(r.LastAccessedDate),
		})
	}
}

// tagsOf turns an SDK tag list into inventory tags, never nil.
func tagsOf[T any](list []T, kv func(T) (*string, *string)) inventory.Tags {
	out := inventory.Tags{}
	for _, t := range list {
		k, v := kv(t)
		out[awssdk.ToString(k)] = awssdk.ToString(v)
	}
	return out
}

// utc copies a time in UTC, so that a snapshot reads back equal.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
