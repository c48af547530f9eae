package repo

// Benchmarks (make bench). They build their inputs once under .custos-bench/ at the
// module root (override with CUSTOS_BENCH_DIR) and reuse them:
//
//   - a generated source tree of CUSTOS_BENCH_TREE_MB megabytes (default 20; use 300
//     or more for the figures in docs/performance.md), or any existing directory named
//     by CUSTOS_BENCH_TREE (e.g. "$(go env GOMODCACHE)" for real vendored code),
//   - a repository of 1,000 commits for the history scan,
//   - a repository of 10,000 commits with a 20-commit branch for the pre-merge scan.
//
// Directory and pre-merge scans run as separate processes (this test binary in helper
// mode, and the gitleaks CLI built from the module with -tags gore2regex), so wall time
// includes start-up and peak memory is the process's maximum resident set size.

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func benchDir(b testing.TB) string {
	if d := os.Getenv("CUSTOS_BENCH_DIR"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	require.NoError(b, err)
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, ".custos-bench")
		}
	}
	return filepath.Join(os.TempDir(), "custos-bench")
}

func benchTreeMB() int {
	if v, err := strconv.Atoi(os.Getenv("CUSTOS_BENCH_TREE_MB")); err == nil && v > 0 {
		return v
	}
	return 20
}

// treeSize sums the sizes of the regular files under dir.
func treeSize(b testing.TB, dir string) int64 {
	var n int64
	require.NoError(b, filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	}))
	return n
}

// content generator: code, configuration, documentation and data that look like a
// real repository (identifiers, keywords such as key/token/secret/password that wake the
// detector's rules, hashes and base64 blobs that exercise its decoder), with a planted
// credential in about one file in 250.
type gen struct{ r *rand.Rand }

var words = strings.Fields(`account request client server token secret key password config user session cache
	handler router store order invoice payment customer retry timeout limit buffer stream parse render
	encode decode validate rotate policy bucket region queue worker metric trace span event audit`)

func (g gen) word() string { return words[g.r.IntN(len(words))] }
func (g gen) ident() string {
	w := g.word()
	return w + strings.ToUpper(g.word()[:1]) + g.word()[1:]
}
func (g gen) hex(n int) string {
	const h = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = h[g.r.IntN(16)]
	}
	return string(b)
}
func (g gen) b64(n int) string {
	const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b := make([]byte, n)
	for i := range b {
		b[i] = a[g.r.IntN(64)]
	}
	return string(b)
}

func (g gen) codeLine() string {
	switch g.r.IntN(12) {
	case 0:
		w := g.word()
		return fmt.Sprintf("func %s(ctx context.Context, %s string) (*%s, error) {", g.ident(), g.word(), strings.ToUpper(w[:1])+w[1:])
	case 1:
		return fmt.Sprintf("\treturn nil, fmt.Errorf(\"%s %%s: %%w\", %s, err)", g.word(), g.word())
	case 2:
		return fmt.Sprintf("\tif err := %s.%s(ctx, %s); err != nil {", g.word(), g.ident(), g.word())
	case 3:
		return fmt.Sprintf("\t// %s the %s %s before the %s is %s", g.word(), g.word(), g.word(), g.word(), g.word())
	case 4:
		return fmt.Sprintf("\tconst %sTimeout = %d * time.Second", g.word(), g.r.IntN(120))
	case 5:
		return fmt.Sprintf("\t%s := cfg.Get(\"%s.%s_key\")", g.ident(), g.word(), g.word())
	case 6:
		return fmt.Sprintf("const %s = process.env.%s_%s;", g.ident(), strings.ToUpper(g.word()), strings.ToUpper(g.word()))
	case 7:
		return fmt.Sprintf("    self.%s = %s.%s(%s, retries=%d)", g.word(), g.word(), g.word(), g.word(), g.r.IntN(9))
	case 8:
		return fmt.Sprintf("\tlog.Debug(\"%s %s\", \"id\", %q)", g.word(), g.word(), g.hex(12))
	case 9:
		return "\t}"
	case 10:
		return fmt.Sprintf("\tpassword := os.Getenv(\"%s_PASSWORD\")", strings.ToUpper(g.word()))
	}
	return ""
}

func (g gen) configLine() string {
	switch g.r.IntN(8) {
	case 0:
		return fmt.Sprintf("%s:\n  host: %s.internal\n  port: %d", g.word(), g.word(), 1000+g.r.IntN(9000))
	case 1:
		return fmt.Sprintf("  password: ${%s_PASSWORD}", strings.ToUpper(g.word()))
	case 2:
		return fmt.Sprintf("  checksum: sha256:%s", g.hex(64))
	case 3:
		return fmt.Sprintf("  integrity: sha512-%s==", g.b64(86))
	case 4:
		return fmt.Sprintf("  %s_url: https://%s.acme-corp.net/%s/%s", g.word(), g.word(), g.word(), g.word())
	case 5:
		return fmt.Sprintf("  %s_token_ttl: %d", g.word(), g.r.IntN(3600))
	case 6:
		return fmt.Sprintf("  blob: %s", g.b64(120))
	}
	keys := []string{"name", "mode", "level", "region", "format", "owner", "kind", "strategy"}
	return fmt.Sprintf("  %s: %s", keys[g.r.IntN(len(keys))], g.word())
}

// planted returns a file with a fresh fake credential.
func (g gen) planted(i int) (string, string) {
	const b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	id := []byte("AKIA")
	for len(id) < 20 {
		id = append(id, b32[g.r.IntN(32)])
	}
	switch i % 5 {
	case 0:
		return fmt.Sprintf("svc%d/.env", i), fmt.Sprintf("AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n", id, g.b64(40))
	case 1:
		return fmt.Sprintf("svc%d/release.sh", i), fmt.Sprintf("#!/bin/sh\nGITHUB_TOKEN=ghp_%s\n", strings.ReplaceAll(strings.ReplaceAll(g.b64(36), "+", "a"), "/", "b"))
	case 2:
		return fmt.Sprintf("svc%d/deploy.key", i), "-----BEGIN RSA PRIVATE KEY-----\n" + g.b64(64) + "\n" + g.b64(64) + "\n" + g.b64(40) + "\n-----END RSA PRIVATE KEY-----\n"
	case 3:
		return fmt.Sprintf("svc%d/database.yml", i), fmt.Sprintf("production:\n  username: app\n  password: Pw%s!%d\n", g.hex(6), g.r.IntN(99))
	}
	return fmt.Sprintf("svc%d/settings.py", i), fmt.Sprintf("DATABASE_URL = \"postgres://app:Db%s9@db.internal:5432/app\"\n", g.hex(8))
}

func (g gen) file(i int) (string, []byte) {
	if i%250 == 7 {
		p, c := g.planted(i)
		return filepath.Join(fmt.Sprintf("pkg%03d", i%400), p), []byte(c)
	}
	size := 2000 + g.r.IntN(38000)
	var b strings.Builder
	var ext string
	line := g.codeLine
	switch i % 10 {
	case 6, 7:
		ext, line = ".yaml", g.configLine
	case 8:
		ext = ".md"
	default:
		ext = []string{".go", ".js", ".py", ".ts", ".java"}[i%5]
	}
	for b.Len() < size {
		b.WriteString(line())
		b.WriteByte('\n')
	}
	return filepath.Join(fmt.Sprintf("pkg%03d", i%400), fmt.Sprintf("%s_%d%s", g.word(), i, ext)), []byte(b.String())
}

var benchInputs sync.Mutex

// benchTree returns a generated tree of about mb megabytes and its exact size in bytes.
func benchTree(b testing.TB, mb int) (string, int64) {
	benchInputs.Lock()
	defer benchInputs.Unlock()
	dir := filepath.Join(benchDir(b), fmt.Sprintf("tree-%dmb", mb))
	marker := dir + ".complete"
	if data, err := os.ReadFile(marker); err == nil {
		n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
		require.NoError(b, err)
		return dir, n
	}
	require.NoError(b, os.RemoveAll(dir))
	g := gen{rand.New(rand.NewPCG(uint64(mb), 42))}
	var total int64
	for i := 0; total < int64(mb)<<20; i++ {
		p, c := g.file(i)
		full := filepath.Join(dir, p)
		require.NoError(b, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(b, os.WriteFile(full, c, 0o644))
		total += int64(len(c))
	}
	require.NoError(b, os.WriteFile(marker, []byte(strconv.FormatInt(total, 10)), 0o644))
	return dir, total
}

// benchRepo builds (once) a repository with git fast-import: mainCommits on main, each
// rewriting one or two files, and branchCommits on a branch "feature" forked five commits
// before main's tip.
func benchRepo(b testing.TB, name string, mainCommits, branchCommits int) string {
	benchInputs.Lock()
	defer benchInputs.Unlock()
	dir := filepath.Join(benchDir(b), name)
	if _, err := os.Stat(filepath.Join(dir, ".git", "custos-complete")); err == nil {
		return dir
	}
	require.NoError(b, os.RemoveAll(dir))
	require.NoError(b, os.MkdirAll(dir, 0o755))
	runGit(b, dir, nil, "init", "-q", "-b", "main")
	cmd := exec.Command("git", "-C", dir, "fast-import", "--quiet")
	cmd.Env = gitTestEnv()
	stdin, err := cmd.StdinPipe()
	require.NoError(b, err)
	require.NoError(b, cmd.Start())
	w := bufio.NewWriterSize(stdin, 1<<20)
	g := gen{rand.New(rand.NewPCG(uint64(mainCommits), 7))}
	mark := 0
	when := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	commit := func(ref string, from int, n int) {
		mark++
		when += 600
		msg := fmt.Sprintf("%s the %s %s (#%d)", g.word(), g.word(), g.word(), mark)
		fmt.Fprintf(w, "commit %s\nmark :%d\nauthor Dev <dev@acme-corp.net> %d +0000\ncommitter Dev <dev@acme-corp.net> %d +0000\ndata %d\n%s\n",
			ref, mark, when, when, len(msg), msg)
		if from > 0 {
			fmt.Fprintf(w, "from :%d\n", from)
		}
		for k := 0; k < 1+g.r.IntN(2); k++ {
			var p string
			var c []byte
			if n%40 == 13 && k == 0 {
				var text string
				p, text = g.planted(n)
				c = []byte(text)
			} else {
				p = fmt.Sprintf("pkg%02d/%s_%d.go", g.r.IntN(50), g.word(), g.r.IntN(200))
				var s strings.Builder
				for s.Len() < 1000+g.r.IntN(3000) {
					s.WriteString(g.codeLine() + "\n")
				}
				c = []byte(s.String())
			}
			fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", p, len(c), c)
		}
	}
	fork := 0
	for i := 0; i < mainCommits; i++ {
		commit("refs/heads/main", mark, i)
		if i == mainCommits-6 {
			fork = mark
		}
	}
	if branchCommits > 0 {
		commit("refs/heads/feature", fork, 0)
		for i := 1; i < branchCommits; i++ {
			commit("refs/heads/feature", mark, i)
		}
	}
	require.NoError(b, w.Flush())
	require.NoError(b, stdin.Close())
	require.NoError(b, cmd.Wait())
	require.NoError(b, os.WriteFile(filepath.Join(dir, ".git", "custos-complete"), nil, 0o644))
	return dir
}

// TestBenchmarkHelperProcess is not a test: the benchmarks run this test binary with
// CUSTOS_BENCH_HELPER set to scan in a fresh process and write a summary.
func TestBenchmarkHelperProcess(t *testing.T) {
	spec := os.Getenv("CUSTOS_BENCH_HELPER")
	if spec == "" {
		t.Skip("helper process for the benchmarks")
	}
	var o struct {
		Path, Mode, Range, Out string
	}
	require.NoError(t, json.Unmarshal([]byte(spec), &o))
	// like the gitleaks CLI: every file, no size limit
	res, err := Scan(context.Background(), Options{Path: o.Path, Mode: Mode(o.Mode), DiffRange: o.Range,
		NoGit: o.Mode == string(WorkTree), MaxFileSize: -1})
	require.NoError(t, err)
	// path, the hash part of the redacted match, rule: enough to compare with gitleaks
	var locs []string
	for _, f := range res.Findings {
		m, _ := f.Evidence["match"].(string)
		if i := strings.Index(m, "sha256:"); i >= 0 {
			m = m[i+7 : i+15]
		}
		locs = append(locs, fmt.Sprintf("%s %s %s", f.Location.Path, m, f.Evidence["gitleaks_rule_id"]))
	}
	data, err := json.Marshal(map[string]any{"findings": locs, "stats": res.Stats})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(o.Out, data, 0o644))
}

type procResult struct {
	wall, cpu time.Duration
	maxRSS    int64 // bytes
}

func runProc(b *testing.B, cmd *exec.Cmd) procResult {
	b.Helper()
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	require.NoError(b, err, "%s: %s", cmd, out)
	res := procResult{wall: wall}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.maxRSS = ru.Maxrss * 1024
		res.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return res
}

func custosProc(b *testing.B, spec map[string]string) *exec.Cmd {
	data, err := json.Marshal(spec)
	require.NoError(b, err)
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchmarkHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CUSTOS_BENCH_HELPER="+string(data))
	return cmd
}

func gitleaksBinary(b *testing.B) string {
	benchInputs.Lock()
	defer benchInputs.Unlock()
	bin := filepath.Join(benchDir(b), "bin", "gitleaks-v8.30.1-gore2regex")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	out, err := exec.Command("go", "build", "-tags", "gore2regex", "-o", bin, "github.com/zricethezav/gitleaks/v8").CombinedOutput()
	if err != nil {
		b.Skipf("cannot build the gitleaks CLI: %v: %s", err, out)
	}
	return bin
}

func reportProcs(b *testing.B, runs []procResult, bytes int64) {
	var wall, cpu time.Duration
	var rss int64
	for _, r := range runs {
		wall += r.wall
		cpu += r.cpu
		rss = max(rss, r.maxRSS)
	}
	b.ReportMetric(cpu.Seconds()/float64(len(runs)), "cpu-s/scan")
	if bytes > 0 {
		b.ReportMetric(float64(bytes)*float64(len(runs))/wall.Seconds()/1e6, "MB/s")
	}
	b.ReportMetric(wall.Seconds()/float64(len(runs)), "s/scan")
	b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
}

// BenchmarkDirectoryScan compares custos and the gitleaks CLI on the same generated tree.
func BenchmarkDirectoryScan(b *testing.B) {
	tree, size, generated := "", int64(0), false
	if t := os.Getenv("CUSTOS_BENCH_TREE"); t != "" {
		tree, size = t, treeSize(b, t)
	} else {
		tree, size = benchTree(b, benchTreeMB())
		generated = true
	}
	b.Logf("tree %s: %.0f MB", tree, float64(size)/1e6)
	out := b.TempDir()
	b.Run("custos", func(b *testing.B) {
		var runs []procResult
		for b.Loop() {
			runs = append(runs, runProc(b, custosProc(b, map[string]string{"Path": tree, "Mode": "worktree", "Out": filepath.Join(out, "custos.json")})))
		}
		reportProcs(b, runs, size)
	})
	b.Run("gitleaks-cli", func(b *testing.B) {
		bin := gitleaksBinary(b)
		var runs []procResult
		for b.Loop() {
			runs = append(runs, runProc(b, exec.Command(bin, "dir", tree, "--no-banner", "--log-level", "error",
				"--max-decode-depth", "5", "--exit-code", "0", "--report-format", "json", "--report-path", filepath.Join(out, "gitleaks.json"))))
		}
		reportProcs(b, runs, size)
	})
	var sum struct{ Stats Stats }
	data, err := os.ReadFile(filepath.Join(out, "custos.json"))
	require.NoError(b, err)
	require.NoError(b, json.Unmarshal(data, &sum))
	if generated {
		require.Equal(b, size, sum.Stats.Bytes, "custos read the whole tree")
	}
	if covered, total, missing := compareFindings(b, tree, filepath.Join(out, "custos.json"), filepath.Join(out, "gitleaks.json")); total > 0 {
		b.Logf("custos reports %d of the %d findings of the gitleaks CLI (same secret in the same file); %d findings in all", covered, total, countFindings(b, filepath.Join(out, "custos.json")))
		byRule := map[string]int{}
		fixtures := 0
		for _, m := range missing {
			f := strings.Fields(m)
			byRule[f[len(f)-1]]++
			if fixturePath.MatchString(strings.Split(f[0], ":")[0]) {
				fixtures++
			}
		}
		b.Logf("gitleaks only, by rule: %v; %d of them in test, fixture, example or documentation files", byRule, fixtures)
		shown := 0
		for _, m := range missing {
			if !fixturePath.MatchString(strings.Split(strings.Fields(m)[0], ":")[0]) && shown < 20 {
				b.Logf("gitleaks only, outside fixtures: %s", m)
				shown++
			}
		}
	}
}

func countFindings(b *testing.B, path string) int {
	var c struct{ Findings []string }
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	require.NoError(b, json.Unmarshal(data, &c))
	return len(c.Findings)
}

// compareFindings counts the gitleaks findings that custos also reports: the same secret
// (by the SHA-256 prefix in custos's redacted match) in the same file, by any rule.
// custos reports a secret once per file, gitleaks once per line.
func compareFindings(b *testing.B, tree, custosPath, gitleaksPath string) (covered, total int, missing []string) {
	var c struct{ Findings []string }
	cdata, err1 := os.ReadFile(custosPath)
	gdata, err2 := os.ReadFile(gitleaksPath)
	if err1 != nil || err2 != nil {
		return 0, 0, nil
	}
	require.NoError(b, json.Unmarshal(cdata, &c))
	var gl []struct {
		File      string
		StartLine int
		RuleID    string
		Secret    string
	}
	require.NoError(b, json.Unmarshal(gdata, &gl))
	have := map[string]bool{}
	for _, f := range c.Findings {
		parts := strings.Fields(f)
		have[parts[0]+" "+parts[1]] = true
		have[parts[0]] = true
	}
	for _, g := range gl {
		rel := strings.TrimPrefix(filepath.ToSlash(g.File), filepath.ToSlash(tree)+"/")
		total++
		key := rel
		if g.Secret != "" {
			sum := sha256.Sum256([]byte(g.Secret))
			key = rel + " " + hex.EncodeToString(sum[:])[:8]
		}
		if have[key] {
			covered++
		} else {
			missing = append(missing, fmt.Sprintf("%s:%d %s", rel, g.StartLine, g.RuleID))
		}
	}
	return covered, total, missing
}

// fixturePath approximates the paths the broad rules skip (rules.toml).
var fixturePath = regexp.MustCompile(`(?i)(?:^|/)(?:tests?|spec|specs|__tests__|__mocks__|mocks?|fixtures?|testdata|test[_-]data|examples?|samples?|docs?|documentation|locales?|i18n)/|_test\.go$|(?:^|/)test_[^/]*\.py$|\.(?:test|spec)\.[cm]?[jt]sx?$|_spec\.rb$|Tests?\.(?:java|kt|cs)$|\.(?:md|rst|adoc|txt)$`)

// BenchmarkHistory1000 scans the history of a 1,000-commit repository, custos and the
// gitleaks CLI each in a fresh process.
func BenchmarkHistory1000(b *testing.B) {
	dir := benchRepo(b, "history-1000", 1000, 0)
	out := b.TempDir()
	b.Run("custos", func(b *testing.B) {
		var runs []procResult
		for b.Loop() {
			runs = append(runs, runProc(b, custosProc(b, map[string]string{"Path": dir, "Mode": "history", "Out": filepath.Join(out, "custos.json")})))
		}
		reportProcs(b, runs, 0)
		reportSummary(b, filepath.Join(out, "custos.json"))
	})
	b.Run("gitleaks-cli", func(b *testing.B) {
		bin := gitleaksBinary(b)
		var runs []procResult
		for b.Loop() {
			runs = append(runs, runProc(b, exec.Command(bin, "git", dir, "--log-opts=HEAD", "--no-banner", "--log-level", "error",
				"--max-decode-depth", "5", "--exit-code", "0", "--report-format", "json", "--report-path", filepath.Join(out, "gitleaks.json"))))
		}
		reportProcs(b, runs, 0)
	})
}

// BenchmarkPreMerge20of10000 scans the 20 commits of a branch of a 10,000-commit repository,
// custos and the gitleaks CLI each in a fresh process: start-up (rule compilation) included.
func BenchmarkPreMerge20of10000(b *testing.B) {
	dir := benchRepo(b, "premerge-10000", 10000, 20)
	out := b.TempDir()
	b.Run("custos", func(b *testing.B) {
		var runs []procResult
		for b.Loop() {
			runs = append(runs, runProc(b, custosProc(b, map[string]string{"Path": dir, "Mode": "diff", "Range": "main...feature", "Out": filepath.Join(out, "custos.json")})))
		}
		reportProcs(b, runs, 0)
		reportSummary(b, filepath.Join(out, "custos.json"))
	})
	b.Run("gitleaks-cli", func(b *testing.B) {
		bin := gitleaksBinary(b)
		base := strings.TrimSpace(runGit(b, dir, nil, "merge-base", "main", "feature"))
		var runs []procResult
		for b.Loop() {
			runs = append(runs, runProc(b, exec.Command(bin, "git", dir, "--log-opts="+base+"..feature", "--no-banner", "--log-level", "error",
				"--max-decode-depth", "5", "--exit-code", "0", "--report-format", "json", "--report-path", filepath.Join(out, "gitleaks.json"))))
		}
		reportProcs(b, runs, 0)
	})
}

func reportSummary(b *testing.B, path string) {
	var sum struct {
		Findings []string
		Stats    Stats
	}
	data, err := os.ReadFile(path)
	require.NoError(b, err)
	require.NoError(b, json.Unmarshal(data, &sum))
	b.ReportMetric(float64(sum.Stats.Commits), "commits")
	b.ReportMetric(float64(len(sum.Findings)), "findings")
}

// BenchmarkEngineBuild is the fixed start-up cost: compiling every rule.
func BenchmarkEngineBuild(b *testing.B) {
	for b.Loop() {
		_, err := NewEngine(context.Background(), EngineOptions{})
		require.NoError(b, err)
	}
}
