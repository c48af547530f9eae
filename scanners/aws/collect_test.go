package aws

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/awsapi"
	"github.com/custos-dev/custos/internal/inventory"
)

var testRegions = []string{"eu-west-1", "us-east-1"}

// TestCollectOrganization collects a whole organisation through the real SDK clients,
// one item per page, and finds exactly the world the emulator serves.
func TestCollectOrganization(t *testing.T) {
	t.Parallel()
	w := fixtureWorld(t)
	srv := newServer(t, w, awsapi.Options{})
	snap, err := Collect(context.Background(), sdkConfig(t, srv, "eu-west-1"),
		fastOptions(Options{Regions: testRegions, Org: true, RoleName: roleName, ExternalID: extID}))
	require.NoError(t, err)

	assert.Equal(t, "arn:aws:iam::"+mgmt+":user/auditor", snap.Identity)
	assert.Equal(t, "organization "+orgID+", 2 accounts, regions eu-west-1,us-east-1", snap.Scope)
	assert.Equal(t, t0, snap.GeneratedAt)
	require.Len(t, snap.Accounts, 2)
	assert.Equal(t, expected(w.Accounts[0].Account, testRegions, orgID, "aws"), snap.Accounts[0])
	assert.Equal(t, expected(w.Accounts[1].Account, testRegions, orgID, "aws"), snap.Accounts[1])

	// Every service of every account and region was seen; the suspended account is not.
	var okTasks []string
	for _, c := range snap.Coverage {
		if c.Status == inventory.CoverageOK {
			okTasks = append(okTasks, c.Account+"/"+c.Region+"/"+c.Service)
		}
	}
	want := []string{}
	for _, acct := range []string{mgmt, member} {
		want = append(want, acct+"/global/iam")
		for _, r := range testRegions {
			want = append(want, acct+"/"+r+"/cloudtrail", acct+"/"+r+"/kms", acct+"/"+r+"/secretsmanager")
		}
	}
	sort.Strings(want)
	assert.Equal(t, want, okTasks)
	assert.Contains(t, snap.Coverage, inventory.Coverage{Account: suspended, Region: RegionGlobal, Service: ServiceOrganizations,
		Operation: "ListAccounts", Status: inventory.CoverageSkipped, Error: "account " + suspended + " (old) is SUSPENDED: not collected"})

	// The role was assumed, from the management account, in the member account only.
	assert.Equal(t, 1, srv.Calls(awsapi.Call{Service: "sts", Operation: "AssumeRole"}))
	assert.Equal(t, 1, srv.Calls(awsapi.Call{Account: mgmt, Service: "sts", Operation: "AssumeRole"}))
	assert.Positive(t, srv.Calls(awsapi.Call{Account: member, Service: "kms"}))
	assert.Zero(t, srv.Calls(awsapi.Call{Account: suspended}))
}

// TestCollectFollowsEveryPage proves, with one item per page, that every list call is
// followed past its first page.
func TestCollectFollowsEveryPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t, fixtureWorld(t), awsapi.Options{})
	_, err := Collect(context.Background(), sdkConfig(t, srv, "eu-west-1"),
		fastOptions(Options{Regions: testRegions, Org: true, RoleName: roleName, ExternalID: extID, AllRegions: false}))
	require.NoError(t, err)
	for _, c := range []awsapi.Call{
		{Account: mgmt, Service: "organizations", Operation: "ListAccounts"},
		{Account: mgmt, Region: "eu-west-1", Service: "secretsmanager", Operation: "ListSecrets"},
		{Account: mgmt, Region: "eu-west-1", Service: "kms", Operation: "ListKeys"},
		{Account: mgmt, Region: "eu-west-1", Service: "kms", Operation: "ListAliases"},
		{Account: mgmt, Region: "eu-west-1", Service: "kms", Operation: "ListGrants"},
		{Account: mgmt, Region: "eu-west-1", Service: "kms", Operation: "ListResourceTags"},
		{Account: mgmt, Service: "iam", Operation: "GetAccountAuthorizationDetails"},
		{Account: mgmt, Service: "iam", Operation: "ListUsers"},
		{Account: mgmt, Service: "iam", Operation: "ListRoles"},
		{Account: mgmt, Service: "iam", Operation: "ListAccessKeys"},
		{Account: mgmt, Region: "us-east-1", Service: "cloudtrail", Operation: "ListTags"},
	} {
		// More calls than the list has pages of one would mean a page read twice.
		assert.Greater(t, srv.Calls(c), 1, "%s %s was not paged", c.Service, c.Operation)
	}
	// Exactly: two pages for the customer key with two tags, one for the one without,
	// none for the AWS-managed key.
	assert.Equal(t, 2+1, srv.Calls(awsapi.Call{Account: mgmt, Region: "eu-west-1", Service: "kms", Operation: "ListResourceTags"}))
	// GetKeyRotationStatus only for symmetric keys with KMS key material: 2 in eu-west-1, 1 in us-east-1.
	assert.Equal(t, 3, srv.Calls(awsapi.Call{Account: mgmt, Service: "kms", Operation: "GetKeyRotationStatus"}))
	// DescribeSecret only for the primary copy of the replicated secret.
	assert.Equal(t, 1, srv.Calls(awsapi.Call{Account: mgmt, Service: "secretsmanager", Operation: "DescribeSecret"}))
}

// TestCollectAllRegions collects the regions enabled for the account, an opt-in one included.
func TestCollectAllRegions(t *testing.T) {
	t.Parallel()
	w := fixtureWorld(t)
	w.Organization = nil
	w.Accounts = w.Accounts[:1]
	w.Accounts[0].Regions = []string{"us-east-1", "eu-west-1", "me-south-1"}
	srv := newServer(t, w, awsapi.Options{})
	snap, err := Collect(context.Background(), sdkConfig(t, srv, "eu-west-1"), fastOptions(Options{AllRegions: true}))
	require.NoError(t, err)
	require.Len(t, snap.Accounts, 1)
	assert.Equal(t, []string{"eu-west-1", "me-south-1", "us-east-1"}, snap.Accounts[0].Regions)
	assert.True(t, inventory.Complete(snap.Coverage), "%+v", snap.Coverage)
	assert.Greater(t, srv.Calls(awsapi.Call{Service: "account", Operation: "ListRegions"}), 1)
	assert.Positive(t, srv.Calls(awsapi.Call{Region: "me-south-1", Service: "kms", Operation: "ListKeys"}))
	assert.Zero(t, srv.Calls(awsapi.Call{Region: "ap-east-1"}))
	assert.Equal(t, "account "+mgmt+", regions all enabled", snap.Scope)
}

// TestCollectFailuresBecomeCoverage injects failures and checks that each becomes a
// coverage record while everything else is still collected.
func TestCollectFailuresBecomeCoverage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fault   awsapi.Fault
		regions []string
		opts    Options
		// mode is the SDK retry mode; adaptive (the default) slows a throttled client
		// down to a trickle, which a test throttling every call cannot wait for.
		mode awssdk.RetryMode
		want []inventory.Coverage
		// check looks at what was still collected.
		check func(t *testing.T, snap *inventory.Snapshot)
	}{
		{
			name:  "denied per secret",
			fault: awsapi.Fault{Service: "secretsmanager", Operation: "GetResourcePolicy", Region: "eu-west-1", Kind: awsapi.Deny},
			want: []inventory.Coverage{{Account: mgmt, Region: "eu-west-1", Service: "secretsmanager", Operation: "GetResourcePolicy",
				Status: inventory.CoverageDenied}},
			check: func(t *testing.T, snap *inventory.Snapshot) {
				secrets := regionSecrets(snap, "eu-west-1")
				require.Len(t, secrets, 4, "the secrets are still listed")
				for _, s := range secrets {
					assert.Nil(t, s.ResourcePolicy)
				}
			},
		},
		{
			name:  "denied list",
			fault: awsapi.Fault{Service: "kms", Operation: "ListKeys", Region: "us-east-1", Kind: awsapi.Deny},
			want: []inventory.Coverage{{Account: mgmt, Region: "us-east-1", Service: "kms", Operation: "ListKeys",
				Status: inventory.CoverageDenied}},
			check: func(t *testing.T, snap *inventory.Snapshot) {
				assert.Len(t, snap.Accounts[0].Keys, 3, "eu-west-1 keys are still collected")
			},
		},
		{
			name:  "throttled past the last attempt",
			fault: awsapi.Fault{Service: "kms", Operation: "ListGrants", Kind: awsapi.Throttle},
			opts:  Options{MaxAttempts: 2},
			mode:  awssdk.RetryModeStandard,
			want: []inventory.Coverage{
				{Account: mgmt, Region: "eu-west-1", Service: "kms", Operation: "ListGrants", Status: inventory.CoverageThrottled},
				{Account: mgmt, Region: "us-east-1", Service: "kms", Operation: "ListGrants", Status: inventory.CoverageThrottled},
			},
		},
		{
			name:  "server error",
			fault: awsapi.Fault{Service: "iam", Operation: "GetAccountAuthorizationDetails", Kind: awsapi.ServerError},
			opts:  Options{MaxAttempts: 2},
			want: []inventory.Coverage{{Account: mgmt, Region: RegionGlobal, Service: "iam", Operation: "GetAccountAuthorizationDetails",
				Status: inventory.CoverageFailed}},
			check: func(t *testing.T, snap *inventory.Snapshot) {
				assert.NotNil(t, snap.Accounts[0].IAM.Root, "the rest of IAM is still collected")
			},
		},
		{
			name: "timeout",
			// The call hangs far longer than the timeout; the timeout is generous enough
			// that no other call reaches it on a loaded machine.
			fault: awsapi.Fault{Service: "cloudtrail", Operation: "DescribeTrails", Region: "us-east-1", Kind: awsapi.Delay, Delay: 10 * time.Minute},
			opts:  Options{MaxAttempts: 2, CallTimeout: time.Second},
			want: []inventory.Coverage{{Account: mgmt, Region: "us-east-1", Service: "cloudtrail", Operation: "DescribeTrails",
				Status: inventory.CoverageFailed}},
		},
		{
			name:    "region not enabled",
			regions: []string{"eu-west-1", "ap-east-1"},
			want: []inventory.Coverage{
				{Account: mgmt, Region: "ap-east-1", Service: "cloudtrail", Operation: "DescribeTrails", Status: inventory.CoverageNotEnabled},
				{Account: mgmt, Region: "ap-east-1", Service: "kms", Operation: "ListAliases", Status: inventory.CoverageNotEnabled},
				{Account: mgmt, Region: "ap-east-1", Service: "kms", Operation: "ListKeys", Status: inventory.CoverageNotEnabled},
				{Account: mgmt, Region: "ap-east-1", Service: "secretsmanager", Operation: "ListSecrets", Status: inventory.CoverageNotEnabled},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := fixtureWorld(t)
			w.Organization = nil
			w.Accounts = w.Accounts[:1]
			srv := newServer(t, w, awsapi.Options{})
			if tt.fault.Kind != 0 {
				srv.Inject(tt.fault)
			}
			regions := tt.regions
			if regions == nil {
				regions = testRegions
			}
			opts := tt.opts
			opts.Regions = regions
			cfg := sdkConfig(t, srv, "eu-west-1")
			cfg.RetryMode = tt.mode
			snap, err := Collect(context.Background(), cfg, fastOptions(opts))
			require.NoError(t, err)
			assert.False(t, inventory.Complete(snap.Coverage))
			var got []inventory.Coverage
			for _, c := range snap.Coverage {
				if c.Status != inventory.CoverageOK {
					assert.NotEmpty(t, c.Error)
					c.Error = ""
					got = append(got, c)
				}
			}
			assert.Equal(t, tt.want, got)
			if tt.check != nil {
				tt.check(t, snap)
			}
			// The snapshot still reads back: incomplete, never invalid.
			data, err := json.Marshal(snap)
			require.NoError(t, err)
			_, err = inventory.Decode("snapshot.json", data)
			require.NoError(t, err)
		})
	}
}

func regionSecrets(snap *inventory.Snapshot, region string) []inventory.Secret {
	var out []inventory.Secret
	for _, s := range snap.Accounts[0].Secrets {
		if s.Region == region {
			out = append(out, s)
		}
	}
	return out
}

// TestCollectThrottlingRecovers throttles calls a few times each: the SDK retries and
// the collection is complete and exact.
func TestCollectThrottlingRecovers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mode   awssdk.RetryMode
		faults []awsapi.Fault
	}{
		{
			// The default, adaptive retry; only a call its client makes once, because
			// after a throttle adaptive mode slows that client down to a trickle.
			name:   "adaptive",
			faults: []awsapi.Fault{{Service: "sts", Operation: "GetCallerIdentity", Kind: awsapi.Throttle, Times: 1}},
		},
		{
			name: "standard",
			mode: awssdk.RetryModeStandard,
			faults: []awsapi.Fault{
				{Service: "secretsmanager", Operation: "ListSecrets", Kind: awsapi.Throttle, Times: 2},
				{Service: "secretsmanager", Operation: "GetResourcePolicy", Kind: awsapi.Throttle, Times: 3},
				{Service: "kms", Operation: "ListGrants", Kind: awsapi.Throttle, Times: 3},
				{Service: "iam", Operation: "GetAccountAuthorizationDetails", Kind: awsapi.Throttle, Times: 2},
				{Service: "cloudtrail", Operation: "GetEventSelectors", Kind: awsapi.Throttle, Times: 2},
				{Service: "organizations", Operation: "DescribeOrganization", Kind: awsapi.Throttle, Times: 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := fixtureWorld(t)
			w.Organization = nil
			w.Accounts = w.Accounts[:1]
			srv := newServer(t, w, awsapi.Options{})
			for _, f := range tt.faults {
				srv.Inject(f)
			}
			cfg := sdkConfig(t, srv, "eu-west-1")
			cfg.RetryMode = tt.mode
			snap, err := Collect(context.Background(), cfg, fastOptions(Options{Regions: testRegions}))
			require.NoError(t, err)
			assert.True(t, inventory.Complete(snap.Coverage), "%+v", snap.Coverage)
			want := w.Accounts[0].Account
			want.Name = ""
			assert.Equal(t, expected(want, testRegions, "", "aws"), snap.Accounts[0])
			for _, f := range tt.faults {
				assert.Greater(t, srv.Calls(awsapi.Call{Service: f.Service, Operation: f.Operation}), f.Times,
					"%s %s was not retried", f.Service, f.Operation)
			}
		})
	}
}

// TestCollectAccounts limits an organisation scan, or names accounts without one.
func TestCollectAccounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     Options
		accounts []string
		coverage []inventory.Coverage
		err      string
	}{
		{name: "org, one member", opts: Options{Org: true, RoleName: roleName, ExternalID: extID, Accounts: []string{member}},
			accounts: []string{member}},
		{name: "org, account outside it", opts: Options{Org: true, RoleName: roleName, ExternalID: extID, Accounts: []string{"999999999999"}},
			err: "accounts [999999999999] are not in organization " + orgID},
		{name: "named accounts without org", opts: Options{RoleName: roleName, ExternalID: extID, Accounts: []string{member, mgmt}},
			accounts: []string{mgmt, member}},
		{name: "other account without a role", opts: Options{Accounts: []string{member}},
			err: "account " + member + " is not the caller's (" + mgmt + "): give the role name to assume in it"},
		{name: "wrong external id", opts: Options{Org: true, RoleName: roleName, ExternalID: "guess"},
			accounts: []string{mgmt},
			coverage: []inventory.Coverage{{Account: member, Region: RegionGlobal, Service: "sts", Operation: "AssumeRole", Status: inventory.CoverageDenied}}},
		{name: "role missing", opts: Options{Org: true, RoleName: "Nope", ExternalID: extID},
			accounts: []string{mgmt},
			coverage: []inventory.Coverage{{Account: member, Region: RegionGlobal, Service: "sts", Operation: "AssumeRole", Status: inventory.CoverageDenied}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, fixtureWorld(t), awsapi.Options{})
			tt.opts.Regions = []string{"eu-west-1"}
			snap, err := Collect(context.Background(), sdkConfig(t, srv, "eu-west-1"), fastOptions(tt.opts))
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			var ids []string
			for _, a := range snap.Accounts {
				ids = append(ids, a.ID)
			}
			assert.Equal(t, tt.accounts, ids)
			var bad []inventory.Coverage
			for _, c := range snap.Coverage {
				if c.Status != inventory.CoverageOK && c.Status != inventory.CoverageSkipped {
					assert.Contains(t, c.Error, "arn:aws:iam::"+member+":role/")
					c.Error = ""
					bad = append(bad, c)
				}
			}
			assert.Equal(t, tt.coverage, bad)
		})
	}
}

// TestCollectEndpointFromEnvironment relies on AWS_ENDPOINT_URL alone, as a user of a
// local emulator or a VPC endpoint would.
func TestCollectEndpointFromEnvironment(t *testing.T) {
	w := fixtureWorld(t)
	w.Organization = nil
	w.Accounts = w.Accounts[:1]
	srv := newServer(t, w, awsapi.Options{})
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", mgmtKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_PROFILE", "")
	cfg, err := config.LoadDefaultConfig(context.Background())
	require.NoError(t, err)
	snap, err := Collect(context.Background(), cfg, fastOptions(Options{}))
	require.NoError(t, err)
	assert.True(t, inventory.Complete(snap.Coverage), "%+v", snap.Coverage)
	require.Len(t, snap.Accounts, 1)
	assert.Equal(t, []string{"us-east-1"}, snap.Accounts[0].Regions)
	assert.Len(t, snap.Accounts[0].Secrets, 2)
}

// TestSnapshotRoundTrip writes a collected snapshot as JSON and reads it back equal.
func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	w := fixtureWorld(t)
	srv := newServer(t, w, awsapi.Options{})
	srv.Inject(awsapi.Fault{Service: "kms", Operation: "GetKeyPolicy", Region: "us-east-1", Account: member, Kind: awsapi.Deny})
	snap, err := Collect(context.Background(), sdkConfig(t, srv, "eu-west-1"),
		fastOptions(Options{Regions: testRegions, Org: true, RoleName: roleName, ExternalID: extID}))
	require.NoError(t, err)
	data, err := json.MarshalIndent(snap, "", "  ")
	require.NoError(t, err)
	back, err := inventory.Decode("snapshot.json", data)
	require.NoError(t, err)
	assert.Equal(t, snap, back)
	assert.False(t, inventory.Complete(back.Coverage))
}

// recorder is a Progress that remembers what it was told.
type recorder struct {
	mu                         sync.Mutex
	planned, started, finished []Task
	statuses                   map[Task]inventory.CoverageStatus
}

func (r *recorder) Planned(ts []Task) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.planned = append(r.planned, ts...)
}

func (r *recorder) Started(t Task) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started = append(r.started, t)
}

func (r *recorder) Finished(t Task, s inventory.CoverageStatus) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished = append(r.finished, t)
	r.statuses[t] = s
}

func TestCollectReportsProgress(t *testing.T) {
	t.Parallel()
	srv := newServer(t, fixtureWorld(t), awsapi.Options{})
	srv.Inject(awsapi.Fault{Service: "cloudtrail", Operation: "DescribeTrails", Region: "us-east-1", Account: member, Kind: awsapi.Deny})
	rec := &recorder{statuses: map[Task]inventory.CoverageStatus{}}
	_, err := Collect(context.Background(), sdkConfig(t, srv, "eu-west-1"),
		fastOptions(Options{Regions: testRegions, Org: true, RoleName: roleName, ExternalID: extID, Progress: rec}))
	require.NoError(t, err)
	assert.Len(t, rec.planned, 2*(1+2*3))
	assert.ElementsMatch(t, rec.planned, rec.started)
	assert.ElementsMatch(t, rec.planned, rec.finished)
	assert.Equal(t, inventory.CoverageDenied, rec.statuses[Task{Account: member, Region: "us-east-1", Service: "cloudtrail"}])
	assert.Equal(t, inventory.CoverageOK, rec.statuses[Task{Account: mgmt, Region: "us-east-1", Service: "cloudtrail"}])
}

func TestCollectRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
		cfg  awssdk.Config
		err  string
	}{
		{"no region", Options{}, awssdk.Config{}, "no region: give regions, all-regions, or set AWS_REGION or a profile region"},
		{"bad region", Options{Regions: []string{"europe"}}, awssdk.Config{}, `region "europe" is not a region name`},
		{"both region kinds", Options{Regions: []string{"eu-west-1"}, AllRegions: true}, awssdk.Config{}, "regions and all-regions exclude each other"},
		{"org without role", Options{Org: true}, awssdk.Config{Region: "eu-west-1"}, "an organisation scan needs the role name to assume in each account"},
		{"bad account", Options{Accounts: []string{"12345"}}, awssdk.Config{Region: "eu-west-1"}, `account "12345" is not a 12-digit account id`},
		{"negative concurrency", Options{Concurrency: -1}, awssdk.Config{Region: "eu-west-1"}, "concurrency -1: want 1 or more"},
		{"negative rate", Options{RateLimits: map[string]float64{"kms": -1}}, awssdk.Config{Region: "eu-west-1"}, "rate limit kms=-1: want 0 (no limit) or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Collect(context.Background(), tt.cfg, tt.opts)
			require.EqualError(t, err, tt.err)
		})
	}
}

func TestCollectWithoutIdentityFails(t *testing.T) {
	t.Parallel()
	srv := newServer(t, fixtureWorld(t), awsapi.Options{})
	cfg := sdkConfig(t, srv, "eu-west-1")
	cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIAUNKNOWN000000000", "x", "")
	_, err := Collect(context.Background(), cfg, fastOptions(Options{}))
	require.ErrorContains(t, err, "sts GetCallerIdentity")
	require.ErrorContains(t, err, "InvalidClientTokenId")
}

// TestCollectRefreshesRoleCredentials hands out role credentials that are already
// expired, so that every call assumes the role again, while a single call may be in
// flight. The SDK resolves credentials before its retry loop, so the refresh never
// waits for the slot its own call would hold; this guards that order (the limit
// middleware sits after the retry loop).
func TestCollectRefreshesRoleCredentials(t *testing.T) {
	t.Parallel()
	w := fixtureWorld(t)
	srv := newServer(t, w, awsapi.Options{Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	snap, err := Collect(ctx, sdkConfig(t, srv, "eu-west-1"), fastOptions(Options{Regions: []string{"eu-west-1"}, Org: true,
		RoleName: roleName, ExternalID: extID, Accounts: []string{member}, Concurrency: 1}))
	require.NoError(t, err)
	assert.True(t, inventory.Complete(snap.Coverage), "%+v", snap.Coverage)
	assert.Greater(t, srv.Calls(awsapi.Call{Service: "sts", Operation: "AssumeRole"}), 2)
}

// TestCollectOrganizationTrailOwner checks who reports an organisation trail: the
// management account when both are collected, the member when it is collected alone.
func TestCollectOrganizationTrailOwner(t *testing.T) {
	t.Parallel()
	orgTrail := "arn:aws:cloudtrail:us-east-1:" + mgmt + ":trail/org-trail"
	tests := []struct {
		name     string
		accounts []string
		// want maps each collected account to whether it reports the organisation trail.
		want map[string]bool
	}{
		{name: "both", accounts: []string{mgmt, member}, want: map[string]bool{mgmt: true, member: false}},
		{name: "member alone", accounts: []string{member}, want: map[string]bool{member: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, fixtureWorld(t), awsapi.Options{})
			snap, err := Collect(context.Background(), sdkConfig(t, srv, "eu-west-1"), fastOptions(Options{
				Regions: testRegions, RoleName: roleName, ExternalID: extID, Accounts: tt.accounts}))
			require.NoError(t, err)
			require.True(t, inventory.Complete(snap.Coverage), "%+v", snap.Coverage)
			got := map[string]bool{}
			for _, a := range snap.Accounts {
				got[a.ID] = false
				for _, tr := range a.Trails {
					if tr.ARN == orgTrail {
						got[a.ID] = true
						assert.True(t, tr.IsOrganizationTrail)
						assert.True(t, tr.IsLogging, "status read from the account that sees it")
					}
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
