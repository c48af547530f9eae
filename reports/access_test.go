package reports

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/exposure"
	"github.com/custos-dev/custos/internal/inventory"
)

// TestEffectiveAccessSection: a cloud report with an exposure analysis carries it in JSON
// (valid against the schema) and in HTML (escaped), and principals come largest first.
func TestEffectiveAccessSection(t *testing.T) {
	snap, err := inventory.Load(filepath.Join("..", "testdata", "snapshots", "demo.json"))
	require.NoError(t, err)
	// A hostile secret name must reach the page as text only.
	snap.Accounts[0].Secrets[0].Name = `<img src=x onerror=alert(1)>`
	r := cloudMixedReport()
	r.Access = exposure.Analyze(snap)

	out := render(t, "json", r)
	require.NoError(t, validateJSON(t, compileSchema(t, filepath.Join("..", "docs", "report.schema.json")), out))
	var doc struct {
		EffectiveAccess accessSummary `json:"effective_access"`
	}
	require.NoError(t, json.Unmarshal(out, &doc))
	ea := doc.EffectiveAccess
	require.Len(t, ea.Secrets, len(snap.Accounts[0].Secrets))
	require.NotEmpty(t, ea.Principals)
	for i := 1; i < len(ea.Principals); i++ {
		assert.GreaterOrEqual(t, ea.Principals[i-1].ReadableSecrets, ea.Principals[i].ReadableSecrets)
	}
	for _, s := range ea.Secrets {
		assert.Equal(t, len(s.Readers), s.ReaderCount)
	}
	assert.NotEmpty(t, ea.Keys)

	page := string(render(t, "html", r))
	assert.Contains(t, page, `<h2 id="access">Effective access</h2>`)
	assert.NotContains(t, page, `<img src=x`)
	assert.Contains(t, page, `&lt;img src=x onerror=alert(1)&gt;`)

	withoutAccess := string(render(t, "html", cloudMixedReport()))
	assert.False(t, strings.Contains(withoutAccess, `id="access"`), "no section without an analysis")
}
