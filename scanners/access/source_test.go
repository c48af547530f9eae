package access

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custos-dev/custos/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
)

// reviewSources reviews sources over the review day with a one-day baseline.
func reviewSources(t *testing.T, src ...Source) *Result {
	t.Helper()
	return reviewWorkers(t, 2, src...)
}

func reviewWorkers(t *testing.T, workers int, src ...Source) *Result {
	t.Helper()
	eng, err := sharedEngine()
	require.NoError(t, err)
	res, err := Review(context.Background(), Options{
		Sources: src, Since: reviewStart, Until: reviewEnd, Baseline: 24 * time.Hour,
		Engine: eng, Config: defaultAccess(t), Workers: workers,
	})
	require.NoError(t, err)
	return res
}

// ticks is one read every five minutes of the review day by the application.
func ticks(from, to time.Time) *world {
	w := &world{}
	for at := from; at.Before(to); at = at.Add(5 * time.Minute) {
		w.call(ordersAPI(0), at, "secretsmanager.amazonaws.com", "GetSecretValue", map[string]any{"secretId": "prod/orders/db"})
	}
	return w
}

func recordsJSON(t *testing.T, recs []record) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"Records": recs})
	require.NoError(t, err)
	return b
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

func failedCoverage(cov []inventory.Coverage) []string {
	var out []string
	for _, c := range cov {
		if c.Status != inventory.CoverageOK {
			out = append(out, string(c.Status)+" "+c.Error)
		}
	}
	return out
}

// Gzipped and plain files, JSON lines, JSON arrays and EventBridge envelopes give the
// same events.
func TestFormats(t *testing.T) {
	t.Parallel()
	w := ticks(at(10, 0), at(11, 0)) // 12 events
	recs := w.recs
	var lines bytes.Buffer
	for _, r := range recs {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		lines.Write(b)
		lines.WriteByte('\n')
	}
	var bridge bytes.Buffer
	for _, r := range recs {
		b, err := json.Marshal(map[string]any{"version": "0", "detail-type": "AWS API Call via CloudTrail", "source": "aws.secretsmanager", "detail": r})
		require.NoError(t, err)
		bridge.Write(b)
		bridge.WriteByte('\n')
	}
	array, err := json.Marshal(recs)
	require.NoError(t, err)
	trailing, err := json.Marshal(map[string]any{"Records": recs, "Other": map[string]any{"x": []any{1, "}"}}})
	require.NoError(t, err)
	otherFirst := append([]byte(`{"Meta": {"x": "{"}, `), recordsJSON(t, recs)[1:]...)
	tests := []struct {
		name string
		data []byte
	}{
		{"log file", recordsJSON(t, recs)},
		{"gzipped log file", gz(t, recordsJSON(t, recs))},
		{"pretty-printed log file", func() []byte { b, _ := json.MarshalIndent(map[string]any{"Records": recs}, "", "  "); return b }()},
		{"keys after Records", trailing},
		{"keys before Records", otherFirst},
		{"JSON lines", lines.Bytes()},
		{"gzipped JSON lines", gz(t, lines.Bytes())},
		{"JSON array", array},
		{"EventBridge envelopes", bridge.Bytes()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := reviewSources(t, Reader("-", bytes.NewReader(tc.data)))
			assert.Empty(t, failedCoverage(res.Coverage))
			assert.Equal(t, 12, res.Stats.Records)
			assert.Equal(t, 12, res.Stats.Events)
			require.Len(t, res.Principals, 1)
			assert.Equal(t, 12, res.Principals[0].SecretReads)
		})
	}
}

// A corrupt or truncated file is reported by name as incomplete coverage; the events
// before the damage and every other file are read.
func TestMalformedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := ticks(at(10, 0), at(11, 0)).recs
	writeFile(t, dir, "good.json.gz", gz(t, recordsJSON(t, good)))
	full := gz(t, recordsJSON(t, ticks(at(12, 0), at(13, 0)).recs))
	truncated := writeFile(t, dir, "truncated.json.gz", full[:len(full)*2/3])
	corrupt := recordsJSON(t, ticks(at(14, 0), at(14, 20)).recs)
	corruptPath := writeFile(t, dir, "sub/corrupt.json", corrupt[:len(corrupt)-40])
	garbage := writeFile(t, dir, "garbage.json", []byte("<html>503 Service Unavailable</html>"))
	notEvents := writeFile(t, dir, "not-events.json", []byte(`{"Records": [{"eventID": "x1"}, {"foo": 1}]}`))
	writeFile(t, dir, "empty.json", nil)
	writeFile(t, dir, "renamed-digest.json", []byte(`{"awsAccountId":"111122223333","digestStartTime":"2024-05-31T00:00:00Z","digestEndTime":"2024-05-31T01:00:00Z","digestS3Bucket":"b","logFiles":[]}`))
	writeFile(t, dir, "README.txt", []byte("not a log"))

	res := reviewSources(t, Path(dir))
	bad := failedCoverage(res.Coverage)
	require.Len(t, bad, 4, "%v", bad)
	joined := strings.Join(bad, "\n")
	for _, p := range []string{truncated, corruptPath, garbage, notEvents} {
		assert.Contains(t, joined, p)
	}
	assert.Contains(t, joined, "unexpected EOF")
	assert.Contains(t, joined, "not-events.json: 2 records are not CloudTrail events (first: record 1: not a CloudTrail event (no eventTime)")
	assert.False(t, inventory.Complete(res.Coverage))
	assert.Equal(t, 1, res.Stats.Digests)
	assert.Equal(t, 1, res.Stats.Ignored)
	assert.Equal(t, 2, res.Stats.Invalid)
	// 12 good events, the events of the truncated and corrupt files before the damage.
	assert.Greater(t, res.Stats.Events, 12)
	assert.Less(t, res.Stats.Events, 12+12+4)
}

func TestDecodeErrorsNamePlace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, want string
	}{
		{"cut inside a record", `{"Records": [{"eventID": "a"}, {"eventID": "b`, "x.json: offset 45, after 1 records: unexpected EOF"},
		{"missing comma", `{"Records": [{"eventID": "a"} {"eventID": "b"}]}`, "x.json: offset 30, after 1 records: expected ',' or ']' between records, found '{'"},
		{"bad record", `{"Records": [{"eventID": "a"}, {"eventID" "b"}]}`, "x.json: offset 31, after 1 records: record 2: cannot parse JSON: cannot parse object: missing ':' after object key"},
		{"trailing garbage", `{"Records": []} x`, `unexpected 'x' after the Records object`},
		{"not JSON", `PK\x03\x04`, `not JSON: starts with 'P'`},
		{"unknown object", `{"hello": "world"}`, `object is neither a CloudTrail event nor a {"Records": [...]} log file`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var p fastjson.Parser
			d := &decoder{name: "x.json", sc: newScanner(strings.NewReader(tc.data), nil), parser: &p}
			err := d.each(func(*fastjson.Value) error { return nil })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// Records larger than the scanner's buffer, strings with escaped quotes and brackets.
func TestScannerEdges(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 600<<10)
	data := `{"Records":[{"eventID":"a","s":"` + big + `"},{"eventID":"b\"]}","t":"\\"},{"eventID":"c","n":[1,{"d":[]}]}]}`
	var p fastjson.Parser
	d := &decoder{name: "x", sc: newScanner(strings.NewReader(data), make([]byte, 1024)), parser: &p}
	var ids []string
	require.NoError(t, d.each(func(v *fastjson.Value) error {
		ids = append(ids, string(v.GetStringBytes("eventID")))
		return nil
	}))
	assert.Equal(t, []string{"a", `b"]}`, "c"}, ids)
}

// The same event delivered by two trails (an organisation trail and the account's own)
// counts once; a copy delivered within the tolerance is de-duplicated too; one later
// than the tolerance is counted as late.
func TestDuplicatesAndLateDelivery(t *testing.T) {
	t.Parallel()
	org, own := t.TempDir(), t.TempDir()
	base := ticks(at(9, 0), at(13, 0)) // 48 events, one file every 15 minutes
	base.writeTrail(t, org)
	copyWorld := &world{}
	for i, r := range base.recs {
		c := record{}
		for k, v := range r {
			c[k] = v
		}
		switch i {
		case 12: // 10:00, delivered 5 minutes later than usual: within the tolerance
			c["_late"] = 5 * time.Minute
		case 13: // 10:05, delivered an hour late
			c["_late"] = time.Hour
		}
		copyWorld.recs = append(copyWorld.recs, c)
	}
	copyWorld.writeTrail(t, own)

	// One worker reads in delivery order exactly: the copy an hour late comes after
	// its window closed and its id was forgotten.
	res := reviewWorkers(t, 1, Path(filepath.Join(org, "AWSLogs")), Path(own))
	assert.Empty(t, failedCoverage(res.Coverage))
	assert.Equal(t, 96, res.Stats.Records)
	assert.Equal(t, 1, res.Stats.Late)
	assert.Equal(t, 47, res.Stats.Duplicates, "every other copy is a duplicate")
	assert.Equal(t, 49, res.Stats.Events)
	// With several workers a stalled one holds windows open longer: a copy later than
	// the tolerance may still be caught. Copies within it always are.
	res = reviewWorkers(t, 4, Path(filepath.Join(org, "AWSLogs")), Path(own))
	assert.Equal(t, 96, res.Stats.Events+res.Stats.Duplicates)
	assert.Equal(t, res.Stats.Events-48, res.Stats.Late)
	assert.LessOrEqual(t, res.Stats.Late, 1)
}

// Files whose names say they were delivered outside the window are never opened.
func TestWindowSkipsFilesByName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := ticks(reviewStart.Add(-72*time.Hour), reviewEnd.Add(48*time.Hour))
	w.writeTrail(t, dir)
	res := reviewSources(t, Path(dir))
	// Baseline (one day) + review day, plus the files up to the late-delivery horizon.
	assert.Equal(t, 2*96+2, res.Stats.Objects)
	assert.Equal(t, 6*96-(2*96+2), res.Stats.Skipped)
	assert.Equal(t, 2*288, res.Stats.Events)
	assert.Equal(t, 6, res.Stats.OutsideWindow, "events of the edge files before and after the window")
}

func TestReviewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	eng, err := sharedEngine()
	require.NoError(t, err)
	base := Options{Sources: []Source{Path(t.TempDir())}, Since: reviewStart, Until: reviewEnd, Engine: eng, Config: defaultAccess(t)}
	tests := []struct {
		name   string
		change func(o *Options)
		want   string
	}{
		{"no engine", func(o *Options) { o.Engine = nil }, "no engine"},
		{"empty window", func(o *Options) { o.Until = o.Since }, "must be after since"},
		{"negative baseline", func(o *Options) { o.Baseline = -time.Hour }, "baseline must not be negative"},
		{"no source", func(o *Options) { o.Sources = nil }, "no CloudTrail source"},
		{"missing path", func(o *Options) { o.Sources = []Source{Path(filepath.Join(t.TempDir(), "nope"))} }, "no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := base
			tc.change(&o)
			_, err := Review(context.Background(), o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestParseLogName(t *testing.T) {
	t.Parallel()
	acct, reg, ts, ok := parseLogName("111122223333_CloudTrail_eu-west-1_20240531T1005Z_AbCdEfGhIjKlMnOp.json.gz")
	require.True(t, ok)
	assert.Equal(t, "111122223333", acct)
	assert.Equal(t, "eu-west-1", reg)
	assert.Equal(t, time.Date(2024, 5, 31, 10, 5, 0, 0, time.UTC), ts)
	for _, name := range []string{"events.json", "111122223333_CloudTrail-Digest_eu-west-1_main_eu-west-1_20240531T100500Z.json.gz", "a_CloudTrail_b_notatime_c.json"} {
		_, _, _, ok := parseLogName(name)
		assert.False(t, ok, name)
	}
	assert.True(t, isDigestName("AWSLogs/1/CloudTrail-Digest/eu-west-1/2024/05/31/x.json.gz"))
}
