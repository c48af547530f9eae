package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/inventory"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// render writes a report in one format and fails the test on error.
func render(t testing.TB, format string, r Report) []byte {
	t.Helper()
	w, err := Lookup(format)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, w.Write(&buf, r), "format %s", format)
	return buf.Bytes()
}

func goldenPath(format, name string) string {
	return filepath.Join("..", "testdata", "golden", format, name+filepath.Ext(FileName(format)))
}

func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		for _, c := range fixtureCases() {
			t.Run(format+"/"+c.name, func(t *testing.T) {
				got := render(t, format, c.report)
				path := goldenPath(format, c.name)
				if *update {
					require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
					require.NoError(t, os.WriteFile(path, got, 0o644))
				}
				want, err := os.ReadFile(path)
				require.NoError(t, err, "golden file missing: run go test ./reports -update")
				assert.Equal(t, string(want), string(got), "output differs from %s (review, then go test ./reports -update)", path)

				again := render(t, format, c.report)
				assert.Equal(t, string(got), string(again), "two writes of the same report differ")
			})
		}
	}
}

// TestNoSecretInAnyReport: the repository fixture's raw secret appears in no format, only
// its redacted form does.
func TestNoSecretInAnyReport(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			out := string(render(t, format, repositoryReport()))
			assert.NotContains(t, out, rawSecret)
			assert.NotContains(t, out, rawSecret[:12])
			assert.Contains(t, out, "sha256:", "the redacted match should be reported")
		})
	}
}

func TestLookup(t *testing.T) {
	assert.Equal(t, []string{"html", "json", "sarif", "table"}, Formats())
	tests := []struct {
		name     string
		format   string
		fileName string
		wantErr  bool
	}{
		{name: "json", format: "json", fileName: "custos.json"},
		{name: "sarif", format: "sarif", fileName: "custos.sarif"},
		{name: "html", format: "html", fileName: "custos.html"},
		{name: "table", format: "table", fileName: "custos.txt"},
		{name: "unknown", format: "xml", wantErr: true},
		{name: "case matters", format: "JSON", wantErr: true},
		{name: "empty", format: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := Lookup(tt.format)
			assert.Equal(t, tt.fileName, FileName(tt.format))
			if tt.wantErr {
				require.Error(t, err)
				assert.Nil(t, w)
				for _, name := range Formats() {
					assert.Contains(t, err.Error(), name, "the error lists the valid formats")
				}
				return
			}
			require.NoError(t, err)
			assert.NotNil(t, w)
		})
	}
}

func TestIncomplete(t *testing.T) {
	tests := []struct {
		name     string
		coverage []inventory.Coverage
		want     bool
	}{
		{name: "no records", want: false},
		{name: "all ok", coverage: []inventory.Coverage{{Service: "kms", Status: inventory.CoverageOK}}, want: false},
		{name: "one denied", coverage: []inventory.Coverage{
			{Service: "kms", Status: inventory.CoverageOK}, {Service: "iam", Status: inventory.CoverageDenied},
		}, want: true},
		{name: "skipped counts", coverage: []inventory.Coverage{{Service: "kms", Status: inventory.CoverageSkipped}}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Report{Coverage: tt.coverage}.Incomplete())
		})
	}
}

// TestIncompleteVisibleEverywhere: every format says a scan was incomplete.
func TestIncompleteVisibleEverywhere(t *testing.T) {
	r := cloudMixedReport()
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			out := string(render(t, format, r))
			switch format {
			case "json":
				assert.Contains(t, out, `"status": "denied"`)
			case "sarif":
				assert.Contains(t, out, `"executionSuccessful": false`)
			default:
				assert.Contains(t, out, "INCOMPLETE")
			}
			complete := string(render(t, format, emptyReport()))
			assert.NotContains(t, strings.ToUpper(complete), "INCOMPLETE:")
		})
	}
}
