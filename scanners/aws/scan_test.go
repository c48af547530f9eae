package aws_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/custos-dev/custos/internal/config"
	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/inventory"
	awsscan "github.com/custos-dev/custos/scanners/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var asOf = time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)

func newEngine(tb testing.TB) *engine.Engine {
	tb.Helper()
	cfg, err := config.Default()
	require.NoError(tb, err)
	data, err := cfg.PolicyData()
	require.NoError(tb, err)
	eng, err := engine.New(context.Background(), engine.Options{Config: data})
	require.NoError(tb, err)
	return eng
}

func TestResourcesResolveCrossReferences(t *testing.T) {
	t.Parallel()
	snap, err := inventory.Load("../../testdata/snapshots/demo.json")
	require.NoError(t, err)
	res := awsscan.Resources(snap, asOf)
	byType := map[string]int{}
	for _, r := range res {
		byType[r.Type]++
	}
	a := snap.Accounts[0]
	assert.Equal(t, len(a.Secrets), byType["aws.secretsmanager.secret"])
	assert.Equal(t, len(a.Keys), byType["aws.kms.key"])
	assert.Equal(t, len(a.Trails), byType["aws.cloudtrail.trail"])
	assert.Equal(t, len(a.IAM.Roles), byType["aws.iam.role"])
	assert.Equal(t, 1, byType["aws.account"])
	assert.Positive(t, byType["aws.iam.policy"])
}

// synthetic builds an account of n resources: half secrets, a tenth keys, the rest
// roles with one to ten statements and their managed policies.
func synthetic(n int) *inventory.Snapshot {
	acct := inventory.Account{ID: "111122223333", OrganizationID: "o-a1b2c3d4e5"}
	keys := n / 10
	for i := 0; i < keys; i++ {
		id := fmt.Sprintf("k-%06d", i)
		acct.Keys = append(acct.Keys, inventory.Key{
			ARN: "arn:aws:kms:eu-west-1:111122223333:key/" + id, KeyID: id, Region: "eu-west-1",
			KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT",
			KeyState: "Enabled", Enabled: true, Origin: "AWS_KMS", RotationEnabled: i%3 != 0, RotationPeriodDays: 365,
			Tags: inventory.Tags{"owner": "team"},
			KeyPolicy: &inventory.Policy{Statements: []inventory.Statement{{
				Effect: "Allow", Principal: &inventory.Principal{AWS: []string{"arn:aws:iam::111122223333:root"}, Accounts: []string{"111122223333"}},
				Actions: []string{"kms:*"}, Resources: []string{"*"},
			}}},
		})
	}
	created := asOf.Add(-400 * 24 * time.Hour)
	for i := 0; i < n/2; i++ {
		s := inventory.Secret{
			ARN:  fmt.Sprintf("arn:aws:secretsmanager:eu-west-1:111122223333:secret:app-%06d-AbCdEf", i),
			Name: fmt.Sprintf("app-%06d", i), Region: "eu-west-1", CreatedDate: &created,
			RotationEnabled: i%2 == 0, RotationRules: &inventory.RotationRules{AutomaticallyAfterDays: 30 + i%120},
			Tags: inventory.Tags{"owner": "team", "environment": "prod"},
		}
		if keys > 0 {
			s.KMSKeyID = acct.Keys[i%keys].KeyID
		}
		acct.Secrets = append(acct.Secrets, s)
	}
	for i := 0; len(acct.Secrets)+len(acct.Keys)+len(acct.IAM.Roles) < n; i++ {
		var stmts []inventory.Statement
		for j := 0; j <= i%10; j++ {
			stmts = append(stmts, inventory.Statement{
				Effect:    "Allow",
				Actions:   []string{"secretsmanager:getsecretvalue", "kms:decrypt"},
				Resources: []string{fmt.Sprintf("arn:aws:secretsmanager:eu-west-1:111122223333:secret:app-%06d-*", j)},
			})
		}
		if i%50 == 0 {
			stmts = append(stmts, inventory.Statement{Effect: "Allow", Actions: []string{"secretsmanager:*"}, Resources: []string{"*"}})
		}
		arn := fmt.Sprintf("arn:aws:iam::111122223333:role/app-%06d", i)
		acct.IAM.Roles = append(acct.IAM.Roles, inventory.Role{
			ARN: arn, Name: fmt.Sprintf("app-%06d", i),
			InlinePolicies: []inventory.InlinePolicy{{Name: "app", Document: inventory.Policy{Statements: stmts}}},
		})
	}
	return &inventory.Snapshot{SchemaVersion: inventory.SchemaVersion, GeneratedAt: asOf, Accounts: []inventory.Account{acct}}
}

// BenchmarkEvaluate measures posture evaluation of the built-in policies:
// input building, every rule per resource, on all cores.
func BenchmarkEvaluate_1k(b *testing.B)   { benchmarkEvaluate(b, 1_000) }
func BenchmarkEvaluate_10k(b *testing.B)  { benchmarkEvaluate(b, 10_000) }
func BenchmarkEvaluate_100k(b *testing.B) { benchmarkEvaluate(b, 100_000) }

func benchmarkEvaluate(b *testing.B, n int) {
	eng := newEngine(b)
	snap := synthetic(n)
	b.ReportAllocs()
	b.ResetTimer()
	var peak uint64
	for b.Loop() {
		fs, _, err := awsscan.Evaluate(context.Background(), eng, snap, asOf)
		if err != nil {
			b.Fatal(err)
		}
		if len(fs) == 0 {
			b.Fatal("no findings on a synthetic account built to have some")
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
	b.ReportMetric(float64(peak)/(1<<20), "heap-MB")
}

func TestResourceTypesListsWhatResourcesBuilds(t *testing.T) {
	t.Parallel()
	snap, err := inventory.Load("../../testdata/snapshots/demo.json")
	require.NoError(t, err)
	built := map[string]bool{}
	for _, r := range awsscan.Resources(snap, asOf) {
		built[r.Type] = true
	}
	listed := map[string]bool{}
	for _, typ := range awsscan.ResourceTypes() {
		listed[typ] = true
	}
	assert.Equal(t, listed, built)
}
