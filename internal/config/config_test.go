package config

import (
	"testing"
	"time"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultsComeFromPolicyData(t *testing.T) {
	t.Parallel()
	cfg, err := Default()
	require.NoError(t, err)
	assert.Equal(t, 90, cfg.Secrets.RotationMaxDays)
	assert.Equal(t, 365, cfg.Keys.RotationMaxDays)
	assert.Equal(t, []string{"owner", "environment", "data-classification"}, cfg.RequiredTags)
	data, err := cfg.PolicyData()
	require.NoError(t, err)
	assert.Contains(t, data, "secrets")
	assert.NotContains(t, data, "suppressions", "suppressions are Go's business, not the policies'")
}

func TestParse(t *testing.T) {
	t.Parallel()
	base, err := Default()
	require.NoError(t, err)
	cases := []struct {
		name  string
		yaml  string
		err   string
		check func(t *testing.T, c Config)
	}{
		{name: "empty file keeps defaults", yaml: "", check: func(t *testing.T, c Config) { assert.Equal(t, base.Secrets, c.Secrets) }},
		{name: "override one threshold", yaml: "secrets:\n  rotation_max_days: 30\n", check: func(t *testing.T, c Config) {
			assert.Equal(t, 30, c.Secrets.RotationMaxDays)
			assert.Equal(t, base.Secrets.RotationGraceDays, c.Secrets.RotationGraceDays)
		}},
		{name: "unknown key", yaml: "secrets:\n  rotation_max_dayz: 30\n", err: "c.yaml:2: unknown key rotation_max_dayz"},
		{name: "bad value names line and key", yaml: "keys:\n  rotation_max_days: 30\n", err: "c.yaml:2: keys.rotation_max_days: must be between 90 and 2560"},
		{name: "bad account", yaml: "trusted_accounts: [\"12345\"]\n", err: "c.yaml:1: trusted_accounts: \"12345\" is not a 12-digit account id"},
		{name: "bad org", yaml: "organization_id: acme\n", err: "organization_id"},
		{name: "wrong type", yaml: "required_tags: owner\n", err: "c.yaml:1: cannot unmarshal"},
		{name: "invalid yaml", yaml: "secrets: [\n", err: "c.yaml:"},
		{name: "suppression without expiry", yaml: "suppressions:\n  - rule: x\n    resource: \"*\"\n    reason: r\n    owner: o\n", err: "c.yaml:2: suppressions.0: expires (YYYY-MM-DD) is required"},
		{name: "suppression without owner", yaml: "suppressions:\n  - rule: x\n    resource: \"*\"\n    reason: r\n    expires: 2027-01-01\n", err: "owner is required"},
		{name: "suppression bad date", yaml: "suppressions:\n  - rule: x\n    resource: \"*\"\n    reason: r\n    owner: o\n    expires: soon\n", err: "not a date"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse("c.yaml", []byte(tc.yaml), base)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			tc.check(t, c)
		})
	}
}

func TestApplySuppressions(t *testing.T) {
	t.Parallel()
	base, err := Default()
	require.NoError(t, err)
	cfg, err := Parse("c.yaml", []byte(`suppressions:
  - rule: aws-kms-*
    resource: "arn:aws:kms:*:111122223333:key/*"
    reason: vendor-managed rotation
    owner: sec@example.com
    expires: 2026-11-20
  - rule: aws-iam-full-admin
    resource: "arn:aws:iam::111122223333:policy/break-glass"
    reason: break-glass
    owner: sec@example.com
    expires: 2026-01-01
`), base)
	require.NoError(t, err)
	fs := []finding.Finding{
		{RuleID: "aws-kms-rotation-disabled", Status: finding.Open, Resource: finding.Resource{ARN: "arn:aws:kms:eu-west-1:111122223333:key/abc"}},
		{RuleID: "aws-kms-rotation-disabled", Status: finding.Open, Resource: finding.Resource{ARN: "arn:aws:kms:eu-west-1:999999999999:key/abc"}},
		{RuleID: "aws-iam-full-admin", Status: finding.Open, Resource: finding.Resource{ARN: "arn:aws:iam::111122223333:policy/break-glass"}},
		{RuleID: "aws-kms-rotation-disabled", Status: finding.Error, Resource: finding.Resource{ARN: "arn:aws:kms:eu-west-1:111122223333:key/def"}},
	}
	// The last day of a suppression still holds; the day after it does not.
	lastDay := time.Date(2026, 11, 20, 23, 59, 0, 0, time.UTC)
	cfg.Apply(fs, lastDay)
	assert.Equal(t, finding.Suppressed, fs[0].Status)
	assert.Equal(t, "vendor-managed rotation", fs[0].Suppression.Reason)
	assert.Equal(t, finding.Open, fs[1].Status, "other account does not match the pattern")
	assert.Nil(t, fs[1].Suppression)
	assert.Equal(t, finding.Open, fs[2].Status, "expired suppression turns the finding back on")
	require.NotNil(t, fs[2].Suppression)
	assert.True(t, fs[2].Suppression.Expired)
	assert.Equal(t, finding.Error, fs[3].Status, "error findings are never suppressed")

	fs[0] = finding.Finding{RuleID: "aws-kms-rotation-disabled", Status: finding.Open, Resource: finding.Resource{ARN: "arn:aws:kms:eu-west-1:111122223333:key/abc"}}
	cfg.Apply(fs[:1], lastDay.Add(time.Minute))
	assert.Equal(t, finding.Open, fs[0].Status)
	assert.True(t, fs[0].Suppression.Expired)
}
