package access

import (
	"context"
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/custos-dev/custos/internal/config"
	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// benignDir holds the benign month, written once for every test of the package.
var benignDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "custos-access-benign-")
	if err != nil {
		panic(err)
	}
	benignDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var writeBenign = sync.OnceValue(func() error {
	w := benign()
	t := &onceT{}
	w.writeTrail(t, benignDir)
	return t.err
})

// onceT lets the shared fixture writer report through an error.
type onceT struct {
	testing.TB
	err error
}

func (o *onceT) Helper()                           {}
func (o *onceT) Errorf(format string, args ...any) { o.err = fmt.Errorf(format, args...) }
func (o *onceT) FailNow()                          { panic(o.err) }

var sharedEngine = sync.OnceValues(func() (*engine.Engine, error) {
	cfg, err := config.Default()
	if err != nil {
		return nil, err
	}
	data, err := cfg.PolicyData()
	if err != nil {
		return nil, err
	}
	return engine.New(context.Background(), engine.Options{Config: data})
})

func defaultAccess(t testing.TB) config.Access {
	t.Helper()
	cfg, err := config.Default()
	require.NoError(t, err)
	return cfg.Access
}

type reviewOpt func(*Options)

func withInventory(s *inventory.Snapshot) reviewOpt { return func(o *Options) { o.Inventory = s } }

// reviewMonth reviews the benign month plus the attack records (if any) with the
// default configuration.
func reviewMonth(t *testing.T, attack *world, opts ...reviewOpt) *Result {
	t.Helper()
	require.NoError(t, writeBenign())
	eng, err := sharedEngine()
	require.NoError(t, err)
	o := Options{
		Sources:  []Source{Path(benignDir)},
		Since:    reviewStart,
		Until:    reviewEnd,
		Baseline: 30 * 24 * time.Hour,
		Engine:   eng,
		Config:   defaultAccess(t),
	}
	if attack != nil && len(attack.recs) > 0 {
		dir := t.TempDir()
		attack.writeTrail(t, dir)
		o.Sources = append(o.Sources, Path(dir))
	}
	for _, opt := range opts {
		opt(&o)
	}
	res, err := Review(context.Background(), o)
	require.NoError(t, err)
	return res
}

func ruleIDs(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID+" "+f.Resource.ARN)
	}
	sort.Strings(out)
	return out
}

func TestBenignMonthIsQuiet(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []reviewOpt
	}{
		{"without inventory", nil},
		{"with inventory", []reviewOpt{withInventory(inventoryFixture())}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := reviewMonth(t, nil, tc.opts...)
			assert.Empty(t, ruleIDs(res.Findings))
			assert.True(t, inventory.Complete(res.Coverage), "coverage: %+v", res.Coverage)
			assert.Zero(t, res.Stats.Duplicates)
			assert.Zero(t, res.Stats.Invalid)
			assert.Zero(t, res.Stats.Late)
			assert.Positive(t, res.Stats.Digests, "digest files are recognised")
			assert.Greater(t, res.Stats.Events, 30000)
			// The application read its secret every five minutes of the review day.
			var orders *PrincipalSummary
			for i := range res.Principals {
				if res.Principals[i].Key == ordersKey {
					orders = &res.Principals[i]
				}
			}
			require.NotNil(t, orders)
			assert.Equal(t, 288, orders.SecretReads)
			assert.Equal(t, 1, orders.SecretsRead)
			assert.Equal(t, 144, orders.KMSUse, "only its own decrypts: those Secrets Manager makes for it are not its reads")
			assert.Equal(t, 1, orders.KeysUsed, "its application key; not the key Secrets Manager decrypts with for it")
			assert.Equal(t, 288, orders.ViaService)
		})
	}
}

// inventoryFixture tags the benign month's principals and secrets.
func inventoryFixture() *inventory.Snapshot {
	role := func(name string, tags inventory.Tags) inventory.Role {
		return inventory.Role{ARN: "arn:aws:iam::" + acct + ":role/" + name, Name: name, Tags: tags}
	}
	secret := func(name string, tags inventory.Tags) inventory.Secret {
		return inventory.Secret{ARN: secretARN(name), Name: name, Region: region, Tags: tags}
	}
	return &inventory.Snapshot{SchemaVersion: inventory.SchemaVersion, Accounts: []inventory.Account{{
		ID: acct, Partition: "aws",
		IAM: inventory.IAM{Roles: []inventory.Role{
			role("orders-api", inventory.Tags{"environment": "production", "owner": "orders"}),
			role("ci-staging", inventory.Tags{"environment": "staging", "owner": "platform"}),
			role("web-instance", inventory.Tags{"environment": "production", "owner": "web"}),
			role("deploy", inventory.Tags{"environment": "production", "owner": "platform"}),
		}},
		Secrets: []inventory.Secret{
			secret("prod/orders/db", inventory.Tags{"environment": "production", "owner": "orders"}),
			secret("prod/billing/api", inventory.Tags{"environment": "production", "owner": "billing"}),
			secret("prod/web/session", inventory.Tags{"environment": "production", "owner": "web"}),
			secret("staging/orders/db", inventory.Tags{"environment": "staging", "owner": "platform"}),
			secret("staging/billing/api", inventory.Tags{"environment": "staging", "owner": "platform"}),
			secret("staging/search/key", inventory.Tags{"environment": "staging", "owner": "platform"}),
		},
	}}}
}
