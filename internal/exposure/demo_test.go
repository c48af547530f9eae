package exposure_test

import (
	"testing"

	"github.com/custos-dev/custos/internal/exposure"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func demoRole(name string) string { return "arn:aws:iam::111122223333:role/" + name }
func demoUser(name string) string { return "arn:aws:iam::111122223333:user/" + name }

func findReader(t *testing.T, sa exposure.SecretAccess, principal string) (exposure.Reader, bool) {
	t.Helper()
	for _, r := range sa.Readers {
		if r.Principal == principal {
			return r, true
		}
	}
	return exposure.Reader{}, false
}

// TestDemo checks facts of testdata/snapshots/demo.json that follow from its policies.
func TestDemo(t *testing.T) {
	t.Parallel()
	snap, err := inventory.Load("../../testdata/snapshots/demo.json")
	require.NoError(t, err)
	r := exposure.Analyze(snap)
	secret := func(t *testing.T, name string) exposure.SecretAccess {
		t.Helper()
		for _, s := range r.Secrets {
			if s.Name == name {
				return s
			}
		}
		require.Failf(t, "secret not in the demo", "%s", name)
		return exposure.SecretAccess{}
	}

	t.Run("a public resource policy on the AWS-managed key reaches the account only, and Deny still wins", func(t *testing.T) {
		sa := secret(t, "prod/shared/status-page-token")
		rd, ok := findReader(t, sa, demoRole("custos-audit"))
		require.True(t, ok, "AnyoneCanRead grants every principal of the account, even one without secret permissions")
		assert.True(t, rd.Definite)
		assert.Equal(t, "resource_policy", rd.Via[0].Source)
		_, ok = findReader(t, sa, demoUser("raj.patel"))
		assert.False(t, ok, "the developers group denies prod/* explicitly")
		_, ok = findReader(t, sa, "*")
		assert.False(t, ok, "aws/secretsmanager only decrypts for callers of its own account")
		assert.False(t, sa.Public)
	})

	t.Run("a partner role outside the inventory reads through the resource and key policies", func(t *testing.T) {
		sa := secret(t, "prod/crm/salesforce-oauth-client")
		rd, ok := findReader(t, sa, "arn:aws:iam::444455556666:role/northwind-crm-sync")
		require.True(t, ok)
		assert.True(t, rd.Definite)
		assert.True(t, rd.CrossAccount)
		assert.False(t, rd.InInventory)
		assert.Equal(t, []string{"444455556666"}, sa.ExternalAccounts)
	})

	t.Run("the CI user's reads depend on network, MFA and TLS conditions", func(t *testing.T) {
		for _, name := range []string{"prod/ci/github-deploy-key", "prod/ci/npm-publish-token"} {
			rd, ok := findReader(t, secret(t, name), demoUser("ci-deployer"))
			require.True(t, ok, name)
			assert.False(t, rd.Definite, name)
			assert.ElementsMatch(t, []string{"aws:sourceip", "aws:multifactorauthage", "aws:securetransport"}, rd.Conditions, name)
		}
	})

	t.Run("reading a secret also needs its key", func(t *testing.T) {
		sa := secret(t, "prod/payments/db-credentials")
		rd, ok := findReader(t, sa, demoRole("payments-api"))
		require.True(t, ok)
		assert.True(t, rd.Definite, "the organisation Deny does not apply to the organisation's own principals")
		_, ok = findReader(t, sa, demoRole("reporting-etl"))
		assert.False(t, ok, "reporting-etl may read every secret but the payments key does not let it decrypt")
		_, ok = findReader(t, sa, demoRole("secrets-operator"))
		assert.False(t, ok, "secretsmanager:* without kms:Decrypt")

		rd, ok = findReader(t, secret(t, "prod/reporting/warehouse-credentials"), demoRole("reporting-etl"))
		require.True(t, ok, "the analytics key names reporting-etl")
		assert.True(t, rd.Definite)
	})

	t.Run("an organisation-wide secret on a key that only serves AWS resources", func(t *testing.T) {
		sa := secret(t, "prod/shared/org-artifact-registry-token")
		_, ok := findReader(t, sa, demoRole("kms-key-admin"))
		assert.True(t, ok, "the organisation resource policy plus kms:* reads it")
		_, ok = findReader(t, sa, "*")
		assert.False(t, ok, "the org-backups key lets other accounts decrypt only for grants to AWS resources")
	})

	t.Run("a condition on a role's tags is undecided: session tags can replace them", func(t *testing.T) {
		rd, ok := findReader(t, secret(t, "prod/cache/redis-auth-token"), demoRole("payments-api"))
		require.True(t, ok)
		assert.False(t, rd.Definite)
		assert.Equal(t, []string{"aws:principaltag/team"}, rd.Conditions)
	})

	t.Run("the full-admin group reads every secret", func(t *testing.T) {
		p, ok := r.Principal(demoUser("jane.doe"))
		require.True(t, ok)
		assert.Equal(t, len(snap.Accounts[0].Secrets), p.ReadableSecrets)
		assert.Equal(t, p.ReadableSecrets, p.DefiniteSecrets)
	})

	t.Run("keys know what they protect and who decrypts", func(t *testing.T) {
		k, ok := r.Key("arn:aws:kms:eu-west-1:111122223333:key/1f0e6d3c-5b8a-4c72-9e41-3d2a7b6c5e10")
		require.True(t, ok)
		assert.Equal(t, 3, k.SecretCount, "orders db, old orders db and the RDS-managed secret")
		var services []string
		for _, d := range k.Decryptors {
			if d.Kind == exposure.KindService {
				services = append(services, d.Principal)
			}
		}
		assert.Equal(t, []string{"rds.eu-west-1.amazonaws.com"}, services, "through its grant")

		k, ok = r.Key("arn:aws:kms:eu-west-1:111122223333:key/9b3f0e7a-2c4d-4a8e-b1f6-5d7c9e0a2b13")
		require.True(t, ok)
		assert.Equal(t, []string{"arn:aws:cloudtrail:eu-west-1:111122223333:trail/acme-org-trail"}, k.Trails)
	})
}
