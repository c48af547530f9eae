package aws

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/awsapi"
	"github.com/custos-dev/custos/internal/inventory"
)

// benchLatency is the latency the emulator adds to every call, about what a call to
// AWS takes from inside the region.
const benchLatency = 20 * time.Millisecond

// syntheticWorld is one account in one region with the given numbers of secrets, keys
// and roles (plus a few users and a trail), every one with what a real one carries:
// tags, policies, grants, aliases.
func syntheticWorld(tb testing.TB, secrets, keys, roles int) awsapi.World {
	const region = "eu-west-1"
	pol := policy(tb, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/app"},"Action":["secretsmanager:GetSecretValue","kms:Decrypt"],"Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcde12345"}}}]}`)
	trust := policy(tb, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	a := inventory.Account{ID: mgmt}
	for i := range secrets {
		s := inventory.Secret{
			ARN:  fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:app/%06d-AbCdEf", region, mgmt, i),
			Name: fmt.Sprintf("app/%06d", i), Region: region, CreatedDate: at(-i % 900),
			RotationEnabled: i%2 == 0, RotationRules: &inventory.RotationRules{AutomaticallyAfterDays: 30},
			Tags: inventory.Tags{"owner": "team", "env": "prod"},
		}
		if i%2 == 0 {
			s.ResourcePolicy = pol
		}
		a.Secrets = append(a.Secrets, s)
	}
	for i := range keys {
		id := fmt.Sprintf("%08d-0000-0000-0000-000000000000", i)
		a.Keys = append(a.Keys, inventory.Key{
			ARN: fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, mgmt, id), KeyID: id, Region: region,
			KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", KeyState: "Enabled",
			Enabled: true, Origin: "AWS_KMS", RotationEnabled: true, RotationPeriodDays: 365, KeyPolicy: pol,
			Grants:  []inventory.Grant{{GrantID: "g" + id, GranteePrincipal: "arn:aws:iam::" + mgmt + ":role/app", Operations: []string{"Decrypt"}}},
			Aliases: []string{"alias/k" + id}, Tags: inventory.Tags{"owner": "team"}, CreationDate: at(-100),
		})
	}
	for i := range roles {
		a.IAM.Roles = append(a.IAM.Roles, inventory.Role{
			ARN: fmt.Sprintf("arn:aws:iam::%s:role/r%06d", mgmt, i), Name: fmt.Sprintf("r%06d", i), Path: "/",
			TrustPolicy: trust, InlinePolicies: []inventory.InlinePolicy{{Name: "app", Document: *pol}},
			CreateDate: at(-10), Tags: inventory.Tags{},
		})
	}
	for i := range 10 {
		a.IAM.Users = append(a.IAM.Users, inventory.User{
			ARN: fmt.Sprintf("arn:aws:iam::%s:user/u%d", mgmt, i), Name: fmt.Sprintf("u%d", i),
			AccessKeys: []inventory.AccessKey{{AccessKeyID: fmt.Sprintf("AKIAUSER%012d", i), Status: "Active", CreateDate: at(-50)}},
		})
	}
	a.IAM.Root = &inventory.RootUser{MFAEnabled: true}
	a.Trails = []inventory.Trail{{ARN: "arn:aws:cloudtrail:" + region + ":" + mgmt + ":trail/main", Name: "main",
		HomeRegion: region, IsMultiRegion: true, IsLogging: true}}
	return awsapi.World{
		Credentials: []awsapi.Credential{{AccessKeyID: mgmtKey, Account: mgmt, ARN: "arn:aws:iam::" + mgmt + ":user/auditor"}},
		Accounts:    []awsapi.Account{{Account: a}},
	}
}

// benchmarkCollect collects a synthetic account from the emulator with benchLatency
// per call at the default concurrency, and reports the calls per resource and the
// wall time against the ideal: calls ÷ concurrency × latency. The emulator has no
// quotas, so the client-side rate limits are off: this measures the worker pool.
func benchmarkCollect(b *testing.B, secrets, keys, roles int) {
	srv := awsapi.New(b, syntheticWorld(b, secrets, keys, roles), awsapi.Options{Latency: benchLatency})
	cfg := sdkConfig(b, srv, "eu-west-1")
	opts := Options{Regions: []string{"eu-west-1"}, RateLimits: map[string]float64{}}
	var wall time.Duration
	var calls int
	b.ResetTimer()
	for range b.N {
		srv.ResetCalls()
		start := time.Now()
		snap, err := Collect(context.Background(), cfg, opts)
		wall += time.Since(start)
		require.NoError(b, err)
		require.True(b, inventory.Complete(snap.Coverage), "%+v", snap.Coverage)
		require.Len(b, snap.Accounts[0].Secrets, secrets)
		require.Len(b, snap.Accounts[0].Keys, keys)
		require.Len(b, snap.Accounts[0].IAM.Roles, roles)
		calls += srv.Calls(awsapi.Call{})
	}
	n := float64(b.N)
	perRun := float64(calls) / n
	ideal := perRun / float64(DefaultConcurrency) * benchLatency.Seconds()
	seconds := wall.Seconds() / n
	b.ReportMetric(perRun, "calls/op")
	b.ReportMetric(perRun/float64(secrets+keys+roles), "calls/resource")
	b.ReportMetric(ideal, "ideal-s/op")
	b.ReportMetric(seconds, "wall-s/op")
	b.ReportMetric(seconds/ideal, "wall/ideal")
}

// 1,000 secrets, 200 keys, 500 roles.
func BenchmarkCollect_1k(b *testing.B) { benchmarkCollect(b, 1000, 200, 500) }

// 10,000 secrets, 2,000 keys, 5,000 roles.
func BenchmarkCollect_10k(b *testing.B) { benchmarkCollect(b, 10000, 2000, 5000) }
