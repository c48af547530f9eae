package exposure_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custos-dev/custos/internal/exposure"
	"github.com/custos-dev/custos/internal/inventory"
)

// synthetic builds an organisation of n resources in accounts of 1,000: per account 500
// secrets of 100 applications, 100 keys (one AWS-managed) and 400 principals with 1–10
// statements each: application roles scoped to their secrets and key, users in groups,
// three broad admin roles; a tenth of the secrets carry a resource policy, and each
// account shares one secret with the next account.
func synthetic(n int) *inventory.Snapshot {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	accounts := max(1, n/1000)
	snap := &inventory.Snapshot{SchemaVersion: inventory.SchemaVersion}
	mustPolicy := func(text string) inventory.Policy {
		p, err := inventory.ParsePolicy(text)
		if err != nil {
			panic(err)
		}
		return p
	}
	filler := []string{
		`{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::bucket-{n}/*"}`,
		`{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}`,
		`{"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": "arn:aws:sqs:eu-west-1:{acct}:queue-{n}"}`,
		`{"Effect": "Deny", "Action": "secretsmanager:DeleteSecret", "Resource": "*"}`,
		`{"Effect": "Allow", "Action": "secretsmanager:DescribeSecret", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}`,
		`{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}`,
		`{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:eu-west-1:{acct}:table/t-{n}"}`,
	}
	for a := 0; a < accounts; a++ {
		id := fmt.Sprintf("%012d", 100000000000+a)
		next := fmt.Sprintf("%012d", 100000000000+(a+1)%accounts)
		acct := inventory.Account{ID: id, OrganizationID: "o-synthetic", Partition: "aws"}
		root := fmt.Sprintf(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": "kms:*", "Resource": "*"}`, id)
		for k := 0; k < 99; k++ {
			stmts := fmt.Sprintf(`{"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:role/app-%03d-0"}, "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"}`, id, k)
			if k%10 != 0 {
				stmts = root + "," + stmts
			}
			if k == 0 {
				stmts += fmt.Sprintf(`,{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": "kms:Decrypt", "Resource": "*"}`, next)
			}
			acct.Keys = append(acct.Keys, inventory.Key{
				ARN: fmt.Sprintf("arn:aws:kms:eu-west-1:%s:key/k-%03d", id, k), KeyID: fmt.Sprintf("k-%03d", k), Region: "eu-west-1",
				KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", KeyState: "Enabled", Enabled: true, Origin: "AWS_KMS",
				KeyPolicy: new(mustPolicy(`{"Version": "2012-10-17", "Statement": [` + stmts + `]}`)),
			})
		}
		acct.Keys = append(acct.Keys, inventory.Key{
			ARN: fmt.Sprintf("arn:aws:kms:eu-west-1:%s:key/aws-sm", id), KeyID: "aws-sm", Region: "eu-west-1", Aliases: []string{"alias/aws/secretsmanager"},
			KeyManager: "AWS", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", KeyState: "Enabled", Enabled: true, Origin: "AWS_KMS",
			KeyPolicy: new(mustPolicy(fmt.Sprintf(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*",
				"Condition": {"StringEquals": {"kms:CallerAccount": "%s", "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}}]}`, id))),
		})
		for s := 0; s < 500; s++ {
			app := s / 5
			sec := inventory.Secret{
				ARN:    fmt.Sprintf("arn:aws:secretsmanager:eu-west-1:%s:secret:app-%03d/secret-%d-AbCdEf", id, app, s),
				Name:   fmt.Sprintf("app-%03d/secret-%d", app, s),
				Region: "eu-west-1", Tags: inventory.Tags{"environment": []string{"production", "staging"}[s%2]},
			}
			if s%5 != 0 {
				sec.KMSKeyID = fmt.Sprintf("arn:aws:kms:eu-west-1:%s:key/k-%03d", id, app%99)
			}
			switch {
			case s == 1:
				sec.ResourcePolicy = new(mustPolicy(fmt.Sprintf(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}`, next)))
				sec.KMSKeyID = fmt.Sprintf("arn:aws:kms:eu-west-1:%s:key/k-000", id)
			case s%10 == 3:
				sec.ResourcePolicy = new(mustPolicy(fmt.Sprintf(`{"Version": "2012-10-17", "Statement": [
					{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:role/app-%03d-1"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
					{"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-synthetic"}}}]}`, id, app)))
			}
			acct.Secrets = append(acct.Secrets, sec)
		}
		statements := func(base ...string) []inventory.InlinePolicy {
			count := 1 + rng.IntN(10)
			for len(base) < count {
				base = append(base, strings.NewReplacer("{n}", strconv.Itoa(rng.IntN(1000)), "{acct}", id).Replace(filler[rng.IntN(len(filler))]))
			}
			return []inventory.InlinePolicy{{Name: "inline", Document: mustPolicy(`{"Version": "2012-10-17", "Statement": [` + strings.Join(base[:count], ",") + `]}`)}}
		}
		for p := 0; p < 397; p++ {
			app := p % 100
			if p < 300 {
				name := fmt.Sprintf("app-%03d-%d", app, p/100)
				acct.IAM.Roles = append(acct.IAM.Roles, inventory.Role{
					ARN: fmt.Sprintf("arn:aws:iam::%s:role/%s", id, name), Name: name, Tags: inventory.Tags{"environment": "production"},
					InlinePolicies: statements(
						fmt.Sprintf(`{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "Resource": "arn:aws:secretsmanager:eu-west-1:%s:secret:app-%03d/*"}`, id, app),
						fmt.Sprintf(`{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:%s:key/k-%03d", "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}}`, id, app%99)),
				})
				continue
			}
			name := fmt.Sprintf("user-%03d", p)
			acct.IAM.Users = append(acct.IAM.Users, inventory.User{
				ARN: fmt.Sprintf("arn:aws:iam::%s:user/%s", id, name), Name: name, Groups: []string{fmt.Sprintf("team-%d", app%10)},
				InlinePolicies: statements(),
			})
		}
		for g := 0; g < 10; g++ {
			acct.IAM.Groups = append(acct.IAM.Groups, inventory.Group{
				ARN: fmt.Sprintf("arn:aws:iam::%s:group/team-%d", id, g), Name: fmt.Sprintf("team-%d", g),
				InlinePolicies: []inventory.InlinePolicy{{Name: "team", Document: mustPolicy(fmt.Sprintf(`{"Version": "2012-10-17", "Statement": [
					{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:*:%s:secret:app-0%d*"}]}`, id, g))}},
			})
		}
		for _, admin := range []string{
			`{"Effect": "Allow", "Action": "*", "Resource": "*"}`,
			`{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"], "Resource": "*"}`,
			`{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}`,
		} {
			name := fmt.Sprintf("admin-%d", len(acct.IAM.Roles))
			acct.IAM.Roles = append(acct.IAM.Roles, inventory.Role{
				ARN: fmt.Sprintf("arn:aws:iam::%s:role/%s", id, name), Name: name,
				InlinePolicies: statements(admin),
			})
		}
		snap.Accounts = append(snap.Accounts, acct)
	}
	return snap
}

// heapBytes is the live heap after a collection.
func heapBytes() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// heapPeak runs f and reports the highest heap (live data and garbage not yet
// collected) above base, sampled every millisecond.
func heapPeak(base uint64, f func()) uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	<-stopped
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

func BenchmarkAnalyze_1k(b *testing.B)   { benchmarkAnalyze(b, 1_000) }
func BenchmarkAnalyze_10k(b *testing.B)  { benchmarkAnalyze(b, 10_000) }
func BenchmarkAnalyze_100k(b *testing.B) { benchmarkAnalyze(b, 100_000) }

func benchmarkAnalyze(b *testing.B, n int) {
	snap := synthetic(n)
	var peak, retained uint64
	var reads int
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var r *exposure.Result
		b.StopTimer()
		base := heapBytes()
		b.StartTimer()
		peak = max(peak, heapPeak(base, func() { r = exposure.Analyze(snap) }))
		b.StopTimer()
		if live := heapBytes(); live > base {
			retained = max(retained, live-base)
		}
		reads = 0
		for i := range r.Secrets {
			reads += r.Secrets[i].ReaderCount
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	b.ReportMetric(float64(retained)/(1<<20), "result-MB")
	b.ReportMetric(float64(reads), "readers")
}
