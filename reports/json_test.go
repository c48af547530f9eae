package reports

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/finding"
)

// compileSchema compiles a JSON Schema file with format assertions on.
func compileSchema(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	abs, err := filepath.Abs(path)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(abs)
	require.NoError(t, err, "compile %s", path)
	return sch
}

func validateJSON(t *testing.T, sch *jsonschema.Schema, doc []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	require.NoError(t, err)
	return sch.Validate(v)
}

func TestJSONMatchesSchema(t *testing.T) {
	sch := compileSchema(t, filepath.Join("..", "docs", "report.schema.json"))
	for _, c := range fixtureCases() {
		t.Run(c.name, func(t *testing.T) {
			assert.NoError(t, validateJSON(t, sch, render(t, "json", c.report)))
		})
	}
}

// TestJSONSchemaRejects proves the schema bites: documents that break the contract fail.
func TestJSONSchemaRejects(t *testing.T) {
	sch := compileSchema(t, filepath.Join("..", "docs", "report.schema.json"))
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
	}{
		{name: "missing severity key", mutate: func(doc map[string]any) {
			delete(doc["summary"].(map[string]any)["by_severity"].(map[string]any), "info")
		}},
		{name: "null findings", mutate: func(doc map[string]any) { doc["findings"] = nil }},
		{name: "unknown severity", mutate: func(doc map[string]any) {
			doc["findings"].([]any)[0].(map[string]any)["severity"] = "urgent"
		}},
		{name: "unknown top-level field", mutate: func(doc map[string]any) { doc["extra"] = true }},
		{name: "bad timestamp", mutate: func(doc map[string]any) {
			doc["run"].(map[string]any)["started_at"] = "yesterday"
		}},
		{name: "unknown coverage status", mutate: func(doc map[string]any) {
			doc["coverage"].([]any)[0].(map[string]any)["status"] = "fine"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			require.NoError(t, json.Unmarshal(render(t, "json", cloudMixedReport()), &doc))
			tt.mutate(doc)
			b, err := json.Marshal(doc)
			require.NoError(t, err)
			assert.Error(t, validateJSON(t, sch, b))
		})
	}
}

func TestJSONContract(t *testing.T) {
	tests := []struct {
		name         string
		report       Report
		wantFindings int
		wantCoverage int
	}{
		{name: "cloud-mixed", report: cloudMixedReport(), wantFindings: 7, wantCoverage: 8},
		{name: "empty", report: emptyReport(), wantFindings: 0, wantCoverage: 2},
		{name: "zero report", report: Report{}, wantFindings: 0, wantCoverage: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc struct {
				SchemaVersion string                       `json:"schema_version"`
				Summary       map[string]map[string]int    `json:"summary"`
				Findings      []map[string]json.RawMessage `json:"findings"`
				Coverage      []map[string]any             `json:"coverage"`
				Raw           map[string]json.RawMessage   `json:"-"`
			}
			out := render(t, "json", tt.report)
			require.NoError(t, json.Unmarshal(out, &doc))
			var raw map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(out, &raw))

			assert.Equal(t, "1", doc.SchemaVersion)
			assert.NotEqual(t, "null", string(raw["findings"]))
			assert.NotEqual(t, "null", string(raw["coverage"]))
			assert.Len(t, doc.Findings, tt.wantFindings)
			assert.Len(t, doc.Coverage, tt.wantCoverage)
			bySeverity, byStatus := finding.Counts(tt.report.Findings)
			for _, s := range finding.Severities {
				assert.Contains(t, doc.Summary["by_severity"], string(s))
				assert.Equal(t, bySeverity[s], doc.Summary["by_severity"][string(s)], "severity %s", s)
			}
			for _, s := range finding.Statuses {
				assert.Contains(t, doc.Summary["by_status"], string(s))
				assert.Equal(t, byStatus[s], doc.Summary["by_status"][string(s)], "status %s", s)
			}
			for i, f := range doc.Findings {
				assert.Equal(t, tt.report.Findings[i].Fingerprint, unquote(t, f["fingerprint"]), "findings keep their order")
				assert.NotEqual(t, "null", string(f["controls"]))
				assert.NotEqual(t, "null", string(f["evidence"]))
			}
		})
	}
}

func TestJSONNilMapsBecomeObjects(t *testing.T) {
	r := Report{Tool: fixtureTool(), Findings: []finding.Finding{{
		Fingerprint: finding.Fingerprint("r", "arn", ""), RuleID: "r", Severity: finding.Low, Status: finding.Open,
		Controls: map[string][]string{"soc2": nil},
	}}}
	out := render(t, "json", r)
	assert.Contains(t, string(out), `"soc2": []`)
	assert.Contains(t, string(out), `"evidence": {}`)
	assert.NoError(t, validateJSON(t, compileSchema(t, filepath.Join("..", "docs", "report.schema.json")), out))
}

func unquote(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	require.NoError(t, json.Unmarshal(raw, &s))
	return s
}
