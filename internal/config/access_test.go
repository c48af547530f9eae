package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAccessDefaultsValidate(t *testing.T) {
	t.Parallel()
	cfg, err := Default()
	require.NoError(t, err)
	require.NoError(t, cfg.Access.validate())
	assert.Equal(t, 15, cfg.Access.LateDeliveryMinutes)
	assert.NotEmpty(t, cfg.Access.ScannerUserAgents)
}

func TestAccessRejectsBadValues(t *testing.T) {
	t.Parallel()
	base, err := Default()
	require.NoError(t, err)
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"window too small", "access:\n  burst_window_minutes: 0\n", "x.yaml:2: access.burst_window_minutes: must be between 1 and 1440, got 0"},
		{"bad cidr", "access:\n  trusted_cidrs: [\"10.0.0.0/33\"]\n", `x.yaml:2: access.trusted_cidrs: "10.0.0.0/33" is not a CIDR range`},
		{"upper-case agent", "access:\n  scanner_user_agents: [TruffleHog]\n", `x.yaml:2: access.scanner_user_agents: "TruffleHog": entries must be non-empty and lower case`},
		{"mad factor", "access:\n  kms_mad_factor: 0.5\n", "x.yaml:2: access.kms_mad_factor: must be between 1 and 100, got 0.5"},
		{"unknown key", "access:\n  burst_minutes: 5\n", "unknown key burst_minutes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("x.yaml", []byte(tc.yaml), base)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestAccessOverride(t *testing.T) {
	t.Parallel()
	base, err := Default()
	require.NoError(t, err)
	cfg, err := Parse("x.yaml", []byte("access:\n  distinct_secrets_burst: 25\n  trusted_cidrs: [\"203.0.113.0/24\"]\n"), base)
	require.NoError(t, err)
	assert.Equal(t, 25, cfg.Access.DistinctSecretsBurst)
	assert.Equal(t, []string{"203.0.113.0/24"}, cfg.Access.TrustedCIDRs)
	assert.Equal(t, base.Access.BurstWindowMinutes, cfg.Access.BurstWindowMinutes)
	data, err := cfg.PolicyData()
	require.NoError(t, err)
	access, ok := data["access"].(map[string]any)
	require.True(t, ok)
	assert.EqualValues(t, "25", access["distinct_secrets_burst"].(interface{ String() string }).String())
}
