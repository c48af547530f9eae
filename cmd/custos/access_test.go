package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custos-dev/custos/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	demoDBCredentials = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/payments/db-credentials-Xa7Kq2"
	demoPaymentsAPI   = "arn:aws:iam::111122223333:role/payments-api"
)

// writeSnapshot writes a snapshot built in the test to a file.
func writeSnapshot(t *testing.T, snap *inventory.Snapshot) string {
	t.Helper()
	snap.SchemaVersion = inventory.SchemaVersion
	data, err := json.Marshal(snap)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "snap.json")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

func TestAccessSecret(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		ref      string
		contains []string
		absent   []string
	}{
		{
			name:     "by ARN",
			ref:      demoDBCredentials,
			contains: []string{"Readers:  5 (5 definite, 0 conditional)", demoPaymentsAPI, "resource policy #0 \"PaymentsApiRead\"", "key: key policy #2 \"Allow use of the key\""},
			absent:   []string{"role/reporting-etl"},
		},
		{
			name:     "by ARN without the random suffix",
			ref:      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/payments/db-credentials",
			contains: []string{demoDBCredentials, demoPaymentsAPI},
		},
		{
			name:     "by name, with conditions",
			ref:      "prod/ci/github-deploy-key",
			contains: []string{"user/ci-deployer", "conditional", "aws:sourceip", "inline:ci-secrets #0 \"ReadCiSecrets\""},
		},
		{
			name:     "outside principal",
			ref:      "prod/crm/salesforce-oauth-client",
			contains: []string{"arn:aws:iam::444455556666:role/northwind-crm-sync", "role (not in snapshot)", "other accounts: 444455556666", "external identity"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := custos(t, "access", "secret", tc.ref, "--snapshot", demo)
			require.Equal(t, exitOK, code, stderr)
			for _, s := range tc.contains {
				assert.Contains(t, stdout, s)
			}
			for _, s := range tc.absent {
				assert.NotContains(t, stdout, s)
			}
		})
	}
}

func TestAccessSecretJSON(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := custos(t, "access", "secret", "prod/payments/db-credentials", "--snapshot", demo, "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var got struct {
		ARN         string `json:"arn"`
		ReaderCount int    `json:"reader_count"`
		Readers     []struct {
			Principal string `json:"principal"`
			Definite  bool   `json:"definite"`
			Via       []struct {
				Layer  string `json:"layer"`
				Source string `json:"source"`
			} `json:"via"`
		} `json:"readers"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	assert.Equal(t, demoDBCredentials, got.ARN)
	assert.Len(t, got.Readers, got.ReaderCount)
	principals := map[string]bool{}
	for _, r := range got.Readers {
		principals[r.Principal] = r.Definite
		assert.NotEmpty(t, r.Via, r.Principal)
	}
	assert.True(t, principals[demoPaymentsAPI])
}

func TestAccessPrincipal(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		args     []string
		contains []string
	}{
		{"by role name", []string{"payments-api"}, []string{demoPaymentsAPI, "Reads:     4 secrets (3 definite, 1 conditional)", "prod/cache/redis-auth-token", "aws:principaltag/team", "Decrypts with:"}},
		{"by user ARN", []string{"arn:aws:iam::111122223333:user/ci-deployer"}, []string{"Kind:      user", "prod/ci/npm-publish-token", "aws:multifactorauthage"}},
		{"an outside account by id", []string{"444455556666"}, []string{"arn:aws:iam::444455556666:root", "(named in a policy, not in the snapshot)", "alias/partner-exports"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := custos(t, append([]string{"access", "principal", "--snapshot", demo}, tc.args...)...)
			require.Equal(t, exitOK, code, stderr)
			for _, s := range tc.contains {
				assert.Contains(t, stdout, s)
			}
		})
	}

	t.Run("json", func(t *testing.T) {
		t.Parallel()
		code, stdout, stderr := custos(t, "access", "principal", "reporting-etl", "--snapshot", demo, "-f", "json")
		require.Equal(t, exitOK, code, stderr)
		var got struct {
			Principal       string `json:"principal"`
			ReadableSecrets int    `json:"readable_secrets"`
			Secrets         []struct {
				ARN string `json:"arn"`
			} `json:"secrets"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &got))
		assert.Equal(t, "arn:aws:iam::111122223333:role/reporting-etl", got.Principal)
		assert.Len(t, got.Secrets, got.ReadableSecrets)
		assert.Positive(t, got.ReadableSecrets)
	})
}

func TestAccessErrors(t *testing.T) {
	t.Parallel()
	dup := writeSnapshot(t, &inventory.Snapshot{Accounts: []inventory.Account{{
		ID: "111122223333",
		Secrets: []inventory.Secret{
			{ARN: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:shared/token-AbCdEf", Name: "shared/token", Region: "eu-west-1"},
			{ARN: "arn:aws:secretsmanager:us-east-1:111122223333:secret:shared/token-GhIjKl", Name: "shared/token", Region: "us-east-1"},
		},
	}}})
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown secret suggests close names", []string{"secret", "prod/paymnts/db-credentials", "--snapshot", demo},
			[]string{`secret "prod/paymnts/db-credentials" is not in snapshot`, "did you mean prod/payments/db-credentials"}},
		{"unknown principal suggests close names", []string{"principal", "payment-api", "--snapshot", demo},
			[]string{`principal "payment-api" is not in snapshot`, "did you mean payments-api"}},
		{"unknown with nothing close", []string{"principal", "zzzzzzzzzzzzzzzzzzzz", "--snapshot", demo}, []string{"is not in snapshot"}},
		{"ambiguous name", []string{"secret", "shared/token", "--snapshot", dup},
			[]string{"ambiguous", "secret:shared/token-AbCdEf", "secret:shared/token-GhIjKl"}},
		{"no snapshot", []string{"secret", "x"}, []string{"--snapshot is required"}},
		{"missing snapshot file", []string{"secret", "x", "--snapshot", "nope.json"}, []string{"nope.json"}},
		{"bad format", []string{"secret", "x", "--snapshot", demo, "--format", "xml"}, []string{`--format "xml"`}},
		{"no argument", []string{"secret", "--snapshot", demo}, []string{"want a secret ARN or name, got 0 arguments"}},
		{"two arguments", []string{"principal", "a", "b", "--snapshot", demo}, []string{"got 2 arguments"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := custos(t, append([]string{"access"}, tc.args...)...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout)
			for _, s := range tc.want {
				assert.Contains(t, stderr, s)
			}
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one clear line: %q", stderr)
		})
	}
	t.Run("unknown principal with nothing close suggests nothing", func(t *testing.T) {
		t.Parallel()
		_, _, stderr := custos(t, "access", "principal", "zzzzzzzzzzzzzzzzzzzz", "--snapshot", demo)
		assert.NotContains(t, stderr, "did you mean")
	})
}

func TestAccessHelp(t *testing.T) {
	t.Parallel()
	for _, sub := range []string{"secret", "principal"} {
		code, stdout, stderr := custos(t, "access", sub, "--help")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, "Examples:")
		assert.Contains(t, stdout, "custos access "+sub)
		assert.Contains(t, stdout, "--snapshot")
	}
}

// TestAccessTerminalSafe checks that names from AWS cannot send control sequences to
// the terminal.
func TestAccessTerminalSafe(t *testing.T) {
	t.Parallel()
	const evil = "evil\x1b[2J\u202ename"
	path := writeSnapshot(t, &inventory.Snapshot{Accounts: []inventory.Account{{
		ID:      "111122223333",
		Secrets: []inventory.Secret{{ARN: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x-AbCdEf", Name: "x", Region: "eu-west-1"}},
		IAM: inventory.IAM{Roles: []inventory.Role{{
			ARN: "arn:aws:iam::111122223333:role/" + evil, Name: evil, Tags: inventory.Tags{"team": evil},
			InlinePolicies: []inventory.InlinePolicy{{Name: evil, Document: inventory.Policy{Statements: []inventory.Statement{
				{Sid: evil, Effect: "Allow", Actions: []string{"secretsmanager:getsecretvalue"}, Resources: []string{"*"}},
			}}}},
		}}},
	}}})
	for _, args := range [][]string{
		{"access", "secret", "x", "--snapshot", path},
		{"access", "principal", "arn:aws:iam::111122223333:role/" + evil, "--snapshot", path},
	} {
		code, stdout, stderr := custos(t, args...)
		require.Equal(t, exitOK, code, stderr)
		assert.NotContains(t, stdout, "\x1b")
		assert.NotContains(t, stdout, "\u202e")
		assert.Contains(t, stdout, `evil\x1b[2J\u202ename`)
	}
}
