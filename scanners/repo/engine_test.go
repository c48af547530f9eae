package repo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zricethezav/gitleaks/v8/config"

	"github.com/custos-dev/custos/internal/finding"
)

func TestBuiltinRules(t *testing.T) {
	t.Parallel()
	b, err := builtinViper()
	require.NoError(t, err)
	require.NotEmpty(t, b.custos.Rules)
	e := testEngine(t)
	rules := e.Rules()
	assert.Len(t, rules, len(b.gitleaks.Rules)+len(b.custos.Rules), "no rule id collides")
	for _, r := range b.custos.Rules {
		m := e.rules[r.ID]
		assert.Equal(t, SourceCustos, m.source, r.ID)
		assert.NotEmpty(t, m.kind, r.ID)
		assert.Contains(t, r.Tags, "severity:"+string(m.severity), "%s: severity tag parsed", r.ID)
		assert.NotEmpty(t, r.Description, r.ID)
	}
	for _, r := range rules {
		assert.True(t, strings.HasPrefix(r.ID, RuleIDPrefix), r.ID)
		assert.NotEmpty(t, r.Title, r.ID)
		assert.NotEmpty(t, r.Remediation, r.ID)
		assert.NotZero(t, r.Severity.Rank(), r.ID)
		assert.Equal(t, ResourceType, r.ResourceType)
	}
	sev := map[string]finding.Severity{}
	for _, r := range rules {
		sev[strings.TrimPrefix(r.ID, RuleIDPrefix)] = r.Severity
	}
	assert.Equal(t, finding.Critical, sev["private-key"])
	assert.Equal(t, finding.Critical, sev["aws-secret-access-key"])
	assert.Equal(t, finding.High, sev["aws-access-token"])
	assert.Equal(t, finding.High, sev["github-pat"])
	assert.Equal(t, finding.Medium, sev["generic-api-key"])
	assert.Equal(t, finding.Medium, sev["password-in-config"])
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "gitleaks.toml")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

func TestUserGitleaksConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pw := fakePassword()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app.env"), []byte("DB_PASSWORD="+pw+"\nACME_KEY=acme_"+randString(lower+digits, 24)+"\n"), 0o644))
	acmeRule := `
[[rules]]
id = "acme-key"
description = "ACME internal API key"
regex = '''acme_[a-z0-9]{24}'''
keywords = ["acme_"]
tags = ["severity:critical"]
`
	t.Run("extend the built-in rules", func(t *testing.T) {
		p := writeConfig(t, "[extend]\nuseDefault = true\n"+acmeRule)
		res := scanOK(t, Options{Path: dir, GitleaksConfig: p})
		assert.Equal(t, map[string]bool{"app.env:acme-key": true, "app.env:password-in-config": true}, byPath(res))
		f := findingAt(t, res, "app.env", "acme-key")
		assert.Equal(t, finding.Critical, f.Severity)
		assert.Equal(t, "user config "+p, f.Evidence["rule_source"])
	})
	t.Run("disable a built-in rule", func(t *testing.T) {
		p := writeConfig(t, "[extend]\nuseDefault = true\ndisabledRules = [\"password-in-config\"]\n"+acmeRule)
		res := scanOK(t, Options{Path: dir, GitleaksConfig: p})
		assert.Equal(t, map[string]bool{"app.env:acme-key": true}, byPath(res))
	})
	t.Run("replace the built-in rules", func(t *testing.T) {
		p := writeConfig(t, acmeRule)
		e := mustEngine(t, EngineOptions{GitleaksConfig: p})
		assert.Len(t, e.Rules(), 1)
		res := scanOK(t, Options{Path: dir, Engine: e})
		assert.Equal(t, map[string]bool{"app.env:acme-key": true}, byPath(res))
	})
	t.Run("extend another file", func(t *testing.T) {
		base := writeConfig(t, acmeRule)
		p := writeConfig(t, "[extend]\npath = \""+base+"\"\n[[allowlists]]\npaths = ['''app\\.env''']\n")
		res := scanOK(t, Options{Path: dir, GitleaksConfig: p})
		assert.Empty(t, res.Findings, "the extending file's allowlist applies")
	})
	t.Run("allowlist targeting a built-in rule", func(t *testing.T) {
		p := writeConfig(t, "[extend]\nuseDefault = true\n[[allowlists]]\ntargetRules = [\"password-in-config\", \"generic-api-key\"]\nregexes = ['''.*''']\n")
		res := scanOK(t, Options{Path: dir, GitleaksConfig: p})
		assert.Empty(t, res.Findings)
	})
	t.Run("the config file in the tree is not scanned", func(t *testing.T) {
		d := t.TempDir()
		p := filepath.Join(d, ".gitleaks.toml")
		require.NoError(t, os.WriteFile(p, []byte(acmeRule+"\n# example: acme_"+randString(lower, 24)+"\n"), 0o644))
		res := scanOK(t, Options{Path: d, GitleaksConfig: p})
		assert.Empty(t, res.Findings)
	})
	errs := []struct{ name, body, want string }{
		{"bad regex", "[[rules]]\nid = \"x\"\nregex = '''([a-z'''\n", "error parsing regexp"},
		{"bad toml", "[[rules]\n", "gitleaks.toml"},
		{"no rules", "title = \"empty\"\n", "no rules"},
		{"rule without regex or path", "[[rules]]\nid = \"x\"\n", "both |regex| and |path| are empty"},
		{"url extension", "[extend]\nurl = \"https://example.com/x.toml\"\n", "not supported"},
		{"unknown target rule", "[[rules]]\nid = \"x\"\nregex = 'a'\n[[allowlists]]\ntargetRules = [\"nope\"]\nregexes = ['b']\n", "nope"},
	}
	for _, c := range errs {
		t.Run("error: "+c.name, func(t *testing.T) {
			p := writeConfig(t, c.body)
			_, err := NewEngine(context.Background(), EngineOptions{GitleaksConfig: p})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "gitleaks")
		})
	}
	_, err := NewEngine(context.Background(), EngineOptions{GitleaksConfig: filepath.Join(dir, "missing.toml")})
	assert.Error(t, err)
}

// The default gitleaks config must still parse through custos's private loader.
func TestGitleaksDefaultConfigLoads(t *testing.T) {
	t.Parallel()
	vc, err := parseViper("default", []byte(config.DefaultConfig))
	require.NoError(t, err)
	cfg, err := translate(vc, "default")
	require.NoError(t, err)
	assert.Greater(t, len(cfg.Rules), 200)
}

// gitleaks joins an allowlist's regexes into one alternation, where a leading (?i) would
// make the later, case-sensitive patterns case-insensitive too.
func TestCustosAllowlistFlagsAreScoped(t *testing.T) {
	t.Parallel()
	b, err := builtinViper()
	require.NoError(t, err)
	for _, a := range b.custos.Allowlists {
		for _, re := range append(append([]string(nil), a.Regexes...), a.Paths...) {
			assert.False(t, strings.HasPrefix(re, "(?i)"), "%s: %s", a.Description, re)
		}
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app.env"), []byte("ADMIN_PASSWORD=Adm1nSecret9\nDB_PASSWORD=shop_db_user2\nAPI_TOKEN=SESSION\n"), 0o644))
	res := scanOK(t, Options{Path: dir})
	lines := map[int]bool{}
	for _, f := range res.Findings {
		lines[f.Location.StartLine] = true
	}
	assert.Equal(t, map[int]bool{1: true, 2: true}, lines, "mixed-case and snake_case passwords found, an all-caps placeholder not")
}
