package repo

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/finding"
)

func TestBaselineSuppressesKnownFindings(t *testing.T) {
	t.Parallel()
	r := newTestRepo(t)
	known := fakePassword()
	r.write("app.env", "DB_PASSWORD="+known+"\n")
	r.commit("known")
	first := scanOK(t, Options{Path: r.dir})
	require.Len(t, first.Findings, 1)

	var buf bytes.Buffer
	require.NoError(t, WriteBaseline(&buf, first.Findings))
	basePath := filepath.Join(r.dir, "custos-baseline.json")
	require.NoError(t, os.WriteFile(basePath, buf.Bytes(), 0o644))
	base, err := LoadBaseline(basePath)
	require.NoError(t, err)
	assert.Equal(t, "custos", base.Format)
	assert.Equal(t, 1, base.Len())

	// the known secret moves down; a new one arrives
	r.write("app.env", "# db\nA=1\nDB_PASSWORD="+known+"\nSMTP_PASSWORD="+fakePassword()+"\n")
	res := scanOK(t, Options{Path: r.dir, Baseline: base})
	require.Len(t, res.Findings, 2)
	var open, suppressed int
	for _, f := range res.Findings {
		switch f.Status {
		case finding.Open:
			open++
			assert.Equal(t, 4, f.Location.StartLine)
		case finding.Suppressed:
			suppressed++
			assert.Equal(t, 3, f.Location.StartLine)
			require.NotNil(t, f.Suppression)
			assert.Contains(t, f.Suppression.Reason, basePath)
		}
	}
	assert.Equal(t, 1, open)
	assert.Equal(t, 1, suppressed)
	assert.Equal(t, 1, res.Stats.Suppressed)
	threshold := finding.Low
	assert.True(t, finding.Failing(res.Findings, &threshold), "the new finding fails the gate")
}

func TestGitleaksBaseline(t *testing.T) {
	t.Parallel()
	r := newTestRepo(t)
	a, b := fakePassword(), fakePassword()
	r.write("a.env", "DB_PASSWORD="+a+"\n")
	r.write("b.env", "X=1\nDB_PASSWORD="+b+"\n")
	r.write("c.env", "DB_PASSWORD="+fakePassword()+"\n")
	r.commit("three")
	// gitleaks writes the secret unless run with --redact; either form is understood
	report := []map[string]any{
		{"RuleID": "password-in-config", "File": "a.env", "StartLine": 1, "Secret": a, "Match": "DB_PASSWORD=" + a},
		{"RuleID": "password-in-config", "File": "b.env", "StartLine": 2, "Secret": "REDACTED"},
	}
	data, err := json.Marshal(report)
	require.NoError(t, err)
	// the baseline lies in the tree and holds secrets: it is not scanned itself
	path := filepath.Join(r.dir, "gitleaks-report.json")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	base, err := LoadBaseline(path)
	require.NoError(t, err)
	assert.Equal(t, "gitleaks", base.Format)

	res := scanOK(t, Options{Path: r.dir, Baseline: base})
	status := map[string]finding.Status{}
	for _, f := range res.Findings {
		status[f.Location.Path] = f.Status
	}
	assert.Equal(t, map[string]finding.Status{"a.env": finding.Suppressed, "b.env": finding.Suppressed, "c.env": finding.Open}, status)
}

func TestBaselineErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, data, want string }{
		{"empty", "  ", "empty file"},
		{"not json", "hello", "want a custos JSON report or a gitleaks JSON report"},
		{"syntax", "{\n  \"findings\": [\n    {\"fingerprint\": }\n  ]\n}", "3:21"},
		{"no findings key", `{"tool": {}}`, `no "findings"`},
		{"finding without fingerprint", `{"findings": [{"rule_id": "x"}]}`, "findings[0]: no fingerprint"},
		{"gitleaks entry without rule", `[{"File": "a"}]`, "[0]: not a gitleaks finding"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseBaseline("base.json", []byte(c.data))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "base.json")
			assert.Contains(t, err.Error(), c.want)
		})
	}
	_, err := LoadBaseline(filepath.Join(t.TempDir(), "missing.json"))
	assert.Error(t, err)
}

func TestWriteBaselineShape(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, WriteBaseline(&buf, nil))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, "1", doc["schema_version"])
	assert.Equal(t, []any{}, doc["findings"])
	b, err := ParseBaseline("x", buf.Bytes())
	require.NoError(t, err)
	assert.Equal(t, 0, b.Len())
}
