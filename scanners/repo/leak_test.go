package repo

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zricethezav/gitleaks/v8/logging"
)

// plantedSecrets returns files holding fresh fake secrets of every kind and the secrets.
func plantedSecrets() (files map[string]string, secrets []string) {
	pw, uriPw, token := fakePassword(), fakePassword(), fakeGitHubToken()
	keyID, secretKey := fakeAccessKeyID(123456789012), fakeSecretAccessKey()
	keyBody := fakeBase64(600)
	encoded := fakePassword()
	bcrypt := "$2b$12$" + randString(upper+lower+digits+"./", 53)
	files = map[string]string{
		"config/app.env":        "DB_PASSWORD=" + pw + "\n",
		"config/db.yml":         "url: postgres://app:" + uriPw + "@db.internal:5432/app\n",
		"scripts/release.sh":    "GITHUB_TOKEN=" + token + "\n",
		"home/.aws/credentials": "[default]\naws_access_key_id = " + keyID + "\naws_secret_access_key = " + secretKey + "\n",
		"deploy/id_rsa":         "-----BEGIN RSA PRIVATE KEY-----\n" + keyBody + "\n-----END RSA PRIVATE KEY-----\n",
		"k8s/secret.yaml":       "data:\n  password: " + base64Std(encoded) + "\n",
		"conf/.htpasswd":        "admin:" + bcrypt + "\n",
	}
	return files, []string{pw, uriPw, token, keyID, secretKey, keyBody, encoded, base64Std(encoded), bcrypt}
}

// assertNoSecret fails if out contains any secret, or any 8-character piece of one.
func assertNoSecret(t *testing.T, what string, out []byte, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		for i := 0; i+8 <= len(s); i++ {
			if piece := s[i : i+8]; bytes.Contains(out, []byte(piece)) {
				require.Failf(t, "secret leaked", "%s contains %q, part of a planted secret", what, piece)
			}
		}
	}
}

func TestNoSecretInAnyOutput(t *testing.T) {
	t.Parallel()
	files, secrets := plantedSecrets()
	r := newTestRepo(t)
	r.write("README", "x\n")
	r.commit("start")
	r.git("checkout", "-q", "-b", "feature")
	for p, c := range files {
		r.write(p, c)
	}
	r.commit("add everything")
	// also staged, in the next commit
	r.write("staged/app.env", files["config/app.env"])
	r.git("add", "staged/app.env")

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	modes := []Options{
		{Mode: WorkTree},
		{Mode: History},
		{Mode: Diff, DiffRange: "main...HEAD"},
		{Mode: Staged},
	}
	for _, o := range modes {
		t.Run(string(o.Mode), func(t *testing.T) {
			o.Path, o.Logger, o.Engine = r.dir, logger, testEngine(t)
			res, err := Scan(context.Background(), o)
			require.NoError(t, err)
			require.NotEmpty(t, res.Findings)
			if o.Mode != Staged {
				assert.GreaterOrEqual(t, len(res.Findings), 8, "every planted kind is found: %v", byPath(res))
			}
			out, err := json.Marshal(res)
			require.NoError(t, err)
			assertNoSecret(t, "JSON result", out, secrets)
			var base bytes.Buffer
			require.NoError(t, WriteBaseline(&base, res.Findings))
			assertNoSecret(t, "baseline", base.Bytes(), secrets)
			for _, f := range res.Findings {
				assertNoSecret(t, "message", []byte(f.Message), secrets)
			}
		})
	}
	assertNoSecret(t, "log", logs.Bytes(), secrets)
	assert.Contains(t, logs.String(), "repository scan done", "the logger was used")

	t.Run("gitleaks' global logger is silenced", func(t *testing.T) {
		testEngine(t)
		assert.Equal(t, zerolog.Disabled, logging.Logger.GetLevel())
	})
	t.Run("errors carry no secret", func(t *testing.T) {
		// a gitleaks baseline holding a secret, malformed further down
		bad := `[{"RuleID":"x","File":"a","Secret":"` + secrets[0] + `"}, {"RuleID": 1}]`
		_, err := ParseBaseline("base.json", []byte(bad))
		require.Error(t, err)
		assertNoSecret(t, "error", []byte(err.Error()), secrets)
		assert.False(t, strings.Contains(err.Error(), secrets[0]))
	})
}
