package repo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/finding"
)

func findingAt(t *testing.T, res Result, path, rule string) finding.Finding {
	t.Helper()
	for _, f := range res.Findings {
		if f.Location.Path == path && f.RuleID == RuleIDPrefix+rule {
			return f
		}
	}
	require.Failf(t, "finding not found", "%s %s in %v", path, rule, byPath(res))
	return finding.Finding{}
}

func TestWorkTree(t *testing.T) {
	t.Parallel()
	r := newTestRepo(t)
	r.write(".gitignore", "ignored.env\n")
	r.write("config/app.env", "DB_USER=app\nDB_PASSWORD="+fakePassword()+"\n")
	r.write("ignored.env", "DB_PASSWORD="+fakePassword()+"\n")
	r.write("bin/blob.dat", "\x00\x01\x02DB_PASSWORD="+fakePassword()+"\n")
	r.write("certs/client.p12", "\x30\x82\x00\x01binary key store")
	r.write("big/dump.env", strings.Repeat("# padding line\n", 200)+"DB_PASSWORD="+fakePassword()+"\n")
	r.write("sub/service.yml", "password: "+fakePassword()+"\n")
	r.commit("initial")
	r.write("untracked.env", "API_TOKEN="+fakePassword()+"\n")
	// a symbolic link to a file outside the tree is never followed
	outside := filepath.Join(t.TempDir(), "outside.env")
	require.NoError(t, os.WriteFile(outside, []byte("DB_PASSWORD="+fakePassword()+"\n"), 0o644))
	require.NoError(t, os.Symlink(outside, filepath.Join(r.dir, "link.env")))
	// and one to a directory outside the tree neither
	require.NoError(t, os.Symlink(filepath.Dir(outside), filepath.Join(r.dir, "linkdir")))

	res := scanOK(t, Options{Path: r.dir, MaxFileSize: 2000})
	assert.ElementsMatch(t, []string{"certs/client.p12", "config/app.env", "sub/service.yml", "untracked.env"}, paths(res))
	assert.Equal(t, 2, res.Stats.SkippedBinary, "binary files")
	p12 := findingAt(t, res, "certs/client.p12", "pkcs12-file")
	assert.Equal(t, "file name", p12.Evidence["match"], "matched by name: the content is not read")
	assert.Equal(t, 1, res.Stats.SkippedLarge, "file over the size limit")
	assert.Equal(t, 2, res.Stats.SkippedSymlink, "symbolic links")
	assert.Equal(t, r.dir, res.Root)
	assert.Equal(t, "repo:"+filepath.Base(r.dir), res.RepositoryID)

	f := findingAt(t, res, "config/app.env", "password-in-config")
	assert.Equal(t, 2, f.Location.StartLine)
	assert.Equal(t, 4, f.Location.StartColumn, "column of the match")
	assert.Empty(t, f.Location.Commit)
	assert.Equal(t, finding.Medium, f.Severity)
	assert.Equal(t, ResourceType, f.Resource.Type)
	assert.Equal(t, "password-in-config", f.Evidence["gitleaks_rule_id"])
	assert.Equal(t, SourceCustos, f.Evidence["rule_source"])
	assert.NotEmpty(t, f.Remediation)
	assert.Equal(t, []string{"8.6.2"}, f.Controls["pci-dss-4.0"])

	t.Run("subdirectory limits the scan, paths stay relative to the top level", func(t *testing.T) {
		res := scanOK(t, Options{Path: filepath.Join(r.dir, "sub")})
		assert.Equal(t, []string{"sub/service.yml"}, paths(res))
		assert.Equal(t, r.dir, res.Root)
	})
	t.Run("NoGit walks every file", func(t *testing.T) {
		res := scanOK(t, Options{Path: r.dir, NoGit: true})
		assert.Contains(t, paths(res), "ignored.env")
		assert.NotContains(t, paths(res), ".git/config")
		_, err := Scan(context.Background(), Options{Path: r.dir, NoGit: true, Mode: History, Engine: testEngine(t)})
		assert.Error(t, err)
	})
	t.Run("a plain directory is walked", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "a", ".git"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "a", "app.env"), []byte("DB_PASSWORD="+fakePassword()+"\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "a", ".git", "config.env"), []byte("DB_PASSWORD="+fakePassword()+"\n"), 0o644))
		res := scanOK(t, Options{Path: dir})
		assert.Equal(t, []string{"a/app.env"}, paths(res))
		assert.Equal(t, "repo:"+filepath.Base(dir), res.RepositoryID)
	})
}

func TestWorkTreeDecodesEncodedSecrets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := "-----BEGIN RSA PRIVATE KEY-----\n" + fakeBase64(300) + "\n-----END RSA PRIVATE KEY-----\n"
	blob := fakeBase64(3) + "\n" // unrelated
	enc := "data: " + base64Std(key) + "\n" + blob
	require.NoError(t, os.WriteFile(filepath.Join(dir, "values.txt"), []byte(enc), 0o644))
	res := scanOK(t, Options{Path: dir})
	f := findingAt(t, res, "values.txt", "private-key")
	assert.Equal(t, []string{"base64"}, f.Evidence["decoded"])
	assert.Equal(t, finding.Critical, f.Severity)

	res = scanOK(t, Options{Path: dir, DecodeDepth: -1, Engine: mustEngine(t, EngineOptions{DecodeDepth: -1})})
	assert.Empty(t, res.Findings, "decoding off")
}

func mustEngine(t *testing.T, o EngineOptions) *Engine {
	t.Helper()
	e, err := NewEngine(context.Background(), o)
	require.NoError(t, err)
	return e
}

func TestHistory(t *testing.T) {
	t.Parallel()
	r := newTestRepo(t)
	removed, renamed, merged, unmerged := fakePassword(), fakePassword(), fakeGitHubToken(), fakePassword()
	r.write("README", "hello\n")
	r.commit("start")
	r.write("config/old.env", "DB_PASSWORD="+removed+"\n")
	first := r.commit("add a password")
	r.remove("config/old.env")
	r.commit("remove it")
	r.write("settings/a.yml", "name: x\npassword: "+renamed+"\n")
	r.commit("settings")
	r.git("mv", "settings/a.yml", "settings/b.yml")
	r.commit("rename")
	r.write("bin/x.bin", "\x00\x00"+fakePassword())
	r.commit("binary")
	r.git("checkout", "-q", "-b", "feature")
	r.write("scripts/release.sh", "#!/bin/sh\nGITHUB_TOKEN="+merged+"\n")
	branch := r.commit("release script")
	r.git("checkout", "-q", "main")
	r.write("CHANGELOG", "1.0\n")
	r.commit("changelog")
	r.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature")
	r.git("checkout", "-q", "-b", "abandoned")
	r.write("wip.env", "API_TOKEN="+unmerged+"\n")
	r.commit("wip")
	r.git("checkout", "-q", "main")

	res := scanOK(t, Options{Path: r.dir, Mode: History})
	got := byPath(res)
	assert.Equal(t, map[string]bool{
		"config/old.env:password-in-config": true, // removed later, still in history
		"settings/a.yml:password-in-config": true, // the rename adds no line
		"scripts/release.sh:github-pat":     true, // from the merged branch
	}, got)
	assert.Equal(t, 1, res.Stats.SkippedBinary)
	assert.GreaterOrEqual(t, res.Stats.Commits, 6)

	f := findingAt(t, res, "config/old.env", "password-in-config")
	assert.Equal(t, first, f.Location.Commit)
	assert.Equal(t, "Alice Dev", f.Location.Author)
	require.NotNil(t, f.Location.Date)
	assert.Equal(t, "2024-01-01T09:02:00Z", f.Location.Date.UTC().Format("2006-01-02T15:04:05Z"))
	assert.Equal(t, 1, f.Location.StartLine)
	assert.Contains(t, f.Message, "in commit "+first[:12])
	assert.Equal(t, branch, findingAt(t, res, "scripts/release.sh", "github-pat").Location.Commit)
	assert.Equal(t, finding.High, findingAt(t, res, "scripts/release.sh", "github-pat").Severity)

	t.Run("log options select other commits", func(t *testing.T) {
		res := scanOK(t, Options{Path: r.dir, Mode: History, LogOpts: []string{"--all"}})
		assert.True(t, byPath(res)["wip.env:password-in-config"], "unmerged branch with --all")
		res = scanOK(t, Options{Path: r.dir, Mode: History, LogOpts: []string{first + "~1..HEAD", "--", "config"}})
		assert.Equal(t, map[string]bool{"config/old.env:password-in-config": true}, byPath(res))
	})
	t.Run("options that hide patches are refused", func(t *testing.T) {
		for _, o := range []string{"--output=/tmp/x", "--stat", "--pretty=oneline", "-s", "--graph", "--name-only"} {
			_, err := Scan(context.Background(), Options{Path: r.dir, Mode: History, LogOpts: []string{o}, Engine: testEngine(t)})
			assert.Error(t, err, o)
		}
	})
	t.Run("a bad revision is a git error, not an empty result", func(t *testing.T) {
		_, err := Scan(context.Background(), Options{Path: r.dir, Mode: History, LogOpts: []string{"no-such-branch"}, Engine: testEngine(t)})
		require.ErrorIs(t, err, ErrGit)
		assert.Contains(t, err.Error(), "no-such-branch")
	})
	t.Run("the same secret through many commits is one finding", func(t *testing.T) {
		r2 := newTestRepo(t)
		pw := fakePassword()
		r2.write("app.env", "DB_PASSWORD="+pw+"\n")
		c1 := r2.commit("one")
		r2.write("app.env", "# comment\nDB_PASSWORD="+pw+"\n")
		r2.commit("two")
		r2.write("app.env", "DB_PASSWORD=other"+fakePassword()+"\n")
		r2.commit("three")
		r2.write("app.env", "DB_PASSWORD="+pw+"\n")
		r2.commit("four")
		res := scanOK(t, Options{Path: r2.dir, Mode: History})
		require.Len(t, res.Findings, 2, "two distinct passwords")
		for _, f := range res.Findings {
			if f.Evidence["occurrences"] == 2 {
				assert.Equal(t, c1, f.Location.Commit, "earliest commit kept")
			}
		}
	})
}

func TestDiff(t *testing.T) {
	t.Parallel()
	r := newTestRepo(t)
	old, added, addedThenRemoved := fakePassword(), fakePassword(), fakeGitHubToken()
	r.write("config/app.env", "DB_PASSWORD="+old+"\n")
	r.commit("main: existing secret")
	base := r.commit("main: base")
	r.git("checkout", "-q", "-b", "feature")
	r.write("config/app.env", "DB_PASSWORD="+old+"\nSMTP_PASSWORD="+added+"\n")
	r.commit("feature: smtp")
	r.write("scripts/ci.sh", "GITHUB_TOKEN="+addedThenRemoved+"\n")
	r.commit("feature: token")
	r.remove("scripts/ci.sh")
	r.commit("feature: drop token")
	r.git("checkout", "-q", "main")
	r.write("other.env", "API_TOKEN="+fakePassword()+"\n")
	r.commit("main moves on")
	r.git("checkout", "-q", "feature")

	res := scanOK(t, Options{Path: r.dir, Mode: Diff, DiffRange: "main...HEAD"})
	assert.Equal(t, map[string]bool{
		"config/app.env:password-in-config": true,
		"scripts/ci.sh:github-pat":          true, // pushed in a commit, even if removed later
	}, byPath(res))
	f := findingAt(t, res, "config/app.env", "password-in-config")
	assert.Equal(t, 2, f.Location.StartLine, "only the added line")
	assert.Equal(t, 2, res.Stats.Commits, "commits that add or change files")
	assert.Contains(t, res.Scope, "3 commits, "+base[:12])

	for _, rng := range []string{"main..HEAD", "main", "main...feature"} {
		assert.Equal(t, byPath(res), byPath(scanOK(t, Options{Path: r.dir, Mode: Diff, DiffRange: rng})), rng)
	}

	t.Run("errors", func(t *testing.T) {
		notRepo := t.TempDir()
		shallow := t.TempDir()
		runGit(t, shallow, nil, "clone", "-q", "--depth", "1", "--single-branch", "--branch", "feature", "file://"+r.dir, "c")
		clone := filepath.Join(shallow, "c")
		unrelated := newTestRepo(t)
		unrelated.write("x", "y\n")
		unrelated.commit("x")
		unrelated.git("checkout", "-q", "--orphan", "other")
		unrelated.write("z", "y\n")
		unrelated.commit("z")
		cases := []struct {
			name, path, rng, want string
		}{
			{"bad base ref", r.dir, "nope...HEAD", "unknown revision"},
			{"bad head ref", r.dir, "main...nope", "unknown revision"},
			{"option-like ref", r.dir, "--output=x...HEAD", "invalid revision"},
			{"not a repository", notRepo, "main...HEAD", "not inside a git repository"},
			{"shallow clone without the base", clone, "origin/main...HEAD", "unknown revision"},
			{"unrelated histories", unrelated.dir, "main...other", "no merge base"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := Scan(context.Background(), Options{Path: c.path, Mode: Diff, DiffRange: c.rng, Engine: testEngine(t)})
				require.ErrorIs(t, err, ErrGit)
				assert.Contains(t, err.Error(), c.want)
			})
		}
		t.Run("shallow clone that does not reach the merge base", func(t *testing.T) {
			runGit(t, clone, nil, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
			_, err := Scan(context.Background(), Options{Path: clone, Mode: Diff, DiffRange: "origin/main...HEAD", Engine: testEngine(t)})
			require.ErrorIs(t, err, ErrGit)
			assert.Contains(t, err.Error(), "shallow clone")
		})
	})
}

func TestStaged(t *testing.T) {
	t.Parallel()
	r := newTestRepo(t)
	staged, unstaged := fakePassword(), fakePassword()
	// a repository without any commit yet
	r.write("app.env", "DB_PASSWORD="+staged+"\n")
	r.git("add", "app.env")
	r.write("app.env", "DB_PASSWORD="+staged+"\nAPI_TOKEN="+unstaged+"\n")
	res := scanOK(t, Options{Path: r.dir, Mode: Staged})
	assert.Equal(t, map[string]bool{"app.env:password-in-config": true}, byPath(res))
	assert.Equal(t, 1, res.Stats.Files)
	assert.Len(t, res.Findings, 1, "the unstaged line is not scanned")

	r.git("add", "app.env")
	r.commit("both")
	r.write("new.env", "SMTP_PASSWORD="+fakePassword()+"\n")
	r.git("add", "new.env")
	res = scanOK(t, Options{Path: r.dir, Mode: Staged})
	assert.Equal(t, map[string]bool{"new.env:password-in-config": true}, byPath(res))

	_, err := Scan(context.Background(), Options{Path: t.TempDir(), Mode: Staged, Engine: testEngine(t)})
	assert.ErrorIs(t, err, ErrGit)
}

func TestHistoryNeedsCommits(t *testing.T) {
	t.Parallel()
	r := newTestRepo(t)
	_, err := Scan(context.Background(), Options{Path: r.dir, Mode: History, Engine: testEngine(t)})
	require.ErrorIs(t, err, ErrGit)
	assert.Contains(t, err.Error(), "no commits")
}

func TestShallowHistoryWarns(t *testing.T) {
	t.Parallel()
	r := newTestRepo(t)
	r.write("a", "1\n")
	r.commit("1")
	r.write("a", "2\n")
	r.commit("2")
	dir := t.TempDir()
	runGit(t, dir, nil, "clone", "-q", "--depth", "1", "file://"+r.dir, "c")
	res := scanOK(t, Options{Path: filepath.Join(dir, "c"), Mode: History})
	require.Len(t, res.Warnings, 1)
	assert.Contains(t, res.Warnings[0], "shallow")
}

func TestFingerprintSurvivesLineMoves(t *testing.T) {
	t.Parallel()
	r := newTestRepo(t)
	pw := fakePassword()
	r.write("app.env", "A=1\nDB_PASSWORD="+pw+"\n")
	r.commit("one")
	before := findingAt(t, scanOK(t, Options{Path: r.dir}), "app.env", "password-in-config")
	r.write("app.env", "# settings\n\n\nA=1\nB=2\n  DB_PASSWORD="+pw+"\n")
	r.commit("two")
	after := findingAt(t, scanOK(t, Options{Path: r.dir}), "app.env", "password-in-config")
	assert.Equal(t, before.Fingerprint, after.Fingerprint)
	assert.NotEqual(t, before.Location.StartLine, after.Location.StartLine)

	r.write("app.env", "DB_PASSWORD=other"+pw+"\n")
	changed := findingAt(t, scanOK(t, Options{Path: r.dir}), "app.env", "password-in-config")
	assert.NotEqual(t, before.Fingerprint, changed.Fingerprint, "another secret, another fingerprint")
}

func TestIgnoreFileAndInlineAllow(t *testing.T) {
	t.Parallel()
	r := newTestRepo(t)
	r.write("a.env", "DB_PASSWORD="+fakePassword()+"\n")
	r.write("b.env", "DB_PASSWORD="+fakePassword()+" # gitleaks:allow\n")
	r.write("c.env", "X=1\nDB_PASSWORD="+fakePassword()+"\n")
	r.write("d.env", "DB_PASSWORD="+fakePassword()+"\n")
	c := r.commit("files")
	first := scanOK(t, Options{Path: r.dir})
	assert.ElementsMatch(t, []string{"a.env", "c.env", "d.env"}, paths(first), "inline gitleaks:allow")
	dFP := findingAt(t, first, "d.env", "password-in-config").Fingerprint

	r.write(IgnoreFile, "# accepted\nc.env:password-in-config:2\n"+dFP+"\n")
	res := scanOK(t, Options{Path: r.dir})
	assert.Equal(t, []string{"a.env"}, paths(res))
	assert.Equal(t, 2, res.Stats.Ignored)

	hist := scanOK(t, Options{Path: r.dir, Mode: History})
	assert.Equal(t, []string{"a.env"}, paths(hist), "global entries apply to history too")
	r.write(IgnoreFile, c+":a.env:password-in-config:1\n")
	hist = scanOK(t, Options{Path: r.dir, Mode: History})
	assert.NotContains(t, paths(hist), "a.env", "commit entry")
	assert.Contains(t, paths(hist), "c.env")

	r.write(IgnoreFile, "just-one-part\n")
	_, err := Scan(context.Background(), Options{Path: r.dir, Engine: testEngine(t)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), ".gitleaksignore:1")
}

func TestOptionsValidation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"unknown mode", Options{Path: dir, Mode: "everything"}, "unknown scan mode"},
		{"range outside diff mode", Options{Path: dir, DiffRange: "a...b"}, "only used in diff mode"},
		{"log options outside history", Options{Path: dir, LogOpts: []string{"HEAD"}}, "only used in history mode"},
		{"missing path", Options{Path: filepath.Join(dir, "nope")}, "no such file"},
		{"bad diff range", Options{Path: dir, Mode: Diff, DiffRange: "...HEAD"}, "not inside a git repository"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Engine = testEngine(t)
			_, err := Scan(context.Background(), c.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	_, _, err := parseDiffRange("...HEAD")
	assert.Error(t, err)
}

func TestRepositoryID(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"https://x-access-token:ghs_abc@github.com/Acme/api.git": "github.com/Acme/api",
		"git@github.com:acme/api.git":                            "github.com/acme/api",
		"ssh://git@gitlab.example.net:2222/group/sub/api":        "gitlab.example.net/group/sub/api",
		"/srv/git/api.git":                                       "repo:api",
	}
	for in, want := range cases {
		assert.Equal(t, want, normaliseRemote(in), in)
	}
	r := newTestRepo(t)
	r.git("remote", "add", "origin", "https://user:hunter2@github.com/acme/shop.git")
	assert.Equal(t, "github.com/acme/shop", repositoryID(context.Background(), r.dir))
}

func TestHeaderCounter(t *testing.T) {
	t.Parallel()
	out := "commit 1\n\ndiff --git a/x b/x\n+diff --git a/y b/y\n diff --git\ndiff --git a/z b/z\n"
	for _, size := range []int{1, 3, 7, len(out)} {
		h := &headerCounter{}
		for i := 0; i < len(out); i += size {
			_, _ = h.Write([]byte(out[i:min(i+size, len(out))]))
		}
		assert.Equal(t, 2, h.count, "chunk size %d", size)
	}
}

func TestGitErrorIsErrGit(t *testing.T) {
	t.Parallel()
	err := error(&GitError{Args: []string{"log"}, Stderr: "fatal: bad", Err: errors.New("exit status 128")})
	assert.ErrorIs(t, err, ErrGit)
	assert.Equal(t, "git log: exit status 128: fatal: bad", err.Error())
}
