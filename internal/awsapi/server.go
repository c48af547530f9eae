// Package awsapi is a loopback HTTP emulator of the AWS wire protocols that custos
// collects through: JSON 1.1 with X-Amz-Target (Secrets Manager, KMS, CloudTrail,
// Organizations), Query with XML answers (IAM, STS), REST-JSON (Account) and S3's
// REST-XML. The real aws-sdk-go-v2 clients talk to it through BaseEndpoint or
// AWS_ENDPOINT_URL; the S3 client also needs UsePathStyle (s3://bucket/key is served
// as /bucket/key, never from a bucket host name).
//
// It serves a World seeded from inventory types, across accounts and regions, S3
// objects (ListObjectsV2, GetObject) and raw CloudTrail events (LookupEvents), with
// opaque pagination tokens, small configurable pages, injectable faults (throttling,
// server errors, AccessDenied, a disabled region, latency) and a count of every call.
// It refuses, and reports as a test failure, every operation that reads a secret value
// or decrypts: custos must never make one.
//
// The account of a request is the one its access key belongs to: the key id is read
// from the SigV4 Authorization header (signatures are not verified). Base keys are
// declared in World.Credentials; AssumeRole issues new keys bound to the role's account.
// The region and service of a request are read from the same header's credential scope.
package awsapi

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/custos-dev/custos/internal/inventory"
)

// TB is the part of testing.TB the emulator needs: a forbidden or unknown operation
// fails the test that started the emulator.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// Options tune an emulator.
type Options struct {
	// PageSize caps the items of every page of every list operation; 0 keeps the
	// maximum AWS allows for the operation.
	PageSize int
	// Latency is added to every call before it is answered.
	Latency time.Duration
	// Now is the emulator's clock (credential expiry); time.Now when nil.
	Now func() time.Time
}

// World is what the emulator serves.
type World struct {
	// Partition is "aws" when empty.
	Partition string
	// Organization, when set, makes every account of Accounts a member of it.
	Organization *Organization
	Accounts     []Account
	// Credentials are the base access keys the emulator accepts.
	Credentials []Credential
	// Regions is every region of the partition, enabled or not, as Account ListRegions
	// reports them; DefaultRegions and OptInRegions when empty.
	Regions []string
	// Buckets are the S3 objects served to any known caller, bucket -> key -> bytes,
	// returned by GetObject exactly as stored (a .json.gz stays gzip, with no
	// Content-Encoding). They must not change while the emulator runs.
	Buckets map[string]map[string][]byte
}

// Organization is an AWS organisation.
type Organization struct {
	ID                string
	ManagementAccount string
}

// Account is one account with everything it holds. Account.Regions lists the regions
// enabled for it (DefaultRegions when empty); a request to a regional service signed
// for another region is answered as AWS answers for a region that is not enabled.
type Account struct {
	inventory.Account
	Email string
	// Status is ACTIVE when empty; SUSPENDED and PENDING_CLOSURE are the others.
	Status string
	// CloudTrailEvents are the events LookupEvents serves, by region: each one raw
	// CloudTrail event JSON (one record of a log file), returned as CloudTrailEvent. An
	// event that is not such JSON fails the test that starts the emulator.
	CloudTrailEvents map[string][]string
}

// Credential is a base access key and the identity it authenticates.
type Credential struct {
	AccessKeyID string
	Account     string
	// ARN of the identity, e.g. arn:aws:iam::111111111111:user/auditor.
	ARN string
}

// DefaultRegions are the commercial regions enabled by default; opt-in regions are
// listed by OptInRegions.
func DefaultRegions() []string {
	return []string{"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
		"ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3",
		"sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"}
}

// OptInRegions are commercial regions an account must enable before use.
func OptInRegions() []string {
	return []string{"af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
		"ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1"}
}

// FaultKind is what an injected fault does.
type FaultKind int

// Fault kinds.
const (
	// Throttle answers with the service's throttling error.
	Throttle FaultKind = iota + 1
	// ServerError answers 500 InternalFailure.
	ServerError
	// Deny answers AccessDenied(Exception).
	Deny
	// RegionDisabled answers as AWS does in a region not enabled for the account.
	RegionDisabled
	// Delay answers normally after Fault.Delay.
	Delay
)

// Fault makes matching calls fail. Empty Service, Operation, Account, Region and
// Resource match any.
type Fault struct {
	Service   string
	Operation string
	Account   string
	Region    string
	// Resource, when set, limits the fault to calls on resources whose name starts with
	// it. Only S3 calls name a resource: "<bucket>/<key>" for GetObject and
	// "<bucket>/<prefix>" for ListObjectsV2 (the listing's prefix), so a fault can deny
	// one object, every object under a folder, or the listing of a folder.
	Resource string
	Kind     FaultKind
	// Times is how many matching calls the fault hits; 0 means every one.
	Times int
	// Delay is the latency of a Delay fault.
	Delay time.Duration
}

// Call identifies calls for counting. Empty fields match any.
type Call struct {
	Account   string
	Region    string
	Service   string
	Operation string
	// Resource is the S3 resource of the call (see Fault.Resource); empty for other services.
	Resource string
}

// Server is a running emulator.
type Server struct {
	// URL is the endpoint to give the SDK (BaseEndpoint or AWS_ENDPOINT_URL).
	URL string

	tb    TB
	http  *httptest.Server
	opts  Options
	world *world

	routes map[string]handler

	mu       sync.Mutex
	faults   []*faultState
	calls    map[Call]int
	sessions map[string]identity
}

type faultState struct {
	Fault
	hits int
}

// identity is who a key authenticates.
type identity struct {
	account string
	arn     string
	userID  string
}

// New starts an emulator of world; it stops when the test ends.
func New(tb TB, w World, opts Options) *Server {
	tb.Helper()
	if opts.Now == nil {
		opts.Now = time.Now
	}
	world, problems := index(w, opts.Now())
	for _, p := range problems {
		tb.Errorf("awsapi: %v", p)
	}
	s := &Server{
		tb:       tb,
		opts:     opts,
		world:    world,
		calls:    map[Call]int{},
		sessions: map[string]identity{},
	}
	s.routes = s.handlers()
	for _, c := range w.Credentials {
		s.sessions[c.AccessKeyID] = identity{account: c.Account, arn: c.ARN, userID: "AIDA" + strings.ToUpper(c.AccessKeyID[4:])}
	}
	s.http = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.http.URL
	tb.Cleanup(s.http.Close)
	return s
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Calls counts the calls received that match c (empty fields match any), including
// those answered with an error.
func (s *Server) Calls(c Call) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, v := range s.calls {
		if c.matches(k) {
			n += v
		}
	}
	return n
}

// Resources lists the distinct resources of the calls that match c (empty fields match
// any), sorted: the S3 keys read or the prefixes listed.
func (s *Server) Resources(c Call) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for k := range s.calls {
		if k.Resource != "" && c.matches(k) {
			seen[k.Resource] = true
		}
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

func (c Call) matches(k Call) bool {
	return match(c.Account, k.Account) && match(c.Region, k.Region) && match(c.Service, k.Service) &&
		match(c.Operation, k.Operation) && match(c.Resource, k.Resource)
}

// Operations lists "service:Operation" for every operation called at least once, sorted.
func (s *Server) Operations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for k := range s.calls {
		seen[k.Service+":"+k.Operation] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ResetCalls forgets every counted call.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[Call]int{}
}

func match(want, got string) bool { return want == "" || want == got }

// forbidden reports whether an operation reads a secret value or decrypts.
func forbidden(service, op string) bool {
	switch service {
	case "secretsmanager":
		return op == "GetSecretValue" || op == "BatchGetSecretValue"
	case "kms":
		return op == "Decrypt" || strings.HasPrefix(op, "GenerateDataKey") || strings.HasPrefix(op, "ReEncrypt") ||
			op == "DeriveSharedSecret" || op == "Decapsulate"
	}
	return false
}

// request is one parsed call.
type request struct {
	service, op, region string
	// bucket, key and resource are those of an S3 call (see Fault.Resource).
	bucket, key, resource string
	accessKey             string
	id                    identity
	acct                  *accountData
	body                  []byte
	r                     *http.Request
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := &request{body: body, r: r}
	req.accessKey, req.region, req.service = parseAuth(r.Header.Get("Authorization"))
	proto := protocolOf(req.service)
	if req.service == "" || proto == nil {
		s.tb.Errorf("awsapi: request without a SigV4 credential scope of a known service: %s %s (Authorization %q)", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		http.Error(w, "missing or unknown credential scope", http.StatusForbidden)
		return
	}
	req.op, err = proto.operation(req)
	if err != nil {
		proto.writeError(w, req, apiError{status: 400, code: "InvalidAction", msg: err.Error()})
		return
	}

	s.count(req)
	if forbidden(req.service, req.op) {
		s.tb.Errorf("awsapi: custos called %s:%s, which reads a secret value or decrypts", req.service, req.op)
		proto.writeError(w, req, apiError{status: 500, code: "InternalFailure", msg: "custos must never call " + req.op})
		return
	}

	id, known := s.identity(req.accessKey)
	req.id = id
	if known {
		req.acct = s.world.accounts[id.account]
	}
	delay, fault := s.fault(req)
	if d := s.opts.Latency + delay; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if fault != 0 {
		proto.writeError(w, req, faultError(req, fault))
		return
	}
	if !known || req.acct == nil {
		proto.writeError(w, req, invalidToken(req))
		return
	}
	if regional(req.service) && !req.acct.enabled(req.region) {
		proto.writeError(w, req, invalidToken(req))
		return
	}
	handler := s.routes[req.service+":"+req.op]
	if handler == nil {
		s.tb.Errorf("awsapi: operation %s:%s is not emulated", req.service, req.op)
		proto.writeError(w, req, apiError{status: 400, code: "UnknownOperationException", msg: req.op + " is not emulated"})
		return
	}
	out, aerr := handler(req)
	if aerr != nil {
		proto.writeError(w, req, *aerr)
		return
	}
	proto.write(w, req, out)
}

func (s *Server) count(req *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	acct := ""
	if id, ok := s.sessions[req.accessKey]; ok {
		acct = id.account
	}
	s.calls[Call{Account: acct, Region: req.region, Service: req.service, Operation: req.op, Resource: req.resource}]++
}

func (s *Server) identity(key string) (identity, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.sessions[key]
	return id, ok
}

// fault returns the extra delay and the error kind of the first matching fault.
func (s *Server) fault(req *request) (time.Duration, FaultKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var delay time.Duration
	for _, f := range s.faults {
		if !match(f.Service, req.service) || !match(f.Operation, req.op) || !match(f.Account, req.id.account) || !match(f.Region, req.region) {
			continue
		}
		if f.Resource != "" && (req.resource == "" || !strings.HasPrefix(req.resource, f.Resource)) {
			continue
		}
		if f.Times > 0 && f.hits >= f.Times {
			continue
		}
		f.hits++
		if f.Kind == Delay {
			delay += f.Delay
			continue
		}
		return delay, f.Kind
	}
	return delay, 0
}

// newSession issues temporary credentials for an assumed role.
func (s *Server) newSession(id identity) (keyID, secret, token string) {
	keyID = "ASIA" + strings.ToUpper(randomHex(8))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[keyID] = id
	return keyID, randomHex(20), randomHex(32)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("awsapi: crypto/rand: %v", err))
	}
	return hex.EncodeToString(b)
}

// parseAuth reads the access key id, region and service of a SigV4 Authorization header.
func parseAuth(h string) (key, region, service string) {
	_, rest, ok := strings.Cut(h, "Credential=")
	if !ok {
		return "", "", ""
	}
	scope, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(strings.TrimSpace(scope), "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return "", "", ""
	}
	return parts[0], parts[2], parts[3]
}

// regional reports whether a service answers per region (and so refuses disabled ones).
func regional(service string) bool {
	switch service {
	case "secretsmanager", "kms", "cloudtrail", "sts":
		return true
	}
	return false
}

// apiError is an error answer.
type apiError struct {
	status int
	code   string
	msg    string
}

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

func faultError(req *request, k FaultKind) apiError {
	switch k {
	case Throttle:
		switch req.service {
		case "iam", "sts":
			return apiError{400, "Throttling", "Rate exceeded"}
		case "organizations", "account":
			return apiError{429, "TooManyRequestsException", "AWS Organizations can't complete your request because another request is already in progress"}
		case "s3":
			return apiError{503, "SlowDown", "Please reduce your request rate."}
		}
		return apiError{400, "ThrottlingException", "Rate exceeded"}
	case Deny:
		return accessDenied(req)
	case RegionDisabled:
		return invalidToken(req)
	}
	if req.service == "s3" {
		return apiError{500, "InternalError", "We encountered an internal error. Please try again."}
	}
	return apiError{500, "InternalFailure", "We encountered an internal error. Please try again."}
}

func accessDenied(req *request) apiError {
	if req.service == "s3" {
		return apiError{403, "AccessDenied", "Access Denied"}
	}
	who := req.id.arn
	if who == "" {
		who = "arn:aws:iam::000000000000:user/unknown"
	}
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s:%s because no identity-based policy allows the %s:%s action", who, req.service, req.op, req.service, req.op)
	if req.service == "iam" || req.service == "sts" {
		return apiError{403, "AccessDenied", msg}
	}
	return apiError{400, "AccessDeniedException", msg}
}

func invalidToken(req *request) apiError {
	if req.service == "s3" {
		return apiError{403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."}
	}
	if req.service == "iam" || req.service == "sts" {
		return apiError{403, "InvalidClientTokenId", "The security token included in the request is invalid."}
	}
	return apiError{400, "UnrecognizedClientException", "The security token included in the request is invalid."}
}

// handlers maps "service:Operation" to its answer.
func (s *Server) handlers() map[string]handler {
	return map[string]handler{
		"sts:GetCallerIdentity":              s.stsGetCallerIdentity,
		"sts:AssumeRole":                     s.stsAssumeRole,
		"organizations:DescribeOrganization": s.orgDescribeOrganization,
		"organizations:ListAccounts":         s.orgListAccounts,
		"account:ListRegions":                s.accountListRegions,
		"secretsmanager:ListSecrets":         s.smListSecrets,
		"secretsmanager:GetResourcePolicy":   s.smGetResourcePolicy,
		"secretsmanager:DescribeSecret":      s.smDescribeSecret,
		"kms:ListKeys":                       s.kmsListKeys,
		"kms:DescribeKey":                    s.kmsDescribeKey,
		"kms:GetKeyPolicy":                   s.kmsGetKeyPolicy,
		"kms:GetKeyRotationStatus":           s.kmsGetKeyRotationStatus,
		"kms:ListResourceTags":               s.kmsListResourceTags,
		"kms:ListAliases":                    s.kmsListAliases,
		"kms:ListGrants":                     s.kmsListGrants,
		"iam:GetAccountAuthorizationDetails": s.iamGetAccountAuthorizationDetails,
		"iam:ListUsers":                      s.iamListUsers,
		"iam:ListRoles":                      s.iamListRoles,
		"iam:ListAccessKeys":                 s.iamListAccessKeys,
		"iam:GetAccessKeyLastUsed":           s.iamGetAccessKeyLastUsed,
		"iam:GetAccountSummary":              s.iamGetAccountSummary,
		"cloudtrail:DescribeTrails":          s.ctDescribeTrails,
		"cloudtrail:GetTrailStatus":          s.ctGetTrailStatus,
		"cloudtrail:GetEventSelectors":       s.ctGetEventSelectors,
		"cloudtrail:ListTags":                s.ctListTags,
		"cloudtrail:LookupEvents":            s.ctLookupEvents,
		"s3:ListObjectsV2":                   s.s3ListObjectsV2,
		"s3:GetObject":                       s.s3GetObject,
	}
}
