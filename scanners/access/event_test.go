package access

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
)

func normalise(t *testing.T, raw string) Event {
	t.Helper()
	var p fastjson.Parser
	v, err := p.Parse(raw)
	require.NoError(t, err)
	e, err := newNormaliser().event(v)
	require.NoError(t, err)
	return e
}

// The userIdentity variants CloudTrail documents, each normalised to one shape.
func TestNormalisePrincipals(t *testing.T) {
	t.Parallel()
	const tail = `"eventTime":"2024-05-31T03:00:00Z","eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","awsRegion":"eu-west-1","recipientAccountId":"111122223333","eventID":"e1","requestParameters":{"secretId":"prod/db"}`
	tests := []struct {
		name   string
		record string
		want   Principal
		via    string
		own    bool
	}{
		{
			name:   "IAM user",
			record: `{"userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"alice"},"sourceIPAddress":"192.0.2.1",` + tail + `}`,
			want:   Principal{Key: "arn:aws:iam::111122223333:user/alice", Type: "IAMUser", Account: "111122223333", Name: "alice", ARN: "arn:aws:iam::111122223333:user/alice", AccessKeyID: "AKIAIOSFODNN7EXAMPLE"},
			own:    true,
		},
		{
			name: "assumed role with its session issuer",
			record: `{"userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:app-1","arn":"arn:aws:sts::111122223333:assumed-role/app/app-1","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE",` +
				`"sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/service/app","accountId":"111122223333","userName":"app"},"attributes":{"creationDate":"2024-05-31T02:00:00Z","mfaAuthenticated":"true"}}},"sourceIPAddress":"192.0.2.1",` + tail + `}`,
			want: Principal{Key: "arn:aws:iam::111122223333:role/service/app", Type: "AssumedRole", Account: "111122223333", Name: "app",
				ARN: "arn:aws:sts::111122223333:assumed-role/app/app-1", Session: "app-1", AccessKeyID: "ASIAEXAMPLE", MFA: true},
			own: true,
		},
		{
			name: "EC2 instance role",
			record: `{"userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:i-0123456789abcdef0","arn":"arn:aws:sts::111122223333:assumed-role/web/i-0123456789abcdef0","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE",` +
				`"sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/web","userName":"web"},"ec2RoleDelivery":"2.0"}},"sourceIPAddress":"198.51.100.7",` + tail + `}`,
			want: Principal{Key: "arn:aws:iam::111122223333:role/web", Type: "AssumedRole", Account: "111122223333", Name: "web",
				ARN: "arn:aws:sts::111122223333:assumed-role/web/i-0123456789abcdef0", Session: "i-0123456789abcdef0", AccessKeyID: "ASIAEXAMPLE", InstanceID: "i-0123456789abcdef0"},
			own: true,
		},
		{
			name: "IAM Identity Center permission set: the person is the principal",
			record: `{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_abc/bob@example.com","accountId":"111122223333",` +
				`"sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_abc","userName":"AWSReservedSSO_Admin_abc"}}},"sourceIPAddress":"192.0.2.1",` + tail + `}`,
			want: Principal{Key: "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_abc/bob@example.com", Type: "AssumedRole", Account: "111122223333",
				Name: "bob@example.com", ARN: "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_abc/bob@example.com", Session: "bob@example.com"},
			own: true,
		},
		{
			name:   "service-linked role",
			record: `{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForConfig/config","accountId":"111122223333","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig","userName":"AWSServiceRoleForConfig"}}},"sourceIPAddress":"192.0.2.1",` + tail + `}`,
			want: Principal{Key: "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig", Type: "AssumedRole", Account: "111122223333",
				Name: "AWSServiceRoleForConfig", ARN: "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForConfig/config", Session: "config", ServiceLinked: true},
			own: true,
		},
		{
			name:   "root",
			record: `{"userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"sourceIPAddress":"192.0.2.1",` + tail + `}`,
			want:   Principal{Key: "arn:aws:iam::111122223333:root", Type: "Root", Account: "111122223333", Name: "root", ARN: "arn:aws:iam::111122223333:root"},
			own:    true,
		},
		{
			name:   "AWS service",
			record: `{"userIdentity":{"type":"AWSService","invokedBy":"secretsmanager.amazonaws.com"},"sourceIPAddress":"secretsmanager.amazonaws.com",` + tail + `}`,
			want:   Principal{Key: "service:secretsmanager.amazonaws.com", Type: "AWSService", Account: "111122223333", Name: "secretsmanager.amazonaws.com"},
			via:    "secretsmanager.amazonaws.com",
			own:    true,
		},
		{
			name:   "federated user",
			record: `{"userIdentity":{"type":"FederatedUser","principalId":"111122223333:carol","arn":"arn:aws:sts::111122223333:federated-user/carol","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/broker","userName":"broker"}}},"sourceIPAddress":"192.0.2.1",` + tail + `}`,
			want:   Principal{Key: "arn:aws:sts::111122223333:federated-user/carol", Type: "FederatedUser", Account: "111122223333", Name: "carol", ARN: "arn:aws:sts::111122223333:federated-user/carol"},
			own:    true,
		},
		{
			name:   "Identity Center user",
			record: `{"userIdentity":{"type":"IdentityCenterUser","accountId":"111122223333","onBehalfOf":{"userId":"906748a8-f0b1-70fd-6bb6-1e5a8ec2d1a1","identityStoreArn":"arn:aws:identitystore::111122223333:identitystore/d-1234567890"},"credentialId":"EXAMPLE"},"sourceIPAddress":"192.0.2.1",` + tail + `}`,
			want: Principal{Key: "identitycenter:arn:aws:identitystore::111122223333:identitystore/d-1234567890/906748a8-f0b1-70fd-6bb6-1e5a8ec2d1a1", Type: "IdentityCenterUser",
				Account: "111122223333", Name: "906748a8-f0b1-70fd-6bb6-1e5a8ec2d1a1"},
			own: true,
		},
		{
			name:   "another account",
			record: `{"userIdentity":{"type":"AWSAccount","principalId":"AIDAEXAMPLE","accountId":"444455556666"},"sourceIPAddress":"192.0.2.1",` + tail + `}`,
			want:   Principal{Key: "account:444455556666:AIDAEXAMPLE", Type: "AWSAccount", Account: "444455556666", Name: "444455556666"},
			own:    true,
		},
		{
			name:   "SAML user",
			record: `{"userIdentity":{"type":"SAMLUser","principalId":"SampleUkh1i4+ExamplexL/jEvs=:SamlExample","userName":"SamlExample","identityProvider":"bdGOnTesti4+ExamplexL/jEvs="},"sourceIPAddress":"192.0.2.1",` + tail + `}`,
			want:   Principal{Key: "samluser:bdGOnTesti4+ExamplexL/jEvs=:SamlExample", Type: "SAMLUser", Account: "111122223333", Name: "SamlExample"},
			own:    true,
		},
		{
			name: "role acting through a service (invokedBy)",
			record: `{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/deploy/gh","accountId":"111122223333","invokedBy":"cloudformation.amazonaws.com",` +
				`"sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/deploy","userName":"deploy"}}},"sourceIPAddress":"cloudformation.amazonaws.com",` + tail + `}`,
			want: Principal{Key: "arn:aws:iam::111122223333:role/deploy", Type: "AssumedRole", Account: "111122223333", Name: "deploy",
				ARN: "arn:aws:sts::111122223333:assumed-role/deploy/gh", Session: "gh"},
			via: "cloudformation.amazonaws.com",
		},
		{
			name:   "AWS Internal source",
			record: `{"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"sourceIPAddress":"AWS Internal",` + tail + `}`,
			want:   Principal{Key: "arn:aws:iam::111122223333:user/alice", Type: "IAMUser", Account: "111122223333", Name: "alice", ARN: "arn:aws:iam::111122223333:user/alice"},
			via:    "AWS Internal",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := normalise(t, tc.record)
			assert.Equal(t, tc.want, e.Principal)
			assert.Equal(t, tc.via, e.Via)
			assert.Equal(t, tc.own, e.own())
			assert.Equal(t, KindSecretRead, e.Kind)
			assert.Equal(t, "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db", e.Target)
		})
	}
}

func TestBatchReadsThroughSecretsManagerAreOwn(t *testing.T) {
	t.Parallel()
	e := normalise(t, `{"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ci","accountId":"111122223333","userName":"ci","invokedBy":"secretsmanager.amazonaws.com"},"sourceIPAddress":"secretsmanager.amazonaws.com","eventTime":"2024-05-31T03:00:00Z","eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","awsRegion":"eu-west-1","eventID":"e1","requestParameters":{"secretId":"a"}}`)
	assert.True(t, e.own(), "a GetSecretValue Secrets Manager logs for a BatchGetSecretValue is the caller's read")
	d := normalise(t, `{"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ci","accountId":"111122223333","userName":"ci","invokedBy":"secretsmanager.amazonaws.com"},"sourceIPAddress":"secretsmanager.amazonaws.com","eventTime":"2024-05-31T03:00:00Z","eventSource":"kms.amazonaws.com","eventName":"Decrypt","awsRegion":"eu-west-1","eventID":"e2","resources":[{"type":"AWS::KMS::Key","ARN":"arn:aws:kms:eu-west-1:111122223333:key/k"}]}`)
	assert.False(t, d.own(), "the Decrypt Secrets Manager makes for a read is not the caller's KMS use")
	assert.Equal(t, KindKMSUse, d.Kind)
	assert.Equal(t, "arn:aws:kms:eu-west-1:111122223333:key/k", d.Target)
}

func TestTargets(t *testing.T) {
	t.Parallel()
	const head = `{"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u","accountId":"111122223333","userName":"u"},"sourceIPAddress":"192.0.2.1","eventTime":"2024-05-31T03:00:00Z","awsRegion":"eu-west-1","recipientAccountId":"111122223333","eventID":"e1",`
	tests := []struct {
		name    string
		rest    string
		kind    Kind
		target  string
		targets []string
	}{
		{"secret by full ARN", `"eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","requestParameters":{"secretId":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf"}}`,
			KindSecretRead, "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db", nil},
		{"secret by name", `"eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","requestParameters":{"secretId":"prod/db"}}`,
			KindSecretRead, "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db", nil},
		{"batch by id list", `"eventSource":"secretsmanager.amazonaws.com","eventName":"BatchGetSecretValue","requestParameters":{"secretIdList":["a","arn:aws:secretsmanager:eu-west-1:111122223333:secret:b-123456"]}}`,
			KindSecretBatch, "", []string{"arn:aws:secretsmanager:eu-west-1:111122223333:secret:a", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:b"}},
		{"list", `"eventSource":"secretsmanager.amazonaws.com","eventName":"ListSecrets","requestParameters":{}}`, KindSecretList, "", nil},
		{"key by alias", `"eventSource":"kms.amazonaws.com","eventName":"GenerateDataKey","requestParameters":{"keyId":"alias/app","keySpec":"AES_256"}}`,
			KindKMSUse, "arn:aws:kms:eu-west-1:111122223333:alias/app", nil},
		{"key by id", `"eventSource":"kms.amazonaws.com","eventName":"DisableKey","requestParameters":{"keyId":"1234abcd-12ab-34cd-56ef-1234567890ab"}}`,
			KindOther, "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", nil},
		{"key from resources", `"eventSource":"kms.amazonaws.com","eventName":"Decrypt","requestParameters":{"encryptionAlgorithm":"SYMMETRIC_DEFAULT"},"resources":[{"accountId":"111122223333","type":"AWS::KMS::Key","ARN":"arn:aws:kms:eu-west-1:111122223333:key/k1"}]}`,
			KindKMSUse, "arn:aws:kms:eu-west-1:111122223333:key/k1", nil},
		{"parameters with decryption", `"eventSource":"ssm.amazonaws.com","eventName":"GetParameters","requestParameters":{"names":["/a","/b"],"withDecryption":true}}`,
			KindSSMDecrypt, "/a", []string{"/b"}},
		{"parameter without decryption", `"eventSource":"ssm.amazonaws.com","eventName":"GetParameter","requestParameters":{"name":"/a"}}`,
			KindOther, "/a", nil},
		{"trail", `"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","requestParameters":{"name":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"}}`,
			KindOther, "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := normalise(t, head+tc.rest)
			assert.Equal(t, tc.kind, e.Kind)
			assert.Equal(t, tc.target, e.Target)
			assert.Equal(t, tc.targets, e.Targets)
		})
	}
}

// Sensitive events keep whitelisted fields only: never a secret string, never a whole
// response.
func TestSensitiveDetailIsWhitelisted(t *testing.T) {
	t.Parallel()
	const head = `{"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u","accountId":"111122223333","userName":"u"},"sourceIPAddress":"192.0.2.1","eventTime":"2024-05-31T03:00:00Z","awsRegion":"eu-west-1","eventID":"e1",`
	e := normalise(t, head+`"eventSource":"secretsmanager.amazonaws.com","eventName":"UpdateSecret","requestParameters":{"secretId":"db","kmsKeyId":"arn:aws:kms:eu-west-1:444455556666:key/k","secretString":"HIDDEN_DUE_TO_SECURITY_REASONS","description":"x"},"responseElements":{"arn":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf","name":"db","versionId":"v"}}`)
	assert.Equal(t, map[string]any{"request": map[string]any{"secretId": "db", "kmsKeyId": "arn:aws:kms:eu-west-1:444455556666:key/k"}}, e.Detail)

	k := normalise(t, head+`"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","requestParameters":{"userName":"bob"},"responseElements":{"accessKey":{"accessKeyId":"AKIAIOSFODNN7EXAMPLE","status":"Active","userName":"bob","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}}`)
	assert.Equal(t, map[string]any{"userName": "bob"}, k.Detail["request"])
	assert.Equal(t, map[string]any{"accessKey.accessKeyId": "AKIAIOSFODNN7EXAMPLE", "accessKey.userName": "bob"}, k.Detail["response"])

	p := normalise(t, head+`"eventSource":"secretsmanager.amazonaws.com","eventName":"PutResourcePolicy","requestParameters":{"secretId":"db","resourcePolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"*\"}]}"}}`)
	require.NotNil(t, p.Policy)
	assert.True(t, p.Policy.Statements[0].Principal.All)
	assert.NotContains(t, p.Detail["request"], "resourcePolicy", "the policy goes to context.policy in canonical form")

	r := normalise(t, head+`"eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","requestParameters":{"secretId":"db"}}`)
	assert.Nil(t, r.Detail, "reads are judged in aggregate, not one by one")
}

func TestNormaliseRejects(t *testing.T) {
	t.Parallel()
	var p fastjson.Parser
	for _, tc := range []struct{ name, raw, want string }{
		{"not an object", `[1]`, "not a JSON object"},
		{"no time", `{"eventID":"e1"}`, "no eventTime"},
		{"bad time", `{"eventID":"e1","eventTime":"yesterday"}`, `eventTime "yesterday" is not an RFC 3339 time`},
		{"no id", `{"eventTime":"2024-05-31T03:00:00Z"}`, "no eventID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := p.Parse(tc.raw)
			require.NoError(t, err)
			_, err = newNormaliser().event(v)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"2024-05-31T03:04:05Z", "2024-05-31T03:04:05.123Z", "2024-05-31T05:04:05+02:00"} {
		got, err := parseTime([]byte(s))
		require.NoError(t, err, s)
		assert.Equal(t, int64(1717124645), got, s)
	}
	_, err := parseTime([]byte("2024-13-31T03:04:05Z"))
	assert.Error(t, err)
}

func TestUAFamily(t *testing.T) {
	t.Parallel()
	for ua, want := range map[string]string{
		sdkUA:     "aws-sdk-go-v2",
		cliUA:     "aws-cli",
		lambdaUA:  "boto3",
		consoleUA: "console",
		"APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.40.0": "terraform",
		"Mozilla/5.0 (X11; Linux x86_64)": "browser",
		"secretsmanager.amazonaws.com":    "aws-service",
		"[aws-sdk-java/1.12.600]":         "aws-sdk-java",
		"":                                "none",
	} {
		assert.Equal(t, want, uaFamily(ua), ua)
	}
}
