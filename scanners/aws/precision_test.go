package aws_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
	awsscan "github.com/custos-dev/custos/scanners/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The precision fixture: hand-built resources whose right verdicts are known, each in an
// account of its own so that cases cannot influence each other, judged by the real
// engine with the built-in policies and default configuration, inputs built by
// scanners/aws (effective access included). Every case names the resource it judges and
// exactly the rules that must fire on it; any other rule firing there is a false
// positive. The traps are the cases a naive rule set gets wrong.

func days(n int) *time.Time {
	t := asOf.Add(-time.Duration(n) * 24 * time.Hour)
	return &t
}

func inDays(n int) *time.Time {
	t := asOf.Add(time.Duration(n) * 24 * time.Hour)
	return &t
}

func policy(t *testing.T, text string) inventory.Policy {
	t.Helper()
	p, err := inventory.ParsePolicy(text)
	require.NoError(t, err, text)
	return p
}

func ptr(p inventory.Policy) *inventory.Policy { return &p }

// healthy resources: nothing fires on them.

var goodTags = inventory.Tags{"owner": "team-payments", "environment": "production", "data-classification": "internal"}

func tagsWith(extra inventory.Tags, drop ...string) inventory.Tags {
	out := inventory.Tags{}
	for k, v := range goodTags {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	for _, k := range drop {
		delete(out, k)
	}
	return out
}

func rootPolicy(t *testing.T, acct string) *inventory.Policy {
	return ptr(policy(t, fmt.Sprintf(`{"Statement": [{"Sid": "root", "Effect": "Allow",
		"Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": "kms:*", "Resource": "*"}]}`, acct)))
}

func goodKey(t *testing.T, a *inventory.Account, id string) *inventory.Key {
	a.Keys = append(a.Keys, inventory.Key{
		ARN: "arn:aws:kms:eu-west-1:" + a.ID + ":key/" + id, KeyID: id, Region: "eu-west-1",
		KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT",
		KeyState: "Enabled", Enabled: true, Origin: "AWS_KMS", RotationEnabled: true, RotationPeriodDays: 365,
		KeyPolicy: rootPolicy(t, a.ID), Tags: tagsWith(nil), CreationDate: days(400),
	})
	return &a.Keys[len(a.Keys)-1]
}

func goodSecret(t *testing.T, a *inventory.Account, name string) *inventory.Secret {
	key := goodKey(t, a, "key-"+strings.ReplaceAll(name, "/", "-"))
	a.Secrets = append(a.Secrets, inventory.Secret{
		ARN: "arn:aws:secretsmanager:eu-west-1:" + a.ID + ":secret:" + name + "-AbCdEf", Name: name, Region: "eu-west-1",
		KMSKeyID: key.ARN, RotationEnabled: true, RotationLambdaARN: "arn:aws:lambda:eu-west-1:" + a.ID + ":function:rotate",
		RotationRules:   &inventory.RotationRules{AutomaticallyAfterDays: 30},
		LastRotatedDate: days(10), LastAccessedDate: days(1), CreatedDate: days(400), Tags: tagsWith(nil),
	})
	return &a.Secrets[len(a.Secrets)-1]
}

func goodTrail(t *testing.T, a *inventory.Account, name string) *inventory.Trail {
	key := goodKey(t, a, "trail-key-"+name)
	a.Trails = append(a.Trails, inventory.Trail{
		ARN: "arn:aws:cloudtrail:eu-west-1:" + a.ID + ":trail/" + name, Name: name, HomeRegion: "eu-west-1",
		S3BucketName: "logs-" + a.ID, KMSKeyID: key.ARN, IsMultiRegion: true, IncludeGlobalServiceEvents: true,
		LogFileValidationEnabled: true, IsLogging: true, LatestDeliveryTime: days(0),
		EventSelectors: []inventory.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}},
	})
	return &a.Trails[len(a.Trails)-1]
}

func goodRole(a *inventory.Account, name, trust string, t *testing.T) *inventory.Role {
	if trust == "" {
		trust = fmt.Sprintf(`{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": "sts:AssumeRole"}]}`, a.ID)
	}
	a.IAM.Roles = append(a.IAM.Roles, inventory.Role{
		ARN: "arn:aws:iam::" + a.ID + ":role/" + name, Name: name, Path: "/",
		CreateDate: days(400), LastUsedDate: days(1), TrustPolicy: ptr(policy(t, trust)), Tags: tagsWith(nil),
	})
	return &a.IAM.Roles[len(a.IAM.Roles)-1]
}

// managed adds a customer-managed policy attached to a role and returns its ARN.
func managed(t *testing.T, a *inventory.Account, name, text string) string {
	arn := "arn:aws:iam::" + a.ID + ":policy/" + name
	a.IAM.Policies = append(a.IAM.Policies, inventory.ManagedPolicy{ARN: arn, Name: name, Document: policy(t, text), AttachmentCount: 1, IsAttachable: true})
	r := goodRole(a, "holder-"+name, "", t)
	r.AttachedPolicies = append(r.AttachedPolicies, inventory.AttachedPolicy{Name: name, ARN: arn})
	return arn
}

type precisionCase struct {
	name string
	typ  string
	// build fills the case's own account (its id in a.ID) and returns the ARN of the
	// resource judged; more may add accounts (organisation cases).
	build func(t *testing.T, a *inventory.Account, more *[]inventory.Account) string
	want  []string
	trap  bool
}

const (
	secretType = "aws.secretsmanager.secret"
	keyType    = "aws.kms.key"
	policyType = "aws.iam.policy"
	userType   = "aws.iam.user"
	roleType   = "aws.iam.role"
	groupType  = "aws.iam.group"
	trailType  = "aws.cloudtrail.trail"
	acctType   = "aws.account"
)

func precisionCases() []precisionCase {
	secret := func(change func(t *testing.T, a *inventory.Account, s *inventory.Secret)) func(*testing.T, *inventory.Account, *[]inventory.Account) string {
		return func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) string {
			s := goodSecret(t, a, "prod/payments/db")
			if change != nil {
				change(t, a, s)
			}
			return s.ARN
		}
	}
	key := func(change func(t *testing.T, a *inventory.Account, k *inventory.Key)) func(*testing.T, *inventory.Account, *[]inventory.Account) string {
		return func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) string {
			k := goodKey(t, a, "k1")
			if change != nil {
				change(t, a, k)
			}
			return k.ARN
		}
	}
	iamPolicy := func(text string) func(*testing.T, *inventory.Account, *[]inventory.Account) string {
		return func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) string {
			return managed(t, a, "p", text)
		}
	}
	role := func(trust string, change func(r *inventory.Role)) func(*testing.T, *inventory.Account, *[]inventory.Account) string {
		return func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) string {
			r := goodRole(a, "r", trust, t)
			if change != nil {
				change(r)
			}
			return r.ARN
		}
	}
	user := func(change func(u *inventory.User)) func(*testing.T, *inventory.Account, *[]inventory.Account) string {
		return func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) string {
			a.IAM.Users = append(a.IAM.Users, inventory.User{ARN: "arn:aws:iam::" + a.ID + ":user/u", Name: "u", CreateDate: days(400), Tags: tagsWith(nil)})
			change(&a.IAM.Users[len(a.IAM.Users)-1])
			return a.IAM.Users[len(a.IAM.Users)-1].ARN
		}
	}
	trail := func(change func(t *testing.T, a *inventory.Account, tr *inventory.Trail)) func(*testing.T, *inventory.Account, *[]inventory.Account) string {
		return func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) string {
			tr := goodTrail(t, a, "main")
			if change != nil {
				change(t, a, tr)
			}
			return tr.ARN
		}
	}
	account := func(change func(t *testing.T, a *inventory.Account, more *[]inventory.Account)) func(*testing.T, *inventory.Account, *[]inventory.Account) string {
		return func(t *testing.T, a *inventory.Account, more *[]inventory.Account) string {
			a.IAM.Root = &inventory.RootUser{MFAEnabled: true}
			change(t, a, more)
			return "arn:aws:iam::" + a.ID + ":root"
		}
	}
	// readers gives n roles (tagged with env) read access to the account's first secret.
	readers := func(t *testing.T, a *inventory.Account, n int, env string) {
		s, k := a.Secrets[0], a.Keys[0]
		for i := 0; i < n; i++ {
			r := goodRole(a, fmt.Sprintf("reader-%02d", i), "", t)
			r.Tags = tagsWith(inventory.Tags{"environment": env})
			r.InlinePolicies = []inventory.InlinePolicy{{Name: "read", Document: policy(t, fmt.Sprintf(`{"Statement": [
				{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": %q},
				{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": %q}]}`, s.ARN, k.ARN))}}
		}
	}
	allSecretReader := `{"Statement": [{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"], "Resource": "*"}]}`
	manySecrets := func(t *testing.T, a *inventory.Account) {
		for i := 0; i < 26; i++ {
			goodSecret(t, a, fmt.Sprintf("prod/app%02d/db", i))
		}
	}
	const escalations = "aws-iam-secret-policy-escalation aws-iam-key-policy-escalation aws-iam-create-grant-all-keys aws-iam-cloudtrail-tampering"

	return []precisionCase{
		// Secrets Manager.
		{name: "healthy secret", typ: secretType, build: secret(nil)},
		{name: "rotation off", typ: secretType, want: []string{"aws-secretsmanager-rotation-disabled"},
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) { s.RotationEnabled = false })},
		{name: "new secret not yet rotated", typ: secretType, trap: true,
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.CreatedDate, s.LastRotatedDate, s.LastAccessedDate = days(1), nil, nil
			})},
		{name: "rotation silently failing", typ: secretType, want: []string{"aws-secretsmanager-rotation-overdue"},
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) { s.LastRotatedDate = days(200) })},
		{name: "rotation interval 180 days", typ: secretType, want: []string{"aws-secretsmanager-rotation-interval-too-long"},
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.RotationRules.AutomaticallyAfterDays = 180
			})},
		{name: "restricted secret rotating every 60 days", typ: secretType, want: []string{"aws-secretsmanager-rotation-interval-too-long"},
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.RotationRules.AutomaticallyAfterDays = 60
				s.Tags["data-classification"] = "restricted"
			})},
		{name: "cron schedule twice a year", typ: secretType, want: []string{"aws-secretsmanager-rotation-interval-too-long"},
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.RotationRules = &inventory.RotationRules{ScheduleExpression: "cron(0 4 1 JAN,JUL ? *)"}
			})},
		{name: "not read for 200 days", typ: secretType, want: []string{"aws-secretsmanager-unused"},
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) { s.LastAccessedDate = days(200) })},
		{name: "new secret never read", typ: secretType, trap: true,
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.CreatedDate, s.LastAccessedDate, s.LastRotatedDate = days(20), nil, days(5)
			})},
		{name: "resource policy open to anyone", typ: secretType, want: []string{"aws-secretsmanager-resource-policy-public"},
			build: secret(func(t *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.ResourcePolicy = ptr(policy(t, `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}`))
			})},
		{name: "Principal * narrowed to the organization", typ: secretType, trap: true,
			build: secret(func(t *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.ResourcePolicy = ptr(policy(t, `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
					"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-precision01"}}}]}`))
			})},
		{name: "organization condition with IfExists", typ: secretType, trap: true, want: []string{"aws-secretsmanager-resource-policy-public"},
			build: secret(func(t *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.ResourcePolicy = ptr(policy(t, `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
					"Condition": {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-precision01"}}}]}`))
			})},
		{name: "shared with an untrusted account", typ: secretType, want: []string{"aws-secretsmanager-resource-policy-cross-account"},
			build: secret(func(t *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.ResourcePolicy = ptr(policy(t, `{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:role/partner"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}`))
			})},
		{name: "confidential secret on the AWS-managed key", typ: secretType, want: []string{"aws-secretsmanager-customer-key-required"},
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.KMSKeyID = ""
				s.Tags["data-classification"] = "confidential"
			})},
		{name: "internal secret on the AWS-managed key", typ: secretType, trap: true,
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) { s.KMSKeyID = "" })},
		{name: "encrypted with a disabled key", typ: secretType, want: []string{"aws-secretsmanager-key-unusable"},
			build: secret(func(_ *testing.T, a *inventory.Account, _ *inventory.Secret) {
				a.Keys[0].KeyState, a.Keys[0].Enabled = "Disabled", false
			})},
		{name: "no ownership tags", typ: secretType, want: []string{"aws-secretsmanager-missing-required-tags"},
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.Tags = inventory.Tags{"environment": "production"}
			})},
		{name: "owner and environment outside the allowed values", typ: secretType, want: []string{"aws-secretsmanager-invalid-tag-values"},
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.Tags["owner"], s.Tags["environment"] = "bob", "prd"
			})},
		{name: "name outside the convention", typ: secretType, want: []string{"aws-secretsmanager-name-convention"},
			build: func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) string {
				return goodSecret(t, a, "DB_PASSWORD").ARN
			}},
		{name: "scheduled for deletion", typ: secretType, want: []string{"aws-secretsmanager-scheduled-for-deletion"},
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.DeletedDate, s.RotationEnabled, s.Tags = days(2), false, inventory.Tags{}
			})},
		{name: "RDS-managed secret without tags", typ: secretType, trap: true,
			build: secret(func(_ *testing.T, _ *inventory.Account, s *inventory.Secret) {
				s.Name, s.OwningService, s.Tags = "rds!db-1234", "rds", inventory.Tags{"aws:rds:primaryDBInstanceArn": "arn:aws:rds:eu-west-1:1:db:x"}
			})},
		{name: "readable by eleven roles", typ: secretType, want: []string{"aws-secretsmanager-too-many-readers"},
			build: secret(func(t *testing.T, a *inventory.Account, _ *inventory.Secret) { readers(t, a, 11, "production") })},
		{name: "readable by nine roles", typ: secretType, trap: true,
			build: secret(func(t *testing.T, a *inventory.Account, _ *inventory.Secret) { readers(t, a, 9, "production") })},
		{name: "production secret readable from staging", typ: secretType, want: []string{"aws-secretsmanager-production-readable-by-nonproduction"},
			build: secret(func(t *testing.T, a *inventory.Account, _ *inventory.Secret) { readers(t, a, 1, "staging") })},

		// KMS.
		{name: "healthy key", typ: keyType, build: key(nil)},
		{name: "symmetric key without rotation", typ: keyType, want: []string{"aws-kms-rotation-disabled"},
			build: key(func(_ *testing.T, _ *inventory.Account, k *inventory.Key) { k.RotationEnabled = false })},
		{name: "asymmetric key without rotation", typ: keyType, trap: true,
			build: key(func(_ *testing.T, _ *inventory.Account, k *inventory.Key) {
				k.KeySpec, k.KeyUsage, k.RotationEnabled = "RSA_2048", "SIGN_VERIFY", false
			})},
		{name: "HMAC key without rotation", typ: keyType, trap: true,
			build: key(func(_ *testing.T, _ *inventory.Account, k *inventory.Key) {
				k.KeySpec, k.KeyUsage, k.RotationEnabled = "HMAC_256", "GENERATE_VERIFY_MAC", false
			})},
		{name: "imported key without rotation", typ: keyType, trap: true,
			build: key(func(_ *testing.T, _ *inventory.Account, k *inventory.Key) {
				k.Origin, k.RotationEnabled, k.ValidTo = "EXTERNAL", false, inDays(300)
			})},
		{name: "imported material expiring in ten days", typ: keyType, want: []string{"aws-kms-imported-material-expiring"},
			build: key(func(_ *testing.T, _ *inventory.Account, k *inventory.Key) {
				k.Origin, k.RotationEnabled, k.ValidTo = "EXTERNAL", false, inDays(10)
			})},
		{name: "rotation every two years", typ: keyType, want: []string{"aws-kms-rotation-period-too-long"},
			build: key(func(_ *testing.T, _ *inventory.Account, k *inventory.Key) { k.RotationPeriodDays = 730 })},
		{name: "key pending deletion still used by a secret", typ: keyType, want: []string{"aws-kms-unusable-key-in-use"},
			build: func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) string {
				goodSecret(t, a, "prod/payments/db")
				a.Keys[0].KeyState, a.Keys[0].Enabled, a.Keys[0].DeletionDate = "PendingDeletion", false, inDays(7)
				return a.Keys[0].ARN
			}},
		{name: "key without tags", typ: keyType, want: []string{"aws-kms-missing-required-tags"},
			build: key(func(_ *testing.T, _ *inventory.Account, k *inventory.Key) { k.Tags = inventory.Tags{} })},
		{name: "key with an unknown environment", typ: keyType, want: []string{"aws-kms-invalid-tag-values"},
			build: key(func(_ *testing.T, _ *inventory.Account, k *inventory.Key) { k.Tags["environment"] = "live" })},
		{name: "key policy open to anyone", typ: keyType, want: []string{"aws-kms-key-policy-public"},
			build: key(func(t *testing.T, a *inventory.Account, k *inventory.Key) {
				k.KeyPolicy.Statements = append(k.KeyPolicy.Statements, policy(t, `{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}]}`).Statements...)
			})},
		{name: "Principal * narrowed by kms:CallerAccount", typ: keyType, trap: true,
			build: key(func(t *testing.T, a *inventory.Account, k *inventory.Key) {
				k.KeyPolicy.Statements = append(k.KeyPolicy.Statements, policy(t, fmt.Sprintf(`{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
					"Condition": {"StringEquals": {"kms:CallerAccount": %q, "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}}]}`, a.ID)).Statements...)
			})},
		{name: "key shared with an untrusted account", typ: keyType, want: []string{"aws-kms-key-policy-cross-account"},
			build: key(func(t *testing.T, a *inventory.Account, k *inventory.Key) {
				k.KeyPolicy.Statements = append(k.KeyPolicy.Statements, policy(t, `{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "kms:Decrypt", "Resource": "*"}]}`).Statements...)
			})},
		{name: "kms:* to a role", typ: keyType, want: []string{"aws-kms-full-access-non-root", "aws-kms-no-separation-of-duties"},
			build: key(func(t *testing.T, a *inventory.Account, k *inventory.Key) {
				k.KeyPolicy.Statements = append(k.KeyPolicy.Statements, policy(t, fmt.Sprintf(`{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:role/ops"}, "Action": "kms:*", "Resource": "*"}]}`, a.ID)).Statements...)
			})},
		{name: "key administrator who can also decrypt", typ: keyType, want: []string{"aws-kms-no-separation-of-duties"},
			build: key(func(t *testing.T, a *inventory.Account, k *inventory.Key) {
				k.KeyPolicy.Statements = append(k.KeyPolicy.Statements, policy(t, fmt.Sprintf(`{"Statement": [
					{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%[1]s:role/admin"}, "Action": ["kms:Create*", "kms:Put*", "kms:ScheduleKeyDeletion", "kms:Describe*"], "Resource": "*"},
					{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::%[1]s:role/admin", "arn:aws:iam::%[1]s:role/app"]}, "Action": "kms:Decrypt", "Resource": "*"}]}`, a.ID)).Statements...)
			})},
		{name: "default key policy with separate administrators and users", typ: keyType, trap: true,
			build: key(func(t *testing.T, a *inventory.Account, k *inventory.Key) {
				k.KeyPolicy.Statements = append(k.KeyPolicy.Statements, policy(t, fmt.Sprintf(`{"Statement": [
					{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%[1]s:role/admin"}, "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"], "Resource": "*"},
					{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%[1]s:role/app"}, "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"}]}`, a.ID)).Statements...)
			})},
		{name: "key policy without the root delegation", typ: keyType, want: []string{"aws-kms-no-root-delegation"},
			build: key(func(t *testing.T, a *inventory.Account, k *inventory.Key) {
				k.KeyPolicy = ptr(policy(t, fmt.Sprintf(`{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:role/admin"}, "Action": ["kms:Describe*", "kms:Put*"], "Resource": "*"}]}`, a.ID)))
			})},
		{name: "unconstrained grant to another account", typ: keyType, want: []string{"aws-kms-grant-external-principal", "aws-kms-grant-unconstrained"},
			build: key(func(_ *testing.T, _ *inventory.Account, k *inventory.Key) {
				k.Grants = []inventory.Grant{{GrantID: "g1", GranteePrincipal: "arn:aws:iam::999988887777:role/partner", Operations: []string{"Decrypt"}}}
			})},
		{name: "RDS grant without constraints", typ: keyType, trap: true,
			build: key(func(_ *testing.T, _ *inventory.Account, k *inventory.Key) {
				k.Grants = []inventory.Grant{{GrantID: "g1", GranteePrincipal: "rds.eu-west-1.amazonaws.com", Operations: []string{"Decrypt", "GenerateDataKey", "CreateGrant"}}}
			})},
		{name: "AWS-managed key", typ: keyType, trap: true,
			build: key(func(_ *testing.T, _ *inventory.Account, k *inventory.Key) {
				k.KeyManager, k.RotationEnabled, k.Tags, k.Aliases = "AWS", false, inventory.Tags{}, []string{"alias/aws/secretsmanager"}
			})},

		// IAM policies.
		{name: "read every secret", typ: policyType, want: []string{"aws-iam-secrets-read-all"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "secretsmanager:Get*", "Resource": "arn:aws:secretsmanager:*:*:secret:*"}]}`)},
		{name: "read one application's secrets", typ: policyType, trap: true,
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:eu-west-1:*:secret:prod/payments/*"}]}`)},
		{name: "decrypt with every key", typ: policyType, want: []string{"aws-iam-kms-decrypt-all"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}]}`)},
		{name: "decrypt with every key only through Secrets Manager", typ: policyType, trap: true,
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}}]}`)},
		{name: "every action", typ: policyType, want: append(strings.Fields(escalations),
			"aws-iam-full-admin", "aws-iam-secrets-read-all", "aws-iam-kms-decrypt-all", "aws-iam-pass-role-all", "aws-iam-policy-escalation", "aws-iam-credential-escalation"),
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`)},
		{name: "every action of KMS on one key", typ: policyType, want: []string{"aws-iam-service-wildcard"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:kms:eu-west-1:111122223333:key/k1"}]}`)},
		{name: "everything but IAM", typ: policyType, want: append(strings.Fields(escalations), "aws-iam-allow-not-action", "aws-iam-secrets-read-all", "aws-iam-kms-decrypt-all"),
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}`)},
		{name: "read every secret but one prefix", typ: policyType, want: []string{"aws-iam-allow-not-resource", "aws-iam-secrets-read-all"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "NotResource": "arn:aws:secretsmanager:*:*:secret:admin/*"}]}`)},
		{name: "misspelt action", typ: policyType, want: []string{"aws-iam-unknown-action"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValues", "Resource": "arn:aws:secretsmanager:eu-west-1:*:secret:app/*"}]}`)},
		{name: "resource policies of every secret", typ: policyType, want: []string{"aws-iam-secret-policy-escalation"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "secretsmanager:PutResourcePolicy", "Resource": "*"}]}`)},
		{name: "key policies of every key", typ: policyType, want: []string{"aws-iam-key-policy-escalation"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "kms:PutKeyPolicy", "Resource": "arn:aws:kms:*:*:key/*"}]}`)},
		{name: "grants on every key", typ: policyType, want: []string{"aws-iam-create-grant-all-keys"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "kms:CreateGrant", "Resource": "*"}]}`)},
		{name: "grants on every key for AWS resources only", typ: policyType, trap: true,
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "kms:CreateGrant", "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}]}`)},
		{name: "pass any role to Lambda", typ: policyType, trap: true, want: []string{"aws-iam-pass-role-all"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}]}`)},
		{name: "pass the application's roles", typ: policyType, trap: true,
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/app/*"}]}`)},
		{name: "attach any policy to any role", typ: policyType, want: []string{"aws-iam-policy-escalation"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*"}]}`)},
		{name: "attach policies only under a permissions boundary", typ: policyType, trap: true,
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": ["iam:AttachRolePolicy", "iam:PutRolePolicy"], "Resource": "*",
				"Condition": {"StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::111122223333:policy/boundary"}}}]}`)},
		{name: "access keys for every user", typ: policyType, want: []string{"aws-iam-credential-escalation"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::*:user/*"}]}`)},
		{name: "access keys for oneself", typ: policyType, trap: true,
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:DeleteAccessKey"], "Resource": "arn:aws:iam::*:user/${aws:username}"}]}`)},
		{name: "stop any trail", typ: policyType, want: []string{"aws-iam-cloudtrail-tampering"},
			build: iamPolicy(`{"Statement": [{"Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "*"}]}`)},

		// IAM principals.
		{name: "user with an old key, a second key and direct policies", typ: userType,
			want: []string{"aws-iam-access-key-too-old", "aws-iam-multiple-active-access-keys", "aws-iam-user-direct-policies"},
			build: user(func(u *inventory.User) {
				u.AccessKeys = []inventory.AccessKey{
					{AccessKeyID: "AKIAPRECISION0000001", Status: "Active", CreateDate: days(300), LastUsedDate: days(1)},
					{AccessKeyID: "AKIAPRECISION0000002", Status: "Active", CreateDate: days(10), LastUsedDate: days(1)},
				}
				u.AttachedPolicies = []inventory.AttachedPolicy{{Name: "ReadOnlyAccess", ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess"}}
			})},
		{name: "user with a key unused for 100 days", typ: userType, want: []string{"aws-iam-access-key-unused"},
			build: user(func(u *inventory.User) {
				u.AccessKeys = []inventory.AccessKey{{AccessKeyID: "AKIAPRECISION0000003", Status: "Active", CreateDate: days(80), LastUsedDate: days(70)}}
			})},
		{name: "user with a new key not yet used", typ: userType, trap: true,
			build: user(func(u *inventory.User) {
				u.AccessKeys = []inventory.AccessKey{{AccessKeyID: "AKIAPRECISION0000004", Status: "Active", CreateDate: days(3)}}
			})},
		{name: "user with AdministratorAccess", typ: userType, want: []string{"aws-iam-user-administrator-access", "aws-iam-user-direct-policies"},
			build: user(func(u *inventory.User) {
				u.AttachedPolicies = []inventory.AttachedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}
			})},
		{name: "user who can read 26 secrets", typ: userType, want: []string{"aws-iam-user-reads-many-secrets", "aws-iam-user-direct-policies"},
			build: func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) string {
				manySecrets(t, a)
				a.IAM.Users = append(a.IAM.Users, inventory.User{ARN: "arn:aws:iam::" + a.ID + ":user/u", Name: "u", CreateDate: days(400),
					InlinePolicies: []inventory.InlinePolicy{{Name: "read", Document: policy(t, allSecretReader)}}})
				return a.IAM.Users[0].ARN
			}},
		{name: "role who can read 26 secrets", typ: roleType, want: []string{"aws-iam-role-reads-many-secrets"},
			build: func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) string {
				manySecrets(t, a)
				r := goodRole(a, "r", "", t)
				r.InlinePolicies = []inventory.InlinePolicy{{Name: "read", Document: policy(t, allSecretReader)}}
				return r.ARN
			}},
		{name: "role unused for 200 days", typ: roleType, want: []string{"aws-iam-role-unused"},
			build: role("", func(r *inventory.Role) { r.LastUsedDate = days(200) })},
		{name: "service-linked role never used", typ: roleType, trap: true,
			build: role(`{"Statement": [{"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`,
				func(r *inventory.Role) { r.Path, r.LastUsedDate = "/aws-service-role/rds.amazonaws.com/", nil })},
		{name: "role with AdministratorAccess", typ: roleType, want: []string{"aws-iam-role-administrator-access"},
			build: role("", func(r *inventory.Role) {
				r.AttachedPolicies = []inventory.AttachedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}
			})},
		{name: "role anyone can assume", typ: roleType, want: []string{"aws-iam-role-trust-public"},
			build: role(`{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "shared"}}}]}`, nil)},
		{name: "role any principal of the organization can assume", typ: roleType, trap: true,
			build: role(`{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-precision01"}}}]}`, nil)},
		{name: "role a vendor account can assume", typ: roleType, want: []string{"aws-iam-role-trust-untrusted-account"},
			build: role(`{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "v-1"}}}]}`, nil)},
		{name: "role Glue assumes for anyone's jobs", typ: roleType, want: []string{"aws-iam-role-trust-service-without-source"},
			build: role(`{"Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`, nil)},
		{name: "role Lambda assumes", typ: roleType, trap: true,
			build: role(`{"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`, nil)},
		{name: "role any GitHub repository can assume", typ: roleType, want: []string{"aws-iam-role-trust-oidc-unrestricted"},
			build: role(`{"Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
				"Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}}]}`, nil)},
		{name: "role one GitHub repository can assume", typ: roleType, trap: true,
			build: role(`{"Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
				"Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
				"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/deploy:ref:refs/heads/main"}}}]}`, nil)},
		{name: "group with AdministratorAccess", typ: groupType, want: []string{"aws-iam-group-administrator-access"},
			build: func(_ *testing.T, a *inventory.Account, _ *[]inventory.Account) string {
				a.IAM.Groups = append(a.IAM.Groups, inventory.Group{ARN: "arn:aws:iam::" + a.ID + ":group/admins", Name: "admins",
					AttachedPolicies: []inventory.AttachedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}})
				return a.IAM.Groups[0].ARN
			}},

		// CloudTrail and the account.
		{name: "healthy trail", typ: trailType, build: trail(nil)},
		{name: "trail without log validation", typ: trailType, want: []string{"aws-cloudtrail-log-validation-disabled"},
			build: trail(func(_ *testing.T, _ *inventory.Account, tr *inventory.Trail) { tr.LogFileValidationEnabled = false })},
		{name: "stopped trail", typ: trailType, want: []string{"aws-cloudtrail-not-logging"},
			build: trail(func(_ *testing.T, _ *inventory.Account, tr *inventory.Trail) { tr.IsLogging = false })},
		{name: "trail without a KMS key", typ: trailType, want: []string{"aws-cloudtrail-logs-not-encrypted"},
			build: trail(func(_ *testing.T, _ *inventory.Account, tr *inventory.Trail) { tr.KMSKeyID = "" })},
		{name: "trail recording writes only, KMS excluded", typ: trailType, want: []string{"aws-cloudtrail-read-events-excluded", "aws-cloudtrail-kms-events-excluded"},
			build: trail(func(_ *testing.T, _ *inventory.Account, tr *inventory.Trail) {
				tr.EventSelectors = []inventory.EventSelector{{ReadWriteType: "WriteOnly", IncludeManagementEvents: true, ExcludeManagementEventSources: []string{"kms.amazonaws.com"}}}
			})},
		{name: "trail with read and write selectors apart", typ: trailType, trap: true,
			build: trail(func(_ *testing.T, _ *inventory.Account, tr *inventory.Trail) {
				tr.EventSelectors = []inventory.EventSelector{{ReadWriteType: "WriteOnly", IncludeManagementEvents: true}, {ReadWriteType: "ReadOnly", IncludeManagementEvents: true}}
			})},
		{name: "trail on a key that does not rotate", typ: trailType, want: []string{"aws-cloudtrail-key-rotation-disabled"},
			build: trail(func(_ *testing.T, a *inventory.Account, _ *inventory.Trail) { a.Keys[0].RotationEnabled = false })},
		{name: "trail on a key pending deletion", typ: trailType, want: []string{"aws-cloudtrail-key-unusable"},
			build: trail(func(_ *testing.T, a *inventory.Account, _ *inventory.Trail) { a.Keys[0].KeyState = "PendingDeletion" })},
		{name: "trail failing to deliver", typ: trailType, want: []string{"aws-cloudtrail-delivery-failing"},
			build: trail(func(_ *testing.T, _ *inventory.Account, tr *inventory.Trail) { tr.LatestDeliveryError = "AccessDenied" })},
		{name: "account with a multi-Region trail", typ: acctType,
			build: account(func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) { goodTrail(t, a, "main") })},
		{name: "account with a single-Region trail only", typ: acctType, want: []string{"aws-cloudtrail-no-multi-region-trail"},
			build: account(func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) {
				goodTrail(t, a, "main").IsMultiRegion = false
			})},
		{name: "member account logged by the organization trail", typ: acctType, trap: true,
			build: account(func(t *testing.T, a *inventory.Account, more *[]inventory.Account) {
				a.OrganizationID = "o-precorgtrail1"
				mgmt := inventory.Account{ID: "210000000099", OrganizationID: a.OrganizationID}
				goodTrail(t, &mgmt, "org").IsOrganizationTrail = true
				*more = append(*more, mgmt)
			})},
		{name: "root user with access keys", typ: acctType, want: []string{"aws-iam-root-access-key"},
			build: account(func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) {
				goodTrail(t, a, "main")
				a.IAM.Root.AccessKeysPresent = true
			})},
		{name: "root user without MFA", typ: acctType, want: []string{"aws-iam-root-mfa-disabled"},
			build: account(func(t *testing.T, a *inventory.Account, _ *[]inventory.Account) {
				goodTrail(t, a, "main")
				a.IAM.Root.MFAEnabled = false
			})},
	}
}

// TestPrecision judges the fixture with the real engine and requires 100% recall and no
// false positive on the judged resources.
func TestPrecision(t *testing.T) {
	t.Parallel()
	cases := precisionCases()
	require.GreaterOrEqual(t, len(cases), 40)

	snap := &inventory.Snapshot{SchemaVersion: inventory.SchemaVersion, GeneratedAt: asOf}
	type target struct{ typ, arn string }
	targets := make([]target, len(cases))
	for i, c := range cases {
		acct := inventory.Account{ID: fmt.Sprintf("2000000%05d", i), Partition: "aws"}
		var more []inventory.Account
		arn := c.build(t, &acct, &more)
		require.NotEmpty(t, arn, c.name)
		targets[i] = target{c.typ, arn}
		snap.Accounts = append(snap.Accounts, acct)
		snap.Accounts = append(snap.Accounts, more...)
	}

	eng := newEngine(t)
	fs, err := eng.Evaluate(context.Background(), awsscan.Resources(snap, asOf))
	require.NoError(t, err)
	got := map[target]map[string]bool{}
	for _, f := range fs {
		require.NotEqual(t, finding.Error, f.Status, "rule %s failed on %s: %s", f.RuleID, f.Resource.ARN, f.Message)
		k := target{f.Resource.Type, f.Resource.ARN}
		if got[k] == nil {
			got[k] = map[string]bool{}
		}
		got[k][f.RuleID] = true
	}

	var tp, fp, fn, traps int
	exercised := map[string]bool{}
	for i, c := range cases {
		want := map[string]bool{}
		for _, id := range c.want {
			want[id] = true
			exercised[id] = true
		}
		if c.trap {
			traps++
		}
		var missing, extra []string
		for id := range want {
			if got[targets[i]][id] {
				tp++
			} else {
				missing = append(missing, id)
			}
		}
		for id := range got[targets[i]] {
			if !want[id] {
				extra = append(extra, id)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		fn += len(missing)
		fp += len(extra)
		assert.Empty(t, missing, "%s: rules that should fire on %s but did not", c.name, targets[i].arn)
		assert.Empty(t, extra, "%s: rules that fired on %s but should not", c.name, targets[i].arn)
	}

	var unexercised []string
	for _, r := range eng.Rules() {
		if strings.HasPrefix(r.ID, "aws-") && !exercised[r.ID] {
			unexercised = append(unexercised, r.ID)
		}
	}
	assert.Empty(t, unexercised, "built-in rules no precision case expects to fire")

	recall := float64(tp) / float64(tp+fn)
	precision := float64(tp) / float64(tp+fp)
	t.Logf("precision fixture: %d resources (%d traps), %d expected findings: recall %.1f%% (%d/%d), precision %.1f%% (%d false positives), %d rules exercised",
		len(cases), traps, tp+fn, 100*recall, tp, tp+fn, 100*precision, fp, len(exercised))
}
