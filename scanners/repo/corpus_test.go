package repo

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zricethezav/gitleaks/v8/config"
)

// sample is one labelled corpus entry.
type sample struct {
	id, kind, path, body string
	secret               bool
}

const corpusDir = "../../testdata/repo/corpus"

func loadCorpus(t testing.TB, file string, secret bool) []sample {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, file))
	require.NoError(t, err)
	defer f.Close()
	var out []sample
	var cur *sample
	var body strings.Builder
	flush := func() {
		if cur != nil {
			cur.body = body.String()
			out = append(out, *cur)
		}
		body.Reset()
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "=== ") {
			flush()
			fields := strings.Fields(strings.TrimPrefix(line, "=== "))
			require.Len(t, fields, 3, "%s:%d: header", file, n)
			cur = &sample{id: fields[0], secret: secret,
				kind: strings.TrimPrefix(fields[1], "kind="), path: strings.TrimPrefix(fields[2], "path=")}
			continue
		}
		if cur == nil {
			require.True(t, strings.HasPrefix(line, "#"), "%s:%d: text before the first sample", file, n)
			continue
		}
		body.WriteString(line + "\n")
	}
	require.NoError(t, sc.Err())
	flush()
	return out
}

type corpusScore struct {
	tp, fn, fp, tn      int
	recall, precision   float64
	missed, falseAlarms []string
}

// scoreCorpus writes every sample to <tmp>/<id>/<path>, scans the directory and scores by
// sample: a true sample counts as found when any finding lies in it, a look-alike as a
// false alarm when any finding does.
func scoreCorpus(t *testing.T, samples []sample, opts Options) corpusScore {
	t.Helper()
	dir := t.TempDir()
	for _, s := range samples {
		full := filepath.Join(dir, s.id, filepath.FromSlash(s.path))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(s.body), 0o644))
	}
	opts.Path = dir
	res, err := Scan(context.Background(), opts)
	require.NoError(t, err)
	hit := map[string][]string{}
	for _, f := range res.Findings {
		id, _, _ := strings.Cut(f.Location.Path, "/")
		hit[id] = append(hit[id], strings.TrimPrefix(f.RuleID, RuleIDPrefix))
	}
	var sc corpusScore
	for _, s := range samples {
		rules := hit[s.id]
		switch {
		case s.secret && len(rules) > 0:
			sc.tp++
		case s.secret:
			sc.fn++
			sc.missed = append(sc.missed, s.id+" "+s.kind+" "+s.path)
		case len(rules) > 0:
			sc.fp++
			sc.falseAlarms = append(sc.falseAlarms, s.id+" "+s.kind+" "+s.path+" "+strings.Join(rules, ","))
		default:
			sc.tn++
		}
	}
	sc.recall = float64(sc.tp) / float64(sc.tp+sc.fn)
	if sc.tp+sc.fp > 0 {
		sc.precision = float64(sc.tp) / float64(sc.tp+sc.fp)
	}
	return sc
}

func TestCorpusRecallPrecision(t *testing.T) {
	secrets := loadCorpus(t, "secrets.txt", true)
	lookalikes := loadCorpus(t, "lookalikes.txt", false)
	require.GreaterOrEqual(t, len(secrets), 80, "at least 80 labelled secrets")
	require.GreaterOrEqual(t, len(lookalikes), 80, "at least 80 labelled look-alikes")
	all := append(append([]sample(nil), secrets...), lookalikes...)

	sc := scoreCorpus(t, all, Options{Engine: testEngine(t)})
	t.Logf("custos: recall %.1f%% (%d/%d), precision %.1f%% (%d true, %d false alarms on %d look-alikes)",
		100*sc.recall, sc.tp, sc.tp+sc.fn, 100*sc.precision, sc.tp, sc.fp, len(lookalikes))
	for _, m := range sc.missed {
		t.Logf("missed: %s", m)
	}
	for _, m := range sc.falseAlarms {
		t.Logf("false alarm: %s", m)
	}
	assert.GreaterOrEqual(t, sc.recall, 0.90, "recall below 90%%")
	assert.GreaterOrEqual(t, sc.precision, 0.95, "precision below 95%%")

	// The same corpus through gitleaks' default rules alone, for comparison.
	cfg := filepath.Join(t.TempDir(), "gitleaks.toml")
	require.NoError(t, os.WriteFile(cfg, []byte(config.DefaultConfig), 0o644))
	gl := scoreCorpus(t, all, Options{GitleaksConfig: cfg})
	t.Logf("gitleaks v8.30.1 defaults: recall %.1f%% (%d/%d), precision %.1f%% (%d false alarms)",
		100*gl.recall, gl.tp, gl.tp+gl.fn, 100*gl.precision, gl.fp)
	for _, m := range gl.falseAlarms {
		t.Logf("gitleaks false alarm: %s", m)
	}
	assert.Greater(t, sc.tp, gl.tp, "custos must find more than gitleaks' defaults")
}

// Every kind of secret the issue names is represented in the corpus.
func TestCorpusCoversKinds(t *testing.T) {
	kinds := map[string]int{}
	for _, s := range loadCorpus(t, "secrets.txt", true) {
		kinds[s.kind]++
	}
	var got []string
	for k := range kinds {
		got = append(got, k)
	}
	sort.Strings(got)
	assert.Equal(t, []string{"cloud", "hash", "password", "private-key", "token", "uri"}, got)
	lk := map[string]int{}
	for _, s := range loadCorpus(t, "lookalikes.txt", false) {
		lk[s.kind]++
	}
	for _, k := range []string{"placeholder", "env-ref", "hash", "uuid", "vendor-example", "fixture", "code-ref"} {
		assert.Positive(t, lk[k], "look-alike kind %s", k)
	}
}
