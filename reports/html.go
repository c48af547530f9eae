package reports

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
)

// htmlAssets holds the page template, its stylesheet and its script. Read-only.
//
//go:embed html/*.tmpl html/report.css html/report.js
var htmlAssets embed.FS

// HTML writes one self-contained page: summary cards, a by-rule summary, a filterable and
// sortable findings table with per-finding detail, the effective-access or access-review
// section when the report has one, and the coverage table. It loads nothing
// from the network and runs under a Content-Security-Policy that allows only its own inline
// style and script, by sha256 hash. Every string from AWS or a repository goes through
// html/template's contextual escaping.
type HTML struct{}

var _ Writer = HTML{}

type htmlView struct {
	CSP           string
	CSS           template.CSS // the embedded stylesheet, never data
	JS            template.JS  // the embedded script, never data
	Tool          Tool
	Run           htmlRun
	Incomplete    bool
	NotAssessed   int
	Assessed      int
	SeverityCards []htmlCount
	StatusCards   []htmlCount
	Rules         []htmlRule
	Findings      []htmlFinding
	Coverage      []htmlCoverage
	Access        *accessSummary
	Review        *htmlReview
}

type htmlRun struct {
	Scope, Identity, PolicyBundleSHA256 string
	StartedAt, FinishedAt, Duration     string
}

type htmlCount struct {
	Name  string
	Count int
}

type htmlRule struct {
	ID, Title, ResourceType string
	Severity                finding.Severity
	Controls                []string
	Open, Suppressed, Error int
}

type htmlFinding struct {
	Index                                    int
	Fingerprint                              string
	RuleID                                   string
	Title                                    string
	Severity                                 finding.Severity
	Rank                                     int
	Status                                   finding.Status
	Resource                                 string // the label shown in the table
	ResourceSub                              string // the line under it: ARN or repository
	ResourceType, ARN, Name, Account, Region string
	Location                                 *htmlLocation
	Message                                  string
	Controls                                 []string
	Remediation                              string
	Evidence                                 string // indented JSON, escaped by the template like any text
	Suppression                              *finding.Suppression
}

type htmlLocation struct {
	Path, Lines, Commit, Author, Date string
}

type htmlCoverage struct {
	Account, Region, Service, Operation, Status, Error string
	OK                                                 bool
}

// Write renders r as HTML.
func (HTML) Write(w io.Writer, r Report) error {
	tmpl, err := template.New("report.html.tmpl").ParseFS(htmlAssets, "html/*.tmpl")
	if err != nil {
		return fmt.Errorf("html report: templates: %w", err)
	}
	css, err := htmlAssets.ReadFile("html/report.css")
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	js, err := htmlAssets.ReadFile("html/report.js")
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	view, err := newHTMLView(r)
	if err != nil {
		return err
	}
	view.CSS = template.CSS(css)
	view.JS = template.JS(js)
	view.CSP = contentSecurityPolicy(css, js)

	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, view); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	// The template and assets hold no control characters but newline and tab, so every
	// other one in the page came from data and is shown as an escape.
	if _, err := io.WriteString(w, revealControls(buf.String())); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// contentSecurityPolicy allows nothing but the page's own stylesheet and script, named by
// their sha256 hashes; no network, no inline event handlers, no HTML sinks in script.
func contentSecurityPolicy(css, js []byte) string {
	return "default-src 'none'; style-src " + cspHash(css) + "; script-src " + cspHash(js) +
		"; base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'"
}

// cspHash is the CSP source expression for an inline element with exactly this content.
func cspHash(content []byte) string {
	sum := sha256.Sum256(content)
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

func newHTMLView(r Report) (htmlView, error) {
	bySeverity, byStatus := finding.Counts(r.Findings)
	v := htmlView{
		Tool: r.Tool,
		Run: htmlRun{
			Scope:              r.Run.Scope,
			Identity:           r.Run.Identity,
			PolicyBundleSHA256: r.Run.PolicyBundleSHA256,
			StartedAt:          timestamp(r.Run.StartedAt),
			FinishedAt:         timestamp(r.Run.FinishedAt),
			Duration:           r.Run.FinishedAt.Sub(r.Run.StartedAt).String(),
		},
		Incomplete:  r.Incomplete(),
		NotAssessed: len(r.notAssessed()),
		Access:      summarizeAccess(r.Access),
		Review:      newHTMLReview(r.Review, r.Findings),
	}
	v.Assessed = len(r.Coverage) - v.NotAssessed
	for _, s := range finding.Severities {
		v.SeverityCards = append(v.SeverityCards, htmlCount{Name: string(s), Count: bySeverity[s]})
	}
	for _, s := range finding.Statuses {
		v.StatusCards = append(v.StatusCards, htmlCount{Name: string(s), Count: byStatus[s]})
	}

	rules := ruleCatalog(r)
	ruleAt := make(map[string]int, len(rules))
	for i, rule := range rules {
		ruleAt[rule.ID] = i
		v.Rules = append(v.Rules, htmlRule{
			ID: rule.ID, Title: rule.Title, ResourceType: rule.ResourceType,
			Severity: rule.Severity, Controls: controlIDs(rule.Controls),
		})
	}

	for i, f := range r.Findings {
		rule := &v.Rules[ruleAt[f.RuleID]]
		switch f.Status {
		case finding.Open:
			rule.Open++
		case finding.Suppressed:
			rule.Suppressed++
		case finding.Error:
			rule.Error++
		}
		hf, err := newHTMLFinding(i, f)
		if err != nil {
			return htmlView{}, err
		}
		v.Findings = append(v.Findings, hf)
	}

	for _, c := range r.Coverage {
		v.Coverage = append(v.Coverage, htmlCoverage{
			Account: c.Account, Region: c.Region, Service: c.Service, Operation: c.Operation,
			Status: string(c.Status), Error: c.Error, OK: c.Status == inventory.CoverageOK,
		})
	}
	return v, nil
}

func newHTMLFinding(i int, f finding.Finding) (htmlFinding, error) {
	evidence, err := prettyJSON(f.Evidence)
	if err != nil {
		return htmlFinding{}, fmt.Errorf("html report: finding %s (%s): evidence: %w", f.Fingerprint, f.RuleID, err)
	}
	hf := htmlFinding{
		Index:        i,
		Fingerprint:  f.Fingerprint,
		RuleID:       f.RuleID,
		Title:        f.Title,
		Severity:     f.Severity,
		Rank:         f.Severity.Rank(),
		Status:       f.Status,
		Resource:     tableResource(f),
		ResourceType: f.Resource.Type,
		ARN:          f.Resource.ARN,
		Name:         f.Resource.Name,
		Account:      f.Resource.Account,
		Region:       f.Resource.Region,
		Message:      f.Message,
		Controls:     controlIDs(f.Controls),
		Remediation:  f.Remediation,
		Evidence:     evidence,
		Suppression:  f.Suppression,
	}
	if f.Location != nil {
		loc := &htmlLocation{Path: f.Location.Path, Commit: f.Location.Commit, Author: f.Location.Author}
		if f.Location.StartLine > 0 {
			loc.Lines = strconv.Itoa(f.Location.StartLine)
			if f.Location.EndLine > f.Location.StartLine {
				loc.Lines += "–" + strconv.Itoa(f.Location.EndLine)
			}
			if f.Location.StartColumn > 0 {
				loc.Lines += ", column " + strconv.Itoa(f.Location.StartColumn)
			}
		}
		if f.Location.Date != nil {
			loc.Date = timestamp(*f.Location.Date)
		}
		hf.Location = loc
		hf.ResourceSub = resourceLabel(f.Resource)
	} else if f.Resource.Name != "" && f.Resource.ARN != "" {
		hf.ResourceSub = f.Resource.ARN
	}
	return hf, nil
}

// prettyJSON indents evidence for reading; an absent evidence map is {}.
func prettyJSON(v map[string]any) (string, error) {
	if v == nil {
		v = map[string]any{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the template escapes; keep the JSON readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n")), nil
}

// revealControls writes control characters other than newline and tab, and bidirectional
// controls, as visible \uXXXX escapes: a name or evidence value cannot reorder the text
// around it on screen ("Trojan Source") or hide characters.
func revealControls(s string) string {
	if !strings.ContainsFunc(s, isHiddenControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isHiddenControl(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isHiddenControl(r rune) bool {
	return (unicode.IsControl(r) && r != '\n' && r != '\t') || unicode.Is(unicode.Bidi_Control, r)
}
