package exposure_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/custos-dev/custos/internal/exposure"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	acctA   = "111122223333"
	acctB   = "444455556666"
	outside = "999988887777" // an account the inventory does not hold
	region  = "eu-west-1"
)

func secretARN(acct, name string) string {
	return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-AbCdEf", region, acct, name)
}
func keyARN(acct, id string) string    { return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, acct, id) }
func roleARN(acct, name string) string { return fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, name) }
func userARN(acct, name string) string { return fmt.Sprintf("arn:aws:iam::%s:user/%s", acct, name) }
func rootARN(acct string) string       { return fmt.Sprintf("arn:aws:iam::%s:root", acct) }

// policy parses statements written in AWS's own grammar.
func policy(t *testing.T, statements ...string) *inventory.Policy {
	t.Helper()
	p, err := inventory.ParsePolicy(`{"Version": "2012-10-17", "Statement": [` + strings.Join(statements, ",") + `]}`)
	require.NoError(t, err)
	return &p
}

func inline(t *testing.T, statements ...string) []inventory.InlinePolicy {
	if len(statements) == 0 {
		return nil
	}
	return []inventory.InlinePolicy{{Name: "inline", Document: *policy(t, statements...)}}
}

type acctBuilder struct {
	t *testing.T
	a inventory.Account
}

func account(t *testing.T, id string) *acctBuilder {
	return &acctBuilder{t: t, a: inventory.Account{ID: id, OrganizationID: "o-test", Partition: "aws"}}
}

// secret adds a secret; keyRef "" is the AWS-managed key aws/secretsmanager, not collected.
func (b *acctBuilder) secret(name, keyRef string, tags inventory.Tags, resourcePolicy ...string) *acctBuilder {
	s := inventory.Secret{ARN: secretARN(b.a.ID, name), Name: name, Region: region, KMSKeyID: keyRef, Tags: tags}
	if len(resourcePolicy) > 0 {
		s.ResourcePolicy = policy(b.t, resourcePolicy...)
	}
	b.a.Secrets = append(b.a.Secrets, s)
	return b
}

func (b *acctBuilder) key(id string, grants []inventory.Grant, keyPolicy ...string) *acctBuilder {
	b.a.Keys = append(b.a.Keys, inventory.Key{
		ARN: keyARN(b.a.ID, id), KeyID: id, Region: region, KeyManager: "CUSTOMER", KeySpec: "SYMMETRIC_DEFAULT",
		KeyUsage: "ENCRYPT_DECRYPT", KeyState: "Enabled", Enabled: true, Origin: "AWS_KMS",
		KeyPolicy: policy(b.t, keyPolicy...), Grants: grants,
	})
	return b
}

func (b *acctBuilder) role(name, boundary string, statements ...string) *acctBuilder {
	b.a.IAM.Roles = append(b.a.IAM.Roles, inventory.Role{
		ARN: roleARN(b.a.ID, name), Name: name, InlinePolicies: inline(b.t, statements...), PermissionsBoundary: boundary,
		Tags: inventory.Tags{"environment": "test"},
	})
	return b
}

func (b *acctBuilder) user(name string, groups []string, boundary string, statements ...string) *acctBuilder {
	b.a.IAM.Users = append(b.a.IAM.Users, inventory.User{
		ARN: userARN(b.a.ID, name), Name: name, Groups: groups, InlinePolicies: inline(b.t, statements...), PermissionsBoundary: boundary,
	})
	return b
}

func (b *acctBuilder) group(name string, attached []string, statements ...string) *acctBuilder {
	g := inventory.Group{ARN: fmt.Sprintf("arn:aws:iam::%s:group/%s", b.a.ID, name), Name: name, InlinePolicies: inline(b.t, statements...)}
	for _, arn := range attached {
		g.AttachedPolicies = append(g.AttachedPolicies, inventory.AttachedPolicy{ARN: arn})
	}
	b.a.IAM.Groups = append(b.a.IAM.Groups, g)
	return b
}

func (b *acctBuilder) managed(name string, statements ...string) *acctBuilder {
	b.a.IAM.Policies = append(b.a.IAM.Policies, inventory.ManagedPolicy{
		ARN: fmt.Sprintf("arn:aws:iam::%s:policy/%s", b.a.ID, name), Name: name, Document: *policy(b.t, statements...),
	})
	return b
}

func (b *acctBuilder) trail(name, keyRef string) *acctBuilder {
	b.a.Trails = append(b.a.Trails, inventory.Trail{
		ARN: fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", region, b.a.ID, name), Name: name, HomeRegion: region, KMSKeyID: keyRef,
	})
	return b
}

func snapshot(accts ...*acctBuilder) *inventory.Snapshot {
	s := &inventory.Snapshot{SchemaVersion: inventory.SchemaVersion}
	for _, b := range accts {
		s.Accounts = append(s.Accounts, b.a)
	}
	return s
}

// Statements used across cases.
const (
	readAll    = `{"Sid": "ReadAll", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}`
	decryptAll = `{"Sid": "DecryptAll", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}`
	s3Only     = `{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`
)

func rootDelegation(acct string) string {
	return `{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "` + rootARN(acct) + `"}, "Action": "kms:*", "Resource": "*"}`
}

func keyUse(principal string) string {
	return `{"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": "` + principal + `"}, "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}`
}

func rpAllow(principal string) string {
	return `{"Sid": "Grant", "Effect": "Allow", "Principal": {"AWS": "` + principal + `"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}`
}

// readers maps each reader of a secret to "definite" or "conditional".
func readers(sa exposure.SecretAccess) map[string]string {
	out := map[string]string{}
	for _, r := range sa.Readers {
		out[r.Principal] = map[bool]string{true: "definite", false: "conditional"}[r.Definite]
	}
	return out
}

func TestSecretReaders(t *testing.T) {
	t.Parallel()
	prodDB, devX := secretARN(acctA, "prod/db"), secretARN(acctA, "dev/x")
	cases := []struct {
		name string
		snap func(t *testing.T) *inventory.Snapshot
		// want lists, per secret, every reader and whether it is definite.
		want map[string]map[string]string
		// check inspects the result further.
		check func(t *testing.T, r *exposure.Result)
	}{
		{
			name: "action and ARN wildcards, case-insensitive actions",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).secret("prod/db", "", nil).secret("prod/api", "", nil).
					role("db-reader", "", `{"Effect": "Allow", "Action": "SecretsManager:Get*", "Resource": "arn:aws:secretsmanager:*:111122223333:secret:prod/db-??????"}`).
					role("api-reader", "", `{"Effect": "Allow", "Action": "secretsmanager:*Secret*", "Resource": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api-*"}`).
					role("describer", "", `{"Effect": "Allow", "Action": "secretsmanager:Describe*", "Resource": "*"}`))
			},
			want: map[string]map[string]string{
				prodDB:                       {roleARN(acctA, "db-reader"): "definite"},
				secretARN(acctA, "prod/api"): {roleARN(acctA, "api-reader"): "definite"},
			},
		},
		{
			name: "NotAction allows everything it does not name",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).secret("prod/db", "", nil).
					role("power-user", "", `{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}`).
					role("no-secrets", "", `{"Effect": "Allow", "NotAction": "secretsmanager:*", "Resource": "*"}`))
			},
			want: map[string]map[string]string{prodDB: {roleARN(acctA, "power-user"): "definite"}},
		},
		{
			name: "NotResource applies to everything it does not name",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).secret("prod/db", "", nil).secret("dev/x", "", nil).
					role("non-prod", "", `{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "NotResource": "arn:aws:secretsmanager:*:*:secret:prod/*"}`))
			},
			want: map[string]map[string]string{prodDB: {}, devX: {roleARN(acctA, "non-prod"): "definite"}},
		},
		{
			name: "explicit Deny wins over Allow",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).secret("prod/db", "", nil).secret("dev/x", "", nil).
					role("dev", "", readAll, `{"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "arn:aws:secretsmanager:*:111122223333:secret:prod/*"}`))
			},
			want: map[string]map[string]string{prodDB: {}, devX: {roleARN(acctA, "dev"): "definite"}},
		},
		{
			name: "a Deny with an undecided condition makes access conditional",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).secret("prod/db", "", nil).
					role("office-only", "", readAll, `{"Sid": "OfficeOnly", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}`))
			},
			want: map[string]map[string]string{prodDB: {roleARN(acctA, "office-only"): "conditional"}},
			check: func(t *testing.T, r *exposure.Result) {
				sa, _ := r.Secret(prodDB)
				rd := sa.Readers[0]
				assert.Equal(t, []string{"aws:sourceip"}, rd.Conditions)
				var denies []string
				for _, s := range rd.Via {
					if s.Effect == "Deny" {
						denies = append(denies, s.Sid)
					}
				}
				assert.Equal(t, []string{"OfficeOnly"}, denies, "the conditional Deny is evidence")
			},
		},
		{
			name: "a Deny whose condition custos can decide",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).
					secret("prod/db", "", inventory.Tags{"Environment": "production"}).
					secret("dev/x", "", inventory.Tags{"Environment": "development"}).
					role("dev", "", readAll, `{"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": {"StringEquals": {"secretsmanager:ResourceTag/environment": "production"}}}`))
			},
			want: map[string]map[string]string{prodDB: {}, devX: {roleARN(acctA, "dev"): "definite"}},
		},
		{
			name: "an Allow with an undecided condition is conditional",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).secret("prod/db", "", nil).
					user("alice", nil, "", `{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}`))
			},
			want: map[string]map[string]string{prodDB: {userARN(acctA, "alice"): "conditional"}},
			check: func(t *testing.T, r *exposure.Result) {
				sa, _ := r.Secret(prodDB)
				assert.Equal(t, []string{"aws:multifactorauthpresent"}, sa.Readers[0].Conditions)
				assert.Equal(t, 1, sa.ConditionalReaders)
				assert.Equal(t, 0, sa.DefiniteReaders)
			},
		},
		{
			name: "conditions on resource tags, principal tags and the rotation function are decided",
			snap: func(t *testing.T) *inventory.Snapshot {
				a := account(t, acctA).
					secret("prod/db", "", inventory.Tags{"team": "payments"}).
					secret("dev/x", "", inventory.Tags{"team": "search"}).
					role("payments", "", `{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "payments"}}}`).
					user("bob", nil, "", `{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}`).
					role("rotator", "", `{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": {"StringEquals": {"secretsmanager:resource/AllowRotationLambdaArn": "arn:aws:lambda:eu-west-1:111122223333:function:rotate"}}}`)
				a.a.Secrets[0].RotationLambdaARN = "arn:aws:lambda:eu-west-1:111122223333:function:rotate"
				return snapshot(a)
			},
			want: map[string]map[string]string{
				prodDB: {roleARN(acctA, "payments"): "definite", roleARN(acctA, "rotator"): "definite", userARN(acctA, "bob"): "conditional"},
				devX:   {userARN(acctA, "bob"): "conditional"},
			},
		},
		{
			name: "a user's group policies, inline and managed",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).secret("prod/db", "", nil).secret("dev/x", "", nil).
					managed("read-dev", `{"Sid": "ReadDev", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:*:*:secret:dev/*"}`).
					group("developers", []string{"arn:aws:iam::111122223333:policy/read-dev"}).
					group("admins", nil, readAll).
					user("carol", []string{"developers"}, "").
					user("dave", []string{"admins", "developers"}, "", `{"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:*:*:secret:prod/*"}`))
			},
			want: map[string]map[string]string{
				prodDB: {},
				devX:   {userARN(acctA, "carol"): "definite", userARN(acctA, "dave"): "definite"},
			},
			check: func(t *testing.T, r *exposure.Result) {
				sa, _ := r.Secret(devX)
				require.Len(t, sa.Readers, 2)
				assert.Equal(t, "arn:aws:iam::111122223333:group/developers", sa.Readers[0].Via[0].Group)
				assert.Equal(t, "arn:aws:iam::111122223333:policy/read-dev", sa.Readers[0].Via[0].Policy)
				assert.Equal(t, "ReadDev", sa.Readers[0].Via[0].Sid)
			},
		},
		{
			name: "same account: the resource policy alone grants; naming the own root only delegates",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).
					secret("prod/db", "", nil, rpAllow(roleARN(acctA, "app"))).
					secret("dev/x", "", nil, rpAllow(rootARN(acctA))).
					role("app", "").role("other", ""))
			},
			want: map[string]map[string]string{prodDB: {roleARN(acctA, "app"): "definite"}, devX: {}},
		},
		{
			name: "a resource-policy Deny with NotPrincipal denies everyone it does not name",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).
					secret("prod/db", "", nil, `{"Effect": "Deny", "NotPrincipal": {"AWS": ["`+roleARN(acctA, "app")+`"]}, "Action": "secretsmanager:*", "Resource": "*"}`).
					role("app", "", readAll).
					role("other", "", readAll))
			},
			want: map[string]map[string]string{prodDB: {roleARN(acctA, "app"): "definite"}},
		},
		{
			name: "cross account: the resource policy and the caller's identity policy are both needed, and the key must allow",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(
					account(t, acctA).
						secret("prod/db", keyARN(acctA, "k1"), nil, rpAllow(rootARN(acctB))).
						secret("dev/x", keyARN(acctA, "k1"), nil).
						key("k1", nil, rootDelegation(acctA), keyUse(rootARN(acctB)), keyUse(roleARN(acctB, "named-in-key"))),
					account(t, acctB).
						role("reader", "", readAll, decryptAll).
						role("no-identity", "").
						role("no-read", "", decryptAll).
						role("no-decrypt", "", readAll).
						// Named by the key policy, but across accounts its own IAM policy must allow too.
						role("named-in-key", "", readAll))
			},
			want: map[string]map[string]string{
				prodDB: {roleARN(acctB, "reader"): "definite"},
				devX:   {},
			},
			check: func(t *testing.T, r *exposure.Result) {
				sa, _ := r.Secret(prodDB)
				assert.True(t, sa.Readers[0].CrossAccount)
				assert.Equal(t, []string{acctB}, sa.ExternalAccounts)
			},
		},
		{
			name: "cross account to an account outside the inventory",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).
					secret("prod/db", keyARN(acctA, "k1"), nil, rpAllow(outside)).
					secret("dev/x", keyARN(acctA, "k2"), nil, rpAllow(roleARN(outside, "partner"))).
					key("k1", nil, rootDelegation(acctA), keyUse(outside)).
					key("k2", nil, rootDelegation(acctA)))
			},
			want: map[string]map[string]string{
				prodDB: {rootARN(outside): "definite"},
				devX:   {},
			},
			check: func(t *testing.T, r *exposure.Result) {
				sa, _ := r.Secret(prodDB)
				rd := sa.Readers[0]
				assert.Equal(t, exposure.KindAccount, rd.Kind)
				assert.False(t, rd.InInventory)
				assert.True(t, rd.CrossAccount)
				p, ok := r.Principal(rootARN(outside))
				require.True(t, ok)
				assert.Equal(t, 1, p.ReadableSecrets)
			},
		},
		{
			name: "public resource policy with a key open to anyone",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).
					secret("prod/db", keyARN(acctA, "k1"), nil, rpAllow("*")).
					key("k1", nil, rootDelegation(acctA), keyUse("*")).
					role("app", "").
					role("denied", "", `{"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*"}`))
			},
			want: map[string]map[string]string{prodDB: {"*": "definite", roleARN(acctA, "app"): "definite"}},
			check: func(t *testing.T, r *exposure.Result) {
				sa, _ := r.Secret(prodDB)
				assert.True(t, sa.Public)
			},
		},
		{
			name: "public resource policy on the AWS-managed key: only the account can decrypt",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).secret("prod/db", "", nil, rpAllow("*")).role("app", ""))
			},
			want: map[string]map[string]string{prodDB: {roleARN(acctA, "app"): "definite"}},
			check: func(t *testing.T, r *exposure.Result) {
				sa, _ := r.Secret(prodDB)
				assert.False(t, sa.Public)
				assert.True(t, sa.Key.AWSManaged)
				assert.Equal(t, "aws_managed_key", sa.Readers[0].Via[len(sa.Readers[0].Via)-1].Source)
			},
		},
		{
			name: "the collected AWS-managed key's policy decides the same way",
			snap: func(t *testing.T) *inventory.Snapshot {
				a := account(t, acctA).
					secret("prod/db", "alias/aws/secretsmanager", nil, rpAllow(rootARN(acctB))).
					key("aws-sm", nil,
						`{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
						  "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}}`).
					role("app", "", readAll)
				a.a.Keys[0].KeyManager, a.a.Keys[0].Aliases = "AWS", []string{"alias/aws/secretsmanager"}
				return snapshot(a, account(t, acctB).role("partner", "", readAll, decryptAll))
			},
			want: map[string]map[string]string{prodDB: {roleARN(acctA, "app"): "definite"}},
		},
		{
			name: "a key policy without the root delegation makes IAM policies powerless",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).
					secret("prod/db", keyARN(acctA, "k1"), nil).
					key("k1", nil, keyUse(roleARN(acctA, "named"))).
					role("admin", "", `{"Effect": "Allow", "Action": "*", "Resource": "*"}`).
					role("named", "", readAll))
			},
			want: map[string]map[string]string{prodDB: {roleARN(acctA, "named"): "definite"}},
		},
		{
			name: "with the root delegation the identity policy must allow kms:Decrypt on the key",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).
					secret("prod/db", keyARN(acctA, "k1"), nil).
					secret("dev/x", keyARN(acctA, "k1"), nil).
					key("k1", nil, rootDelegation(acctA)).
					role("no-decrypt", "", readAll).
					role("this-key", "", readAll, `{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:111122223333:key/k1"}`).
					role("other-key", "", readAll, `{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:111122223333:key/k2"}`).
					role("via-sm", "", readAll, `{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}}`).
					role("via-s3", "", readAll, `{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}`).
					role("context", "", readAll, `{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringLike": {"kms:EncryptionContext:SecretARN": "arn:aws:secretsmanager:*:*:secret:prod/*"}}}`))
			},
			want: map[string]map[string]string{
				prodDB: {roleARN(acctA, "this-key"): "definite", roleARN(acctA, "via-sm"): "definite", roleARN(acctA, "context"): "definite"},
				// The same key, another secret: the encryption context no longer matches.
				devX: {roleARN(acctA, "this-key"): "definite", roleARN(acctA, "via-sm"): "definite"},
			},
		},
		{
			name: "grants, with and without encryption-context constraints",
			snap: func(t *testing.T) *inventory.Snapshot {
				grant := func(id, grantee string, subset map[string]string) inventory.Grant {
					g := inventory.Grant{GrantID: id, GranteePrincipal: grantee, Operations: []string{"Decrypt", "Encrypt"}}
					if subset != nil {
						g.Constraints = &inventory.GrantConstraints{EncryptionContextSubset: subset}
					}
					return g
				}
				return snapshot(account(t, acctA).
					secret("prod/db", keyARN(acctA, "k1"), nil).
					key("k1", []inventory.Grant{
						grant("g-plain", roleARN(acctA, "plain"), nil),
						grant("g-app", roleARN(acctA, "app-context"), map[string]string{"app": "x"}),
						grant("g-secret", roleARN(acctA, "this-secret"), map[string]string{"SecretARN": prodDB}),
						grant("g-other", roleARN(acctA, "other-secret"), map[string]string{"SecretARN": devX}),
						grant("g-version", roleARN(acctA, "one-version"), map[string]string{"SecretARN": prodDB, "SecretVersionId": "v1"}),
						{GrantID: "g-encrypt", GranteePrincipal: roleARN(acctA, "encrypt-only"), Operations: []string{"Encrypt"}},
					}, rootDelegation(acctA)).
					role("plain", "", readAll).role("app-context", "", readAll).role("this-secret", "", readAll).
					role("other-secret", "", readAll).role("one-version", "", readAll).role("encrypt-only", "", readAll))
			},
			want: map[string]map[string]string{prodDB: {
				roleARN(acctA, "plain"): "definite", roleARN(acctA, "this-secret"): "definite", roleARN(acctA, "one-version"): "conditional",
			}},
			check: func(t *testing.T, r *exposure.Result) {
				k, ok := r.Key(keyARN(acctA, "k1"))
				require.True(t, ok)
				got := map[string]bool{}
				for _, d := range k.Decryptors {
					got[d.Principal] = d.Definite
				}
				assert.True(t, got[roleARN(acctA, "plain")], "an unconstrained grant decrypts anything")
				assert.False(t, got[roleARN(acctA, "app-context")], "a constrained grant is conditional for direct calls")
				assert.NotContains(t, got, roleARN(acctA, "encrypt-only"))
			},
		},
		{
			name: "permissions boundaries cap identity policies",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).
					secret("prod/db", "", nil).
					managed("s3-only", s3Only).
					managed("secrets-ok", `{"Effect": "Allow", "Action": ["secretsmanager:*", "kms:*"], "Resource": "*"}`).
					role("capped", "arn:aws:iam::111122223333:policy/s3-only", readAll).
					role("within", "arn:aws:iam::111122223333:policy/secrets-ok", readAll).
					role("unknown-boundary", "arn:aws:iam::111122223333:policy/not-collected", readAll))
			},
			want: map[string]map[string]string{prodDB: {roleARN(acctA, "within"): "definite", roleARN(acctA, "unknown-boundary"): "conditional"}},
			check: func(t *testing.T, r *exposure.Result) {
				sa, _ := r.Secret(prodDB)
				for _, rd := range sa.Readers {
					if rd.Principal == roleARN(acctA, "unknown-boundary") {
						assert.Equal(t, []string{"permissions boundary arn:aws:iam::111122223333:policy/not-collected is not in the inventory"}, rd.Unknowns)
					}
				}
				p, _ := r.Principal(roleARN(acctA, "unknown-boundary"))
				assert.Equal(t, []string{"arn:aws:iam::111122223333:policy/not-collected"}, p.MissingPolicies)
			},
		},
		{
			name: "a boundary limits what a resource policy grants a role, not a user",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).
					secret("prod/db", "", nil, rpAllow(roleARN(acctA, "capped-role")), rpAllow(userARN(acctA, "capped-user"))).
					managed("s3-only", s3Only).
					role("capped-role", "arn:aws:iam::111122223333:policy/s3-only").
					user("capped-user", nil, "arn:aws:iam::111122223333:policy/s3-only"))
			},
			want: map[string]map[string]string{prodDB: {userARN(acctA, "capped-user"): "definite"}},
		},
		{
			name: "a policy variable in a resource makes the match conditional",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).secret("alice/db", "", nil).
					user("alice", nil, "", `{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:*:*:secret:${aws:username}/*"}`))
			},
			want: map[string]map[string]string{secretARN(acctA, "alice/db"): {userARN(acctA, "alice"): "conditional"}},
			check: func(t *testing.T, r *exposure.Result) {
				sa, _ := r.Secret(secretARN(acctA, "alice/db"))
				assert.Equal(t, []string{"${aws:username}"}, sa.Readers[0].Conditions)
			},
		},
		{
			name: "a key missing from the inventory makes reads conditional",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).secret("prod/db", keyARN(acctA, "gone"), nil).role("app", "", readAll))
			},
			want: map[string]map[string]string{prodDB: {roleARN(acctA, "app"): "conditional"}},
			check: func(t *testing.T, r *exposure.Result) {
				sa, _ := r.Secret(prodDB)
				assert.False(t, sa.Key.InInventory)
				assert.Equal(t, []string{"key " + keyARN(acctA, "gone") + " is not in the inventory"}, sa.Readers[0].Unknowns)
			},
		},
		{
			name: "an organisation-wide resource policy reaches the account's principals",
			snap: func(t *testing.T) *inventory.Snapshot {
				return snapshot(account(t, acctA).
					secret("prod/db", keyARN(acctA, "k1"), nil, `{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-test"}}}`).
					key("k1", nil, rootDelegation(acctA), `{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-test"}}}`).
					role("app", ""))
			},
			want: map[string]map[string]string{prodDB: {roleARN(acctA, "app"): "definite", "*": "conditional"}},
			check: func(t *testing.T, r *exposure.Result) {
				sa, _ := r.Secret(prodDB)
				assert.Equal(t, []string{"aws:principalorgid"}, sa.Readers[0].Conditions, "anyone outside the inventory may or may not be in the organisation")
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := exposure.Analyze(tc.snap(t))
			for arn, want := range tc.want {
				sa, ok := r.Secret(arn)
				require.True(t, ok, "secret %s", arn)
				assert.Equal(t, want, readers(sa), "readers of %s", arn)
				assert.Equal(t, len(want), sa.ReaderCount)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func TestKeysAndPrincipals(t *testing.T) {
	t.Parallel()
	snap := snapshot(account(t, acctA).
		secret("prod/db", keyARN(acctA, "k1"), nil).
		secret("prod/api", "alias/payments", nil).
		secret("dev/x", "", nil).
		key("k1", []inventory.Grant{{GrantID: "g1", GranteePrincipal: "rds.eu-west-1.amazonaws.com", Operations: []string{"Decrypt"}}},
			rootDelegation(acctA), keyUse(roleARN(acctA, "app")), keyUse("*")+`,{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*"}`).
		trail("org", "alias/payments").
		role("app", "", readAll).
		role("admin", "", `{"Effect": "Allow", "Action": "*", "Resource": "*"}`).
		role("nobody", ""))
	snap.Accounts[0].Keys[0].Aliases = []string{"alias/payments"}
	r := exposure.Analyze(snap)

	k, ok := r.Key(keyARN(acctA, "k1"))
	require.True(t, ok)
	assert.Equal(t, []string{secretARN(acctA, "prod/api"), secretARN(acctA, "prod/db")}, k.Secrets, "resolved by ARN and by alias")
	assert.Equal(t, 2, k.SecretCount)
	assert.Equal(t, 1, k.TrailCount)
	kinds := map[string]string{}
	for _, d := range k.Decryptors {
		kinds[d.Principal] = d.Kind
	}
	assert.Equal(t, map[string]string{
		"*": exposure.KindAnyone, "rds.eu-west-1.amazonaws.com": exposure.KindService,
		roleARN(acctA, "app"): exposure.KindRole, roleARN(acctA, "admin"): exposure.KindRole, roleARN(acctA, "nobody"): exposure.KindRole,
	}, kinds, "the key policy opens decryption to anyone, which includes the account's own principals; CloudTrail may only encrypt")

	cases := []struct {
		principal       string
		readable, keys  int
		definite, conds int
	}{
		{roleARN(acctA, "app"), 3, 1, 3, 0},
		{roleARN(acctA, "admin"), 3, 1, 3, 0},
		{roleARN(acctA, "nobody"), 0, 1, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.principal, func(t *testing.T) {
			p, ok := r.Principal(tc.principal)
			require.True(t, ok)
			assert.Equal(t, tc.readable, p.ReadableSecrets)
			assert.Len(t, p.Secrets, tc.readable)
			assert.Equal(t, tc.definite, p.DefiniteSecrets)
			assert.Equal(t, tc.conds, p.ConditionalSecrets)
			assert.Equal(t, tc.keys, p.DecryptableKeys)
		})
	}
	_, ok = r.Principal("arn:aws:iam::111122223333:role/absent")
	assert.False(t, ok)
	_, ok = r.Secret("arn:aws:secretsmanager:eu-west-1:111122223333:secret:absent")
	assert.False(t, ok)
}

func TestResultJSON(t *testing.T) {
	t.Parallel()
	build := func() []byte {
		snap := snapshot(account(t, acctA).
			secret("b", "", nil).secret("a", "", nil, rpAllow(outside)).
			role("z", "", readAll).role("y", "", readAll).user("x", nil, "", readAll))
		out, err := json.Marshal(exposure.Analyze(snap))
		require.NoError(t, err)
		return out
	}
	first := build()
	for i := 0; i < 5; i++ {
		assert.Equal(t, string(first), string(build()), "deterministic output")
	}
	var doc struct {
		Secrets []map[string]json.RawMessage `json:"secrets"`
	}
	require.NoError(t, json.Unmarshal(first, &doc))
	require.Len(t, doc.Secrets, 2)
	for _, field := range []string{"arn", "reader_count", "definite_readers", "conditional_readers", "external_accounts", "readers", "key", "pending_deletion"} {
		assert.Contains(t, doc.Secrets[0], field)
	}
	var rd []map[string]any
	require.NoError(t, json.Unmarshal(doc.Secrets[1]["readers"], &rd))
	require.Len(t, rd, 3)
	for _, field := range []string{"principal", "kind", "account", "definite", "via", "in_inventory", "cross_account"} {
		assert.Contains(t, rd[0], field)
	}
	assert.True(t, strings.Index(string(first), `"arn":"`+secretARN(acctA, "a")) < strings.Index(string(first), `"arn":"`+secretARN(acctA, "b")), "secrets sorted by ARN")
}
