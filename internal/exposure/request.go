package exposure

import (
	"strings"

	"github.com/custos-dev/custos/internal/inventory"
)

// request is what custos knows of one request: who makes it, to which layer (the secret
// or its key), and whether Secrets Manager makes the KMS call on the reader's behalf.
// Keys it does not model are unknown, so conditions on them are undecided.
type request struct {
	actor  *actor
	secret *secretRec // the secret read (nil for a direct kms:Decrypt)
	key    *keyRec    // the key, for the key layer
	layer  string
	// excluded are the accounts "anyone" is known not to belong to: their principals are
	// enumerated one by one.
	excluded map[string]bool
}

func (r *request) viaSecretsManager() bool { return r.layer == layerKey && r.secret != nil }

func (r *request) lookup(key string) value {
	a := r.actor
	switch key {
	case "aws:principalarn":
		switch {
		case a.kind == KindService:
			return value{kind: absent}
		case a.kind == KindAnyone:
			return value{excluded: func(pv string) bool {
				parts := strings.SplitN(pv, ":", 6)
				return len(parts) == 6 && r.excluded[parts[4]]
			}}
		}
		return known(a.arn)
	case "aws:principalaccount", "kms:calleraccount":
		switch {
		case a.kind == KindService:
			return value{}
		case a.kind == KindAnyone:
			return value{excluded: func(pv string) bool { return r.excluded[pv] }}
		}
		return known(a.account)
	case "aws:principalorgid":
		if a.acct != nil && a.acct.org != "" {
			return known(a.acct.org)
		}
		return value{}
	case "aws:principaltype":
		switch a.kind {
		case KindUser:
			return known("User")
		case KindRole:
			return known("AssumedRole")
		case KindAccount:
			return known("Account")
		}
		return value{}
	case "aws:username":
		switch {
		case a.kind == KindUser && a.inInventory:
			return known(a.name)
		case a.kind == KindRole && a.inInventory:
			return value{kind: absent}
		}
		return value{}
	case "aws:userid":
		if a.kind == KindUser && a.uniqueID != "" {
			return known(a.uniqueID)
		}
		return value{}
	case "aws:principalisawsservice":
		switch a.kind {
		case KindService:
			return known("true")
		case KindAnyone:
			return value{}
		}
		return known("false")
	case "aws:resourceaccount":
		if acct := r.resourceAccount(); acct != nil {
			return known(acct.id)
		}
		return value{}
	case "aws:resourceorgid":
		if acct := r.resourceAccount(); acct != nil && acct.org != "" {
			return known(acct.org)
		}
		return value{}
	case "aws:requestedregion":
		switch {
		case r.layer == layerSecret && r.secret != nil:
			return known(r.secret.s.Region)
		case r.layer == layerKey && r.key != nil:
			return known(r.key.k.Region)
		}
		return value{}
	case "secretsmanager:resource/allowrotationlambdaarn":
		if r.layer != layerSecret || r.secret == nil {
			return value{kind: absent}
		}
		if arn := r.secret.s.RotationLambdaARN; arn != "" {
			return known(arn)
		}
		return value{kind: absent}
	case "kms:viaservice":
		switch {
		case r.layer == layerSecret:
			return value{kind: absent}
		case r.viaSecretsManager():
			return known("secretsmanager." + r.secret.s.Region + ".amazonaws.com")
		}
		return value{}
	case "aws:viaawsservice":
		if r.viaSecretsManager() {
			return known("true")
		}
		return value{}
	case "kms:encryptioncontextkeys":
		if r.viaSecretsManager() {
			return known("SecretARN", "SecretVersionId")
		}
		return value{}
	case "kms:grantisforawsresource":
		// Present only on grant operations; reading and decrypting are not.
		return value{kind: absent}
	case "kms:resourcealiases":
		if r.layer == layerKey && r.key != nil {
			if len(r.key.k.Aliases) == 0 {
				return value{kind: absent}
			}
			return known(r.key.k.Aliases...)
		}
		return value{}
	case "kms:keyspec":
		if r.layer == layerKey && r.key != nil && r.key.k.KeySpec != "" {
			return known(r.key.k.KeySpec)
		}
		return value{}
	case "kms:keyusage":
		if r.layer == layerKey && r.key != nil && r.key.k.KeyUsage != "" {
			return known(r.key.k.KeyUsage)
		}
		return value{}
	case "kms:keyorigin":
		if r.layer == layerKey && r.key != nil && r.key.k.Origin != "" {
			return known(r.key.k.Origin)
		}
		return value{}
	}
	switch {
	case strings.HasPrefix(key, "aws:principaltag/"):
		// A user's tags are its request's tags. A role session's tags can be replaced
		// by session tags, which the inventory cannot know.
		if a.kind == KindUser && a.inInventory {
			return tagValue(a.tags, strings.TrimPrefix(key, "aws:principaltag/"))
		}
		return value{}
	case strings.HasPrefix(key, "aws:resourcetag/"):
		name := strings.TrimPrefix(key, "aws:resourcetag/")
		switch {
		case r.layer == layerSecret && r.secret != nil:
			return tagValue(r.secret.s.Tags, name)
		case r.layer == layerKey && r.key != nil:
			return tagValue(r.key.k.Tags, name)
		}
		return value{}
	case strings.HasPrefix(key, "secretsmanager:resourcetag/"):
		if r.layer == layerSecret && r.secret != nil {
			return tagValue(r.secret.s.Tags, strings.TrimPrefix(key, "secretsmanager:resourcetag/"))
		}
		return value{kind: absent}
	case strings.HasPrefix(key, "kms:encryptioncontext:"):
		if !r.viaSecretsManager() {
			return value{}
		}
		// Secrets Manager's encryption context is {"SecretARN", "SecretVersionId"}.
		switch strings.TrimPrefix(key, "kms:encryptioncontext:") {
		case "secretarn":
			return known(r.secret.s.ARN)
		case "secretversionid":
			return value{}
		}
		return value{kind: absent}
	}
	return value{}
}

func (r *request) resourceAccount() *account {
	switch {
	case r.layer == layerSecret && r.secret != nil:
		return r.secret.acct
	case r.layer == layerKey && r.key != nil:
		return r.key.acct
	}
	return nil
}

// tagValue looks a tag up by its lower-cased key (condition keys compare case-insensitively).
func tagValue(tags inventory.Tags, lowerKey string) value {
	for k, v := range tags {
		if strings.ToLower(k) == lowerKey {
			return known(v)
		}
	}
	return value{kind: absent}
}
