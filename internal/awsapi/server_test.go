package awsapi

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/inventory"
)

const (
	acct = "111111111111"
	key  = "AKIATEST000000000001"
)

// fakeTB records the failures the emulator reports instead of failing the test.
type fakeTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func testWorld(t *testing.T) World {
	t.Helper()
	trust, err := inventory.ParsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext"}}}]}`)
	require.NoError(t, err)
	a := inventory.Account{ID: acct, Regions: []string{"eu-west-1", "us-east-1"}}
	for i := range 5 {
		a.Secrets = append(a.Secrets, inventory.Secret{ARN: fmt.Sprintf("arn:aws:secretsmanager:eu-west-1:%s:secret:s%d", acct, i),
			Name: fmt.Sprintf("s%d", i), Region: "eu-west-1"})
		a.Keys = append(a.Keys, inventory.Key{ARN: fmt.Sprintf("arn:aws:kms:eu-west-1:%s:key/k%d", acct, i), KeyID: fmt.Sprintf("k%d", i),
			Region: "eu-west-1", KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT", Origin: "AWS_KMS", KeyState: "Enabled"})
	}
	a.IAM.Roles = []inventory.Role{{ARN: "arn:aws:iam::" + acct + ":role/audit", Name: "audit", TrustPolicy: &trust}}
	return World{
		Accounts:    []Account{{Account: a}},
		Credentials: []Credential{{AccessKeyID: key, Account: acct, ARN: "arn:aws:iam::" + acct + ":user/me"}},
	}
}

func sdkConfig(srv *Server, region, keyID string) awssdk.Config {
	return awssdk.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, "secret", ""),
		BaseEndpoint: awssdk.String(srv.URL),
		Retryer:      func() awssdk.Retryer { return awssdk.NopRetryer{} },
	}
}

func code(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

func TestForbiddenOperationsFailTheTest(t *testing.T) {
	t.Parallel()
	tb := &fakeTB{TB: t}
	srv := New(tb, testWorld(t), Options{})
	ctx := context.Background()
	_, err := secretsmanager.NewFromConfig(sdkConfig(srv, "eu-west-1", key)).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: awssdk.String("s1")})
	assert.Equal(t, "InternalFailure", code(err))
	_, err = kms.NewFromConfig(sdkConfig(srv, "eu-west-1", key)).Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: []byte("x")})
	assert.Equal(t, "InternalFailure", code(err))
	_, err = kms.NewFromConfig(sdkConfig(srv, "eu-west-1", key)).GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: awssdk.String("k1")})
	assert.Equal(t, "InternalFailure", code(err))
	_, err = kms.NewFromConfig(sdkConfig(srv, "eu-west-1", key)).Encrypt(ctx, &kms.EncryptInput{KeyId: awssdk.String("k1"), Plaintext: []byte("x")})
	assert.Equal(t, "UnknownOperationException", code(err))
	assert.Equal(t, []string{
		"awsapi: custos called secretsmanager:GetSecretValue, which reads a secret value or decrypts",
		"awsapi: custos called kms:Decrypt, which reads a secret value or decrypts",
		"awsapi: custos called kms:GenerateDataKey, which reads a secret value or decrypts",
		"awsapi: operation kms:Encrypt is not emulated",
	}, tb.errors)
}

func TestPagesAndTokens(t *testing.T) {
	t.Parallel()
	srv := New(t, testWorld(t), Options{PageSize: 2})
	ctx := context.Background()
	client := secretsmanager.NewFromConfig(sdkConfig(srv, "eu-west-1", key))
	var names []string
	p := secretsmanager.NewListSecretsPaginator(client, &secretsmanager.ListSecretsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(page.SecretList), 2)
		for _, s := range page.SecretList {
			names = append(names, awssdk.ToString(s.Name))
		}
	}
	assert.Equal(t, []string{"s0", "s1", "s2", "s3", "s4"}, names)
	assert.Equal(t, 3, srv.Calls(Call{Operation: "ListSecrets"}))

	// A token is bound to the list it came from.
	first, err := client.ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
	require.NoError(t, err)
	require.NotNil(t, first.NextToken)
	_, err = kms.NewFromConfig(sdkConfig(srv, "eu-west-1", key)).ListKeys(ctx, &kms.ListKeysInput{Marker: first.NextToken})
	assert.Equal(t, "InvalidMarkerException", code(err))
	_, err = client.ListSecrets(ctx, &secretsmanager.ListSecretsInput{NextToken: awssdk.String("forged")})
	assert.Equal(t, "InvalidNextTokenException", code(err))
}

func TestFaultsAndIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name   string
		fault  *Fault
		region string
		key    string
		want   string
	}{
		{name: "throttle", fault: &Fault{Service: "kms", Operation: "ListKeys", Kind: Throttle}, want: "ThrottlingException"},
		{name: "deny", fault: &Fault{Service: "kms", Kind: Deny}, want: "AccessDeniedException"},
		{name: "server error", fault: &Fault{Operation: "ListKeys", Kind: ServerError}, want: "InternalFailure"},
		{name: "fault for another account", fault: &Fault{Account: "999999999999", Kind: Deny}, want: ""},
		{name: "region not enabled", region: "ap-east-1", want: "UnrecognizedClientException"},
		{name: "unknown key", key: "AKIAUNKNOWN000000000", want: "UnrecognizedClientException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := New(t, testWorld(t), Options{})
			if tt.fault != nil {
				srv.Inject(*tt.fault)
			}
			region, k := "eu-west-1", key
			if tt.region != "" {
				region = tt.region
			}
			if tt.key != "" {
				k = tt.key
			}
			_, err := kms.NewFromConfig(sdkConfig(srv, region, k)).ListKeys(ctx, &kms.ListKeysInput{})
			assert.Equal(t, tt.want, code(err), "%v", err)
			assert.Equal(t, 1, srv.Calls(Call{Service: "kms", Operation: "ListKeys", Region: region}))
		})
	}
}

func TestFaultTimes(t *testing.T) {
	t.Parallel()
	srv := New(t, testWorld(t), Options{})
	srv.Inject(Fault{Service: "iam", Operation: "GetAccountSummary", Kind: Throttle, Times: 2})
	client := iam.NewFromConfig(sdkConfig(srv, "us-east-1", key))
	for _, want := range []string{"Throttling", "Throttling", ""} {
		_, err := client.GetAccountSummary(context.Background(), &iam.GetAccountSummaryInput{})
		assert.Equal(t, want, code(err))
	}
}

func TestAssumeRole(t *testing.T) {
	t.Parallel()
	srv := New(t, testWorld(t), Options{})
	ctx := context.Background()
	client := sts.NewFromConfig(sdkConfig(srv, "us-east-1", key))
	_, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: awssdk.String("arn:aws:iam::" + acct + ":role/audit"),
		RoleSessionName: awssdk.String("s"), ExternalId: awssdk.String("wrong")})
	assert.Equal(t, "AccessDenied", code(err))
	out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: awssdk.String("arn:aws:iam::" + acct + ":role/audit"),
		RoleSessionName: awssdk.String("s"), ExternalId: awssdk.String("ext")})
	require.NoError(t, err)
	assumed := sts.NewFromConfig(awssdk.Config{Region: "us-east-1", BaseEndpoint: awssdk.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)})
	id, err := assumed.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, acct, awssdk.ToString(id.Account))
	assert.Equal(t, "arn:aws:sts::"+acct+":assumed-role/audit/s", awssdk.ToString(id.Arn))
}

// TestPolicyJSONRoundTrip renders canonical policies in AWS's grammar and parses them back.
func TestPolicyJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"a","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111111111111:root","222222222222"],"Service":"s3.amazonaws.com"},"NotAction":["kms:*"],"NotResource":"arn:aws:kms:*:*:key/*","Condition":{"Bool":{"aws:SecureTransport":false},"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*","b"]}}}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"},{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com","CanonicalUser":"abc"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
	} {
		want, err := inventory.ParsePolicy(text)
		require.NoError(t, err)
		got, err := inventory.ParsePolicy(PolicyJSON(want))
		require.NoError(t, err)
		assert.Equal(t, want, got)
		got, err = inventory.ParsePolicy(urlPolicy(&want))
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}
