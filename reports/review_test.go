package reports

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// timeline is one rendered timeline: its summary and the event ids of its rows in order.
type timeline struct {
	class, summary string
	ids            []string
	open           bool
}

// timelines reads the <details class="timeline"> elements of a page.
func timelines(t *testing.T, page []byte) []timeline {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	require.NoError(t, err)
	var out []timeline
	var text func(n *html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c))
		}
		return b.String()
	}
	var walk func(n *html.Node, cur *timeline)
	walk = func(n *html.Node, cur *timeline) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "details" && strings.Contains(attr(n, "class"), "timeline"):
				out = append(out, timeline{class: attr(n, "class")})
				cur = &out[len(out)-1]
				for _, a := range n.Attr {
					cur.open = cur.open || a.Key == "open"
				}
			case n.Data == "summary" && cur != nil:
				cur.summary = strings.Join(strings.Fields(text(n)), " ")
			case n.Data == "tr" && cur != nil && n.Parent != nil && n.Parent.Data == "tbody":
				var cells []string
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && c.Data == "td" {
						cells = append(cells, text(c))
					}
				}
				cur.ids = append(cur.ids, cells[len(cells)-1])
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, cur)
		}
	}
	walk(doc, nil)
	return out
}

// TestAccessReviewSection: a review report carries its windows, statistics and principals
// in JSON (valid against the schema) and in HTML, with one timeline per finding that has
// evidence events, oldest event first, everything escaped.
func TestAccessReviewSection(t *testing.T) {
	r := reviewReport()

	out := render(t, "json", r)
	require.NoError(t, validateJSON(t, compileSchema(t, filepath.Join("..", "docs", "report.schema.json")), out))
	var doc struct {
		AccessReview *jsonReview `json:"access_review"`
	}
	require.NoError(t, json.Unmarshal(out, &doc))
	require.NotNil(t, doc.AccessReview)
	assert.Equal(t, jsonReviewWindow{BaselineFrom: "2024-05-17T00:00:00Z", Since: "2024-05-31T00:00:00Z", Until: "2024-06-01T00:00:00Z"}, doc.AccessReview.Window)
	assert.Equal(t, r.Review.Stats, doc.AccessReview.Stats)
	require.Len(t, doc.AccessReview.Principals, len(r.Review.Principals))
	for i, p := range doc.AccessReview.Principals {
		assert.Equal(t, r.Review.Principals[i].Principal, p.Principal, "the review's order is kept")
	}
	assert.Equal(t, jsonReviewPrincipal{
		Principal: "arn:aws:iam::111122223333:role/orders-api", Type: "AssumedRole", Account: "111122223333", Name: "orders-api",
		Events: 2930, OwnEvents: 2630, ViaService: 300, SecretsRead: 5, SecretReads: 292, KeysUsed: 1, KMSCalls: 2400, Denied: 3,
		Networks: 2, Regions: 1, First: "2024-05-31T00:00:00Z", Last: "2024-05-31T23:55:00Z", Findings: 3, WorstSeverity: "high", Baseline: true,
	}, doc.AccessReview.Principals[1])
	assert.NotContains(t, string(out[bytes.Index(out, []byte(`"principal": "service:`)):]), "worst_severity", "no severity without findings")

	page := render(t, "html", r)
	p := parsePage(t, page)
	assert.Contains(t, string(page), `<h2 id="review">Access review</h2>`)
	assert.Contains(t, p.text, "2024-05-31T00:00:00Z to 2024-06-01T00:00:00Z (1d)")
	assert.Contains(t, p.text, "2024-05-17T00:00:00Z to 2024-05-31T00:00:00Z (14d)")
	assert.Contains(t, p.text, "40876 distinct of 41230 records: 350 duplicates")
	assert.Equal(t, len(r.Review.Principals), strings.Count(string(page), `<td class="mono wrap principal">`), "one row per principal")
	assert.Contains(t, p.attrs, "arn:aws:iam::111122223333:role/orders-api", "the findings count filters the findings by principal")
	assert.Contains(t, p.text, hostileQuotes, "a hostile principal name is shown as text")
	assert.NotContains(t, string(page), hostileScript)

	got := timelines(t, page)
	require.Len(t, got, 4, "one timeline per finding with events; none for a finding without")
	want := []timeline{
		{class: "timeline sev-critical", summary: "critical access-cloudtrail-trail-stopped build-bot 1 event", ids: []string{"7f7f"}, open: true},
		{class: "timeline sev-high", summary: "high access-iam-scanner-user-agent build-bot 1 event", ids: []string{"5e5e"}, open: true},
		{class: "timeline sev-high", summary: "high access-secretsmanager-read-burst orders-api 4 events", ids: []string{"0b7e", "a9f0", "c3a1", "d4c2"}, open: true},
		{class: "timeline sev-medium", summary: "medium access-principal-denied-burst orders-api 3 events · suppressed", ids: []string{"e001", "e002", "e003"}, open: true},
	}
	assert.Equal(t, want, got, "findings in report order, events oldest first (then by id)")
	assert.Contains(t, p.text, "TruffleHog "+hostileScript, "user agents are escaped text")
	assert.Contains(t, p.text, `\u001b[31mred`, "control characters in a user agent are shown as escapes")
	for _, f := range r.Findings {
		if strings.HasPrefix(f.RuleID, "access-kms") {
			continue
		}
		assert.Contains(t, p.urlAttrs, "#f-"+f.Fingerprint, "each timeline links to its finding")
	}

	withoutReview := string(render(t, "html", cloudMixedReport()))
	assert.NotContains(t, withoutReview, `id="review"`, "no section without a review")
	assert.NotContains(t, string(render(t, "json", cloudMixedReport())), "access_review")
}

func TestEvidenceEvents(t *testing.T) {
	ev := func(id, at string) map[string]any {
		return map[string]any{"id": id, "time": at, "name": "GetSecretValue"}
	}
	tests := []struct {
		name     string
		evidence map[string]any
		want     []string
	}{
		{name: "no events", evidence: map[string]any{"count": 3}},
		{name: "not a list", evidence: map[string]any{"events": "e1"}},
		{name: "decoded JSON, sorted by time then id", evidence: map[string]any{"events": []any{
			ev("b", "2024-05-31T03:00:00Z"), ev("c", "2024-05-31T02:59:59Z"), ev("a", "2024-05-31T03:00:00Z"),
		}}, want: []string{"c", "a", "b"}},
		{name: "times in other zones compare as instants", evidence: map[string]any{"events": []any{
			ev("utc", "2024-05-31T03:00:00Z"), ev("cest", "2024-05-31T04:30:00+02:00"),
		}}, want: []string{"cest", "utc"}},
		{name: "Go maps; unreadable times last; other items skipped", evidence: map[string]any{"events": []map[string]any{
			ev("late", "yesterday"), ev("x", "2024-05-31T03:00:00Z"), {"note": 1},
		}}, want: []string{"x", "late"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ids []string
			for _, e := range evidenceEvents(tt.evidence) {
				ids = append(ids, e.ID)
			}
			assert.Equal(t, tt.want, ids)
		})
	}
}
