// Package exposure computes effective access to secrets and keys from an inventory: for
// every secret, who can read its value (secretsmanager:GetSecretValue on the secret and
// kms:Decrypt on its key, as Secrets Manager calls it on the reader's behalf); for every
// principal, how many secrets it can read (its blast radius); for every key, what it
// protects and who can decrypt with it.
//
// The analysis reads identity policies (users with their groups, roles; inline and
// managed), permissions boundaries, secret resource policies, key policies and grants,
// with IAM's wildcard matching, explicit Deny winning, and the same-account and
// cross-account rules. Each access is definite or conditional: conditional when it rests
// on a condition custos cannot decide from the inventory (a source IP, MFA, a session
// tag) or on something the inventory does not hold (a key, a boundary policy). See
// docs/effective-access.md.
//
// Analyze never reads a secret value and never calls AWS: it works on the snapshot only.
package exposure

import (
	"sort"

	"github.com/custos-dev/custos/internal/inventory"
)

// Principal kinds.
const (
	KindUser    = "user"
	KindRole    = "role"
	KindAccount = "account" // an account root: every principal of the account its IAM allows
	KindAnyone  = "anyone"  // "*": any principal of an account outside the inventory
	KindService = "service" // an AWS service principal
	KindOther   = "principal"
)

// Result is the effective access of one snapshot. Every list is sorted by ARN.
type Result struct {
	Secrets    []SecretAccess    `json:"secrets"`
	Principals []PrincipalAccess `json:"principals"`
	Keys       []KeyAccess       `json:"keys"`

	secretIdx, principalIdx, keyIdx map[string]int
}

// SecretAccess is who can read one secret's value.
type SecretAccess struct {
	ARN     string         `json:"arn"`
	Name    string         `json:"name"`
	Account string         `json:"account"`
	Region  string         `json:"region"`
	Tags    inventory.Tags `json:"tags"`
	Key     KeyRef         `json:"key"`
	// PendingDeletion is true for a secret scheduled for deletion: reads fail until the
	// deletion is cancelled, but the readers below regain access when it is.
	PendingDeletion bool `json:"pending_deletion"`
	// Public is true when principals outside the inventory ("*") can read the secret.
	Public bool `json:"public"`
	// ExternalAccounts are the accounts other than the secret's own with a reader.
	ExternalAccounts   []string `json:"external_accounts"`
	ReaderCount        int      `json:"reader_count"`
	DefiniteReaders    int      `json:"definite_readers"`
	ConditionalReaders int      `json:"conditional_readers"`
	Readers            []Reader `json:"readers"`
}

// KeyRef is the key a secret is encrypted with.
type KeyRef struct {
	// Ref is the key as the secret names it (id, ARN, alias); empty for the AWS-managed
	// key aws/secretsmanager.
	Ref string `json:"ref"`
	// ARN is the resolved key's ARN; empty when the key is not in the inventory.
	ARN         string `json:"arn,omitempty"`
	InInventory bool   `json:"in_inventory"`
	AWSManaged  bool   `json:"aws_managed"`
	// State is the key's state (Enabled, Disabled, PendingDeletion…) when known. A key
	// that is not Enabled makes reads fail now; the readers regain access when it is.
	State string `json:"state,omitempty"`
}

// Identity is who a principal is. The readers of many resources share one.
type Identity struct {
	// Principal is the principal's ARN (a service's name for a service principal), or "*"
	// for anyone outside the inventory.
	Principal string `json:"principal"`
	// Kind is user, role, account, anyone, service or principal.
	Kind    string         `json:"kind"`
	Account string         `json:"account,omitempty"`
	Name    string         `json:"name,omitempty"`
	Tags    inventory.Tags `json:"tags,omitempty"`
	// InInventory is false for principals named in a policy but not in the snapshot.
	InInventory bool `json:"in_inventory"`
}

// Reader is one principal that can read a secret, or decrypt with a key.
type Reader struct {
	*Identity
	// CrossAccount is true when the principal is not in the resource's account.
	CrossAccount bool `json:"cross_account"`
	// Definite is true when nothing custos cannot decide stands in the way.
	Definite bool `json:"definite"`
	// Conditions are the condition keys (or policy variables) custos could not decide.
	Conditions []string `json:"conditions,omitempty"`
	// Unknowns are the facts missing from the inventory that the access depends on.
	Unknowns []string `json:"unknowns,omitempty"`
	// Via are the statements, grants and assumptions that make up the access path.
	Via []*Step `json:"via"`
}

// Step is one piece of evidence: a policy statement, a grant, or an assumption.
type Step struct {
	// Layer is "secret" (reading the secret) or "key" (decrypting its key).
	Layer string `json:"layer"`
	// Effect is Allow or Deny (a Deny appears only when it has undecided conditions).
	Effect string `json:"effect"`
	// Source is identity, boundary, resource_policy, key_policy, grant, aws_managed_key,
	// external_identity or service.
	Source string `json:"source"`
	// Policy names the document: a managed policy ARN, "inline:<name>", the secret or key
	// ARN for resource and key policies, the grant id for grants.
	Policy string `json:"policy,omitempty"`
	// Group is the group the policy comes from, for a user's group policies.
	Group string `json:"group,omitempty"`
	// Index is the statement's position in the policy, -1 for grants and assumptions.
	Index int    `json:"index"`
	Sid   string `json:"sid,omitempty"`
	// Conditions are this statement's condition keys custos could not decide.
	Conditions []string `json:"conditions,omitempty"`
	Note       string   `json:"note,omitempty"`
}

// PrincipalAccess is one principal's blast radius.
type PrincipalAccess struct {
	Identity
	// MissingPolicies are managed policies attached to the principal (or used as its
	// boundary) and groups it belongs to that the inventory does not hold: what they
	// allow is not counted.
	MissingPolicies    []string `json:"missing_policies,omitempty"`
	ReadableSecrets    int      `json:"readable_secrets"`
	DefiniteSecrets    int      `json:"definite_secrets"`
	ConditionalSecrets int      `json:"conditional_secrets"`
	Secrets            []Access `json:"secrets"`
	DecryptableKeys    int      `json:"decryptable_keys"`
	Keys               []Access `json:"keys"`
}

// Target names a secret or key. The accesses of many principals share one.
type Target struct {
	ARN     string `json:"arn"`
	Name    string `json:"name,omitempty"`
	Account string `json:"account"`
}

// Access is one secret a principal can read, or one key it can decrypt with.
type Access struct {
	*Target
	Definite   bool     `json:"definite"`
	Conditions []string `json:"conditions,omitempty"`
	Unknowns   []string `json:"unknowns,omitempty"`
	Via        []*Step  `json:"via"`
}

// KeyAccess is what one key protects and who can decrypt with it (any caller, any
// encryption context: a direct kms:Decrypt call).
type KeyAccess struct {
	ARN                   string   `json:"arn"`
	KeyID                 string   `json:"key_id"`
	Account               string   `json:"account"`
	Region                string   `json:"region"`
	Aliases               []string `json:"aliases,omitempty"`
	KeyManager            string   `json:"key_manager"`
	KeyState              string   `json:"key_state"`
	Secrets               []string `json:"secrets"`
	SecretCount           int      `json:"secret_count"`
	Trails                []string `json:"trails"`
	TrailCount            int      `json:"trail_count"`
	DecryptorCount        int      `json:"decryptor_count"`
	DefiniteDecryptors    int      `json:"definite_decryptors"`
	ConditionalDecryptors int      `json:"conditional_decryptors"`
	Decryptors            []Reader `json:"decryptors"`
}

// Secret returns the access to the secret with this ARN.
func (r *Result) Secret(arn string) (SecretAccess, bool) {
	i, ok := r.secretIdx[arn]
	if !ok {
		return SecretAccess{}, false
	}
	return r.Secrets[i], true
}

// Principal returns the blast radius of the principal with this ARN ("*" for anyone).
func (r *Result) Principal(arn string) (PrincipalAccess, bool) {
	i, ok := r.principalIdx[arn]
	if !ok {
		return PrincipalAccess{}, false
	}
	return r.Principals[i], true
}

// Key returns what the key with this ARN protects and who can decrypt with it.
func (r *Result) Key(arn string) (KeyAccess, bool) {
	i, ok := r.keyIdx[arn]
	if !ok {
		return KeyAccess{}, false
	}
	return r.Keys[i], true
}

func (r *Result) index() {
	r.secretIdx = make(map[string]int, len(r.Secrets))
	for i := range r.Secrets {
		r.secretIdx[r.Secrets[i].ARN] = i
	}
	r.principalIdx = make(map[string]int, len(r.Principals))
	for i := range r.Principals {
		r.principalIdx[r.Principals[i].Principal] = i
	}
	r.keyIdx = make(map[string]int, len(r.Keys))
	for i := range r.Keys {
		r.keyIdx[r.Keys[i].ARN] = i
	}
}

func sortReaders(rs []Reader) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Principal < rs[j].Principal })
}
