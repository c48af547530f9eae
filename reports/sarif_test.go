package reports

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/finding"
)

// sarifSchemaPath is the SARIF 2.1.0 schema shared with the project (../shared/schemas from
// the repository root).
var sarifSchemaPath = filepath.Join("..", "..", "shared", "schemas", "sarif-schema-2.1.0.json")

func TestSARIFMatchesSchema(t *testing.T) {
	if _, err := os.Stat(sarifSchemaPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("SARIF schema %s: %v", sarifSchemaPath, err)
		}
		t.Skipf("SARIF schema %s not present: %v", sarifSchemaPath, err)
	}
	sch := compileSchema(t, sarifSchemaPath)
	for _, c := range fixtureCases() {
		t.Run(c.name, func(t *testing.T) {
			assert.NoError(t, validateJSON(t, sch, render(t, "sarif", c.report)))
		})
	}
	t.Run("schema bites", func(t *testing.T) {
		var doc map[string]any
		require.NoError(t, json.Unmarshal(render(t, "sarif", cloudMixedReport()), &doc))
		doc["version"] = "2.0.0"
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		assert.Error(t, validateJSON(t, sch, b))
	})
}

// sarifLog is the part of a SARIF log these tests read.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID               string `json:"id"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					FullDescription struct {
						Text string `json:"text"`
					} `json:"fullDescription"`
					Help struct {
						Text     string `json:"text"`
						Markdown string `json:"markdown"`
					} `json:"help"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID              string            `json:"ruleId"`
			RuleIndex           int               `json:"ruleIndex"`
			Kind                string            `json:"kind"`
			Level               string            `json:"level"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Locations           []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine   int `json:"startLine"`
						EndLine     int `json:"endLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					Name               string `json:"name"`
					FullyQualifiedName string `json:"fullyQualifiedName"`
					Kind               string `json:"kind"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			Suppressions []struct {
				Kind          string `json:"kind"`
				Status        string `json:"status"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
			Properties map[string]any `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

func readSARIF(t *testing.T, r Report) sarifLog {
	t.Helper()
	var log sarifLog
	require.NoError(t, json.Unmarshal(render(t, "sarif", r), &log))
	require.Equal(t, "2.1.0", log.Version)
	require.Len(t, log.Runs, 1)
	return log
}

// TestSARIFForCodeScanning checks what GitHub code scanning needs from every result.
func TestSARIFForCodeScanning(t *testing.T) {
	for _, c := range fixtureCases() {
		t.Run(c.name, func(t *testing.T) {
			run := readSARIF(t, c.report).Runs[0]
			assert.Equal(t, c.report.Tool.Name, run.Tool.Driver.Name)
			assert.Equal(t, c.report.Tool.Version, run.Tool.Driver.Version, "driver version comes from the report")
			require.Len(t, run.Results, len(c.report.Findings))
			for i, res := range run.Results {
				f := c.report.Findings[i]
				assert.Equal(t, f.RuleID, res.RuleID)
				require.Less(t, res.RuleIndex, len(run.Tool.Driver.Rules))
				assert.Equal(t, f.RuleID, run.Tool.Driver.Rules[res.RuleIndex].ID, "ruleIndex points at the rule")
				assert.Equal(t, f.Fingerprint, res.PartialFingerprints[SARIFFingerprintKey])
				require.Len(t, res.Locations, 1)
				loc := res.Locations[0]
				require.NotNil(t, loc.PhysicalLocation, "GitHub rejects results without a physical location")
				assert.NotEmpty(t, loc.PhysicalLocation.ArtifactLocation.URI)
				require.NotNil(t, loc.PhysicalLocation.Region)
				assert.GreaterOrEqual(t, loc.PhysicalLocation.Region.StartLine, 1)
				require.Len(t, loc.LogicalLocations, 1)
				assert.Equal(t, f.Resource.Type, loc.LogicalLocations[0].Kind)
				assert.Equal(t, securitySeverity(f.Severity), res.Properties["security-severity"])
				if f.Location != nil {
					assert.Equal(t, "%SRCROOT%", loc.PhysicalLocation.ArtifactLocation.URIBaseID)
					assert.Equal(t, f.Location.StartLine, loc.PhysicalLocation.Region.StartLine)
					assert.Equal(t, f.Location.EndLine, loc.PhysicalLocation.Region.EndLine)
				} else {
					assert.Empty(t, loc.PhysicalLocation.ArtifactLocation.URIBaseID)
					assert.Equal(t, f.Resource.ARN, loc.LogicalLocations[0].FullyQualifiedName)
				}
				switch {
				case f.Status == finding.Suppressed:
					require.Len(t, res.Suppressions, 1)
					assert.Equal(t, "external", res.Suppressions[0].Kind)
					assert.Equal(t, "accepted", res.Suppressions[0].Status)
					assert.Equal(t, f.Suppression.Reason, res.Suppressions[0].Justification)
				default:
					assert.Empty(t, res.Suppressions, "only suppressed findings carry suppressions")
				}
				if f.Status == finding.Error {
					assert.Equal(t, "review", res.Kind)
					assert.Equal(t, "none", res.Level)
				} else {
					assert.Equal(t, "fail", res.Kind)
					assert.Equal(t, sarifLevel(f.Severity), res.Level)
				}
			}
			for _, rule := range run.Tool.Driver.Rules {
				assert.NotEmpty(t, rule.ShortDescription.Text, rule.ID)
				assert.NotEmpty(t, rule.FullDescription.Text, rule.ID)
				assert.NotEmpty(t, rule.Help.Text, rule.ID)
				assert.NotEmpty(t, rule.Help.Markdown, rule.ID)
				assert.NotEmpty(t, rule.Properties["security-severity"], rule.ID)
				assert.Contains(t, rule.Properties["tags"], "security", rule.ID)
			}
		})
	}
}

func TestSARIFRuleMetadata(t *testing.T) {
	run := readSARIF(t, cloudMixedReport()).Runs[0]
	require.Len(t, run.Tool.Driver.Rules, len(cloudRules()), "every rule that ran is listed, with or without findings")
	var kms = run.Tool.Driver.Rules[2]
	require.Equal(t, "aws-kms-rotation-disabled", kms.ID)
	assert.Equal(t, "Customer-managed KMS key does not rotate", kms.ShortDescription.Text)
	assert.Contains(t, kms.Help.Text, "Remediation: Turn on automatic rotation")
	assert.Contains(t, kms.Help.Markdown, "**Remediation:**")
	assert.Equal(t, []any{"security", "aws.kms.key", "pci-dss-4.0/3.7.4"}, kms.Properties["tags"])
	assert.Equal(t, "5.5", kms.Properties["security-severity"])

	// A finding whose rule is not in Report.Rules still gets a rule.
	repo := readSARIF(t, repositoryReport()).Runs[0]
	var ids []string
	for _, r := range repo.Tool.Driver.Rules {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"repo-aws-access-token", "repo-generic-api-key"}, ids)
}

func TestSARIFIncomplete(t *testing.T) {
	r := cloudMixedReport()
	run := readSARIF(t, r).Runs[0]
	require.Len(t, run.Invocations, 1)
	inv := run.Invocations[0]
	assert.False(t, inv.ExecutionSuccessful)
	require.Len(t, inv.ToolExecutionNotifications, len(r.notAssessed()))
	for i, c := range r.notAssessed() {
		n := inv.ToolExecutionNotifications[i]
		assert.Equal(t, "error", n.Level)
		assert.Contains(t, n.Message.Text, c.Service)
		assert.Contains(t, n.Message.Text, string(c.Status))
		assert.Contains(t, n.Message.Text, c.Account)
	}

	complete := readSARIF(t, emptyReport()).Runs[0]
	require.Len(t, complete.Invocations, 1)
	assert.True(t, complete.Invocations[0].ExecutionSuccessful)
	assert.Empty(t, complete.Invocations[0].ToolExecutionNotifications)
}

func TestSARIFLevels(t *testing.T) {
	tests := []struct {
		severity finding.Severity
		level    string
		score    string
	}{
		{finding.Critical, "error", "9.5"},
		{finding.High, "error", "8.0"},
		{finding.Medium, "warning", "5.5"},
		{finding.Low, "note", "3.0"},
		{finding.Info, "note", "0.0"},
	}
	for _, tt := range tests {
		t.Run(string(tt.severity), func(t *testing.T) {
			assert.Equal(t, tt.level, sarifLevel(tt.severity))
			assert.Equal(t, tt.score, securitySeverity(tt.severity))
		})
	}
}

func TestResourceURI(t *testing.T) {
	tests := []struct {
		name string
		res  finding.Resource
		want string
	}{
		{name: "kms key", res: finding.Resource{ARN: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab"},
			want: "aws/111122223333/eu-west-1/kms/key/1234abcd-12ab"},
		{name: "secret with path and suffix", res: finding.Resource{ARN: "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf"},
			want: "aws/111122223333/us-east-1/secretsmanager/secret/prod/db-AbCdEf"},
		{name: "global iam role with path", res: finding.Resource{ARN: "arn:aws:iam::111122223333:role/deploy/ci-runner"},
			want: "aws/111122223333/global/iam/role/deploy/ci-runner"},
		{name: "aws-managed policy", res: finding.Resource{ARN: "arn:aws:iam::aws:policy/SecretsManagerReadWrite"},
			want: "aws/aws/global/iam/policy/SecretsManagerReadWrite"},
		{name: "other partition", res: finding.Resource{ARN: "arn:aws-cn:kms:cn-north-1:111122223333:key/k"},
			want: "aws-cn/111122223333/cn-north-1/kms/key/k"},
		{name: "empty account", res: finding.Resource{ARN: "arn:aws:s3:::bucket-name"},
			want: "aws/-/global/s3/bucket-name"},
		{name: "characters escaped", res: finding.Resource{ARN: "arn:aws:secretsmanager:us-east-1:1:secret:a b?#%<x>"},
			want: "aws/1/us-east-1/secretsmanager/secret/a%20b%3F%23%25%3Cx%3E"},
		{name: "not an ARN", res: finding.Resource{Type: "repository", Name: "github.com/acme/app"},
			want: "custos/repository/github.com%2Facme%2Fapp"},
		{name: "nothing at all", res: finding.Resource{}, want: "custos/resource/fp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ResourceURI(tt.res, "fp"))
		})
	}
}

func TestSARIFSuppressedWithoutRecordIsStillSuppressed(t *testing.T) {
	f := repositoryReport().Findings[1]
	require.Equal(t, finding.Suppressed, f.Status)
	f.Suppression = nil
	log := readSARIF(t, Report{Tool: fixtureTool(), Findings: []finding.Finding{f}})
	res := log.Runs[0].Results[0]
	require.Len(t, res.Suppressions, 1)
	assert.Equal(t, "accepted", res.Suppressions[0].Status)
}

func TestSARIFExpiredSuppressionIsNotSuppressed(t *testing.T) {
	r := cloudMixedReport()
	log := readSARIF(t, r)
	found := false
	for i, f := range r.Findings {
		if f.Suppression != nil && f.Suppression.Expired {
			found = true
			res := log.Runs[0].Results[i]
			assert.Empty(t, res.Suppressions)
			assert.Contains(t, res.Properties, "expired_suppression")
		}
	}
	require.True(t, found, "the fixture has an expired suppression")
}
