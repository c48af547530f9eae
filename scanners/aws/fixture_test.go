package aws

import (
	"context"
	"fmt"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/awsapi"
	"github.com/custos-dev/custos/internal/inventory"
)

const (
	mgmt      = "111111111111"
	member    = "222222222222"
	suspended = "333333333333"
	orgID     = "o-abcde12345"
	roleName  = "CustosReadOnly"
	extID     = "custos-ext-1"
	mgmtKey   = "AKIAMGMT0000000AUDIT"
)

var t0 = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

func at(days int) *time.Time {
	t := t0.AddDate(0, 0, days)
	return &t
}

func policy(t testing.TB, text string) *inventory.Policy {
	t.Helper()
	p, err := inventory.ParsePolicy(text)
	require.NoError(t, err)
	return &p
}

// fixtureWorld is an organisation of a management account, a member and a suspended
// account, with at least two of everything each list call returns, so that a page size
// of 1 makes every list call page.
func fixtureWorld(t testing.TB) awsapi.World {
	trust := policy(t, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":%q}}}]}`, mgmt, extID))
	return awsapi.World{
		Organization: &awsapi.Organization{ID: orgID, ManagementAccount: mgmt},
		Credentials:  []awsapi.Credential{{AccessKeyID: mgmtKey, Account: mgmt, ARN: "arn:aws:iam::" + mgmt + ":user/auditor"}},
		Accounts: []awsapi.Account{
			{Account: fixtureAccount(t, mgmt, "management", trust, true), Email: "root@example.com"},
			{Account: fixtureAccount(t, member, "workload", trust, false), Email: "workload@example.com"},
			{Account: inventory.Account{ID: suspended, Name: "old"}, Email: "old@example.com", Status: "SUSPENDED"},
		},
	}
}

// fixtureAccount is an account as the collector reports it from eu-west-1 and us-east-1.
func fixtureAccount(t testing.TB, id, name string, trust *inventory.Policy, management bool) inventory.Account {
	arn := func(service, region, rest string) string {
		return "arn:aws:" + service + ":" + region + ":" + id + ":" + rest
	}
	keyPolicy := policy(t, fmt.Sprintf(`{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"kms:*","Resource":"*"}]}`, id))
	secretPolicy := policy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcde12345"}}}]}`)
	adminDoc := policy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	readDoc := policy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:DescribeSecret","secretsmanager:ListSecrets"],"Resource":"*"}]}`)

	a := inventory.Account{
		ID: id, Name: name,
		Secrets: []inventory.Secret{
			{ARN: arn("secretsmanager", "eu-west-1", "secret:db/primary-AbCdEf"), Name: "db/primary", Description: "main database",
				Region: "eu-west-1", KMSKeyID: arn("kms", "eu-west-1", "key/1111aaaa-0000-0000-0000-000000000001"),
				RotationEnabled: true, RotationLambdaARN: arn("lambda", "eu-west-1", "function:rotate"),
				RotationRules:   &inventory.RotationRules{AutomaticallyAfterDays: 30, ScheduleExpression: "rate(30 days)", Duration: "2h"},
				LastRotatedDate: at(-10), LastChangedDate: at(-10), LastAccessedDate: at(-1), NextRotationDate: at(20), CreatedDate: at(-400),
				Tags: inventory.Tags{"owner": "team-db", "env": "prod"}, ResourcePolicy: secretPolicy,
				PrimaryRegion: "eu-west-1", Replicas: []inventory.Replica{
					{Region: "us-east-1", KMSKeyID: "alias/aws/secretsmanager", Status: "InSync", StatusMessage: "Replication succeeded", LastAccessedDate: at(-2)},
					{Region: "eu-central-1", Status: "Failed", StatusMessage: "key not found"},
				}},
			{ARN: arn("secretsmanager", "eu-west-1", "secret:api/token-GhIjKl"), Name: "api/token", Region: "eu-west-1",
				CreatedDate: at(-50), Tags: inventory.Tags{}},
			{ARN: arn("secretsmanager", "eu-west-1", "secret:old-MnOpQr"), Name: "old", Region: "eu-west-1",
				CreatedDate: at(-900), DeletedDate: at(-1), Tags: inventory.Tags{"owner": "nobody"}},
			{ARN: arn("secretsmanager", "eu-west-1", "rds!db-123-StUvWx"), Name: "rds!db-123", Region: "eu-west-1",
				RotationEnabled: true, RotationRules: &inventory.RotationRules{AutomaticallyAfterDays: 7},
				OwningService: "rds", CreatedDate: at(-30), Tags: inventory.Tags{"aws:rds:primaryDBInstanceArn": "arn"}},
			{ARN: arn("secretsmanager", "us-east-1", "secret:db/primary-AbCdEf"), Name: "db/primary", Region: "us-east-1",
				KMSKeyID: "alias/aws/secretsmanager", PrimaryRegion: "eu-west-1", CreatedDate: at(-400), Tags: inventory.Tags{"owner": "team-db", "env": "prod"}},
			{ARN: arn("secretsmanager", "us-east-1", "secret:web/session-YzAbCd"), Name: "web/session", Region: "us-east-1",
				CreatedDate: at(-5), Tags: inventory.Tags{}},
		},
		Keys: []inventory.Key{
			{ARN: arn("kms", "eu-west-1", "key/1111aaaa-0000-0000-0000-000000000001"), KeyID: "1111aaaa-0000-0000-0000-000000000001",
				Region: "eu-west-1", Description: "database key", KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT",
				KeyUsage: "ENCRYPT_DECRYPT", KeyState: "Enabled", Enabled: true, Origin: "AWS_KMS", MultiRegion: false,
				RotationEnabled: true, RotationPeriodDays: 180, NextRotationDate: at(100), KeyPolicy: keyPolicy,
				Grants: []inventory.Grant{
					{GrantID: "g1", Name: "rds", GranteePrincipal: "rds.eu-west-1.amazonaws.com", IssuingAccount: "arn:aws:iam::" + id + ":root",
						Operations: []string{"Decrypt", "GenerateDataKey"}, CreationDate: at(-300),
						Constraints: &inventory.GrantConstraints{EncryptionContextSubset: map[string]string{"dbname": "main"}}},
					{GrantID: "g2", GranteePrincipal: "arn:aws:iam::" + id + ":role/app", RetiringPrincipal: "arn:aws:iam::" + id + ":role/admin",
						Operations: []string{"Encrypt"}, CreationDate: at(-200)},
				},
				Aliases:      []string{"alias/db", "alias/db-legacy"},
				Tags:         inventory.Tags{"owner": "team-db", "cost-center": "42"},
				CreationDate: at(-500)},
			{ARN: arn("kms", "eu-west-1", "key/2222bbbb-0000-0000-0000-000000000002"), KeyID: "2222bbbb-0000-0000-0000-000000000002",
				Region: "eu-west-1", Description: "Default key that protects my Secrets Manager data when no other key is defined",
				KeyManager: "AWS", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", KeyState: "Enabled", Enabled: true,
				Origin: "AWS_KMS", RotationEnabled: true, RotationPeriodDays: 365, NextRotationDate: at(200), KeyPolicy: keyPolicy,
				Grants: []inventory.Grant{
					{GrantID: "g3", GranteePrincipal: "secretsmanager.eu-west-1.amazonaws.com", Operations: []string{"Decrypt"}, CreationDate: at(-100)},
					{GrantID: "g4", GranteePrincipal: "secretsmanager.eu-west-1.amazonaws.com", Operations: []string{"GenerateDataKey"}, CreationDate: at(-100)},
				},
				Aliases: []string{"alias/aws/secretsmanager"}, Tags: inventory.Tags{}, CreationDate: at(-600)},
			{ARN: arn("kms", "eu-west-1", "key/3333cccc-0000-0000-0000-000000000003"), KeyID: "3333cccc-0000-0000-0000-000000000003",
				Region: "eu-west-1", KeyManager: "CUSTOMER", KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY", KeyState: "PendingDeletion",
				Origin: "AWS_KMS", KeyPolicy: keyPolicy, Tags: inventory.Tags{}, CreationDate: at(-90), DeletionDate: at(7)},
			{ARN: arn("kms", "us-east-1", "key/4444dddd-0000-0000-0000-000000000004"), KeyID: "4444dddd-0000-0000-0000-000000000004",
				Region: "us-east-1", KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", KeyState: "Enabled",
				Enabled: true, Origin: "EXTERNAL", MultiRegion: true, KeyPolicy: keyPolicy, Tags: inventory.Tags{"owner": "team-web"},
				CreationDate: at(-80), ValidTo: at(300), Aliases: []string{"alias/web"}},
			{ARN: arn("kms", "us-east-1", "key/5555eeee-0000-0000-0000-000000000005"), KeyID: "5555eeee-0000-0000-0000-000000000005",
				Region: "us-east-1", KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", KeyState: "Disabled",
				Origin: "AWS_KMS", KeyPolicy: keyPolicy, Tags: inventory.Tags{}, CreationDate: at(-70)},
		},
		IAM: inventory.IAM{
			Users: []inventory.User{
				{ARN: "arn:aws:iam::" + id + ":user/alice", Name: "alice", UserID: "AIDAALICE" + id, Path: "/", CreateDate: at(-700),
					PasswordLastUsed: at(-3), Groups: []string{"admins"},
					InlinePolicies:   []inventory.InlinePolicy{{Name: "read-secrets", Document: *readDoc}},
					AttachedPolicies: []inventory.AttachedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}},
					AccessKeys: []inventory.AccessKey{
						{AccessKeyID: "AKIAALICE000000000001", Status: "Active", CreateDate: at(-400), LastUsedDate: at(-1), LastUsedService: "s3", LastUsedRegion: "eu-west-1"},
						{AccessKeyID: "AKIAALICE000000000002", Status: "Inactive", CreateDate: at(-300)},
					},
					Tags: inventory.Tags{"team": "platform"}},
				{ARN: "arn:aws:iam::" + id + ":user/ci/deployer", Name: "deployer", UserID: "AIDADEPLOYER" + id, Path: "/ci/", CreateDate: at(-100),
					PermissionsBoundary: "arn:aws:iam::" + id + ":policy/boundary", Tags: inventory.Tags{}},
			},
			Groups: []inventory.Group{
				{ARN: "arn:aws:iam::" + id + ":group/admins", Name: "admins", GroupID: "AGPAADMINS" + id, Path: "/", CreateDate: at(-800),
					AttachedPolicies: []inventory.AttachedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}},
				{ARN: "arn:aws:iam::" + id + ":group/readers", Name: "readers", GroupID: "AGPAREADERS" + id, Path: "/", CreateDate: at(-800),
					InlinePolicies: []inventory.InlinePolicy{{Name: "read", Document: *readDoc}}},
			},
			Roles: []inventory.Role{
				{ARN: "arn:aws:iam::" + id + ":role/" + roleName, Name: roleName, RoleID: "AROACUSTOS" + id, Path: "/",
					Description: "custos audit role", CreateDate: at(-10), TrustPolicy: trust, MaxSessionDuration: 3600,
					AttachedPolicies: []inventory.AttachedPolicy{{Name: "custos-readonly", ARN: "arn:aws:iam::" + id + ":policy/custos-readonly"}},
					Tags:             inventory.Tags{}},
				{ARN: "arn:aws:iam::" + id + ":role/app", Name: "app", RoleID: "AROAAPP" + id, Path: "/", CreateDate: at(-20),
					TrustPolicy:    policy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
					InlinePolicies: []inventory.InlinePolicy{{Name: "read", Document: *readDoc}}, MaxSessionDuration: 7200,
					LastUsedDate: at(-1), LastUsedRegion: "eu-west-1", Tags: inventory.Tags{"owner": "team-web"}},
			},
			Policies: []inventory.ManagedPolicy{
				{ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Name: "AdministratorAccess", PolicyID: "ANPAADMIN", Path: "/",
					Description: "Provides full access", AWSManaged: true, DefaultVersionID: "v1", AttachmentCount: 2, IsAttachable: true,
					CreateDate: at(-3000), UpdateDate: at(-3000), Document: *adminDoc},
				{ARN: "arn:aws:iam::" + id + ":policy/custos-readonly", Name: "custos-readonly", PolicyID: "ANPACUSTOS" + id, Path: "/",
					DefaultVersionID: "v3", AttachmentCount: 1, IsAttachable: true, CreateDate: at(-10), UpdateDate: at(-5), Document: *readDoc},
			},
			Root: &inventory.RootUser{AccessKeysPresent: !management, MFAEnabled: management},
		},
		Trails: []inventory.Trail{},
	}
	if management {
		a.Trails = []inventory.Trail{
			{ARN: arn("cloudtrail", "us-east-1", "trail/org-trail"), Name: "org-trail", HomeRegion: "us-east-1",
				S3BucketName: "org-trail-logs", S3KeyPrefix: "o", KMSKeyID: arn("kms", "us-east-1", "key/4444dddd-0000-0000-0000-000000000004"),
				IsMultiRegion: true, IsOrganizationTrail: true, IncludeGlobalServiceEvents: true, LogFileValidationEnabled: true,
				IsLogging: true, LatestDeliveryTime: at(0),
				EventSelectors: []inventory.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true,
					ExcludeManagementEventSources: []string{"kms.amazonaws.com"},
					DataResources:                 []inventory.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}}},
				Tags: inventory.Tags{"owner": "security", "scope": "org"}},
			{ARN: arn("cloudtrail", "eu-west-1", "trail/local"), Name: "local", HomeRegion: "eu-west-1", S3BucketName: "local-logs",
				LatestDeliveryError: "AccessDenied",
				AdvancedEventSelectors: []inventory.AdvancedEventSelector{{Name: "secrets", FieldSelectors: []inventory.FieldSelector{
					{Field: "eventCategory", Equals: []string{"Data"}},
					{Field: "resources.type", Equals: []string{"AWS::SecretsManager::Secret"}, NotStartsWith: []string{"arn:aws:secretsmanager:eu-west-1:" + id + ":secret:test"}},
				}}},
				Tags: inventory.Tags{}},
			{ARN: arn("cloudtrail", "us-east-1", "trail/audit"), Name: "audit", HomeRegion: "us-east-1", S3BucketName: "audit-logs",
				IsLogging: true, IncludeGlobalServiceEvents: true, Tags: inventory.Tags{"owner": "audit"}},
			// Home in a region the tests do not collect: reported from the first collected region.
			{ARN: arn("cloudtrail", "ap-southeast-2", "trail/far"), Name: "far", HomeRegion: "ap-southeast-2", IsMultiRegion: true,
				S3BucketName: "far-logs", IsLogging: false},
		}
	}
	return a
}

// newServer starts an emulator of w with pages of one item.
func newServer(t testing.TB, w awsapi.World, opts awsapi.Options) *awsapi.Server {
	t.Helper()
	if opts.PageSize == 0 {
		opts.PageSize = 1
	}
	return awsapi.New(t, w, opts)
}

// sdkConfig is an SDK configuration as custos builds it (the default chain), with the
// management account's key and the emulator as endpoint.
func sdkConfig(t testing.TB, srv *awsapi.Server, region string) awssdk.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(mgmtKey, "not-a-secret", "")),
		config.WithBaseEndpoint(srv.URL),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
	)
	require.NoError(t, err)
	return cfg
}

// fastOptions keep retries quick in tests.
func fastOptions(o Options) Options {
	o.MaxBackoff = time.Millisecond
	o.Now = func() time.Time { return t0 }
	return o
}

// expected is what a collection of account a in regions should report.
func expected(a inventory.Account, regions []string, org string, partition string) inventory.Account {
	in := map[string]bool{}
	for _, r := range regions {
		in[r] = true
	}
	out := a
	out.Regions = regions
	out.OrganizationID = org
	out.Partition = partition
	out.Secrets, out.Keys, out.Trails = []inventory.Secret{}, []inventory.Key{}, []inventory.Trail{}
	for _, s := range a.Secrets {
		if in[s.Region] {
			out.Secrets = append(out.Secrets, s)
		}
	}
	for _, k := range a.Keys {
		if in[k.Region] {
			out.Keys = append(out.Keys, k)
		}
	}
	for _, tr := range a.Trails {
		if in[tr.HomeRegion] || tr.IsMultiRegion {
			if !in[tr.HomeRegion] {
				tr.Tags = nil // ListTags answers only in the trail's home region.
			}
			out.Trails = append(out.Trails, tr)
		}
	}
	return normalise(out)
}
