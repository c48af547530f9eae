// Package reports writes one scan's findings in every output format custos offers: JSON,
// SARIF, HTML and a console table. Every writer takes the same Report and is pure: it reads
// no clock, environment, network or file, so the same Report always gives the same bytes.
package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/custos-dev/custos/internal/exposure"
	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
)

// Tool names the program that produced a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Run is what was scanned, as whom, and when.
type Run struct {
	StartedAt          time.Time `json:"started_at"`
	FinishedAt         time.Time `json:"finished_at"`
	Scope              string    `json:"scope"`
	Identity           string    `json:"identity"`
	PolicyBundleSHA256 string    `json:"policy_bundle_sha256"`
}

// Report is everything a writer needs: run metadata, the rules that ran, the findings and
// what was (and was not) assessed.
type Report struct {
	Tool Tool
	Run  Run
	// Rules is the metadata of every rule that ran, sorted by ID.
	Rules []finding.Rule
	// Findings are already sorted with finding.Sort.
	Findings []finding.Finding
	// Coverage records what was and was not assessed.
	Coverage []inventory.Coverage
	// Access is the effective-access analysis of a cloud scan (who can read which
	// secret); nil for scans that have none.
	Access *exposure.Result
	// Review is what an access-log review read and who it saw; nil for other scans.
	Review *AccessReview
}

// Incomplete reports whether any coverage record is not ok: part of the scope was not
// assessed, and no report may present the result as compliant.
func (r Report) Incomplete() bool {
	return !inventory.Complete(r.Coverage)
}

// notAssessed returns the coverage records that are not ok, in their given order.
func (r Report) notAssessed() []inventory.Coverage {
	var out []inventory.Coverage
	for _, c := range r.Coverage {
		if c.Status != inventory.CoverageOK {
			out = append(out, c)
		}
	}
	return out
}

// Writer writes a Report in one format.
type Writer interface {
	Write(w io.Writer, r Report) error
}

// format is one registry entry: the writer and the file name the CLI gives its output.
type format struct {
	writer   Writer
	fileName string
}

// registry lists every format. It is built on each call, so there is no mutable package state.
func registry() map[string]format {
	return map[string]format{
		"json":  {writer: JSON{}, fileName: "custos.json"},
		"sarif": {writer: SARIF{}, fileName: "custos.sarif"},
		"html":  {writer: HTML{}, fileName: "custos.html"},
		"table": {writer: Table{}, fileName: "custos.txt"},
	}
}

// Formats returns the names of every format, sorted.
func Formats() []string {
	reg := registry()
	names := make([]string, 0, len(reg))
	for name := range reg {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the writer for a format name. An unknown name is an error listing the valid
// names; there is no default format.
func Lookup(name string) (Writer, error) {
	f, ok := registry()[name]
	if !ok {
		return nil, fmt.Errorf("unknown report format %q (want one of %s)", name, strings.Join(Formats(), ", "))
	}
	return f.writer, nil
}

// FileName is the file name a format is written to (custos.json, custos.sarif, custos.html,
// custos.txt), or "" for an unknown format.
func FileName(name string) string {
	return registry()[name].fileName
}

// ruleCatalog returns the metadata of every rule the report mentions, sorted by ID: the
// rules that ran, plus a rule described from its findings for any finding whose rule is not
// among them (a scanner rule such as a secret detector), so no finding points at nothing.
func ruleCatalog(r Report) []finding.Rule {
	seen := make(map[string]bool, len(r.Rules))
	rules := make([]finding.Rule, 0, len(r.Rules))
	for _, rule := range r.Rules {
		if seen[rule.ID] {
			continue
		}
		seen[rule.ID] = true
		rules = append(rules, rule)
	}
	for _, f := range r.Findings {
		if seen[f.RuleID] {
			continue
		}
		seen[f.RuleID] = true
		rules = append(rules, finding.Rule{
			ID:           f.RuleID,
			Title:        f.Title,
			Description:  f.Title,
			Severity:     f.Severity,
			ResourceType: f.Resource.Type,
			Controls:     f.Controls,
			Remediation:  f.Remediation,
		})
	}
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules
}

// controlIDs flattens a control mapping into sorted "framework/id" strings.
func controlIDs(controls map[string][]string) []string {
	var out []string
	for framework, ids := range controls {
		for _, id := range ids {
			out = append(out, framework+"/"+id)
		}
	}
	sort.Strings(out)
	return out
}

// timestamp formats a time for every report: UTC, RFC 3339, second precision unless the
// time carries fractions.
func timestamp(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}
