package finding

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFingerprintIsStableAndSeparates(t *testing.T) {
	t.Parallel()
	a := Fingerprint("rule", "arn:x", "")
	assert.Equal(t, a, Fingerprint("rule", "arn:x", ""))
	assert.Len(t, a, 32)
	// Parts are separated, so moving a character between them changes the print.
	assert.NotEqual(t, Fingerprint("rulea", "rn:x", ""), a)
	assert.NotEqual(t, Fingerprint("rule", "arn:x", "d"), a)
}

func TestRedactNeverShowsTheSecret(t *testing.T) {
	t.Parallel()
	for _, secret := range []string{"AKIAABCDEFGHIJKLMNOP", "hunter2", "ghp_0123456789abcdefghijABCDEFGHIJ012345", "é" + strings.Repeat("x", 20)} {
		r := string(Redact(secret))
		assert.NotContains(t, r, secret)
		assert.LessOrEqual(t, len([]rune(r))-len("…(sha256:12345678)"), 4)
		assert.Equal(t, r, string(Redact(secret)), "stable")
	}
	assert.True(t, strings.HasPrefix(string(Redact("AKIAABCDEFGHIJKLMNOP")), "AKIA…"))
	assert.True(t, strings.HasPrefix(string(Redact("hunter2")), "…"), "short values show no characters")
}

func TestSortCountsFailing(t *testing.T) {
	t.Parallel()
	fs := []Finding{
		{RuleID: "b", Severity: Low, Status: Open, Resource: Resource{ARN: "1"}},
		{RuleID: "a", Severity: High, Status: Suppressed, Resource: Resource{ARN: "2"}},
		{RuleID: "a", Severity: Critical, Status: Error, Resource: Resource{ARN: "3"}},
		{RuleID: "a", Severity: Low, Status: Open, Resource: Resource{ARN: "0"}},
	}
	Sort(fs)
	assert.Equal(t, []string{"3", "2", "0", "1"}, []string{fs[0].Resource.ARN, fs[1].Resource.ARN, fs[2].Resource.ARN, fs[3].Resource.ARN})
	bySev, byStatus := Counts(fs)
	assert.Equal(t, map[Severity]int{Critical: 1, High: 1, Medium: 0, Low: 2, Info: 0}, bySev)
	assert.Equal(t, map[Status]int{Open: 2, Suppressed: 1, Error: 1}, byStatus)

	high, low := High, Low
	assert.False(t, Failing(fs, &high), "suppressed and error findings never fail the run")
	assert.True(t, Failing(fs, &low))
	assert.False(t, Failing(fs, nil))
	_, err := ParseSeverity("urgent")
	require.Error(t, err)
	sev, err := ParseSeverity(" HIGH ")
	require.NoError(t, err)
	assert.Equal(t, High, sev)
}
