package reports

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/custos-dev/custos/internal/finding"
)

// AccessReview is what an access-log review (custos review access) adds to its report:
// the windows it read, what it read, and one line per principal active in the review
// window. The events behind each finding stay in the finding's evidence ("events"); the
// HTML report draws its per-finding timelines from there.
type AccessReview struct {
	// BaselineFrom starts the baseline window [BaselineFrom, Since); the review window
	// is [Since, Until).
	BaselineFrom time.Time
	Since        time.Time
	Until        time.Time
	Stats        ReviewStats
	// Principals are in the order the review gives them (worst finding first).
	Principals []ReviewPrincipal
}

// ReviewStats count what a review read.
type ReviewStats struct {
	// Objects are the files, S3 objects, streams and LookupEvents regions opened.
	Objects int `json:"objects"`
	// Skipped log files were outside the windows by their names and never opened.
	Skipped int `json:"skipped"`
	// Digests are CloudTrail digest files, recognised and skipped.
	Digests int `json:"digests"`
	// Ignored files are not CloudTrail logs by name.
	Ignored int `json:"ignored"`
	// Records decoded, whatever their time.
	Records int `json:"records"`
	// Events are the distinct events of the baseline and review windows.
	Events int `json:"events"`
	// Duplicates are events seen again (the same event id through another trail).
	Duplicates int `json:"duplicates"`
	// OutsideWindow are records outside both windows.
	OutsideWindow int `json:"outside_window"`
	// Late are events delivered later than the tolerance.
	Late int `json:"late"`
	// Invalid records are not CloudTrail events.
	Invalid int `json:"invalid"`
	// Sensitive events went to the single-event rules.
	Sensitive int `json:"sensitive"`
	// Principals and Secrets are how many were seen.
	Principals int `json:"principals"`
	Secrets    int `json:"secrets"`
}

// ReviewPrincipal is one principal's activity in the review window.
type ReviewPrincipal struct {
	// Principal is the key findings name as their resource ARN (an ARN, service:…, …).
	Principal string
	Type      string
	Account   string
	Name      string
	// Events are all its events; OwnEvents those it made itself, ViaService those an AWS
	// service made on its behalf.
	Events     int
	OwnEvents  int
	ViaService int
	// SecretsRead is how many distinct secrets it read, SecretReads how many reads.
	SecretsRead int
	SecretReads int
	// KeysUsed is how many distinct KMS keys it decrypted or generated data keys with,
	// KMSCalls how many such calls.
	KeysUsed int
	KMSCalls int
	// Denied counts its AccessDenied errors.
	Denied   int
	Networks int
	Regions  int
	// First and Last are its first and last events in the review window.
	First time.Time
	Last  time.Time
	// Findings is how many findings name it; Worst is their worst severity ("" for none).
	Findings int
	Worst    finding.Severity
	// Baseline tells whether it was active in the baseline window.
	Baseline bool
}

// jsonReview is access_review in the JSON report.
type jsonReview struct {
	Window     jsonReviewWindow      `json:"window"`
	Stats      ReviewStats           `json:"stats"`
	Principals []jsonReviewPrincipal `json:"principals"`
}

type jsonReviewWindow struct {
	BaselineFrom string `json:"baseline_from"`
	Since        string `json:"since"`
	Until        string `json:"until"`
}

type jsonReviewPrincipal struct {
	Principal     string           `json:"principal"`
	Type          string           `json:"type"`
	Account       string           `json:"account"`
	Name          string           `json:"name"`
	Events        int              `json:"events"`
	OwnEvents     int              `json:"own_events"`
	ViaService    int              `json:"via_service"`
	SecretsRead   int              `json:"secrets_read"`
	SecretReads   int              `json:"secret_reads"`
	KeysUsed      int              `json:"keys_used"`
	KMSCalls      int              `json:"kms_calls"`
	Denied        int              `json:"denied"`
	Networks      int              `json:"networks"`
	Regions       int              `json:"regions"`
	First         string           `json:"first"`
	Last          string           `json:"last"`
	Findings      int              `json:"findings"`
	WorstSeverity finding.Severity `json:"worst_severity,omitempty"`
	Baseline      bool             `json:"baseline"`
}

// reviewJSON is the JSON form of a review; nil in, nil out.
func reviewJSON(r *AccessReview) *jsonReview {
	if r == nil {
		return nil
	}
	out := &jsonReview{
		Window: jsonReviewWindow{BaselineFrom: timestamp(r.BaselineFrom), Since: timestamp(r.Since), Until: timestamp(r.Until)},
		Stats:  r.Stats, Principals: make([]jsonReviewPrincipal, 0, len(r.Principals)),
	}
	for _, p := range r.Principals {
		out.Principals = append(out.Principals, jsonReviewPrincipal{
			Principal: p.Principal, Type: p.Type, Account: p.Account, Name: p.Name,
			Events: p.Events, OwnEvents: p.OwnEvents, ViaService: p.ViaService,
			SecretsRead: p.SecretsRead, SecretReads: p.SecretReads, KeysUsed: p.KeysUsed, KMSCalls: p.KMSCalls,
			Denied: p.Denied, Networks: p.Networks, Regions: p.Regions,
			First: timestamp(p.First), Last: timestamp(p.Last),
			Findings: p.Findings, WorstSeverity: p.Worst, Baseline: p.Baseline,
		})
	}
	return out
}

// htmlReview is the access-review section of the HTML report.
type htmlReview struct {
	BaselineFrom, Since, Until string
	BaselineSpan, ReviewSpan   string
	Stats                      ReviewStats
	Principals                 []htmlReviewPrincipal
	Timelines                  []htmlTimeline
	// OpenTimelines is whether the timelines start unfolded (when there are few).
	OpenTimelines bool
}

type htmlReviewPrincipal struct {
	ReviewPrincipal
	Label, Sub  string // the name shown, and the key under it when they differ
	First, Last string
}

// htmlTimeline is the events behind one finding, oldest first.
type htmlTimeline struct {
	Fingerprint, RuleID, Title, Message, Principal string
	Severity                                       finding.Severity
	Status                                         finding.Status
	Events                                         []htmlEvent
}

type htmlEvent struct {
	Time, Name, Source, Region, SourceIP, UserAgent, ErrorCode, Target, ID string
}

// maxOpenTimelines is how many timelines may start unfolded.
const maxOpenTimelines = 25

func newHTMLReview(r *AccessReview, findings []finding.Finding) *htmlReview {
	if r == nil {
		return nil
	}
	v := &htmlReview{
		BaselineFrom: timestamp(r.BaselineFrom), Since: timestamp(r.Since), Until: timestamp(r.Until),
		BaselineSpan: span(r.Since.Sub(r.BaselineFrom)), ReviewSpan: span(r.Until.Sub(r.Since)),
		Stats: r.Stats,
	}
	for _, p := range r.Principals {
		hp := htmlReviewPrincipal{ReviewPrincipal: p, Label: p.Name, First: timestamp(p.First), Last: timestamp(p.Last)}
		if hp.Label == "" {
			hp.Label = p.Principal
		}
		if hp.Label != p.Principal {
			hp.Sub = p.Principal
		}
		v.Principals = append(v.Principals, hp)
	}
	for _, f := range findings {
		events := evidenceEvents(f.Evidence)
		if len(events) == 0 {
			continue
		}
		v.Timelines = append(v.Timelines, htmlTimeline{
			Fingerprint: f.Fingerprint, RuleID: f.RuleID, Title: f.Title, Message: f.Message,
			Principal: tableResource(f), Severity: f.Severity, Status: f.Status, Events: events,
		})
	}
	v.OpenTimelines = len(v.Timelines) <= maxOpenTimelines
	return v
}

// evidenceEvents reads the events of a finding's evidence ("events": a list of objects
// with id, time, name, source, region, source_ip, user_agent, error_code and target) and
// sorts them by time, then id. Anything else in the list is ignored.
func evidenceEvents(evidence map[string]any) []htmlEvent {
	var list []map[string]any
	switch raw := evidence["events"].(type) {
	case []any:
		for _, e := range raw {
			if m, ok := e.(map[string]any); ok {
				list = append(list, m)
			}
		}
	case []map[string]any:
		list = raw
	}
	out := make([]htmlEvent, 0, len(list))
	for _, m := range list {
		str := func(k string) string { s, _ := m[k].(string); return s }
		e := htmlEvent{Time: str("time"), Name: str("name"), Source: str("source"), Region: str("region"),
			SourceIP: str("source_ip"), UserAgent: str("user_agent"), ErrorCode: str("error_code"), Target: str("target"), ID: str("id")}
		if e.ID == "" && e.Time == "" && e.Name == "" {
			continue
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		ta, ea := time.Parse(time.RFC3339Nano, a.Time)
		tb, eb := time.Parse(time.RFC3339Nano, b.Time)
		switch {
		case ea == nil && eb == nil && !ta.Equal(tb):
			return ta.Before(tb)
		case (ea == nil) != (eb == nil):
			return ea == nil // events without a readable time go last
		case ea != nil && a.Time != b.Time:
			return a.Time < b.Time
		}
		return a.ID < b.ID
	})
	return out
}

// span writes a window length in days and hours: 30d, 1d, 6h, 1d12h, 90m.
func span(d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	var b strings.Builder
	if days := d / (24 * time.Hour); days > 0 {
		b.WriteString(strconv.Itoa(int(days)) + "d")
		d -= days * 24 * time.Hour
	}
	if h := d / time.Hour; h > 0 {
		b.WriteString(strconv.Itoa(int(h)) + "h")
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		b.WriteString(strconv.Itoa(int(m)) + "m")
		d -= m * time.Minute
	}
	if d > 0 {
		b.WriteString(d.String())
	}
	return b.String()
}
