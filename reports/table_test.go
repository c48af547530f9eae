package reports

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTableShowsStateAndIncompleteness(t *testing.T) {
	r := cloudMixedReport()
	out := string(render(t, "table", r))

	for _, f := range r.Findings {
		assert.Contains(t, out, f.RuleID)
	}
	assert.Contains(t, out, "suppressed until")
	assert.Contains(t, out, "(suppression")
	assert.Contains(t, out, "expired 2025-01-31)")
	assert.Contains(t, out, "| error ")
	assert.Contains(t, out, "7 findings: 1 critical, 2 high, 2 medium, 1 low, 1 info (5 open, 1 suppressed, 1 error)")

	require.Contains(t, out, "!!! INCOMPLETE: 3 services not assessed.")
	block := out[strings.Index(out, "!!! INCOMPLETE"):]
	for _, c := range r.notAssessed() {
		assert.Contains(t, block, c.Account)
		assert.Contains(t, block, string(c.Status))
		if c.Operation != "" {
			assert.Contains(t, block, c.Operation)
		}
	}
	assert.NotContains(t, block, "| ok ", "only records that are not ok are listed")
}

func TestTableRepositoryShowsPathAndLine(t *testing.T) {
	out := string(render(t, "table", repositoryReport()))
	assert.Contains(t, out, "config/prod settings.env:12")
	assert.Contains(t, out, "src/秘密/client_test.go:3")
	assert.NotContains(t, out, "INCOMPLETE")
}

func TestTableEmpty(t *testing.T) {
	out := string(render(t, "table", emptyReport()))
	assert.Contains(t, out, "No findings.")
	assert.Contains(t, out, "0 findings: 0 critical, 0 high, 0 medium, 0 low, 0 info (0 open, 0 suppressed, 0 error)")
}

// TestTableNeutralisesTerminalControls: names and messages cannot send escape sequences,
// carriage returns or bidi overrides to the terminal.
func TestTableNeutralisesTerminalControls(t *testing.T) {
	out := string(render(t, "table", cloudMixedReport()))
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "\r")
	assert.NotContains(t, out, "\u202e")
	assert.Contains(t, out, `\x1b[31mred`, "the escape is shown, not dropped")

	tests := []struct{ in, want string }{
		{in: "plain", want: "plain"},
		{in: "a\nb\tc", want: "a b c"},
		{in: "\x1b[2J", want: `\x1b[2J`},
		{in: "x\ry", want: `x\ry`},
		{in: "\u202eabc", want: `\u202eabc`},
		{in: "データ", want: "データ"},
		{in: "bad\xffutf8", want: `bad\ufffdutf8`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, TerminalSafe(tt.in))
		})
	}
}
