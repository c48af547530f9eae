package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const cloudtrailSample = "../../testdata/cloudtrail/sample"

// reviewSample reviews the committed CloudTrail sample's review day against its two
// quiet weeks, writing every format to dir.
func reviewSample(t *testing.T, dir string, extra ...string) (code int, stdout, stderr string) {
	t.Helper()
	args := append([]string{"review", "access", "--cloudtrail", cloudtrailSample,
		"--since", "2024-05-31", "--until", "2024-06-01", "--baseline", "14d",
		"--format", "table,json,sarif,html", "--out-dir", dir, "--quiet"}, extra...)
	return custos(t, args...)
}

// TestReviewAccessGolden: custos review access on the committed sample writes the
// reports in testdata/golden/review (JSON and SARIF are also checked against their
// schemas by reports/golden_schema_test.go).
func TestReviewAccessGolden(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, stdout, stderr := reviewSample(t, dir)
	require.Equal(t, exitFindings, code, stderr)
	assertGolden(t, dir, "review", "TestReviewAccessGolden")
	table, err := os.ReadFile(filepath.Join(dir, "custos.txt"))
	require.NoError(t, err)
	assert.Equal(t, string(table), stdout, "with --out-dir the table is also printed")
}

// TestReviewAccessReportSection: the reports carry what the review read and who it saw,
// and the HTML shows the events behind each finding.
func TestReviewAccessReportSection(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, _, stderr := reviewSample(t, dir)
	require.Equal(t, exitFindings, code, stderr)

	data, err := os.ReadFile(filepath.Join(dir, "custos.json"))
	require.NoError(t, err)
	var doc struct {
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Resource struct {
				ARN string `json:"arn"`
			} `json:"resource"`
			Evidence struct {
				Events []struct {
					ID string `json:"id"`
				} `json:"events"`
			} `json:"evidence"`
		} `json:"findings"`
		AccessReview struct {
			Window struct {
				BaselineFrom string `json:"baseline_from"`
				Since        string `json:"since"`
				Until        string `json:"until"`
			} `json:"window"`
			Stats struct {
				Objects, Events, Principals int
			} `json:"stats"`
			Principals []struct {
				Principal     string `json:"principal"`
				Findings      int    `json:"findings"`
				WorstSeverity string `json:"worst_severity"`
				SecretsRead   int    `json:"secrets_read"`
				KeysUsed      int    `json:"keys_used"`
			} `json:"principals"`
		} `json:"access_review"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	rv := doc.AccessReview
	assert.Equal(t, "2024-05-17T00:00:00Z", rv.Window.BaselineFrom)
	assert.Equal(t, "2024-05-31T00:00:00Z", rv.Window.Since)
	assert.Equal(t, "2024-06-01T00:00:00Z", rv.Window.Until)
	assert.Equal(t, 1, rv.Stats.Objects)
	assert.Positive(t, rv.Stats.Events)

	// Each principal's finding count is the number of findings that name it.
	perPrincipal := map[string]int{}
	events := 0
	for _, f := range doc.Findings {
		perPrincipal[f.Resource.ARN]++
		if len(f.Evidence.Events) > 0 {
			events++
		}
	}
	require.NotEmpty(t, rv.Principals)
	seen := 0
	for _, p := range rv.Principals {
		assert.Equal(t, perPrincipal[p.Principal], p.Findings, p.Principal)
		seen += p.Findings
	}
	assert.Equal(t, len(doc.Findings), seen, "every finding's principal is in the table")
	assert.Equal(t, "arn:aws:iam::111122223333:user/build-bot", rv.Principals[0].Principal, "worst first: the user who stopped the trail")
	assert.Equal(t, "critical", rv.Principals[0].WorstSeverity)

	page, err := os.ReadFile(filepath.Join(dir, "custos.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), `<h2 id="review">Access review</h2>`)
	assert.Equal(t, events, strings.Count(string(page), `<details class="timeline `), "a timeline for every finding with events")
	assert.Equal(t, len(rv.Principals), strings.Count(string(page), `<td class="mono wrap principal">`))
}
