// Package finding is the one shape every scanner produces and every report consumes.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Severity orders how bad a finding is.
type Severity string

// Severities, most severe first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Severities lists every severity, most severe first.
var Severities = []Severity{Critical, High, Medium, Low, Info}

// Rank is 5 for critical down to 1 for info, 0 for an unknown severity.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 5
	case High:
		return 4
	case Medium:
		return 3
	case Low:
		return 2
	case Info:
		return 1
	}
	return 0
}

// ParseSeverity reads a severity name; it is an error for anything else.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", s)
	}
	return sev, nil
}

// Status says whether a finding counts.
type Status string

// Finding statuses.
const (
	// Open findings count towards --fail-on.
	Open Status = "open"
	// Suppressed findings are reported but never change the exit code.
	Suppressed Status = "suppressed"
	// Error marks a rule that could not be evaluated on a resource.
	Error Status = "error"
)

// Statuses lists every status.
var Statuses = []Status{Open, Suppressed, Error}

// Resource is what a finding is about.
type Resource struct {
	// Type is the custos resource type, e.g. aws.kms.key, repository, aws.iam.principal.
	Type    string `json:"type"`
	ARN     string `json:"arn"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Name    string `json:"name,omitempty"`
}

// Location is where in a repository a finding is (repository findings only).
type Location struct {
	// Path is relative to the scanned root, with forward slashes.
	Path        string     `json:"path"`
	StartLine   int        `json:"start_line,omitempty"`
	EndLine     int        `json:"end_line,omitempty"`
	StartColumn int        `json:"start_column,omitempty"`
	Commit      string     `json:"commit,omitempty"`
	Author      string     `json:"author,omitempty"`
	Date        *time.Time `json:"date,omitempty"`
}

// Suppression records why a finding is (or was) suppressed.
type Suppression struct {
	Reason  string `json:"reason"`
	Owner   string `json:"owner"`
	Expires string `json:"expires,omitempty"`
	// Expired is true when the suppression's date has passed: the finding is open again.
	Expired bool `json:"expired"`
}

// Finding is one verdict about one resource.
type Finding struct {
	Fingerprint string              `json:"fingerprint"`
	RuleID      string              `json:"rule_id"`
	Title       string              `json:"title"`
	Severity    Severity            `json:"severity"`
	Status      Status              `json:"status"`
	Resource    Resource            `json:"resource"`
	Location    *Location           `json:"location,omitempty"`
	Message     string              `json:"message"`
	Controls    map[string][]string `json:"controls"`
	Remediation string              `json:"remediation"`
	Evidence    map[string]any      `json:"evidence"`
	Suppression *Suppression        `json:"suppression,omitempty"`
}

// Fingerprint is stable across runs: it depends on the rule, the resource and a
// discriminator the rule chooses (a statement id, a tag name), never on line numbers or time.
func Fingerprint(ruleID, resourceARN, discriminator string) string {
	h := sha256.New()
	for _, part := range []string{ruleID, resourceARN, discriminator} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Rule is the metadata of a rule, as reports need it.
type Rule struct {
	ID           string              `json:"id"`
	Title        string              `json:"title"`
	Description  string              `json:"description"`
	Severity     Severity            `json:"severity"`
	ResourceType string              `json:"resource_type"`
	Controls     map[string][]string `json:"controls"`
	Remediation  string              `json:"remediation"`
	// Source is the file the rule was read from, e.g. policies/aws/kms/rotation_disabled.rego.
	Source string `json:"source,omitempty"`
}

// Sort orders findings deterministically: severity (worst first), rule, resource, fingerprint.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() > b.Severity.Rank()
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		if a.Resource.ARN != b.Resource.ARN {
			return a.Resource.ARN < b.Resource.ARN
		}
		return a.Fingerprint < b.Fingerprint
	})
}

// Counts tallies findings by severity and by status. Every key is present.
func Counts(fs []Finding) (bySeverity map[Severity]int, byStatus map[Status]int) {
	bySeverity = make(map[Severity]int, len(Severities))
	byStatus = make(map[Status]int, len(Statuses))
	for _, s := range Severities {
		bySeverity[s] = 0
	}
	for _, s := range Statuses {
		byStatus[s] = 0
	}
	for _, f := range fs {
		bySeverity[f.Severity]++
		byStatus[f.Status]++
	}
	return bySeverity, byStatus
}

// Failing reports whether any open finding is at or above threshold.
// A nil threshold (--fail-on none) never fails.
func Failing(fs []Finding, threshold *Severity) bool {
	if threshold == nil {
		return false
	}
	for _, f := range fs {
		if f.Status == Open && f.Severity.Rank() >= threshold.Rank() {
			return true
		}
	}
	return false
}
