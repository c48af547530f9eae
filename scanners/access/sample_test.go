package access

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/cloudtrail/sample from the code that describes it")

const sampleDir = "../../testdata/cloudtrail"

// sampleWorld is the committed sample (testdata/cloudtrail/sample/trail.json.gz): two
// quiet weeks of an application and an administrator, then a review day on which the
// application's credentials are stolen and used to harvest secrets, and an IAM user
// switches CloudTrail off after trying a leaked key.
func sampleWorld() *world {
	w := &world{}
	from := reviewStart.AddDate(0, 0, -14)
	for t := from; t.Before(reviewEnd); t = t.Add(30 * time.Minute) {
		hour := int(t.Sub(baselineStart).Hours())
		w.getSecret(ordersAPI(hour), t.Add(17*time.Second), "prod/orders/db")
		if t.Minute() == 0 {
			w.decrypt(ordersAPI(hour), t.Add(40*time.Second), appKey)
		}
	}
	for day := from; day.Before(reviewEnd); day = day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			t := day.Add(9*time.Hour + 30*time.Minute)
			w.call(alice, t, "secretsmanager.amazonaws.com", "ListSecrets", map[string]any{})
			w.getSecret(alice, t.Add(time.Minute), secretARN("prod/orders/db"))
		}
	}
	// 03:00 on the review day: the session the application uses at that hour, from
	// elsewhere, with the CLI: list, then read everything.
	hijacked := ordersAPI(int(at(3, 0).Sub(baselineStart).Hours())).from(evilIP).using(cliUA)
	w.call(hijacked, at(3, 4), "secretsmanager.amazonaws.com", "ListSecrets", map[string]any{"maxResults": 100})
	for i, name := range []string{"prod/billing/api", "prod/payments/stripe", "prod/search/key", "prod/web/session", "prod/crm/token",
		"prod/mail/smtp", "prod/analytics/db", "prod/ledger/db", "prod/auth/jwt", "prod/partner/sftp", "prod/backup/key", "prod/ads/api"} {
		w.getSecret(hijacked, at(3, 5).Add(time.Duration(i)*15*time.Second), name)
	}
	// 11:00: an IAM user's key, leaked, is tried by a scanner; then the user stops the trail.
	user := iamUser(acct, "build-bot", "AKIAIOSFODNN7EXAMPLE").from("198.51.100.77")
	w.call(user.using("TruffleHog"), at(11, 0), "sts.amazonaws.com", "GetCallerIdentity", nil)
	w.call(user.using(cliUA), at(11, 20), "cloudtrail.amazonaws.com", "StopLogging", map[string]any{"name": "arn:aws:cloudtrail:eu-west-1:" + acct + ":trail/management-events"})
	return w
}

func TestSample(t *testing.T) {
	t.Parallel()
	path := filepath.Join(sampleDir, "sample", "trail.json.gz")
	if *update {
		writeGzipJSON(t, path, map[string]any{"Records": sampleWorld().recs})
	}
	eng, err := sharedEngine()
	require.NoError(t, err)
	res, err := Review(context.Background(), Options{
		Sources: []Source{Path(filepath.Join(sampleDir, "sample"))},
		Since:   reviewStart, Until: reviewEnd, Baseline: 14 * 24 * time.Hour,
		Engine: eng, Config: defaultAccess(t),
	})
	require.NoError(t, err)
	assert.Empty(t, failedCoverage(res.Coverage))
	assert.Equal(t, len(sampleWorld().recs), res.Stats.Events)

	counts := map[string]int{}
	for _, f := range res.Findings {
		counts[f.RuleID+" "+f.Resource.ARN]++
	}
	const bot = "arn:aws:iam::" + acct + ":user/build-bot"
	assert.Equal(t, map[string]int{
		"access-secretsmanager-read-burst " + ordersKey:     1,
		"access-secretsmanager-list-then-read " + ordersKey: 1,
		"access-secretsmanager-first-read " + ordersKey:     12,
		"access-principal-new-network " + ordersKey:         1,
		"access-principal-new-user-agent " + ordersKey:      1,
		"access-iam-key-multiple-networks " + ordersKey:     1,
		"access-iam-scanner-user-agent " + bot:              1,
		"access-cloudtrail-trail-stopped " + bot:            1,
	}, counts)
}

// The event shapes of AWS's documentation (testdata/cloudtrail/events), one per file,
// normalised: the principal, the service acting for it, what the event touches.
func TestDocumentedEvents(t *testing.T) {
	t.Parallel()
	type want struct {
		Key, Type, Via, Kind, Target string
		Sensitive                    bool
	}
	expected := map[string]want{}
	data, err := os.ReadFile(filepath.Join(sampleDir, "events", "expected.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &expected))
	files, err := filepath.Glob(filepath.Join(sampleDir, "events", "*.event.json"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 10)
	var names []string
	for _, f := range files {
		name := filepath.Base(f)
		names = append(names, name)
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			e := normalise(t, string(raw))
			w, ok := expected[name]
			require.True(t, ok, "no expectation for %s in expected.json", name)
			assert.Equal(t, w, want{Key: e.Principal.Key, Type: e.Principal.Type, Via: e.Via, Kind: e.Kind.String(), Target: e.Target, Sensitive: e.sensitive()})
		})
	}
	sort.Strings(names)
	assert.Len(t, expected, len(names), "expected.json lists files that do not exist")
}
