package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPolicyThresholdDefaults(t *testing.T) {
	t.Parallel()
	c, err := Default()
	require.NoError(t, err)
	assert.Equal(t, 90, c.Secrets.UnusedDays)
	assert.Equal(t, 90, c.IAM.AccessKeyMaxAgeDays)
	assert.Equal(t, 45, c.IAM.AccessKeyUnusedDays)
	assert.Equal(t, "data-classification", c.Tags.Classification)
	assert.Equal(t, Tier{RequireCustomerKey: true, SecretRotationMaxDays: 30, KeyRotationMaxDays: 90, MaxReaders: 5}, c.Classification.Restricted)
	require.NoError(t, c.validate(), "the defaults are valid")

	data, err := c.PolicyData()
	require.NoError(t, err)
	for _, key := range []string{"iam", "tags", "classification"} {
		assert.Contains(t, data, key, "policies see %s", key)
	}
}

func TestPolicyThresholds(t *testing.T) {
	t.Parallel()
	base, err := Default()
	require.NoError(t, err)
	cases := []struct {
		name  string
		yaml  string
		err   string
		check func(t *testing.T, c Config)
	}{
		{name: "override tier keeps the rest", yaml: "classification:\n  restricted:\n    max_readers: 3\n", check: func(t *testing.T, c Config) {
			assert.Equal(t, 3, c.Classification.Restricted.MaxReaders)
			assert.Equal(t, 30, c.Classification.Restricted.SecretRotationMaxDays)
			assert.True(t, c.Classification.Restricted.RequireCustomerKey)
		}},
		{name: "team list and no pattern", yaml: "tags:\n  owner_teams: [payments, orders]\n  owner_team_pattern: \"\"\n", check: func(t *testing.T, c Config) {
			assert.Equal(t, []string{"payments", "orders"}, c.Tags.OwnerTeams)
			assert.Empty(t, c.Tags.OwnerTeamPattern)
		}},
		{name: "naming rule off", yaml: "secrets:\n  name_pattern: \"\"\n", check: func(t *testing.T, c Config) {
			assert.Empty(t, c.Secrets.NamePattern)
		}},
		{name: "unknown tier", yaml: "classification:\n  secret:\n    max_readers: 3\n", err: "c.yaml:2: unknown key secret"},
		{name: "unknown iam key", yaml: "iam:\n  access_key_age: 30\n", err: "c.yaml:2: unknown key access_key_age"},
		{name: "bad naming regex", yaml: "secrets:\n  name_pattern: \"([a-z\"\n", err: "c.yaml:2: secrets.name_pattern: not a regular expression"},
		{name: "bad owner regex", yaml: "tags:\n  owner_team_pattern: \"team-(\"\n", err: "c.yaml:2: tags.owner_team_pattern: not a regular expression"},
		{name: "zero access key age", yaml: "iam:\n  access_key_max_age_days: 0\n", err: "c.yaml:2: iam.access_key_max_age_days: must be between 1 and 3650, got 0"},
		{name: "negative unused days", yaml: "secrets:\n  unused_days: -1\n", err: "secrets.unused_days: must be between 1 and 3650"},
		{name: "bad service principal", yaml: "iam:\n  services_without_source_keys: [ec2]\n", err: "c.yaml:2: iam.services_without_source_keys: \"ec2\" is not a service principal"},
		{name: "empty tag key", yaml: "tags:\n  owner: \"\"\n", err: "c.yaml:2: tags.owner: tag key must not be empty"},
		{name: "no environments", yaml: "tags:\n  environments: []\n", err: "tags.environments: list at least one environment"},
		{name: "upper-case environment", yaml: "tags:\n  environments: [Production]\n", err: "tags.environments: \"Production\": environments are non-empty and lower-case"},
		{name: "production not an environment", yaml: "tags:\n  production_environments: [prod]\n", err: "c.yaml:2: tags.production_environments: \"prod\" is not one of tags.environments"},
		{name: "unknown default tier", yaml: "classification:\n  default_tier: secret\n", err: "c.yaml:2: classification.default_tier: \"secret\" is not a tier"},
		{name: "tier secret rotation too long", yaml: "classification:\n  public:\n    secret_rotation_max_days: 400\n", err: "c.yaml:3: classification.public.secret_rotation_max_days: must be 0"},
		{name: "tier key rotation below KMS minimum", yaml: "classification:\n  restricted:\n    key_rotation_max_days: 30\n", err: "c.yaml:3: classification.restricted.key_rotation_max_days: must be 0 (keep keys.rotation_max_days) or between 90 and 2560"},
		{name: "tier negative readers", yaml: "classification:\n  internal:\n    max_readers: -2\n", err: "classification.internal.max_readers"},
		{name: "tier bool of wrong type", yaml: "classification:\n  internal:\n    require_customer_key: maybe\n", err: "c.yaml:3: cannot unmarshal"},
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
