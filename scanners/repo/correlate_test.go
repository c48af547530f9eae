package repo

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
)

func TestAccountFromAccessKeyID(t *testing.T) {
	t.Parallel()
	// published example: the key id carries its account in bits 1-40 of bytes 4-9
	got, ok := accountFromAccessKeyID("ASIAY34FZKBOKMUTVV7A")
	require.True(t, ok)
	assert.Equal(t, "609629065308", got)
	for _, acct := range []uint64{123456789012, 1, 999999999999} {
		got, ok := accountFromAccessKeyID(fakeAccessKeyID(acct))
		require.True(t, ok)
		assert.Equal(t, strconv.FormatUint(acct+1000000000000, 10)[1:], got)
	}
	_, ok = accountFromAccessKeyID("AKIA-short")
	assert.False(t, ok)
}

func TestCorrelationWithInventory(t *testing.T) {
	t.Parallel()
	const account = 123456789012
	active, inactive, deleted, foreign := fakeAccessKeyID(account), fakeAccessKeyID(account), fakeAccessKeyID(account), fakeAccessKeyID(210987654321)
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	created := now.AddDate(0, 0, -400)
	used := now.AddDate(0, 0, -2)
	snap := &inventory.Snapshot{Accounts: []inventory.Account{{ID: "123456789012", IAM: inventory.IAM{Users: []inventory.User{
		{ARN: "arn:aws:iam::123456789012:user/ci", Name: "ci", AccessKeys: []inventory.AccessKey{
			{AccessKeyID: active, Status: "Active", CreateDate: &created, LastUsedDate: &used, LastUsedService: "s3"},
			{AccessKeyID: inactive, Status: "Inactive", CreateDate: &created},
		}},
	}}}}}

	r := newTestRepo(t)
	for name, id := range map[string]string{"active": active, "inactive": inactive, "deleted": deleted, "foreign": foreign} {
		r.write(name+".env", "AWS_ACCESS_KEY_ID="+id+"\n")
	}
	r.commit("keys")
	res := scanOK(t, Options{Path: r.dir, Inventory: snap, Now: func() time.Time { return now }})
	got := map[string]finding.Finding{}
	for _, f := range res.Findings {
		require.Equal(t, RuleIDPrefix+"aws-access-token", f.RuleID)
		got[f.Location.Path] = f
	}
	require.Len(t, got, 4)

	a := got["active.env"]
	assert.Equal(t, finding.Critical, a.Severity)
	assert.Equal(t, "active", a.Evidence["correlation"])
	assert.Equal(t, "ci", a.Evidence["iam_user"])
	assert.Equal(t, "arn:aws:iam::123456789012:user/ci", a.Evidence["iam_user_arn"])
	assert.Equal(t, 400, a.Evidence["access_key_age_days"])
	assert.Equal(t, used.Format(time.RFC3339), a.Evidence["access_key_last_used"])
	assert.Equal(t, "s3", a.Evidence["access_key_last_used_service"])
	assert.Equal(t, "123456789012", a.Resource.Account)
	assert.Contains(t, a.Message, "ACTIVE access key of IAM user ci")

	assert.Equal(t, finding.Medium, got["inactive.env"].Severity)
	assert.Equal(t, "inactive", got["inactive.env"].Evidence["correlation"])
	assert.Equal(t, finding.Low, got["deleted.env"].Severity)
	assert.Equal(t, "deleted", got["deleted.env"].Evidence["correlation"])
	assert.Equal(t, finding.High, got["foreign.env"].Severity, "another account: unchanged")
	assert.Equal(t, "unknown-account", got["foreign.env"].Evidence["correlation"])

	plain := scanOK(t, Options{Path: r.dir})
	for _, f := range plain.Findings {
		assert.Equal(t, finding.High, f.Severity, "without an inventory")
		assert.NotContains(t, f.Evidence, "correlation")
	}
	// the findings are sorted worst first
	assert.Equal(t, "active.env", res.Findings[0].Location.Path)
}
