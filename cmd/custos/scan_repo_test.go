package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/awsapi"
	"github.com/custos-dev/custos/internal/inventory"
)

// git runs git in dir, isolated from the machine's configuration.
func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@example.net", "GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=dev@example.net")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
}

// randomFrom draws n characters of alphabet from crypto/rand, so no test secret is ever
// a fixed string that a scanner (or a person) could know in advance.
func randomFrom(t *testing.T, alphabet string, n int) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		require.NoError(t, err)
		b.WriteByte(alphabet[k.Int64()])
	}
	return b.String()
}

type plantedSecrets struct {
	keyID, secretKey, password, privateKey, token string
}

func (p plantedSecrets) all() []string {
	return []string{p.keyID, p.secretKey, p.password, p.privateKey, p.token}
}

func newPlantedSecrets(t *testing.T) plantedSecrets {
	t.Helper()
	const upper32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}))
	return plantedSecrets{
		keyID:      "AKIA" + randomFrom(t, upper32, 16),
		secretKey:  randomFrom(t, b64, 40),
		password:   randomFrom(t, "abcdefghkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 14) + "#!" + randomFrom(t, "0123456789", 3),
		privateKey: pemKey,
		token:      "ghp_" + randomFrom(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36),
	}
}

// secretRepo builds a repository whose main branch holds some secrets and whose feature
// branch adds more; it returns the directory.
func secretRepo(t *testing.T, s plantedSecrets) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	write := func(name, content string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	write("README.md", "# service\n")
	write("config/aws.ini", "[default]\naws_access_key_id = "+s.keyID+"\naws_secret_access_key = "+s.secretKey+"\n")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "initial")
	git(t, dir, "checkout", "-q", "-b", "feature")
	write(".env", "DB_HOST=db.internal\nDB_PASSWORD="+s.password+"\n")
	write("deploy/id_rsa", s.privateKey)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "deploy config")
	write("scripts/release.sh", "#!/bin/sh\nexport GITHUB_TOKEN="+s.token+"\n")
	git(t, dir, "add", "scripts/release.sh")
	return dir
}

// TestScanRepoNeverPrintsASecret runs every mode with every format (and debug logs) and
// checks that no byte sequence of any output contains a planted secret, while the
// findings are there.
func TestScanRepoNeverPrintsASecret(t *testing.T) {
	t.Parallel()
	s := newPlantedSecrets(t)
	dir := secretRepo(t, s)
	modes := []struct {
		name string
		args []string
	}{
		{"working tree", nil},
		{"history", []string{"--history"}},
		{"diff", []string{"--diff", "main...feature"}},
		{"staged", []string{"--staged"}},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{"scan", "repo", dir, "--format", "table,json,sarif,html", "--out-dir", out, "--log-level", "debug"}, m.args...)
			code, stdout, stderr := custos(t, args...)
			require.Equal(t, exitFindings, code, stderr)
			outputs := map[string]string{"stdout": stdout, "stderr": stderr}
			for _, name := range []string{"custos.txt", "custos.json", "custos.sarif", "custos.html"} {
				data, err := os.ReadFile(filepath.Join(out, name))
				require.NoError(t, err)
				outputs[name] = string(data)
			}
			for where, text := range outputs {
				for _, secret := range s.all() {
					// Any 12-character piece would be a leak, not just the whole value.
					for i := 0; i+12 <= len(secret); i += 6 {
						piece := secret[i : i+12]
						if strings.Contains(piece, "-----") || strings.TrimSpace(piece) != piece {
							continue // PEM armour and line breaks are not secret
						}
						require.NotContains(t, text, piece, "%s of mode %s shows part of a secret", where, m.name)
					}
				}
			}
			var rep struct {
				Findings []struct {
					RuleID   string `json:"rule_id"`
					Location struct {
						Path string `json:"path"`
					} `json:"location"`
				} `json:"findings"`
			}
			require.NoError(t, json.Unmarshal([]byte(outputs["custos.json"]), &rep))
			require.NotEmpty(t, rep.Findings)
			paths := map[string]bool{}
			for _, f := range rep.Findings {
				paths[f.Location.Path] = true
			}
			switch m.name {
			case "diff":
				assert.True(t, paths[".env"] && paths["deploy/id_rsa"], "the branch's additions: %v", paths)
				assert.False(t, paths["config/aws.ini"], "main's secrets are not part of the change")
			case "staged":
				assert.Equal(t, map[string]bool{"scripts/release.sh": true}, paths)
			default:
				assert.True(t, paths["config/aws.ini"], "found: %v", paths)
			}
		})
	}
}

// TestScanRepoGitErrorsExit2: a scan that did not happen never reports "no leaks".
func TestScanRepoGitErrorsExit2(t *testing.T) {
	t.Parallel()
	s := newPlantedSecrets(t)
	dir := secretRepo(t, s)
	plain := t.TempDir()
	cases := []struct {
		name string
		args []string
	}{
		{"bad ref", []string{dir, "--diff", "nosuchbranch...HEAD"}},
		{"history outside a repository", []string{plain, "--history"}},
		{"staged outside a repository", []string{plain, "--staged"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := custos(t, append([]string{"scan", "repo", "--format", "json"}, tc.args...)...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout, "no report for a scan that did not happen")
			assert.NotEmpty(t, stderr)
		})
	}
}

// TestScanRepoAWSCorrelatesLive: with --aws, an access key id found in code that is an
// active key of the account (read live from IAM through the emulator) is critical and
// names its user; only IAM metadata is read.
func TestScanRepoAWSCorrelatesLive(t *testing.T) {
	s := newPlantedSecrets(t)
	dir := secretRepo(t, s)
	const acct = "111111111111"
	created := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	world := awsapi.World{
		Credentials: []awsapi.Credential{{AccessKeyID: "AKIACLITEST000000001", Account: acct, ARN: "arn:aws:iam::" + acct + ":user/auditor"}},
		Accounts: []awsapi.Account{{Account: inventory.Account{ID: acct, IAM: inventory.IAM{
			Users: []inventory.User{{ARN: "arn:aws:iam::" + acct + ":user/deployer", Name: "deployer", Tags: inventory.Tags{},
				AccessKeys: []inventory.AccessKey{{AccessKeyID: s.keyID, Status: "Active", CreateDate: &created}}}},
			Root: &inventory.RootUser{MFAEnabled: true},
		}}}},
	}
	srv := awsapi.New(t, world, awsapi.Options{})
	code, stdout, stderr := collectCLI(t, srv, "scan", "repo", dir, "--aws", "--format", "json", "--fail-on", "critical", "--quiet")
	require.Equal(t, exitFindings, code, stderr)
	assert.NotContains(t, stdout, s.keyID)
	var rep struct {
		Findings []struct {
			Severity string         `json:"severity"`
			Evidence map[string]any `json:"evidence"`
			Message  string         `json:"message"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	critical := 0
	for _, f := range rep.Findings {
		if f.Severity == "critical" && strings.Contains(f.Message+stringify(f.Evidence), "deployer") {
			critical++
		}
	}
	assert.Positive(t, critical, "the active key is reported as critical with its user: %s", stdout)
	all, iam := srv.Calls(awsapi.Call{}), srv.Calls(awsapi.Call{Service: "iam"})
	identity := srv.Calls(awsapi.Call{Service: "sts"}) + srv.Calls(awsapi.Call{Service: "organizations"})
	assert.Positive(t, iam)
	assert.Equal(t, all, iam+identity, "only IAM (and who the caller and its organisation are) is read for --aws")

	code, _, stderr = collectCLI(t, srv, "scan", "repo", dir, "--aws", "--inventory", "x.json")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--aws and --inventory")
}

func stringify(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
