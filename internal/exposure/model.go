package exposure

import (
	"strings"

	"github.com/custos-dev/custos/internal/inventory"
)

const (
	actionRead    = "secretsmanager:getsecretvalue"
	actionDecrypt = "kms:decrypt"

	layerSecret = "secret"
	layerKey    = "key"

	srcIdentity       = "identity"
	srcBoundary       = "boundary"
	srcResourcePolicy = "resource_policy"
	srcKeyPolicy      = "key_policy"
	srcGrant          = "grant"
	srcAWSManagedKey  = "aws_managed_key"
	srcExternal       = "external_identity"
	srcService        = "service"
)

// account is an account of the inventory.
type account struct {
	id, org, partition string
}

// stmt is a compiled policy statement that applies to reading a secret or decrypting.
type stmt struct {
	kind    string // srcIdentity, srcBoundary, srcResourcePolicy, srcKeyPolicy
	policy  string
	index   int
	sid     string
	allow   bool
	read    bool // applies to secretsmanager:GetSecretValue
	decrypt bool // applies to kms:Decrypt
	res     resourceMatcher
	conds   []inventory.Condition
	// principal and notPrincipal are set for resource and key policies.
	principal, notPrincipal *inventory.Principal
	// steps caches the evidence this statement gives, by layer, group and undecided
	// keys; a statement gives one or two kinds, so a list beats a map.
	steps []cachedStep
}

type stepKey struct {
	layer, group, conds string
}

type cachedStep struct {
	key   stepKey
	steps []*Step
}

// evidence returns the (shared, never modified) one-step list naming this statement.
func (s *stmt) evidence(layer, group string, undecided []string) []*Step {
	k := stepKey{layer: layer, group: group}
	if len(undecided) > 0 {
		k.conds = strings.Join(undecided, ",")
	}
	for i := range s.steps {
		if s.steps[i].key == k {
			return s.steps[i].steps
		}
	}
	effect := "Deny"
	if s.allow {
		effect = "Allow"
	}
	step := &Step{Layer: layer, Effect: effect, Source: s.kind, Policy: s.policy, Group: group, Index: s.index, Sid: s.sid}
	if len(undecided) > 0 {
		step.Conditions = append([]string(nil), undecided...)
	}
	steps := []*Step{step}
	s.steps = append(s.steps, cachedStep{key: k, steps: steps})
	return steps
}

// stmtRef is an identity statement as it applies to one principal: directly, or through
// one of a user's groups.
type stmtRef struct {
	s     *stmt
	group string
}

// secretRec is one secret being analysed.
type secretRec struct {
	id   int32
	s    *inventory.Secret
	acct *account
	key  *keyRec
	// implicitKey: the AWS-managed aws/secretsmanager key, not in the inventory, whose
	// policy AWS fixes: any principal of the account, through Secrets Manager.
	implicitKey bool
	// missingKey: a key the inventory does not hold.
	missingKey bool
	policy     []*stmt
	// pseudo are the principals outside the inventory the resource policy names.
	pseudo  []*actor
	target  *Target
	readers []Reader
}

// keyRec is one KMS key being analysed.
type keyRec struct {
	id     int32
	k      *inventory.Key
	acct   *account
	policy []*stmt
	grants []*grantRec
	// star: the key policy lets "*" (or everyone but some) decrypt.
	star    bool
	pseudo  []*actor
	secrets []string
	trails  []string

	target     *Target
	decryptors []Reader
	// excluded lists the accounts whose principals the key view enumerates, so that
	// "anyone" stands for the others.
	excluded map[string]bool
	// contextSensitive: the policy or a grant depends on the encryption context.
	contextSensitive bool
}

type grantRec struct {
	g     *inventory.Grant
	steps []*Step
}

// actor is a principal: an IAM user or role of the inventory, or a principal named in a
// resource or key policy that the inventory does not hold (an external account, "*", a
// service).
type actor struct {
	ident                              *Identity
	arn, kind, account, name, uniqueID string
	tags                               inventory.Tags
	inInventory                        bool
	acct                               *account // nil outside the inventory's accounts

	read, decrypt []stmtRef
	// boundaryRead and boundaryDecrypt are the permissions boundary's statements.
	boundaryRead, boundaryDecrypt []stmtRef
	hasBoundary                   bool
	boundaryMissing               string
	missing                       []string

	// assumed is the identity verdict of a principal outside the inventory, by layer.
	assumed map[string]verdict

	// contextSensitive: a decrypt statement depends on the encryption context.
	contextSensitive bool

	// secretCount and keyCount size the principal's access lists.
	secretCount, keyCount int
}

// identity returns the actor's shared Identity, made on first use.
func (a *actor) identity() *Identity {
	if a.ident == nil {
		a.ident = &Identity{Principal: a.arn, Kind: a.kind, Account: a.account, Name: a.name, Tags: a.tags, InInventory: a.inInventory}
	}
	return a.ident
}

func (a *actor) reader(v verdict, resourceAccount string) Reader {
	r := Reader{
		Identity:     a.identity(),
		CrossAccount: a.account != resourceAccount,
		Definite:     v.state == triYes,
		Via:          v.steps,
	}
	if v.state == triMaybe {
		r.Conditions, r.Unknowns = v.conds, v.unknowns
	}
	if r.Via == nil {
		r.Via = []*Step{}
	}
	return r
}

// access turns a reader of target into the principal's view of it.
func access(target *Target, r *Reader) Access {
	return Access{Target: target, Definite: r.Definite, Conditions: r.Conditions, Unknowns: r.Unknowns, Via: r.Via}
}

// match is how a resource or key policy statement's principal names an actor.
type match uint8

const (
	matchNone match = iota
	// matchDirect: by ARN, unique id or "*": the policy alone grants.
	matchDirect
	// matchAccount: by the actor's account (root ARN or account id): the account's IAM
	// policies decide.
	matchAccount
)

// isAccountRef reports whether v (an AWS principal value) names the account: its id or
// its root user's ARN.
func isAccountRef(v, acct string) bool {
	if acct == "" {
		return false
	}
	if v == acct {
		return true
	}
	return strings.HasPrefix(v, "arn:") && strings.HasSuffix(v, ":iam::"+acct+":root")
}

func principalMatch(p, np *inventory.Principal, a *actor) match {
	switch {
	case p != nil:
		if p.All {
			return matchDirect
		}
		if a.kind == KindService {
			for _, s := range p.Service {
				if s == a.arn {
					return matchDirect
				}
			}
			return matchNone
		}
		for _, v := range p.AWS {
			if v == a.arn || (a.uniqueID != "" && v == a.uniqueID) {
				return matchDirect
			}
		}
		for _, v := range p.AWS {
			if isAccountRef(v, a.account) {
				if a.kind == KindAccount {
					return matchDirect
				}
				return matchAccount
			}
		}
		return matchNone
	case np != nil:
		// Everyone but the listed principals (and, for an account, all of its principals).
		if a.kind == KindAnyone {
			return matchDirect
		}
		for _, v := range np.AWS {
			if v == a.arn || (a.uniqueID != "" && v == a.uniqueID) || isAccountRef(v, a.account) {
				return matchNone
			}
		}
		for _, s := range np.Service {
			if s == a.arn {
				return matchNone
			}
		}
		return matchDirect
	}
	return matchNone
}

// kindOfARN guesses a principal's kind from its ARN.
func kindOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return KindOther
	}
	switch res := parts[5]; {
	case res == "root":
		return KindAccount
	case strings.HasPrefix(res, "user/"):
		return KindUser
	case strings.HasPrefix(res, "role/"):
		return KindRole
	}
	return KindOther
}

// nameOfARN is the last path element of an ARN's resource part.
func nameOfARN(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	if i := strings.LastIndexByte(arn, ':'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}
