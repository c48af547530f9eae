package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// bundleDigest finds the policy bundle digest in any report format.
var bundleDigest = regexp.MustCompile(`((?:policy_bundle_sha256|Policy bundle|sha256:)[^0-9a-f]{0,80})[0-9a-f]{64}`)

const demo = "../../testdata/snapshots/demo.json"

// custos runs the CLI in-process with a fixed clock and version.
func custos(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	a := newApp(strings.NewReader(""), &out, &errb)
	a.now = func() time.Time { return time.Date(2026, 11, 20, 6, 30, 0, 0, time.UTC) }
	a.version = "test"
	cmd := newRootCmd(a)
	cmd.SetArgs(args)
	code = exitCode(cmd.ExecuteContext(context.Background()), &errb)
	return code, out.String(), errb.String()
}

func TestDemoGolden(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, stdout, stderr := custos(t, "scan", "aws", "--snapshot", demo, "--format", "table,json,sarif,html", "--out-dir", dir, "--quiet")
	require.Equal(t, exitFindings, code, stderr)
	assertGolden(t, dir, "demo", "TestDemoGolden")
	table, err := os.ReadFile(filepath.Join(dir, "custos.txt"))
	require.NoError(t, err)
	assert.Equal(t, string(table), stdout, "with --out-dir the table is also printed")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 4, "no temporary files left behind")
}

// assertGolden compares the four reports in dir with testdata/golden/<name>/, or rewrites
// them with -update. The policy digest is masked: it changes with every edit of any rule's
// text, and the golden files pin what the reports say (its presence is still checked).
func assertGolden(t *testing.T, dir, name, test string) {
	t.Helper()
	for _, file := range []string{"custos.txt", "custos.json", "custos.sarif", "custos.html"} {
		got, err := os.ReadFile(filepath.Join(dir, file))
		require.NoError(t, err)
		if file != "custos.txt" {
			require.Regexp(t, bundleDigest, string(got))
		}
		got = bundleDigest.ReplaceAll(got, []byte("${1}"+strings.Repeat("0", 64)))
		golden := filepath.Join("..", "..", "testdata", "golden", name, file)
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
			require.NoError(t, os.WriteFile(golden, got, 0o644))
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err, "run go test ./cmd/custos -run %s -update", test)
		if line, w, g, differ := firstDifference(string(want), string(got)); differ {
			t.Errorf("%s differs from %s at line %d:\n  want: %.200s\n  got:  %.200s\n(go test ./cmd/custos -run %s -update, then review the diff)", file, golden, line, w, g, test)
		}
	}
}

// firstDifference returns the first line at which two texts differ, so a golden mismatch
// reads as one line instead of two whole reports.
func firstDifference(want, got string) (line int, w, g string, differ bool) {
	if want == got {
		return 0, "", "", false
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var a, b string
		if i < len(wl) {
			a = wl[i]
		}
		if i < len(gl) {
			b = gl[i]
		}
		if a != b || i >= len(wl) || i >= len(gl) {
			return i + 1, a, b, true
		}
	}
	return 0, "", "", false
}

func TestDemoVerdicts(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := custos(t, "scan", "aws", "--snapshot", demo, "--format", "json", "--fail-on", "none")
	require.Equal(t, exitOK, code, stderr)
	var rep struct {
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Status   string `json:"status"`
			Resource struct {
				ARN  string `json:"arn"`
				Name string `json:"name"`
			} `json:"resource"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	rules := map[string]int{}
	for _, f := range rep.Findings {
		assert.NotEqual(t, "error", f.Status, "rule %s failed on %s", f.RuleID, f.Resource.ARN)
		rules[f.RuleID]++
	}
	assert.GreaterOrEqual(t, len(rules), 15, "the demo exercises at least 15 rules: %v", rules)
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	incomplete := filepath.Join(t.TempDir(), "incomplete.json")
	data, err := os.ReadFile(demo)
	require.NoError(t, err)
	var snap map[string]any
	require.NoError(t, json.Unmarshal(data, &snap))
	snap["coverage"] = []any{map[string]any{"account": "111122223333", "region": "eu-west-1", "service": "kms", "operation": "ListKeys", "status": "denied", "error": "AccessDeniedException: not authorized"}}
	data, err = json.Marshal(snap)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(incomplete, data, 0o644))

	cases := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"findings at or above high", []string{"--fail-on", "high"}, exitFindings, ""},
		{"fail-on none", []string{"--fail-on", "none"}, exitOK, ""},
		{"bad fail-on", []string{"--fail-on", "severe"}, exitUsage, "--fail-on"},
		{"bad format", []string{"--format", "xml"}, exitUsage, "--format"},
		{"several formats need out-dir", []string{"--format", "json,sarif"}, exitUsage, "--out-dir"},
		{"missing snapshot file", []string{"--snapshot", "nope.json"}, exitUsage, "nope.json"},
		{"incomplete", []string{"--snapshot", incomplete, "--fail-on", "none"}, exitIncomplete, "incomplete"},
		{"incomplete not enforced", []string{"--snapshot", incomplete, "--fail-on", "none", "--fail-on-incomplete=false"}, exitOK, ""},
		{"bad as-of", []string{"--as-of", "yesterday"}, exitUsage, "--as-of"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"scan", "aws", "--format", "json"}, tc.args...)
			if !contains(tc.args, "--snapshot") {
				args = append(args, "--snapshot", demo)
			}
			code, _, stderr := custos(t, args...)
			assert.Equal(t, tc.code, code, stderr)
			if tc.err != "" {
				assert.Contains(t, stderr, tc.err)
				assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one clear line: %q", stderr)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestMalformedSnapshotNamesPlaceAndWritesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{\n  \"schema_version\": \"1\",\n  \"accounts\": [\n    {\"id\": 12}\n  ]\n}\n"), 0o644))
	out := filepath.Join(dir, "out")
	code, stdout, stderr := custos(t, "scan", "aws", "--snapshot", bad, "--format", "json,html", "--out-dir", out)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "bad.json:4:")
	_, err := os.Stat(out)
	assert.True(t, os.IsNotExist(err), "no report directory for a failed scan")
}

func TestReportReplacedAtomically(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "custos.json")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o600))
	code, _, stderr := custos(t, "scan", "aws", "--snapshot", demo, "--format", "json", "--out-dir", dir, "--fail-on", "none", "--quiet")
	require.Equal(t, exitOK, code, stderr)
	data, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.True(t, json.Valid(data))
	info, err := os.Stat(target)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
}

func TestSuppressionsFromConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "custos.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`suppressions:
  - rule: "*"
    resource: "arn:aws:*"
    reason: accepted for the test
    owner: platform@example.com
    expires: 2099-01-01
`), 0o644))
	code, stdout, stderr := custos(t, "scan", "aws", "--snapshot", demo, "--format", "json", "--config", cfg, "--fail-on", "info")
	require.Equal(t, exitOK, code, "suppressed findings never change the exit code: %s", stderr)
	assert.NotContains(t, stdout, `"status": "open"`)
	assert.Contains(t, stdout, `"status": "suppressed"`)

	require.NoError(t, os.WriteFile(cfg, []byte(`suppressions:
  - rule: "*"
    resource: "arn:aws:*"
    reason: accepted once
    owner: platform@example.com
    expires: 2020-01-01
`), 0o644))
	code, stdout, _ = custos(t, "scan", "aws", "--snapshot", demo, "--format", "json", "--config", cfg, "--fail-on", "high")
	assert.Equal(t, exitFindings, code, "an expired suppression turns findings back on")
	assert.Contains(t, stdout, `"expired": true`)
}

func TestBadConfigNamesKey(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("secrets:\n  rotation_max_days: 0\n"), 0o644))
	code, _, stderr := custos(t, "scan", "aws", "--snapshot", demo, "--config", cfg)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "c.yaml:2: secrets.rotation_max_days")
}

func TestPoliciesList(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := custos(t, "policies", "list", "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var rules []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &rules))
	assert.GreaterOrEqual(t, len(rules), 15)
	code, stdout, _ = custos(t, "policies", "list")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "SEVERITY")
}

func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	code, stdout, _ := custos(t, "version")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "custos test\n", stdout)
	for _, args := range [][]string{{"--help"}, {"scan", "aws", "--help"}, {"policies", "list", "--help"}} {
		code, stdout, _ := custos(t, args...)
		assert.Equal(t, exitOK, code)
		assert.Contains(t, stdout, "Example", "help of %v shows examples", args)
	}
	code, _, stderr := custos(t, "scan", "gcp")
	assert.Equal(t, exitUsage, code)
	assert.NotEmpty(t, stderr)
}
