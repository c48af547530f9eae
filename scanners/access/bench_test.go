package access

// Benchmarks of the whole review (list, read, decode, aggregate, judge) over generated
// CloudTrail logs of realistic shape. Off by default, as every benchmark:
//
//	go test ./scanners/access -run '^$' -bench BenchmarkReview -benchtime 1x
//	CUSTOS_BENCH_EVENTS=1000000,10000000 go test ./scanners/access -run '^$' -bench BenchmarkReviewLogs -benchtime 1x -timeout 60m
//
// Generated logs are kept in $TMPDIR/custos-bench-<events> and reused by later runs.

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// BenchmarkReviewBenignMonth reviews the test fixtures' month (30k events, 3k files).
func BenchmarkReviewBenignMonth(b *testing.B) {
	if err := writeBenign(); err != nil {
		b.Fatal(err)
	}
	eng, err := sharedEngine()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, err := Review(context.Background(), Options{Sources: []Source{Path(benignDir)}, Since: reviewStart, Until: reviewEnd, Baseline: 30 * 24 * time.Hour, Engine: eng, Config: defaultAccess(b)})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReviewLogs reviews generated logs: 31 days, the last one reviewed against a
// 30-day baseline, 2,000 principals, 5,000 secrets, 200 keys, two regions, a file per
// region every five minutes. Sizes come from CUSTOS_BENCH_EVENTS (comma-separated),
// 100000 and 1000000 by default.
func BenchmarkReviewLogs(b *testing.B) {
	sizes := []int{100_000, 1_000_000}
	if env := os.Getenv("CUSTOS_BENCH_EVENTS"); env != "" {
		sizes = nil
		for _, s := range strings.Split(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1000 {
				b.Fatalf("CUSTOS_BENCH_EVENTS: %q is not a number of events (at least 1000)", s)
			}
			sizes = append(sizes, n)
		}
	}
	eng, err := sharedEngine()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			dir := filepath.Join(os.TempDir(), fmt.Sprintf("custos-bench-%d", n))
			bytes, err := generateLogs(dir, n)
			if err != nil {
				b.Fatal(err)
			}
			var res *Result
			var peak, peakLive uint64
			var elapsed, cpu time.Duration
			for b.Loop() {
				runtime.GC()
				stop := samplePeakHeap(&peak, &peakLive)
				cpu0 := cpuTime()
				start := time.Now()
				res, err = Review(context.Background(), Options{
					Sources: []Source{Path(dir)}, Since: benchReview, Until: benchReview.Add(24 * time.Hour),
					Baseline: 30 * 24 * time.Hour, Engine: eng, Config: defaultAccess(b),
				})
				elapsed += time.Since(start)
				cpu += cpuTime() - cpu0
				stop()
				if err != nil {
					b.Fatal(err)
				}
			}
			if res.Stats.Events != n {
				b.Fatalf("reviewed %d events, generated %d", res.Stats.Events, n)
			}
			b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "events/cpu-s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(peakLive)/(1<<20), "peak-live-MB")
			b.ReportMetric(float64(bytes)/float64(n), "gz-bytes/event")
			b.ReportMetric(float64(res.Stats.Principals), "principals")
			b.ReportMetric(float64(len(res.Findings)), "findings")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used: throughput per CPU
// second does not depend on what else the machine runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// samplePeakHeap records, until stop is called, the largest heap (objects, live or not
// yet swept: what the process holds) and the largest live heap the GC found (what the
// review keeps).
func samplePeakHeap(peak, peakLive *uint64) (stop func()) {
	var done atomic.Bool
	finished := make(chan struct{})
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	go func() {
		defer close(finished)
		for !done.Load() {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > *peak {
				*peak = v
			}
			if v := sample[1].Value.Uint64(); v > *peakLive {
				*peakLive = v
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() { done.Store(true); <-finished }
}

var (
	benchStart  = time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	benchReview = benchStart.AddDate(0, 0, 30)
)

type benchPrincipal struct {
	own, viaSecrets string // userIdentity JSON, and with invokedBy secretsmanager
	ip, ua          string
	secrets         []int
	key             int
	weight          float64
}

// generateLogs writes n events into dir (once; later calls reuse it) and returns the
// bytes written.
func generateLogs(dir string, n int) (int64, error) {
	done := filepath.Join(dir, ".complete")
	if data, err := os.ReadFile(done); err == nil {
		return strconv.ParseInt(string(data), 10, 64)
	}
	if err := os.RemoveAll(dir); err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	const account = "123456789012"
	uas := []string{sdkUA, pyUA, lambdaUA, "aws-sdk-java/2.25.16 Linux/5.10.213 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/adaptive", cliUA}
	principals := make([]benchPrincipal, 2000)
	total := 0.0
	for i := range principals {
		p := &principals[i]
		var id string
		switch {
		case i < 1500:
			role := fmt.Sprintf("app-%04d", i)
			id = fmt.Sprintf(`{"type":"AssumedRole","principalId":"AROA%016X:%s-session","arn":"arn:aws:sts::%s:assumed-role/%s/%s-session","accountId":"%s","accessKeyId":"ASIA%016X","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA%016X","arn":"arn:aws:iam::%s:role/%s","accountId":"%s","userName":"%s"},"attributes":{"creationDate":"2024-04-01T00:00:00Z","mfaAuthenticated":"false"}}`,
				i, role, account, role, role, account, i, i, account, role, account, role)
		case i < 1900:
			user := fmt.Sprintf("user-%04d", i)
			id = fmt.Sprintf(`{"type":"IAMUser","principalId":"AIDA%016X","arn":"arn:aws:iam::%s:user/%s","accountId":"%s","accessKeyId":"AKIA%016X","userName":"%s"`, i, account, user, account, i, user)
		default:
			email := fmt.Sprintf("person%03d@example.com", i)
			id = fmt.Sprintf(`{"type":"AssumedRole","principalId":"AROA%016X:%s","arn":"arn:aws:sts::%s:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/%s","accountId":"%s","accessKeyId":"ASIA%016X","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA%016X","arn":"arn:aws:iam::%s:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123456789abcdef","accountId":"%s","userName":"AWSReservedSSO_Developer_0123456789abcdef"},"attributes":{"creationDate":"2024-04-01T00:00:00Z","mfaAuthenticated":"true"}}`,
				i, email, account, email, account, i, i, account, account)
		}
		p.own = id + "}"
		p.viaSecrets = id + `,"invokedBy":"secretsmanager.amazonaws.com"}`
		p.ip = fmt.Sprintf("203.0.%d.%d", 1+i%200, 10+i%7)
		p.ua = uas[i%len(uas)]
		for j := range 1 + i%3 {
			p.secrets = append(p.secrets, (i*7+j*13)%5000)
		}
		p.key = i % 200
		p.weight = 1 / float64(1+i%50) // a few busy principals, many quiet ones
		total += p.weight
	}
	cum := make([]float64, len(principals))
	acc := 0.0
	for i := range principals {
		acc += principals[i].weight / total
		cum[i] = acc
	}
	pick := func() *benchPrincipal {
		x := rng.Float64()
		lo, hi := 0, len(cum)-1
		for lo < hi {
			mid := (lo + hi) / 2
			if cum[mid] < x {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return &principals[lo]
	}

	regions := []string{"eu-west-1", "us-east-1"}
	slots := 31 * 24 * 12
	var written int64
	var seq uint64
	buf := make([]byte, 0, 1<<20)
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	for s := range slots {
		slot := benchStart.Add(time.Duration(s) * 5 * time.Minute)
		delivered := slot.Add(5 * time.Minute)
		for ri, region := range regions {
			count := n / (slots * len(regions))
			if s*len(regions)+ri < n%(slots*len(regions)) {
				count++
			}
			if count == 0 {
				continue
			}
			buf = append(buf[:0], `{"Records":[`...)
			for e := range count {
				if e > 0 {
					buf = append(buf, ',')
				}
				seq++
				at := slot.Add(time.Duration(e*300/count) * time.Second)
				buf = benchEvent(buf, rng, pick(), at, region, account, seq)
			}
			buf = append(buf, "]}"...)
			folder := filepath.Join(dir, "AWSLogs", account, "CloudTrail", region, delivered.Format("2006/01/02"))
			if err := os.MkdirAll(folder, 0o755); err != nil {
				return 0, err
			}
			name := fmt.Sprintf("%s_CloudTrail_%s_%s_%016x.json.gz", account, region, delivered.Format("20060102T1504Z"), seq)
			f, err := os.Create(filepath.Join(folder, name))
			if err != nil {
				return 0, err
			}
			bw := bufio.NewWriterSize(f, 256<<10)
			zw.Reset(bw)
			if _, err := zw.Write(buf); err != nil {
				return 0, err
			}
			if err := zw.Close(); err != nil {
				return 0, err
			}
			if err := bw.Flush(); err != nil {
				return 0, err
			}
			info, err := f.Stat()
			if err != nil {
				return 0, err
			}
			written += info.Size()
			if err := f.Close(); err != nil {
				return 0, err
			}
		}
	}
	return written, os.WriteFile(done, []byte(strconv.FormatInt(written, 10)), 0o644)
}

// benchEvent appends one event: secret reads with Secrets Manager's decrypt on the
// caller's behalf, the principal's own KMS calls, SecureString reads and other
// management calls.
func benchEvent(buf []byte, rng *rand.Rand, p *benchPrincipal, at time.Time, region, account string, seq uint64) []byte {
	head := func(identity, source, name, ip, ua string) {
		buf = append(buf, `{"eventVersion":"1.09","userIdentity":`...)
		buf = append(buf, identity...)
		buf = append(buf, `,"eventTime":"`...)
		buf = at.AppendFormat(buf, "2006-01-02T15:04:05Z")
		buf = append(buf, `","eventSource":"`...)
		buf = append(buf, source...)
		buf = append(buf, `","eventName":"`...)
		buf = append(buf, name...)
		buf = append(buf, `","awsRegion":"`...)
		buf = append(buf, region...)
		buf = append(buf, `","sourceIPAddress":"`...)
		buf = append(buf, ip...)
		buf = append(buf, `","userAgent":"`...)
		buf = append(buf, ua...)
		buf = append(buf, `","requestParameters":`...)
	}
	tail := func(readOnly bool, resources string) {
		buf = append(buf, `,"responseElements":null,"requestID":"`...)
		buf = fmt.Appendf(buf, "%08x-%04x-4%03x-8%03x-%012x", seq*2654435761&0xffffffff, seq&0xffff, seq&0xfff, (seq>>12)&0xfff, seq)
		buf = append(buf, `","eventID":"`...)
		buf = fmt.Appendf(buf, "%08x-%04x-4%03x-9%03x-%012x", seq*40503&0xffffffff, (seq>>16)&0xffff, seq&0xfff, (seq>>8)&0xfff, seq^0x5deece66d)
		buf = append(buf, `","readOnly":`...)
		buf = strconv.AppendBool(buf, readOnly)
		buf = append(buf, resources...)
		buf = append(buf, `,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"`...)
		buf = append(buf, account...)
		buf = append(buf, `","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"service.`...)
		buf = append(buf, region...)
		buf = append(buf, `.amazonaws.com"}}`...)
	}
	secret := p.secrets[rng.IntN(len(p.secrets))]
	secretARN := fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:app/%04d/db-AbCdEf", region, account, secret)
	keyRes := fmt.Sprintf(`,"resources":[{"accountId":"%s","type":"AWS::KMS::Key","ARN":"arn:aws:kms:%s:%s:key/%08d-1111-2222-3333-444455556666"}]`, account, region, account, p.key)
	switch r := rng.IntN(100); {
	case r < 25:
		head(p.own, "secretsmanager.amazonaws.com", "GetSecretValue", p.ip, p.ua)
		buf = append(buf, `{"secretId":"`...)
		buf = append(buf, secretARN...)
		buf = append(buf, `"}`...)
		tail(true, "")
	case r < 50:
		head(p.viaSecrets, "kms.amazonaws.com", "Decrypt", "secretsmanager.amazonaws.com", "secretsmanager.amazonaws.com")
		buf = append(buf, `{"encryptionContext":{"SecretARN":"`...)
		buf = append(buf, secretARN...)
		buf = append(buf, `","SecretVersionId":"EXAMPLE1-90ab-cdef-fedc-ba987SECRET1"},"encryptionAlgorithm":"SYMMETRIC_DEFAULT"}`...)
		tail(true, keyRes)
	case r < 62:
		head(p.own, "kms.amazonaws.com", "Decrypt", p.ip, p.ua)
		buf = append(buf, `{"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{"aws:s3:arn":"arn:aws:s3:::data-bucket/object"}}`...)
		tail(true, keyRes)
	case r < 70:
		head(p.own, "kms.amazonaws.com", "GenerateDataKey", p.ip, p.ua)
		buf = append(buf, `{"keySpec":"AES_256","keyId":"alias/app"}`...)
		tail(true, keyRes)
	case r < 75:
		head(p.own, "ssm.amazonaws.com", "GetParameter", p.ip, p.ua)
		buf = fmt.Appendf(buf, `{"name":"/app/%04d/password","withDecryption":true}`, secret)
		tail(true, "")
	case r < 85:
		head(p.own, "sts.amazonaws.com", "GetCallerIdentity", p.ip, p.ua)
		buf = append(buf, "null"...)
		tail(true, "")
	case r < 95:
		head(p.own, "ec2.amazonaws.com", "DescribeInstances", p.ip, p.ua)
		buf = append(buf, `{"instancesSet":{},"filterSet":{"items":[{"name":"tag:app","valueSet":{"items":[{"value":"orders"}]}}]}}`...)
		tail(true, "")
	default:
		head(p.own, "secretsmanager.amazonaws.com", "DescribeSecret", p.ip, p.ua)
		buf = append(buf, `{"secretId":"`...)
		buf = append(buf, secretARN...)
		buf = append(buf, `"}`...)
		tail(true, "")
	}
	return buf
}
