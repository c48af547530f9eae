package repo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testRepo is a git repository built by a test in a temporary directory.
type testRepo struct {
	t   testing.TB
	dir string
	// clock advances one minute per commit so author dates are distinct and ordered.
	clock time.Time
}

// gitTestEnv isolates test git commands from the user's configuration.
func gitTestEnv() []string {
	return append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Alice Dev", "GIT_AUTHOR_EMAIL=alice@acme-corp.net",
		"GIT_COMMITTER_NAME=Alice Dev", "GIT_COMMITTER_EMAIL=alice@acme-corp.net",
	)
}

func newTestRepo(t testing.TB) *testRepo {
	t.Helper()
	r := &testRepo{t: t, dir: t.TempDir(), clock: time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	return runGit(r.t, r.dir, nil, args...)
}

func runGit(t testing.TB, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(gitTestEnv(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

func (r *testRepo) write(path, content string) {
	r.t.Helper()
	full := filepath.Join(r.dir, filepath.FromSlash(path))
	require.NoError(r.t, os.MkdirAll(filepath.Dir(full), 0o755))
	require.NoError(r.t, os.WriteFile(full, []byte(content), 0o644))
}

func (r *testRepo) remove(path string) {
	r.t.Helper()
	require.NoError(r.t, os.Remove(filepath.Join(r.dir, filepath.FromSlash(path))))
}

// commit stages everything and commits; it returns the commit id.
func (r *testRepo) commit(msg string) string {
	r.t.Helper()
	r.clock = r.clock.Add(time.Minute)
	date := "GIT_AUTHOR_DATE=" + r.clock.Format(time.RFC3339)
	cdate := "GIT_COMMITTER_DATE=" + r.clock.Format(time.RFC3339)
	runGit(r.t, r.dir, nil, "add", "-A")
	runGit(r.t, r.dir, []string{date, cdate}, "commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// sharedEngine is built once for the package's tests: building one compiles ~240 rules.
var (
	engineOnce sync.Once
	engineVal  *Engine
	engineErr  error
)

func testEngine(t testing.TB) *Engine {
	t.Helper()
	engineOnce.Do(func() { engineVal, engineErr = NewEngine(context.Background(), EngineOptions{}) })
	require.NoError(t, engineErr)
	return engineVal
}

func scanOK(t testing.TB, opts Options) Result {
	t.Helper()
	if opts.Engine == nil && opts.GitleaksConfig == "" {
		opts.Engine = testEngine(t)
	}
	res, err := Scan(context.Background(), opts)
	require.NoError(t, err)
	return res
}

// byPath indexes findings as "path:rule" for assertions.
func byPath(res Result) map[string]bool {
	m := map[string]bool{}
	for _, f := range res.Findings {
		m[fmt.Sprintf("%s:%s", f.Location.Path, strings.TrimPrefix(f.RuleID, RuleIDPrefix))] = true
	}
	return m
}

func paths(res Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Location.Path)
	}
	return out
}
