package reports

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
)

// JSONSchemaVersion is the version of the JSON report contract (docs/report-json.md).
const JSONSchemaVersion = "1"

// JSON writes the machine-readable report described in docs/report-json.md and
// docs/report.schema.json.
type JSON struct{}

var _ Writer = JSON{}

type jsonReport struct {
	SchemaVersion string               `json:"schema_version"`
	Tool          Tool                 `json:"tool"`
	Run           jsonRun              `json:"run"`
	Summary       jsonSummary          `json:"summary"`
	Findings      []finding.Finding    `json:"findings"`
	Coverage      []inventory.Coverage `json:"coverage"`
	// EffectiveAccess is present for cloud scans: who can read each secret.
	EffectiveAccess *accessSummary `json:"effective_access,omitempty"`
	// AccessReview is present for access-log reviews: windows, statistics, principals.
	AccessReview *jsonReview `json:"access_review,omitempty"`
}

type jsonRun struct {
	StartedAt          string `json:"started_at"`
	FinishedAt         string `json:"finished_at"`
	Scope              string `json:"scope"`
	Identity           string `json:"identity"`
	PolicyBundleSHA256 string `json:"policy_bundle_sha256"`
}

type jsonSummary struct {
	BySeverity map[finding.Severity]int `json:"by_severity"`
	ByStatus   map[finding.Status]int   `json:"by_status"`
}

// Write encodes r as indented JSON. Times are UTC RFC 3339; findings and coverage are
// arrays even when empty, and every finding has a controls and an evidence object.
func (JSON) Write(w io.Writer, r Report) error {
	bySeverity, byStatus := finding.Counts(r.Findings)
	out := jsonReport{
		SchemaVersion: JSONSchemaVersion,
		Tool:          r.Tool,
		Run: jsonRun{
			StartedAt:          timestamp(r.Run.StartedAt),
			FinishedAt:         timestamp(r.Run.FinishedAt),
			Scope:              r.Run.Scope,
			Identity:           r.Run.Identity,
			PolicyBundleSHA256: r.Run.PolicyBundleSHA256,
		},
		Summary:  jsonSummary{BySeverity: bySeverity, ByStatus: byStatus},
		Findings: make([]finding.Finding, 0, len(r.Findings)),
		Coverage: make([]inventory.Coverage, 0, len(r.Coverage)),
	}
	for _, f := range r.Findings {
		f.Controls = nonNilControls(f.Controls)
		if f.Evidence == nil {
			f.Evidence = map[string]any{}
		}
		out.Findings = append(out.Findings, f)
	}
	out.Coverage = append(out.Coverage, r.Coverage...)
	out.EffectiveAccess = summarizeAccess(r.Access)
	out.AccessReview = reviewJSON(r.Review)

	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	return nil
}

// nonNilControls copies a control mapping so that it and each of its id lists encode as
// an object and arrays, never null.
func nonNilControls(controls map[string][]string) map[string][]string {
	out := make(map[string][]string, len(controls))
	for framework, ids := range controls {
		if ids == nil {
			ids = []string{}
		}
		out[framework] = ids
	}
	return out
}
