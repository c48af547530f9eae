package inventory_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/inventory"
)

const (
	demoPath = "../../testdata/snapshots/demo.json"
	casesDir = "../../testdata/snapshots/cases"
)

func TestLoadDemo(t *testing.T) {
	snap, err := inventory.Load(demoPath)
	require.NoError(t, err)
	assert.Equal(t, inventory.SchemaVersion, snap.SchemaVersion)
	require.Len(t, snap.Accounts, 1)
	assert.True(t, inventory.Complete(snap.Coverage), "the demo is a complete collection")
}

// Each case file is refused with one *InputError naming the file and the place.
func TestLoadRejectsBadSnapshots(t *testing.T) {
	tests := []struct {
		file       string
		line, col  int
		path       string
		errContain string
	}{
		// A missing comma: the place is the '"' that follows the value.
		{file: "malformed.json", line: 7, col: 7, errContain: `invalid JSON: invalid character '"' after object key:value pair`},
		// A canonical statement with an Effect typo: the place is the policy.
		{file: "bad-policy.json", line: 21, col: 25, path: "accounts[0].keys[0].key_policy", errContain: `statement 0: effect "Alow" is neither Allow nor Deny`},
		// A policy in AWS grammar held in a string, with both Action and NotAction.
		{file: "bad-policy-string.json", line: 20, col: 25, path: "accounts[0].iam.policies[0].document", errContain: "statement 0: has both Action and NotAction"},
		{file: "wrong-version.json", line: 2, col: 21, path: "schema_version", errContain: `unsupported schema_version "2" (this custos reads "1")`},
		{file: "unknown-field.json", line: 13, col: 11, errContain: `unknown field "rotation_interval_days"`},
		// A string where a boolean belongs: the place is the start of the string.
		{file: "wrong-type.json", line: 12, col: 31, path: "accounts.secrets.rotation_enabled", errContain: "expected bool, got JSON string"},
	}
	entries, err := os.ReadDir(casesDir)
	require.NoError(t, err)
	require.Len(t, entries, len(tests), "every case file has a row here")
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(casesDir, tt.file)
			snap, err := inventory.Load(path)
			require.Error(t, err)
			assert.Nil(t, snap, "no partial snapshot")
			var ie *inventory.InputError
			require.True(t, errors.As(err, &ie), "want *inventory.InputError, got %T: %v", err, err)
			assert.Equal(t, path, ie.File)
			assert.Equal(t, tt.line, ie.Line, "line")
			assert.Equal(t, tt.col, ie.Column, "column")
			assert.Equal(t, tt.path, ie.Path)
			assert.Contains(t, ie.Err.Error(), tt.errContain)
			prefix := path + ":" + itoa(tt.line) + ":" + itoa(tt.col) + ": "
			assert.True(t, strings.HasPrefix(err.Error(), prefix), "%q should start with %q", err, prefix)
		})
	}
}

// Positions of decoding errors point at the offending byte or at the start of the
// offending value, whatever its kind. at marks the expected place in tail: its first
// occurrence (the end of the input when empty).
func TestDecodeErrorPositions(t *testing.T) {
	const head = `{"schema_version": "1", "generated_at": "2026-11-20T06:00:00Z", "coverage": [], "accounts": [{"id": "111122223333", `
	tests := []struct {
		name       string
		tail       string
		at         string
		errContain string
	}{
		{name: "syntax: bad literal", tail: `"secrets": nul}]}`, at: "}", errContain: "invalid character '}' in literal null"},
		{name: "syntax: trailing comma", tail: `"secrets": [],}]}`, at: "}", errContain: "looking for beginning of object key string"},
		{name: "type: string with escaped quotes", tail: `"secrets": [{"arn": "a", "name": "n", "region": "r", "rotation_enabled": "a \"quoted\" yes"}]}]}`, at: `"a \"`, errContain: "expected bool, got JSON string"},
		{name: "type: number", tail: `"secrets": [{"arn": "a", "name": "n", "region": "r", "rotation_enabled": -1.5e3}]}]}`, at: "-1.5e3", errContain: "expected bool, got JSON number"},
		{name: "type: literal", tail: `"keys": [{"arn": "a", "key_id": "k", "region": "r", "key_state": "Enabled", "key_manager": "AWS", "rotation_period_days": true}]}]}`, at: "true", errContain: "expected int, got JSON bool"},
		{name: "type: object", tail: `"secrets": {"arn": "a"}}]}`, at: "{", errContain: "got JSON object"},
		{name: "type: array", tail: `"name": ["acme"]}]}`, at: "[", errContain: "got JSON array"},
		{name: "unexpected end", tail: `"secrets": [`, at: "", errContain: "unexpected end of file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := len(tt.tail)
			if tt.at != "" {
				want = strings.Index(tt.tail, tt.at)
				require.GreaterOrEqual(t, want, 0, "marker not in tail")
			}
			_, err := inventory.Decode("in.json", []byte(head+tt.tail))
			var ie *inventory.InputError
			require.True(t, errors.As(err, &ie), "want *inventory.InputError, got %T: %v", err, err)
			assert.Equal(t, 1, ie.Line, "line")
			assert.Equal(t, len(head)+want+1, ie.Column, "column")
			assert.Contains(t, err.Error(), tt.errContain)
		})
	}
	t.Run("line and column on a later line", func(t *testing.T) {
		data := head + "\"secrets\": [],\n  \"name\": \"acme\",\n  \"iam\": {\"users\": {}}}]}"
		_, err := inventory.Decode("in.json", []byte(data))
		var ie *inventory.InputError
		require.True(t, errors.As(err, &ie), "got %v", err)
		assert.Equal(t, 3, ie.Line)
		assert.Equal(t, len(`  "iam": {"users": `)+1, ie.Column)
	})
}

// A policy document that cannot be read is reported at the policy, whatever went wrong.
func TestDecodePolicyErrorsNameThePolicy(t *testing.T) {
	const head = `{"schema_version": "1", "generated_at": "2026-11-20T06:00:00Z", "coverage": [], "accounts": [{"id": "111122223333", "keys": [{"arn": "a", "key_id": "k", "region": "r", "key_state": "Enabled", "key_manager": "AWS", "key_policy": `
	tests := []struct {
		name, policy, errContain string
	}{
		{name: "number", policy: `5`, errContain: "policy document: must be a JSON object or a string, got 5"},
		{name: "list", policy: `[{"Effect": "Allow"}]`, errContain: "must be a JSON object or a string"},
		{name: "boolean", policy: `true`, errContain: "must be a JSON object or a string"},
		{name: "canonical with a wrong type", policy: `{"statements": 5}`, errContain: "policy document: json: cannot unmarshal number"},
		{name: "canonical with an unknown field", policy: `{"statements": [], "principal": {"all": true}}`, errContain: `unknown field "principal"`},
		{name: "AWS grammar with a wrong type", policy: `{"Statement": 5}`, errContain: "policy document: Statement:"},
		{name: "string that is not JSON", policy: `"Allow everything"`, errContain: "policy document: invalid character"},
		{name: "bad URL encoding", policy: `"%7B%zz"`, errContain: "url-decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := inventory.Decode("in.json", []byte(head+tt.policy+"}]}]}"))
			var ie *inventory.InputError
			require.True(t, errors.As(err, &ie), "want *inventory.InputError, got %T: %v", err, err)
			assert.Equal(t, "accounts[0].keys[0].key_policy", ie.Path)
			assert.Equal(t, 1, ie.Line)
			assert.Equal(t, len(head)+1, ie.Column)
			assert.Contains(t, ie.Err.Error(), tt.errContain)
		})
	}
}

func TestDecodeRejectsTrailingData(t *testing.T) {
	data := []byte("{\"schema_version\": \"1\", \"generated_at\": \"2026-11-20T06:00:00Z\", \"accounts\": [], \"coverage\": []}\n{}\n")
	_, err := inventory.Decode("two.json", data)
	var ie *inventory.InputError
	require.True(t, errors.As(err, &ie), "got %v", err)
	assert.Equal(t, 2, ie.Line)
	assert.Contains(t, err.Error(), "unexpected data after the snapshot object")
}

// Load -> json.Marshal -> Decode gives the same snapshot: what custos writes, it reads.
func TestRoundTrip(t *testing.T) {
	snap, err := inventory.Load(demoPath)
	require.NoError(t, err)
	out, err := json.Marshal(snap)
	require.NoError(t, err)
	again, err := inventory.Decode("round-trip.json", out)
	require.NoError(t, err)
	assert.Equal(t, snap, again)
}

// The demo is written the way custos writes a snapshot (canonical policies, lower-cased
// actions, sorted principals, omitted empty fields), except the few policies kept in
// AWS's grammar on purpose to exercise the normaliser.
func TestDemoIsWhatCustosWrites(t *testing.T) {
	data, err := os.ReadFile(demoPath)
	require.NoError(t, err)
	snap, err := inventory.Decode(demoPath, data)
	require.NoError(t, err)
	out, err := json.Marshal(snap)
	require.NoError(t, err)
	var file, written any
	require.NoError(t, json.Unmarshal(data, &file))
	require.NoError(t, json.Unmarshal(out, &written))

	var awsGrammar []string
	var diffs []string
	var walk func(path string, a, b any)
	walk = func(path string, a, b any) {
		switch av := a.(type) {
		case map[string]any:
			bv, ok := b.(map[string]any)
			if !ok {
				diffs = append(diffs, path+": object in the file, not in what custos writes")
				return
			}
			for k := range av {
				if _, ok := bv[k]; !ok {
					diffs = append(diffs, path+"."+k+": custos does not write it")
				}
			}
			for k := range bv {
				if _, ok := av[k]; !ok {
					diffs = append(diffs, path+"."+k+": missing from the file")
					continue
				}
				walk(path+"."+k, av[k], bv[k])
			}
		case []any:
			bv, ok := b.([]any)
			if !ok || len(av) != len(bv) {
				diffs = append(diffs, path+": lists differ")
				return
			}
			for i := range av {
				walk(path+"["+itoa(i)+"]", av[i], bv[i])
			}
		case string:
			if _, isObject := b.(map[string]any); isObject && isPolicyField(path) {
				awsGrammar = append(awsGrammar, path)
				return
			}
			if av != b {
				diffs = append(diffs, path+": file has "+av)
			}
		default:
			if a != b {
				diffs = append(diffs, path+": values differ")
			}
		}
	}
	walk("", file, written)
	assert.Empty(t, diffs)
	assert.Equal(t, []string{
		".accounts[0].iam.users[0].inline_policies[0].document",
		".accounts[0].keys[2].key_policy",
		".accounts[0].secrets[20].resource_policy",
	}, sorted(awsGrammar), "the policies kept in AWS's grammar")
}

func isPolicyField(path string) bool {
	for _, suffix := range []string{".document", ".key_policy", ".resource_policy", ".trust_policy"} {
		if strings.HasSuffix(path, suffix) {
			return true
		}
	}
	return false
}

// The demo exists to show every rule firing and staying quiet; these guard the
// resources planted for that, so an edit cannot quietly remove a scenario.
func TestDemoPlantsEachScenario(t *testing.T) {
	snap, err := inventory.Load(demoPath)
	require.NoError(t, err)
	a := snap.Accounts[0]
	now := snap.GeneratedAt
	keyByARN := map[string]inventory.Key{}
	for _, k := range a.Keys {
		keyByARN[k.ARN] = k
	}
	days := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	anySecret := func(f func(inventory.Secret) bool) bool {
		for _, s := range a.Secrets {
			if f(s) {
				return true
			}
		}
		return false
	}
	anyKey := func(f func(inventory.Key) bool) bool {
		for _, k := range a.Keys {
			if f(k) {
				return true
			}
		}
		return false
	}
	type stmtOf struct {
		where string
		s     inventory.Statement
	}
	var statements []stmtOf
	addPolicy := func(where string, p *inventory.Policy) {
		if p == nil {
			return
		}
		for _, s := range p.Statements {
			statements = append(statements, stmtOf{where, s})
		}
	}
	for _, s := range a.Secrets {
		addPolicy("secret", s.ResourcePolicy)
	}
	for _, k := range a.Keys {
		addPolicy("key", k.KeyPolicy)
	}
	for _, p := range a.IAM.Policies {
		addPolicy("identity", &p.Document)
	}
	for _, r := range a.IAM.Roles {
		for _, p := range r.InlinePolicies {
			addPolicy("identity", &p.Document)
		}
	}
	for _, u := range a.IAM.Users {
		for _, p := range u.InlinePolicies {
			addPolicy("identity", &p.Document)
		}
	}
	anyStatement := func(where string, f func(inventory.Statement) bool) bool {
		for _, st := range statements {
			if st.where == where && f(st.s) {
				return true
			}
		}
		return false
	}
	has := slices.Contains[[]string]
	narrowedByOrg := func(s inventory.Statement) bool {
		for _, c := range s.Conditions {
			if c.Key == "aws:principalorgid" && c.Base == "StringEquals" {
				return true
			}
		}
		return false
	}
	missingTag := func(tags inventory.Tags) bool {
		for _, t := range []string{"owner", "environment", "data-classification"} {
			if tags[t] == "" {
				return true
			}
		}
		return false
	}

	scenarios := []struct {
		name string
		ok   bool
	}{
		{"secret with rotation off", anySecret(func(s inventory.Secret) bool { return !s.RotationEnabled && s.DeletedDate == nil })},
		{"secret rotating less often than every 90 days", anySecret(func(s inventory.Secret) bool {
			return s.RotationEnabled && s.RotationRules != nil && s.RotationRules.AutomaticallyAfterDays > 90
		})},
		{"secret whose rotation is overdue", anySecret(func(s inventory.Secret) bool {
			return s.RotationEnabled && s.NextRotationDate != nil && s.NextRotationDate.Before(now.Add(-days(30)))
		})},
		{"new secret not yet due its first rotation", anySecret(func(s inventory.Secret) bool {
			return s.RotationEnabled && s.LastRotatedDate == nil && s.CreatedDate != nil &&
				now.Sub(*s.CreatedDate) < days(3) && s.NextRotationDate.After(now)
		})},
		{"secret owned by RDS", anySecret(func(s inventory.Secret) bool { return s.OwningService == "rds" })},
		{"secret with a replica", anySecret(func(s inventory.Secret) bool { return len(s.Replicas) > 0 })},
		{"secret missing a required tag", anySecret(func(s inventory.Secret) bool { return s.OwningService == "" && missingTag(s.Tags) })},
		{"customer key missing a required tag", anyKey(func(k inventory.Key) bool { return k.KeyManager == "CUSTOMER" && missingTag(k.Tags) })},
		{"customer symmetric key without rotation", anyKey(func(k inventory.Key) bool {
			return k.KeyManager == "CUSTOMER" && k.KeySpec == "SYMMETRIC_DEFAULT" && k.Origin == "AWS_KMS" && k.KeyState == "Enabled" && !k.RotationEnabled
		})},
		{"key rotating less often than every 365 days", anyKey(func(k inventory.Key) bool { return k.RotationEnabled && k.RotationPeriodDays > 365 })},
		{"disabled key used by a secret", anySecret(func(s inventory.Secret) bool { return keyByARN[s.KMSKeyID].KeyState == "Disabled" })},
		{"key pending deletion used by a trail", func() bool {
			for _, tr := range a.Trails {
				if keyByARN[tr.KMSKeyID].KeyState == "PendingDeletion" {
					return true
				}
			}
			return false
		}()},
		{"asymmetric signing key", anyKey(func(k inventory.Key) bool { return strings.HasPrefix(k.KeySpec, "RSA_") && k.KeyUsage == "SIGN_VERIFY" })},
		{"HMAC key", anyKey(func(k inventory.Key) bool { return strings.HasPrefix(k.KeySpec, "HMAC_") })},
		{"imported key material that expires", anyKey(func(k inventory.Key) bool { return k.Origin == "EXTERNAL" && k.ValidTo != nil })},
		{"multi-Region key", anyKey(func(k inventory.Key) bool { return k.MultiRegion })},
		{"AWS-managed Secrets Manager key", anyKey(func(k inventory.Key) bool { return k.KeyManager == "AWS" && has(k.Aliases, "alias/aws/secretsmanager") })},
		{"key with a grant", anyKey(func(k inventory.Key) bool { return len(k.Grants) > 0 })},
		{"identity policy: GetSecretValue on *", anyStatement("identity", func(s inventory.Statement) bool {
			return s.Effect == "Allow" && has(s.Actions, "secretsmanager:getsecretvalue") && has(s.Resources, "*")
		})},
		{"identity policy: kms:Decrypt on *", anyStatement("identity", func(s inventory.Statement) bool {
			return s.Effect == "Allow" && has(s.Actions, "kms:decrypt") && has(s.Resources, "*")
		})},
		{"identity policy: *", anyStatement("identity", func(s inventory.Statement) bool { return s.Effect == "Allow" && has(s.Actions, "*") })},
		{"identity policy: secretsmanager:*", anyStatement("identity", func(s inventory.Statement) bool { return has(s.Actions, "secretsmanager:*") })},
		{"identity policy: kms:*", anyStatement("identity", func(s inventory.Statement) bool { return has(s.Actions, "kms:*") })},
		{"identity policy: Allow with NotAction", anyStatement("identity", func(s inventory.Statement) bool { return s.Effect == "Allow" && len(s.NotActions) > 0 })},
		{"secret policy open to everyone", anyStatement("secret", func(s inventory.Statement) bool {
			return s.Effect == "Allow" && s.Principal != nil && s.Principal.All && len(s.Conditions) == 0
		})},
		{"secret policy open to the organization only", anyStatement("secret", func(s inventory.Statement) bool {
			return s.Effect == "Allow" && s.Principal != nil && s.Principal.All && narrowedByOrg(s)
		})},
		{"key policy open to everyone", anyStatement("key", func(s inventory.Statement) bool {
			return s.Effect == "Allow" && s.Principal != nil && s.Principal.All && len(s.Conditions) == 0
		})},
		{"key policy open to the organization only", anyStatement("key", func(s inventory.Statement) bool {
			return s.Effect == "Allow" && s.Principal != nil && s.Principal.All && narrowedByOrg(s)
		})},
		{"secret policy granting another account", anyStatement("secret", func(s inventory.Statement) bool {
			return s.Principal != nil && has(s.Principal.Accounts, "444455556666")
		})},
		{"key policy granting another account", anyStatement("key", func(s inventory.Statement) bool {
			return s.Principal != nil && has(s.Principal.Accounts, "444455556666")
		})},
		{"user with two access keys", func() bool {
			for _, u := range a.IAM.Users {
				if len(u.AccessKeys) == 2 {
					return true
				}
			}
			return false
		}()},
		{"organization trail, validated and encrypted", func() bool {
			for _, tr := range a.Trails {
				if tr.IsOrganizationTrail && tr.IsMultiRegion && tr.LogFileValidationEnabled && tr.KMSKeyID != "" && tr.IsLogging {
					return true
				}
			}
			return false
		}()},
		{"regional trail without log validation", func() bool {
			for _, tr := range a.Trails {
				if !tr.IsMultiRegion && !tr.LogFileValidationEnabled {
					return true
				}
			}
			return false
		}()},
	}
	for _, sc := range scenarios {
		assert.True(t, sc.ok, "the demo no longer plants: %s", sc.name)
	}
	assert.GreaterOrEqual(t, len(a.Secrets), 25)
	assert.GreaterOrEqual(t, len(a.Keys), 15)
}

func itoa(i int) string { return strconv.Itoa(i) }

func sorted(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}
