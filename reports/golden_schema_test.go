package reports

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryGoldenReportMatchesItsSchema validates every golden JSON and SARIF report in
// testdata/golden — including those the CLI tests write for the demo, repository and
// access-review runs — so no command can drift from the contract unnoticed.
func TestEveryGoldenReportMatchesItsSchema(t *testing.T) {
	jsonSchema := compileSchema(t, filepath.Join("..", "docs", "report.schema.json"))
	jsonFiles, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, jsonFiles)
	for _, path := range jsonFiles {
		t.Run(path, func(t *testing.T) {
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.NoError(t, validateJSON(t, jsonSchema, data))
		})
	}
	if _, err := os.Stat(sarifSchemaPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("SARIF schema %s: %v", sarifSchemaPath, err)
		}
		t.Skipf("SARIF schema %s not present: %v", sarifSchemaPath, err)
	}
	sarifSchema := compileSchema(t, sarifSchemaPath)
	sarifFiles, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*", "*.sarif"))
	require.NoError(t, err)
	require.NotEmpty(t, sarifFiles)
	for _, path := range sarifFiles {
		t.Run(path, func(t *testing.T) {
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.NoError(t, validateJSON(t, sarifSchema, data))
		})
	}
}
