package aws_test

import (
	"context"
	"fmt"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custos-dev/custos/internal/config"
	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/exposure"
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

// BenchmarkEvaluate measures posture evaluation of the built-in policies: the
// effective-access analysis, input building and every rule per resource, on all cores.
// Besides time it reports the CPU time per run (user + system, which a loaded machine
// does not inflate as much as wall time), the peak heap (objects, live or not yet
// collected, sampled every millisecond) and the process's peak RSS.
func BenchmarkEvaluate_1k(b *testing.B)   { benchmarkEvaluate(b, 1_000) }
func BenchmarkEvaluate_10k(b *testing.B)  { benchmarkEvaluate(b, 10_000) }
func BenchmarkEvaluate_100k(b *testing.B) { benchmarkEvaluate(b, 100_000) }

func benchmarkEvaluate(b *testing.B, n int) {
	eng := newEngine(b)
	snap := synthetic(n)
	b.ReportAllocs()
	peak := startHeapSampler(b)
	cpu0 := cpuTime()
	b.ResetTimer()
	findings := 0
	for b.Loop() {
		fs, _, err := awsscan.Evaluate(context.Background(), eng, snap, asOf)
		if err != nil {
			b.Fatal(err)
		}
		if len(fs) == 0 {
			b.Fatal("no findings on a synthetic account built to have some")
		}
		findings = len(fs)
	}
	b.StopTimer()
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(maxRSS())/(1<<20), "max-rss-MB")
}

// startHeapSampler samples the heap every millisecond until the benchmark ends and
// returns a function that reads the highest value seen.
func startHeapSampler(b *testing.B) func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	b.Cleanup(func() { close(done); <-stopped })
	return peak.Load
}

// TestStatementFactsLeaveFindingsUnchanged judges snapshots twice: with the statement
// facts custos computes in Go (what a scan does) and without them, every statement read
// in Rego (what opa test does). The facts only let rules skip statements that cannot
// concern them, so the findings must be the same, evidence and messages included.
func TestStatementFactsLeaveFindingsUnchanged(t *testing.T) {
	t.Parallel()
	eng := newEngine(t)
	require.NotNil(t, eng.Statements())
	demo, err := inventory.Load("../../testdata/snapshots/demo.json")
	require.NoError(t, err)
	precision := &inventory.Snapshot{SchemaVersion: inventory.SchemaVersion, GeneratedAt: asOf}
	for i, c := range precisionCases() {
		acct := inventory.Account{ID: fmt.Sprintf("2000000%05d", i), Partition: "aws"}
		var more []inventory.Account
		c.build(t, &acct, &more)
		precision.Accounts = append(precision.Accounts, acct)
		precision.Accounts = append(precision.Accounts, more...)
	}
	for name, snap := range map[string]*inventory.Snapshot{"demo": demo, "precision": precision, "synthetic": synthetic(2000)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ex := exposure.Analyze(snap)
			without, err := eng.Evaluate(context.Background(), awsscan.ResourcesWith(snap, asOf, ex))
			require.NoError(t, err)
			with, err := eng.EvaluateSeq(context.Background(), awsscan.Inputs(snap, asOf, ex, eng.Statements()))
			require.NoError(t, err)
			require.NotEmpty(t, with)
			policyFindings := 0
			for _, f := range with {
				if f.Resource.Type == "aws.iam.policy" {
					policyFindings++
				}
			}
			require.Positive(t, policyFindings, "the snapshot has IAM policies the rules report")
			require.Equal(t, without, with)
			// Evaluate: the same, with the analysis run while the first inputs are judged.
			scan, analysis, err := awsscan.Evaluate(context.Background(), eng, snap, asOf)
			require.NoError(t, err)
			require.Equal(t, with, scan)
			require.Equal(t, ex, analysis)
		})
	}
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
