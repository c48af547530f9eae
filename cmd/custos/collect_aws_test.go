package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/awsapi"
	"github.com/custos-dev/custos/internal/inventory"
	awsscan "github.com/custos-dev/custos/scanners/aws"
)

// collectWorld is one account with a secret and a key in eu-west-1.
func collectWorld() awsapi.World {
	const acct = "111111111111"
	return awsapi.World{
		Credentials: []awsapi.Credential{{AccessKeyID: "AKIACLITEST000000001", Account: acct, ARN: "arn:aws:iam::" + acct + ":user/auditor"}},
		Accounts: []awsapi.Account{{Account: inventory.Account{
			ID: acct,
			Secrets: []inventory.Secret{{ARN: "arn:aws:secretsmanager:eu-west-1:" + acct + ":secret:db-AbCdEf", Name: "db",
				Region: "eu-west-1", Tags: inventory.Tags{}}},
			Keys: []inventory.Key{{ARN: "arn:aws:kms:eu-west-1:" + acct + ":key/k1", KeyID: "k1", Region: "eu-west-1",
				KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", KeyState: "Enabled", Origin: "AWS_KMS"}},
			IAM: inventory.IAM{Root: &inventory.RootUser{MFAEnabled: true}},
		}}},
	}
}

// collectCLI runs 'custos collect aws ARGS' (or 'custos scan …' when ARGS start with scan) in-process against an emulator reached through
// AWS_ENDPOINT_URL and credentials from the environment, as the SDK's chain finds them.
func collectCLI(t *testing.T, srv *awsapi.Server, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIACLITEST000000001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	var out, errb bytes.Buffer
	a := newApp(strings.NewReader(""), &out, &errb)
	a.now = func() time.Time { return time.Date(2026, 11, 20, 6, 30, 0, 0, time.UTC) }
	root := newRootCmd(a)
	if len(args) == 0 || args[0] != "scan" {
		args = append([]string{"collect", "aws"}, args...)
	}
	root.SetArgs(args)
	code := exitCode(root.ExecuteContext(context.Background()), &errb)
	return code, out.String(), errb.String()
}

func TestCollectAWSCommand(t *testing.T) {
	tests := []struct {
		name   string
		fault  *awsapi.Fault
		args   []string
		code   int
		stderr string
		// complete is whether the snapshot written says everything was collected.
		complete bool
	}{
		{name: "complete", code: exitOK, complete: true},
		{name: "denied", fault: &awsapi.Fault{Service: "kms", Operation: "ListKeys", Kind: awsapi.Deny}, code: exitIncomplete,
			stderr: "custos: collection incomplete: 1 coverage records are not ok"},
		{name: "denied, not failing", fault: &awsapi.Fault{Service: "kms", Operation: "ListKeys", Kind: awsapi.Deny},
			args: []string{"--fail-on-incomplete=false"}, code: exitOK},
		{name: "regions flag", args: []string{"--regions", "eu-west-1,us-east-1", "--rate-limit", "kms=10,secretsmanager:GetResourcePolicy=0"},
			code: exitOK, complete: true},
		{name: "bad rate limit", args: []string{"--rate-limit", "s3=1"}, code: exitUsage,
			stderr: `custos: --rate-limit "s3=1": want service=N or service:Operation=N with N >= 0`},
		{name: "both region flags", args: []string{"--region", "eu-west-1", "--regions", "us-east-1"}, code: exitUsage,
			stderr: "custos: --region and --regions: give one of them"},
		{name: "org without role", args: []string{"--org"}, code: exitUsage,
			stderr: "custos: collect aws: an organisation scan needs the role name to assume in each account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := awsapi.New(t, collectWorld(), awsapi.Options{PageSize: 1})
			if tt.fault != nil {
				srv.Inject(*tt.fault)
			}
			file := filepath.Join(t.TempDir(), "snapshot.json")
			code, stdout, stderr := collectCLI(t, srv, append([]string{"-o", file, "--quiet"}, tt.args...)...)
			require.Equal(t, tt.code, code, stderr)
			assert.Empty(t, stdout)
			if tt.stderr != "" {
				assert.Contains(t, stderr, tt.stderr)
			}
			if code == exitUsage {
				assert.NoFileExists(t, file)
				return
			}
			snap, err := inventory.Load(file)
			require.NoError(t, err)
			assert.Equal(t, tt.complete, inventory.Complete(snap.Coverage))
			require.Len(t, snap.Accounts, 1)
			assert.Equal(t, time.Date(2026, 11, 20, 6, 30, 0, 0, time.UTC), snap.GeneratedAt)
			assert.Len(t, snap.Accounts[0].Secrets, 1)
		})
	}
}

func TestCollectAWSToStdout(t *testing.T) {
	srv := awsapi.New(t, collectWorld(), awsapi.Options{})
	code, stdout, stderr := collectCLI(t, srv, "-o", "-")
	require.Equal(t, exitOK, code, stderr)
	snap, err := inventory.Decode("stdout", []byte(stdout))
	require.NoError(t, err)
	assert.Equal(t, "account 111111111111, regions eu-west-1", snap.Scope)
}

func TestProgressBars(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	bars := newProgressBars(&out)
	tasks := []awsscan.Task{{Account: "111111111111", Region: "global", Service: "iam"}, {Account: "111111111111", Region: "eu-west-1", Service: "kms"}}
	bars.Planned(tasks)
	for _, task := range tasks {
		bars.Started(task)
	}
	bars.Finished(tasks[0], inventory.CoverageOK)
	bars.Finished(tasks[1], inventory.CoverageDenied)
	bars.stop()
	assert.True(t, bars.trackers["111111111111"].IsDone())
	assert.True(t, bars.trackers["111111111111"].IsErrored())
	assert.Equal(t, int64(2), bars.trackers["111111111111"].Total)
	assert.Contains(t, out.String(), "account 111111111111")
}

// TestOfflineScanEqualsLiveScan: the demo account served by the emulator, scanned live,
// gives exactly the findings of 'collect aws' followed by 'scan aws --snapshot'.
func TestOfflineScanEqualsLiveScan(t *testing.T) {
	demo, err := inventory.Load("../../testdata/snapshots/demo.json")
	require.NoError(t, err)
	acct := demo.Accounts[0]
	acct.Regions = nil
	world := awsapi.World{
		Credentials: []awsapi.Credential{{AccessKeyID: "AKIACLITEST000000001", Account: acct.ID, ARN: "arn:aws:iam::" + acct.ID + ":user/auditor"}},
		Accounts:    []awsapi.Account{{Account: acct}},
	}
	srv := awsapi.New(t, world, awsapi.Options{PageSize: 3})
	regions := "eu-west-1,us-east-1"

	code, live, stderr := collectCLI(t, srv, "scan", "aws", "--regions", regions, "--format", "json", "--fail-on", "none", "--quiet")
	require.Equal(t, exitOK, code, stderr)

	file := filepath.Join(t.TempDir(), "snap.json")
	code, _, stderr = collectCLI(t, srv, "--regions", regions, "-o", file, "--quiet")
	require.Equal(t, exitOK, code, stderr)
	code, offline, stderr := collectCLI(t, srv, "scan", "aws", "--snapshot", file, "--format", "json", "--fail-on", "none", "--quiet")
	require.Equal(t, exitOK, code, stderr)

	liveFindings, offlineFindings := findingsOf(t, live), findingsOf(t, offline)
	require.NotEmpty(t, liveFindings, "the demo account has findings")
	assert.Equal(t, liveFindings, offlineFindings)
}

func findingsOf(t *testing.T, report string) []any {
	t.Helper()
	var rep struct {
		Findings []any `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(report), &rep))
	return rep.Findings
}
