package inventory_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/inventory"
)

// canonical wraps statements in a policy as ParsePolicy returns it.
func canonical(stmts ...inventory.Statement) inventory.Policy {
	return inventory.Policy{Version: "2012-10-17", Statements: stmts}
}

func TestParsePolicy(t *testing.T) {
	tests := []struct {
		name string
		text string
		want inventory.Policy
	}{
		{
			name: "string or list: one action and one resource as strings, actions lower-cased",
			text: `{"Version": "2012-10-17", "Statement": [{"Sid": "One", "Effect": "Allow", "Action": "SecretsManager:GetSecretValue", "Resource": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/*"}]}`,
			want: canonical(inventory.Statement{Sid: "One", Effect: "Allow", Actions: []string{"secretsmanager:getsecretvalue"},
				Resources: []string{"arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/*"}}),
		},
		{
			name: "string or list: lists keep their order, resources keep their case",
			text: `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["KMS:Decrypt", "kms:ReEncrypt*"], "Resource": ["arn:aws:kms:*:111122223333:key/AbC", "*"]}]}`,
			want: canonical(inventory.Statement{Effect: "Deny", Actions: []string{"kms:decrypt", "kms:reencrypt*"},
				Resources: []string{"arn:aws:kms:*:111122223333:key/AbC", "*"}}),
		},
		{
			name: `Principal "*" is anyone`,
			text: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}}`,
			want: canonical(inventory.Statement{Effect: "Allow", Principal: &inventory.Principal{All: true},
				Actions: []string{"kms:decrypt"}, Resources: []string{"*"}}),
		},
		{
			name: `Principal {"AWS": "*"} is anyone too`,
			text: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}}`,
			want: canonical(inventory.Statement{Effect: "Allow", Principal: &inventory.Principal{All: true, AWS: []string{"*"}},
				Actions: []string{"kms:decrypt"}, Resources: []string{"*"}}),
		},
		{
			name: "Principal as a bare account id",
			text: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "kms:Decrypt", "Resource": "*"}}`,
			want: canonical(inventory.Statement{Effect: "Allow",
				Principal: &inventory.Principal{AWS: []string{"444455556666"}, Accounts: []string{"444455556666"}},
				Actions:   []string{"kms:decrypt"}, Resources: []string{"*"}}),
		},
		{
			name: "Principal ARNs: sorted, accounts extracted once each, unique ids have none",
			text: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": [
				"arn:aws:iam::444455556666:role/northwind-crm-sync",
				"arn:aws:sts::111122223333:assumed-role/payments-api/task-1",
				"arn:aws:iam::444455556666:root",
				"AROAQ3EGUJ6P4PAYMNTS2"]}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}}`,
			want: canonical(inventory.Statement{Effect: "Allow",
				Principal: &inventory.Principal{
					AWS: []string{"AROAQ3EGUJ6P4PAYMNTS2", "arn:aws:iam::444455556666:role/northwind-crm-sync",
						"arn:aws:iam::444455556666:root", "arn:aws:sts::111122223333:assumed-role/payments-api/task-1"},
					Accounts: []string{"111122223333", "444455556666"},
				},
				Actions: []string{"secretsmanager:getsecretvalue"}, Resources: []string{"*"}}),
		},
		{
			name: "Principal kinds: service, federated, canonical user",
			text: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {
				"Service": ["logs.amazonaws.com", "cloudtrail.amazonaws.com"],
				"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
				"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "Action": "sts:AssumeRole"}}`,
			want: canonical(inventory.Statement{Effect: "Allow",
				Principal: &inventory.Principal{
					Service:       []string{"cloudtrail.amazonaws.com", "logs.amazonaws.com"},
					Federated:     []string{"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
					CanonicalUser: []string{"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
				},
				Actions: []string{"sts:assumerole"}}),
		},
		{
			name: "NotAction, NotResource and NotPrincipal",
			text: `{"Version": "2012-10-17", "Statement": [
				{"Effect": "Allow", "NotAction": ["IAM:*", "organizations:*"], "NotResource": "arn:aws:iam::*:role/admin"},
				{"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:role/break-glass-admin"]}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}]}`,
			want: canonical(
				inventory.Statement{Effect: "Allow", NotActions: []string{"iam:*", "organizations:*"}, NotResources: []string{"arn:aws:iam::*:role/admin"}},
				inventory.Statement{Effect: "Deny",
					NotPrincipal: &inventory.Principal{AWS: []string{"arn:aws:iam::111122223333:role/break-glass-admin"}, Accounts: []string{"111122223333"}},
					Actions:      []string{"kms:schedulekeydeletion"}, Resources: []string{"*"}}),
		},
		{
			name: "Condition qualifiers and IfExists; keys lower-cased; sorted by operator then key",
			text: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": {
				"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:PrincipalAccount": ["111122223333", "210987654321"]},
				"ForAnyValue:StringLikeIfExists": {"aws:PrincipalTag/Team": ["payments*", "platform"]},
				"ForAllValues:StringEquals": {"aws:TagKeys": ["owner"]},
				"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:ecs:eu-west-1:111122223333:*"}}}}`,
			want: canonical(inventory.Statement{Effect: "Allow", Actions: []string{"secretsmanager:getsecretvalue"}, Resources: []string{"*"},
				Conditions: []inventory.Condition{
					{Operator: "ArnLikeIfExists", Base: "ArnLike", IfExists: true, Key: "aws:sourcearn", Values: []string{"arn:aws:ecs:eu-west-1:111122223333:*"}},
					{Operator: "ForAllValues:StringEquals", Base: "StringEquals", Qualifier: "ForAllValues", Key: "aws:tagkeys", Values: []string{"owner"}},
					{Operator: "ForAnyValue:StringLikeIfExists", Base: "StringLike", Qualifier: "ForAnyValue", IfExists: true, Key: "aws:principaltag/team", Values: []string{"payments*", "platform"}},
					{Operator: "StringEquals", Base: "StringEquals", Key: "aws:principalaccount", Values: []string{"111122223333", "210987654321"}},
					{Operator: "StringEquals", Base: "StringEquals", Key: "aws:principalorgid", Values: []string{"o-a1b2c3d4e5"}},
				}}),
		},
		{
			name: "Condition values: booleans and numbers become strings, as written",
			text: `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {
				"Bool": {"aws:SecureTransport": false},
				"NumericGreaterThan": {"aws:MultiFactorAuthAge": 3600},
				"NumericLessThanEquals": {"s3:max-keys": [10, 2.5e1, "100"]},
				"Null": {"aws:TokenIssueTime": "true"}}}}`,
			want: canonical(inventory.Statement{Effect: "Deny", Actions: []string{"*"}, Resources: []string{"*"},
				Conditions: []inventory.Condition{
					{Operator: "Bool", Base: "Bool", Key: "aws:securetransport", Values: []string{"false"}},
					{Operator: "Null", Base: "Null", Key: "aws:tokenissuetime", Values: []string{"true"}},
					{Operator: "NumericGreaterThan", Base: "NumericGreaterThan", Key: "aws:multifactorauthage", Values: []string{"3600"}},
					{Operator: "NumericLessThanEquals", Base: "NumericLessThanEquals", Key: "s3:max-keys", Values: []string{"10", "2.5e1", "100"}},
				}}),
		},
		{
			name: "URL-encoded, as the IAM API returns documents",
			text: url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:eu-west-1:111122223333:key/1f0e6d3c","Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.eu-west-1.amazonaws.com"}}}]}`),
			want: canonical(inventory.Statement{Effect: "Allow", Actions: []string{"kms:decrypt"},
				Resources: []string{"arn:aws:kms:eu-west-1:111122223333:key/1f0e6d3c"},
				Conditions: []inventory.Condition{{Operator: "StringEquals", Base: "StringEquals", Key: "kms:viaservice",
					Values: []string{"secretsmanager.eu-west-1.amazonaws.com"}}}}),
		},
		{
			name: "URL-encoded with %20 spaces and surrounding whitespace",
			text: "\n  %7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Id%22%3A%20%22doc%201%22%2C%20%22Statement%22%3A%20%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Action%22%3A%20%22s3%3AGetObject%22%7D%7D\n",
			want: inventory.Policy{Version: "2012-10-17", ID: "doc 1", Statements: []inventory.Statement{{Effect: "Allow", Actions: []string{"s3:getobject"}}}},
		},
		{
			name: "a single Statement object",
			text: `{"Version": "2008-10-17", "Id": "key-default-1", "Statement": {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}}`,
			want: inventory.Policy{Version: "2008-10-17", ID: "key-default-1", Statements: []inventory.Statement{{Sid: "Root", Effect: "Allow",
				Principal: &inventory.Principal{AWS: []string{"arn:aws:iam::111122223333:root"}, Accounts: []string{"111122223333"}},
				Actions:   []string{"kms:*"}, Resources: []string{"*"}}}},
		},
		{
			name: "no Statement grants nothing",
			text: `{"Version": "2012-10-17"}`,
			want: inventory.Policy{Version: "2012-10-17", Statements: []inventory.Statement{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := inventory.ParsePolicy(tt.text)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParsePolicyErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{name: "Effect typo", text: `{"Statement": [{"Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"}]}`,
			want: `statement 0: effect "Alow" is neither Allow nor Deny`},
		{name: "Effect in lower case", text: `{"Statement": {"Effect": "allow", "Action": "s3:GetObject"}}`,
			want: `statement 0: effect "allow" is neither Allow nor Deny`},
		{name: "both Action and NotAction", text: `{"Statement": [{"Effect": "Allow", "Action": "s3:*"}, {"Effect": "Allow", "Action": "kms:Decrypt", "NotAction": "kms:Encrypt"}]}`,
			want: "statement 1: has both Action and NotAction"},
		{name: "neither Action nor NotAction", text: `{"Statement": {"Effect": "Allow", "Resource": "*"}}`,
			want: "statement 0: has neither Action nor NotAction"},
		{name: "both Resource and NotResource", text: `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "arn:aws:s3:::b"}}`,
			want: "statement 0: has both Resource and NotResource"},
		{name: "both Principal and NotPrincipal", text: `{"Statement": {"Effect": "Deny", "Action": "*", "Principal": "*", "NotPrincipal": {"AWS": "111122223333"}}}`,
			want: "statement 0: has both Principal and NotPrincipal"},
		{name: "string principal other than *", text: `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": "111122223333"}}`,
			want: `statement 0: Principal: a string principal must be "*", got "111122223333"`},
		{name: "unknown principal kind", text: `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {"Aws": "111122223333"}}}`,
			want: `statement 0: Principal: unknown principal kind "Aws"`},
		{name: "condition value that is an object", text: `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"aws:username": {"a": "b"}}}}}`,
			want: "statement 0: Condition: StringEquals aws:username: value {\"a\": \"b\"} is not a string, number or boolean"},
		{name: "qualifier without an operator", text: `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"ForAnyValue:": {"aws:TagKeys": "a"}}}}`,
			want: `statement 0: Condition: operator "ForAnyValue:" has no base operator`},
		{name: "Action that is a number", text: `{"Statement": {"Effect": "Allow", "Action": 5}}`,
			want: "policy document: Statement:"},
		{name: "misspelt Statement is not read as no statement", text: `{"Version": "2012-10-17", "Statment": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`,
			want: `policy document: json: unknown field "Statment"`},
		{name: "misspelt statement element", text: `{"Statement": [{"Effect": "Allow", "Action": "*", "Principals": "*"}]}`,
			want: `policy document: Statement: json: unknown field "Principals"`},
		{name: "a canonical document is not AWS's grammar", text: `{"version": "2012-10-17", "statements": [{"effect": "Allow", "actions": ["*"]}]}`,
			want: `unknown field "statements"`},
		{name: "data after the document", text: `{"Statement": []} {"Statement": []}`, want: "unexpected data after the policy document"},
		{name: "not JSON", text: `Allow everything`, want: "policy document: invalid character"},
		{name: "bad URL encoding", text: `%7B%zz`, want: "policy document: url-decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := inventory.ParsePolicy(tt.text)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A policy read as the canonical object, as AWS's grammar in an object, or as AWS's
// grammar in a string is the same Policy; what custos writes reads back unchanged.
func TestPolicyUnmarshalForms(t *testing.T) {
	const aws = `{"Version": "2012-10-17", "Statement": [{"Sid": "Org", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["secretsmanager:GetSecretValue"], "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}`
	want, err := inventory.ParsePolicy(aws)
	require.NoError(t, err)
	written, err := json.Marshal(want)
	require.NoError(t, err)
	quoted, err := json.Marshal(aws)
	require.NoError(t, err)
	encoded, err := json.Marshal(url.QueryEscape(aws))
	require.NoError(t, err)

	for name, data := range map[string][]byte{
		"canonical":   written,
		"AWS object":  []byte(aws),
		"AWS string":  quoted,
		"URL-encoded": encoded,
	} {
		t.Run(name, func(t *testing.T) {
			var got inventory.Policy
			require.NoError(t, json.Unmarshal(data, &got))
			require.NoError(t, got.Err())
			assert.Equal(t, want, got)
		})
	}
	t.Run("canonical shape on the wire", func(t *testing.T) {
		assert.JSONEq(t, `{"version": "2012-10-17", "statements": [{"sid": "Org", "effect": "Allow",
			"principal": {"all": true, "aws": ["*"]}, "actions": ["secretsmanager:getsecretvalue"], "resources": ["*"],
			"conditions": [{"operator": "StringEquals", "base": "StringEquals", "if_exists": false, "key": "aws:principalorgid", "values": ["o-a1b2c3d4e5"]}]}]}`,
			string(written))
	})
}

func TestPolicyUnmarshalKeepsGrammarErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{name: "canonical effect typo", data: `{"statements": [{"effect": "Alow", "actions": ["kms:decrypt"]}]}`, want: `statement 0: effect "Alow"`},
		{name: "canonical with both actions and not_actions", data: `{"statements": [{"effect": "Allow", "actions": ["a:b"], "not_actions": ["c:d"]}]}`, want: "has both Action and NotAction"},
		{name: "AWS object with an effect typo", data: `{"Statement": {"Effect": "Alow", "Action": "kms:Decrypt"}}`, want: `effect "Alow"`},
		{name: "AWS string with an unknown principal kind", data: `"{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Principal\": {\"User\": \"x\"}}}"`, want: `unknown principal kind "User"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p inventory.Policy
			require.NoError(t, json.Unmarshal([]byte(tt.data), &p), "decoding goes on; the error waits for validation")
			require.Error(t, p.Err())
			assert.Contains(t, p.Err().Error(), tt.want)
		})
	}
}

func TestAccountOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"444455556666", "444455556666"},
		{"arn:aws:iam::444455556666:root", "444455556666"},
		{"arn:aws:sts::111122223333:assumed-role/r/s", "111122223333"},
		{"arn:aws-us-gov:iam::123456789012:user/u", "123456789012"},
		{"*", ""},
		{"AROAQ3EGUJ6P4PAYMNTS2", ""},
		{"arn:aws:s3:::bucket", ""},
		{"12345678901", ""},
		{"44445555666a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, inventory.AccountOf(tt.in))
		})
	}
}
