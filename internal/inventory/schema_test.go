package inventory_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/inventory"
)

// snapshotSchema compiles the generated schema.json (draft 2020-12), formats asserted.
func snapshotSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("schema.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource("schema.json", doc))
	sch, err := c.Compile("schema.json")
	require.NoError(t, err)
	return sch
}

func instance(t *testing.T, data []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	return v
}

func TestDemoMatchesSchema(t *testing.T) {
	sch := snapshotSchema(t)
	data, err := os.ReadFile(demoPath)
	require.NoError(t, err)
	assert.NoError(t, sch.Validate(instance(t, data)))
}

// What custos writes validates: the demo after a load (every policy canonical), and a
// sparse snapshot whose nil lists and maps encoding/json writes as null.
func TestWrittenSnapshotsMatchSchema(t *testing.T) {
	sch := snapshotSchema(t)
	demo, err := inventory.Load(demoPath)
	require.NoError(t, err)
	sparse := &inventory.Snapshot{
		SchemaVersion: inventory.SchemaVersion,
		GeneratedAt:   time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC),
		Accounts: []inventory.Account{{
			ID:      "111122223333",
			Secrets: []inventory.Secret{{ARN: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:s-AbCdEf", Name: "s", Region: "eu-west-1"}},
			Keys: []inventory.Key{{ARN: "arn:aws:kms:eu-west-1:111122223333:key/k", KeyID: "k", Region: "eu-west-1",
				KeyManager: "CUSTOMER", KeyState: "Enabled", KeyPolicy: &inventory.Policy{}}},
			IAM: inventory.IAM{Roles: []inventory.Role{{ARN: "arn:aws:iam::111122223333:role/r", Name: "r"}}},
		}},
	}
	for name, snap := range map[string]*inventory.Snapshot{"demo": demo, "sparse": sparse} {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(snap)
			require.NoError(t, err)
			assert.NoError(t, sch.Validate(instance(t, data)))
		})
	}
}

// The schema accepts the three forms a policy document may take when read.
func TestSchemaAcceptsEveryPolicyForm(t *testing.T) {
	sch := snapshotSchema(t)
	tests := []struct {
		name   string
		policy string
		valid  bool
	}{
		{name: "canonical", valid: true, policy: `{"version": "2012-10-17", "statements": [{"effect": "Allow", "principal": {"all": true}, "actions": ["kms:decrypt"], "resources": ["*"]}]}`},
		{name: "AWS grammar object", valid: true, policy: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": true}}}}`},
		{name: "AWS grammar string", valid: true, policy: `"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}]}"`},
		{name: "URL-encoded string", valid: true, policy: `"%7B%22Statement%22%3A%5B%5D%7D"`},
		{name: "canonical: effect typo", policy: `{"statements": [{"effect": "Alow", "actions": ["kms:decrypt"]}]}`},
		{name: "canonical: both actions and not_actions", policy: `{"statements": [{"effect": "Allow", "actions": ["a:b"], "not_actions": ["c:d"]}]}`},
		{name: "canonical: neither actions nor not_actions", policy: `{"statements": [{"effect": "Allow", "resources": ["*"]}]}`},
		{name: "canonical: both principal and not_principal", policy: `{"statements": [{"effect": "Deny", "actions": ["*"], "principal": {"all": true}, "not_principal": {"all": false}}]}`},
		{name: "canonical: unknown field", policy: `{"statements": [], "Sid": "x"}`},
		{name: "AWS grammar: effect typo", policy: `{"Statement": [{"Effect": "allow", "Action": "kms:Decrypt"}]}`},
		{name: "AWS grammar: principal string other than *", policy: `{"Statement": [{"Effect": "Allow", "Principal": "arn:aws:iam::444455556666:root", "Action": "kms:Decrypt"}]}`},
		{name: "number", policy: `5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"schema_version": "1", "generated_at": "2026-11-20T06:00:00Z", "coverage": [], "accounts": [{"id": "111122223333",
				"secrets": [], "trails": [], "iam": {"users": [], "roles": [], "groups": [], "policies": []},
				"keys": [{"arn": "a", "key_id": "k", "region": "r", "key_manager": "CUSTOMER", "key_spec": "SYMMETRIC_DEFAULT",
				"key_usage": "ENCRYPT_DECRYPT", "key_state": "Enabled", "enabled": true, "origin": "AWS_KMS", "multi_region": false,
				"rotation_enabled": true, "tags": {}, "key_policy": ` + tt.policy + `}]}]}`
			err := sch.Validate(instance(t, []byte(doc)))
			_, loadErr := inventory.Decode("in.json", []byte(doc))
			if tt.valid {
				assert.NoError(t, err)
				assert.NoError(t, loadErr, "custos reads what the schema accepts")
			} else {
				assert.Error(t, err)
				assert.Error(t, loadErr, "custos refuses what the schema refuses")
			}
		})
	}
}

// The schema refuses what the loader refuses, where it can see it: the grammar of a
// policy held in a JSON string is beyond a schema, and so is a file that is not JSON.
func TestSchemaRejectsBadCases(t *testing.T) {
	sch := snapshotSchema(t)
	tests := []struct {
		file          string
		schemaRejects bool
	}{
		{file: "bad-policy.json", schemaRejects: true},
		{file: "bad-policy-string.json", schemaRejects: false},
		{file: "wrong-version.json", schemaRejects: true},
		{file: "unknown-field.json", schemaRejects: true},
		{file: "wrong-type.json", schemaRejects: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(casesDir, tt.file))
			require.NoError(t, err)
			err = sch.Validate(instance(t, data))
			if tt.schemaRejects {
				assert.Error(t, err)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}

func TestSchemaMirrorsDecoderChecks(t *testing.T) {
	sch := snapshotSchema(t)
	tests := []struct {
		name    string
		account string
	}{
		{name: "account id not 12 digits", account: `{"id": "1111-2222-3333", "secrets": [], "keys": [], "iam": {"users": [], "roles": [], "groups": [], "policies": []}, "trails": []}`},
		{name: "key manager unknown", account: `{"id": "111122223333", "secrets": [], "iam": {"users": [], "roles": [], "groups": [], "policies": []}, "trails": [],
			"keys": [{"arn": "a", "key_id": "k", "region": "r", "key_manager": "PARTNER", "key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT",
			"key_state": "Enabled", "enabled": true, "origin": "AWS_KMS", "multi_region": false, "rotation_enabled": true, "tags": {}}]}`},
		{name: "secret without a name", account: `{"id": "111122223333", "keys": [], "iam": {"users": [], "roles": [], "groups": [], "policies": []}, "trails": [],
			"secrets": [{"arn": "a", "name": "", "region": "r", "rotation_enabled": false, "tags": {}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"schema_version": "1", "generated_at": "2026-11-20T06:00:00Z", "coverage": [], "accounts": [` + tt.account + `]}`
			_, err := inventory.Decode("in.json", []byte(doc))
			require.Error(t, err, "the decoder refuses it")
			assert.Error(t, sch.Validate(instance(t, []byte(doc))), "so does the schema")
		})
	}
	t.Run("coverage status unknown", func(t *testing.T) {
		doc := `{"schema_version": "1", "generated_at": "2026-11-20T06:00:00Z", "accounts": [],
			"coverage": [{"account": "111122223333", "region": "eu-west-1", "service": "kms", "status": "partial"}]}`
		_, err := inventory.Decode("in.json", []byte(doc))
		require.Error(t, err)
		assert.Error(t, sch.Validate(instance(t, []byte(doc))))
	})
}
