package access

import (
	"bytes"
	"errors"
	"strings"
	"time"

	"github.com/custos-dev/custos/internal/inventory"
	"github.com/valyala/fastjson"
)

// Event is one CloudTrail event in the one shape custos gives every userIdentity variant.
// Only what the review needs is kept: request parameters are read for the few fields a
// detection looks at, never copied wholesale, and response elements are read only for
// whitelisted identifiers.
type Event struct {
	ID string
	// Time is the eventTime in Unix seconds.
	Time int64
	// Source is the eventSource, e.g. secretsmanager.amazonaws.com.
	Source string
	Name   string
	Region string
	// Account is the recipientAccountId: the account whose trail holds the event.
	Account   string
	Principal Principal
	SourceIP  string
	UserAgent string
	// Via is the AWS service that made the call on the principal's behalf: invokedBy, or a
	// sourceIPAddress that is a service name or "AWS Internal". Empty when the principal
	// called directly.
	Via           string
	VPCEndpointID string
	ErrorCode     string
	ReadOnly      bool
	Kind          Kind
	// Target is the secret, key, parameter, trail or user the event acts on, normalised
	// (secret ARNs without their random suffix; key ARNs; alias ARNs).
	Target string
	// Targets are further targets (BatchGetSecretValue's list, GetParameters' names).
	Targets []string
	// Detail holds the whitelisted request and response fields of a sensitive event.
	Detail map[string]any
	// Policy is the canonical form of a policy the event sets (PutKeyPolicy,
	// PutResourcePolicy); nil otherwise or when the document does not parse.
	Policy *inventory.Policy
	// PolicyError says why a set policy could not be read.
	PolicyError string
}

// Principal is who made a call, whatever the userIdentity variant.
type Principal struct {
	// Key identifies the principal across events: the IAM user, role (session issuer),
	// root or federated user ARN; "service:<name>" for AWS services; for roles of IAM
	// Identity Center (AWSReservedSSO_*) the assumed-role ARN, which names the person.
	Key string `json:"key"`
	// Type is the userIdentity type: IAMUser, AssumedRole, Root, AWSService,
	// FederatedUser, IdentityCenterUser, AWSAccount, SAMLUser, WebIdentityUser or Unknown.
	Type    string `json:"type"`
	Account string `json:"account,omitempty"`
	// Name is the user, role or service name.
	Name string `json:"name,omitempty"`
	// ARN is the identity ARN as logged (for roles, the session ARN).
	ARN         string `json:"arn,omitempty"`
	Session     string `json:"session,omitempty"`
	AccessKeyID string `json:"access_key_id,omitempty"`
	MFA         bool   `json:"mfa,omitempty"`
	// InstanceID is the EC2 instance whose role credentials made the call.
	InstanceID string `json:"instance_id,omitempty"`
	// ServiceLinked is true for service-linked roles (AWSServiceRoleFor…).
	ServiceLinked bool `json:"service_linked,omitempty"`
}

// Kind is what an event means for the review.
type Kind uint8

// Event kinds.
const (
	KindOther Kind = iota
	// KindSecretRead is a GetSecretValue.
	KindSecretRead
	// KindSecretList is a ListSecrets.
	KindSecretList
	// KindSecretBatch is a BatchGetSecretValue.
	KindSecretBatch
	// KindKMSUse is a Decrypt, ReEncrypt or GenerateDataKey* call.
	KindKMSUse
	// KindSSMDecrypt is a Parameter Store read with WithDecryption.
	KindSSMDecrypt
)

// access reports whether the event reads a secret or uses a key.
func (k Kind) access() bool { return k != KindOther }

func (k Kind) String() string {
	return [...]string{"other", "secret_read", "secret_list", "secret_batch", "kms_use", "ssm_decrypt"}[k]
}

const (
	srcSecrets    = "secretsmanager.amazonaws.com"
	srcKMS        = "kms.amazonaws.com"
	srcSSM        = "ssm.amazonaws.com"
	srcCloudTrail = "cloudtrail.amazonaws.com"
	srcIAM        = "iam.amazonaws.com"
	awsInternal   = "AWS Internal"
)

// sensitive lists the events single-event rules see, with the request fields kept.
// Response fields are never kept except responseKeys.
var sensitiveRequest = map[string]map[string][]string{
	srcKMS: {
		"DisableKey":                {"keyId"},
		"ScheduleKeyDeletion":       {"keyId", "pendingWindowInDays"},
		"DeleteImportedKeyMaterial": {"keyId"},
		"PutKeyPolicy":              {"keyId", "policyName", "bypassPolicyLockoutSafetyCheck"},
		"CreateGrant":               {"keyId", "granteePrincipal", "retiringPrincipal", "operations"},
		"DisableKeyRotation":        {"keyId"},
	},
	srcSecrets: {
		"PutResourcePolicy":        {"secretId", "blockPublicPolicy"},
		"DeleteResourcePolicy":     {"secretId"},
		"DeleteSecret":             {"secretId", "forceDeleteWithoutRecovery", "recoveryWindowInDays"},
		"CancelRotateSecret":       {"secretId"},
		"ReplicateSecretToRegions": {"secretId", "addReplicaRegions"},
		"CreateSecret":             {"name", "kmsKeyId", "addReplicaRegions"},
		"UpdateSecret":             {"secretId", "kmsKeyId"},
		"BatchGetSecretValue":      {"filters"},
	},
	srcCloudTrail: {
		"StopLogging":                 {"name"},
		"DeleteTrail":                 {"name"},
		"PutEventSelectors":           {"trailName", "eventSelectors", "advancedEventSelectors"},
		"UpdateTrail":                 {"name", "isMultiRegionTrail", "includeGlobalServiceEvents"},
		"DeleteEventDataStore":        {"eventDataStore"},
		"StopEventDataStoreIngestion": {"eventDataStore"},
	},
	srcIAM: {
		"CreateAccessKey": {"userName"},
	},
}

// ReadOnly field names are kept as they are in CloudTrail (camelCase) inside Detail.request.
var sensitiveResponse = map[string][]string{
	"CreateAccessKey": {"accessKey.accessKeyId", "accessKey.userName"},
}

var deniedCodes = map[string]bool{
	"AccessDenied":                       true,
	"AccessDeniedException":              true,
	"UnauthorizedOperation":              true,
	"Client.UnauthorizedOperation":       true,
	"KMSAccessDeniedException":           true,
	"UnrecognizedClientException":        true,
	"InvalidClientTokenId":               true,
	"AccessDeniedForDependencyException": true,
}

// denied reports whether the event failed for lack of permission on secrets, keys or
// parameters.
func (e *Event) denied() bool {
	return e.ErrorCode != "" && deniedCodes[e.ErrorCode] && (e.Source == srcSecrets || e.Source == srcKMS || e.Source == srcSSM)
}

// sensitive reports whether single-event rules judge this event.
func (e *Event) sensitive() bool {
	return e.Detail != nil
}

// interner shares equal strings: a value seen before costs a map lookup, not an
// allocation. One per field keeps each map small.
type interner map[string]string

func (in interner) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(in) >= 100_000 {
		clear(in)
	}
	in[s] = s
	return s
}

// normaliser turns parsed records into Events. It is owned by one goroutine.
type normaliser struct {
	small, ips, agents, targets interner
	// principals caches normalised identities (see principal).
	principals map[string]*Principal
	keyBuf     []byte
}

func newNormaliser() *normaliser {
	return &normaliser{
		small: interner{}, ips: interner{}, agents: interner{}, targets: interner{},
		principals: map[string]*Principal{},
	}
}

// intern shares strings of the low-cardinality fields.
func (n *normaliser) intern(b []byte) string { return n.small.get(b) }

var errNoEvent = errors.New("not a CloudTrail event (no eventTime)")

// event normalises one parsed CloudTrail record.
func (n *normaliser) event(v *fastjson.Value) (Event, error) {
	var e Event
	obj, err := v.Object()
	if err != nil {
		return e, errors.New("record is not a JSON object")
	}
	var ui, req, resp, resources *fastjson.Value
	var timeRaw []byte
	obj.Visit(func(key []byte, val *fastjson.Value) {
		switch string(key) {
		case "eventID":
			e.ID = string(val.GetStringBytes())
		case "eventTime":
			timeRaw = val.GetStringBytes()
		case "eventSource":
			e.Source = n.intern(val.GetStringBytes())
		case "eventName":
			e.Name = n.intern(val.GetStringBytes())
		case "awsRegion":
			e.Region = n.intern(val.GetStringBytes())
		case "recipientAccountId":
			e.Account = n.intern(val.GetStringBytes())
		case "sourceIPAddress":
			e.SourceIP = n.ips.get(val.GetStringBytes())
		case "userAgent":
			e.UserAgent = n.agents.get(val.GetStringBytes())
		case "errorCode":
			e.ErrorCode = n.intern(val.GetStringBytes())
		case "readOnly":
			e.ReadOnly = val.GetBool()
		case "vpcEndpointId":
			e.VPCEndpointID = n.intern(val.GetStringBytes())
		case "userIdentity":
			ui = val
		case "requestParameters":
			req = val
		case "responseElements":
			resp = val
		case "resources":
			resources = val
		}
	})
	if len(timeRaw) == 0 {
		return e, errNoEvent
	}
	if e.Time, err = parseTime(timeRaw); err != nil {
		return e, err
	}
	if e.ID == "" {
		return e, errors.New("event has no eventID")
	}
	n.principal(&e, ui)
	n.via(&e, ui)
	n.classify(&e, req, resources)
	if names := sensitiveRequest[e.Source][e.Name]; names != nil {
		e.Detail = map[string]any{"request": pick(req, names)}
		if keys := sensitiveResponse[e.Name]; keys != nil {
			e.Detail["response"] = pickPaths(resp, keys)
		}
		n.sensitiveExtras(&e, req)
	}
	return e, nil
}

// parseTime reads CloudTrail's 2006-01-02T15:04:05Z quickly, anything RFC 3339 otherwise.
func parseTime(b []byte) (int64, error) {
	if len(b) == 20 && b[4] == '-' && b[7] == '-' && b[10] == 'T' && b[13] == ':' && b[16] == ':' && b[19] == 'Z' {
		num := func(i, n int) (int, bool) {
			v := 0
			for _, c := range b[i : i+n] {
				if c < '0' || c > '9' {
					return 0, false
				}
				v = v*10 + int(c-'0')
			}
			return v, true
		}
		y, ok1 := num(0, 4)
		mo, ok2 := num(5, 2)
		d, ok3 := num(8, 2)
		h, ok4 := num(11, 2)
		mi, ok5 := num(14, 2)
		s, ok6 := num(17, 2)
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 61 {
			return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC).Unix(), nil
		}
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return 0, errors.New("eventTime " + strconvQuote(b) + " is not an RFC 3339 time")
	}
	return t.Unix(), nil
}

func strconvQuote(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return "\"" + strings.ToValidUTF8(string(b), "?") + "\""
}

// principal fills e.Principal from userIdentity. Calls of one session (one access
// key) share an identity, so the normalised principal is cached by access key, ARN,
// invokedBy and account; identities without an access key are built every time.
func (n *normaliser) principal(e *Event, ui *fastjson.Value) {
	key := ui.GetStringBytes("accessKeyId")
	if len(key) == 0 {
		n.buildPrincipal(e, ui)
		return
	}
	buf := append(n.keyBuf[:0], key...)
	buf = append(append(buf, 0), ui.GetStringBytes("arn")...)
	buf = append(append(buf, 0), ui.GetStringBytes("invokedBy")...)
	buf = append(append(buf, 0), e.Account...)
	n.keyBuf = buf
	if p, ok := n.principals[string(buf)]; ok {
		e.Principal = *p
		return
	}
	n.buildPrincipal(e, ui)
	if len(n.principals) >= 100_000 {
		clear(n.principals)
	}
	p := e.Principal
	n.principals[string(buf)] = &p
}

func (n *normaliser) buildPrincipal(e *Event, ui *fastjson.Value) {
	p := &e.Principal
	if ui == nil {
		p.Type, p.Key = "Unknown", "unknown:"+e.Account
		return
	}
	p.Type = n.intern(ui.GetStringBytes("type"))
	p.Account = n.intern(ui.GetStringBytes("accountId"))
	p.ARN = n.targets.get(ui.GetStringBytes("arn"))
	p.AccessKeyID = n.targets.get(ui.GetStringBytes("accessKeyId"))
	principalID := ui.GetStringBytes("principalId")
	userName := ui.GetStringBytes("userName")
	if sc := ui.Get("sessionContext"); sc != nil {
		p.MFA = string(sc.GetStringBytes("attributes", "mfaAuthenticated")) == "true"
		if sc.Exists("ec2RoleDelivery") {
			p.InstanceID = "ec2"
		}
	}
	if p.Account == "" {
		p.Account = e.Account
	}
	if p.Type == "" && len(ui.GetStringBytes("invokedBy")) > 0 {
		// AWS service events (RotationStarted, …) carry only accountId and invokedBy.
		p.Type = "AWSService"
	}
	switch p.Type {
	case "IAMUser":
		p.Name = n.intern(userName)
		p.Key = p.ARN
	case "Root":
		p.Name = "root"
		p.Key = p.ARN
		if p.Key == "" {
			p.Key = "arn:" + partitionOf(e.Region) + ":iam::" + p.Account + ":root"
		}
	case "AssumedRole":
		issuer := ui.Get("sessionContext", "sessionIssuer")
		roleARN := n.targets.get(issuer.GetStringBytes("arn"))
		p.Name = n.intern(issuer.GetStringBytes("userName"))
		if i := strings.LastIndexByte(p.ARN, '/'); i >= 0 {
			p.Session = p.ARN[i+1:]
		}
		if p.InstanceID != "" || isInstanceID(p.Session) {
			p.InstanceID = p.Session
		}
		p.ServiceLinked = strings.Contains(roleARN, ":role/aws-service-role/")
		switch {
		case strings.HasPrefix(p.Name, "AWSReservedSSO_") && p.ARN != "":
			p.Key, p.Name = p.ARN, p.Session
		case roleARN != "":
			p.Key = roleARN
		default:
			p.Key = p.ARN
		}
	case "FederatedUser":
		if i := strings.LastIndex(p.ARN, "federated-user/"); i >= 0 {
			p.Name = p.ARN[i+len("federated-user/"):]
		}
		p.Key = p.ARN
	case "AWSService":
		svc := n.intern(ui.GetStringBytes("invokedBy"))
		p.Name = svc
		p.Key = "service:" + svc
	case "AWSAccount":
		p.Key = "account:" + p.Account + ":" + string(principalID)
		p.Name = p.Account
	case "IdentityCenterUser":
		store := ui.GetStringBytes("onBehalfOf", "identityStoreArn")
		user := ui.GetStringBytes("onBehalfOf", "userId")
		p.Name = string(user)
		p.Key = "identitycenter:" + string(store) + "/" + string(user)
	case "SAMLUser", "WebIdentityUser":
		p.Name = n.intern(userName)
		p.Key = strings.ToLower(p.Type) + ":" + string(ui.GetStringBytes("identityProvider")) + ":" + string(userName)
	default:
		if p.Type == "" {
			p.Type = "Unknown"
		}
		p.Name = n.intern(userName)
		id := string(principalID)
		if id == "" {
			id = p.Name
		}
		p.Key = "unknown:" + p.Account + ":" + id
	}
	if p.Key == "" {
		p.Key = "unknown:" + p.Account + ":" + string(principalID)
	}
}

// isInstanceID recognises an EC2 instance id (the session name of instance-profile credentials).
func isInstanceID(s string) bool {
	if !strings.HasPrefix(s, "i-") || (len(s) != 10 && len(s) != 19) {
		return false
	}
	for _, c := range s[2:] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// via decides whether a service acted on the principal's behalf.
func (n *normaliser) via(e *Event, ui *fastjson.Value) {
	if ui != nil {
		if b := ui.GetStringBytes("invokedBy"); len(b) > 0 {
			e.Via = n.intern(b)
			return
		}
	}
	switch {
	case e.SourceIP == awsInternal:
		e.Via = awsInternal
	case strings.HasSuffix(e.SourceIP, ".amazonaws.com"):
		e.Via = e.SourceIP
	case e.Principal.Type == "AWSService":
		e.Via = e.Principal.Name
	}
}

// own reports whether the event counts as the principal's own action. Secrets Manager
// writes one GetSecretValue per secret of a BatchGetSecretValue; those are the caller's
// reads even when marked as made through Secrets Manager.
func (e *Event) own() bool {
	if e.Via == "" {
		return true
	}
	return e.Kind == KindSecretRead && e.Via == srcSecrets
}

// classify sets Kind and Target.
func (n *normaliser) classify(e *Event, req, resources *fastjson.Value) {
	switch e.Source {
	case srcSecrets:
		switch e.Name {
		case "GetSecretValue":
			e.Kind = KindSecretRead
		case "ListSecrets":
			e.Kind = KindSecretList
		case "BatchGetSecretValue":
			e.Kind = KindSecretBatch
			for _, id := range req.GetArray("secretIdList") {
				e.Targets = append(e.Targets, n.secretKey(id.GetStringBytes(), e))
			}
		}
		id := req.GetStringBytes("secretId")
		if len(id) == 0 {
			id = req.GetStringBytes("name")
		}
		if len(id) == 0 {
			id = resourceARN(resources, "AWS::SecretsManager::Secret")
		}
		if len(id) > 0 {
			e.Target = n.secretKey(id, e)
		}
	case srcKMS:
		switch e.Name {
		case "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext":
			e.Kind = KindKMSUse
		}
		if arn := resourceARN(resources, "AWS::KMS::Key"); len(arn) > 0 {
			e.Target = n.targets.get(arn)
		} else if id := req.GetStringBytes("keyId"); len(id) > 0 {
			e.Target = n.keyKey(id, e)
		}
	case srcSSM:
		switch e.Name {
		case "GetParameter", "GetParameters", "GetParametersByPath", "GetParameterHistory":
			if req.GetBool("withDecryption") {
				e.Kind = KindSSMDecrypt
			}
		}
		if name := req.GetStringBytes("name"); len(name) > 0 {
			e.Target = n.targets.get(name)
		} else if path := req.GetStringBytes("path"); len(path) > 0 {
			e.Target = n.targets.get(path)
		}
		for _, name := range req.GetArray("names") {
			e.Targets = append(e.Targets, n.targets.get(name.GetStringBytes()))
		}
		if e.Target == "" && len(e.Targets) > 0 {
			e.Target, e.Targets = e.Targets[0], e.Targets[1:]
		}
	case srcCloudTrail:
		name := req.GetStringBytes("name")
		if len(name) == 0 {
			name = req.GetStringBytes("trailName")
		}
		e.Target = n.targets.get(name)
	case srcIAM:
		e.Target = n.targets.get(req.GetStringBytes("userName"))
	}
}

func resourceARN(resources *fastjson.Value, typ string) []byte {
	for _, r := range resources.GetArray() {
		if string(r.GetStringBytes("type")) == typ {
			if arn := r.GetStringBytes("ARN"); len(arn) > 0 {
				return arn
			}
			return r.GetStringBytes("arn")
		}
	}
	return nil
}

// secretKey normalises a secret id (name, partial or full ARN) to the secret's ARN
// without the six random characters Secrets Manager appends. Results are cached by the
// id (and, for a bare name, region and account).
func (n *normaliser) secretKey(id []byte, e *Event) string {
	buf := append(n.keyBuf[:0], "s\x00"...)
	if !bytes.HasPrefix(id, []byte("arn:")) {
		buf = append(append(append(append(buf, e.Region...), 0), e.Account...), 0)
	}
	buf = append(buf, id...)
	n.keyBuf = buf
	if k, ok := n.targets[string(buf)]; ok {
		return k
	}
	var k string
	if bytes.HasPrefix(id, []byte("arn:")) {
		k = SecretKey(string(id), "", "")
	} else {
		k = SecretKey(string(id), e.Region, e.Account)
	}
	k = n.internString(k)
	n.targets[string(buf)] = k
	return k
}

// SecretKey is the canonical identity of a secret: its ARN without the random suffix.
// A bare name is placed in region and account.
func SecretKey(id, region, account string) string {
	if strings.HasPrefix(id, "arn:") {
		i := strings.Index(id, ":secret:")
		if i < 0 {
			return id
		}
		name := id[i+len(":secret:"):]
		if len(name) > 7 && name[len(name)-7] == '-' && alnum(name[len(name)-6:]) {
			name = name[:len(name)-7]
		}
		return id[:i] + ":secret:" + name
	}
	return "arn:" + partitionOf(region) + ":secretsmanager:" + region + ":" + account + ":secret:" + id
}

func alnum(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// keyKey normalises a KMS key id, key ARN, alias name or alias ARN to an ARN.
func (n *normaliser) keyKey(id []byte, e *Event) string {
	s := string(id)
	switch {
	case strings.HasPrefix(s, "arn:"):
		return n.internString(s)
	case strings.HasPrefix(s, "alias/"):
		return n.internString("arn:" + partitionOf(e.Region) + ":kms:" + e.Region + ":" + e.Account + ":" + s)
	default:
		return n.internString("arn:" + partitionOf(e.Region) + ":kms:" + e.Region + ":" + e.Account + ":key/" + s)
	}
}

func (n *normaliser) internString(s string) string {
	if v, ok := n.targets[s]; ok {
		return v
	}
	if len(n.targets) >= 100_000 {
		clear(n.targets)
	}
	n.targets[s] = s
	return s
}

func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// pick copies the named fields of a request (values as plain Go values).
func pick(v *fastjson.Value, names []string) map[string]any {
	out := map[string]any{}
	if v == nil || v.Type() != fastjson.TypeObject {
		return out
	}
	for _, name := range names {
		if f := v.Get(name); f != nil {
			out[name] = plain(f, 0)
		}
	}
	return out
}

// pickPaths copies dotted paths of a response (e.g. accessKey.accessKeyId) flattened.
func pickPaths(v *fastjson.Value, paths []string) map[string]any {
	out := map[string]any{}
	if v == nil || v.Type() != fastjson.TypeObject {
		return out
	}
	for _, p := range paths {
		f := v.Get(strings.Split(p, ".")...)
		if f != nil && f.Type() == fastjson.TypeString {
			out[p] = string(f.GetStringBytes())
		}
	}
	return out
}

// plain converts a fastjson value to a Go value, bounded in depth and size.
func plain(v *fastjson.Value, depth int) any {
	if depth > 8 {
		return nil
	}
	switch v.Type() {
	case fastjson.TypeString:
		return string(v.GetStringBytes())
	case fastjson.TypeNumber:
		return v.GetFloat64()
	case fastjson.TypeTrue:
		return true
	case fastjson.TypeFalse:
		return false
	case fastjson.TypeArray:
		arr := v.GetArray()
		if len(arr) > 100 {
			arr = arr[:100]
		}
		out := make([]any, 0, len(arr))
		for _, item := range arr {
			out = append(out, plain(item, depth+1))
		}
		return out
	case fastjson.TypeObject:
		out := map[string]any{}
		o, _ := v.Object()
		o.Visit(func(k []byte, item *fastjson.Value) {
			if len(out) < 100 {
				out[string(k)] = plain(item, depth+1)
			}
		})
		return out
	}
	return nil
}

// sensitiveExtras reads what a sensitive event's rules need beyond the kept request
// fields: the policy it sets, in canonical form, and the count of a batch's secrets.
func (n *normaliser) sensitiveExtras(e *Event, req *fastjson.Value) {
	var doc []byte
	switch e.Name {
	case "PutResourcePolicy":
		doc = req.GetStringBytes("resourcePolicy")
	case "PutKeyPolicy":
		doc = req.GetStringBytes("policy")
	case "BatchGetSecretValue":
		e.Detail["request"].(map[string]any)["secretIdCount"] = float64(len(e.Targets))
	}
	if len(doc) == 0 {
		return
	}
	pol, err := inventory.ParsePolicy(string(doc))
	if err != nil {
		e.PolicyError = err.Error()
		return
	}
	e.Policy = &pol
}
