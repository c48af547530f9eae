package awsapi

import (
	"sort"
	"strings"

	"github.com/custos-dev/custos/internal/inventory"
)

// kmsKey finds a key of the request's region by id, key ARN, alias name or alias ARN.
func (s *Server) kmsKey(req *request, id string) (*inventory.Key, *apiError) {
	if id == "" {
		return nil, errorf(400, "ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	}
	for _, k := range req.acct.keys[req.region] {
		if k.KeyID == id || k.ARN == id {
			return k, nil
		}
		for _, a := range k.Aliases {
			if a == id || s.aliasARN(req, a) == id {
				return k, nil
			}
		}
	}
	return nil, errorf(400, "NotFoundException", "Key '%s' does not exist", id)
}

func (s *Server) aliasARN(req *request, alias string) string {
	return "arn:" + s.world.partition + ":kms:" + req.region + ":" + req.acct.ID + ":" + alias
}

type kmsPage struct {
	Limit  int
	Marker string
	KeyId  string
}

func pageOut(out map[string]any, next string) map[string]any {
	out["Truncated"] = next != ""
	if next != "" {
		out["NextMarker"] = next
	}
	return out
}

func (s *Server) kmsListKeys(req *request) (any, *apiError) {
	var in kmsPage
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	keys := req.acct.keys[req.region]
	start, end, next, e := s.page(req, "keys", len(keys), in.Limit, 1000, in.Marker)
	if e != nil {
		return nil, e
	}
	list := make([]map[string]string, 0, end-start)
	for _, k := range keys[start:end] {
		list = append(list, map[string]string{"KeyId": k.KeyID, "KeyArn": k.ARN})
	}
	return pageOut(map[string]any{"Keys": list}, next), nil
}

func (s *Server) kmsDescribeKey(req *request) (any, *apiError) {
	var in struct {
		KeyId       string
		GrantTokens []string
	}
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	k, e := s.kmsKey(req, in.KeyId)
	if e != nil {
		return nil, e
	}
	md := map[string]any{
		"AWSAccountId": req.acct.ID,
		"KeyId":        k.KeyID,
		"Arn":          k.ARN,
		"Enabled":      k.Enabled,
		"KeyUsage":     k.KeyUsage,
		"KeyState":     k.KeyState,
		"Origin":       k.Origin,
		"KeyManager":   k.KeyManager,
		"KeySpec":      k.KeySpec,
		// The deprecated twin of KeySpec, still sent by AWS.
		"CustomerMasterKeySpec": k.KeySpec,
		"MultiRegion":           k.MultiRegion,
		"Description":           k.Description,
	}
	if k.CreationDate != nil {
		md["CreationDate"] = epochOf(k.CreationDate)
	}
	if k.DeletionDate != nil {
		md["DeletionDate"] = epochOf(k.DeletionDate)
		md["PendingDeletionWindowInDays"] = 30
	}
	if k.ValidTo != nil {
		md["ValidTo"] = epochOf(k.ValidTo)
		md["ExpirationModel"] = "KEY_MATERIAL_EXPIRES"
	}
	if k.KeySpec == "SYMMETRIC_DEFAULT" {
		md["EncryptionAlgorithms"] = []string{"SYMMETRIC_DEFAULT"}
	}
	return map[string]any{"KeyMetadata": md}, nil
}

func (s *Server) kmsGetKeyPolicy(req *request) (any, *apiError) {
	var in struct{ KeyId, PolicyName string }
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	k, e := s.kmsKey(req, in.KeyId)
	if e != nil {
		return nil, e
	}
	if in.PolicyName != "" && in.PolicyName != "default" {
		return nil, errorf(400, "NotFoundException", "No such policy exists: %s", in.PolicyName)
	}
	out := map[string]any{"PolicyName": "default"}
	if k.KeyPolicy != nil {
		out["Policy"] = PolicyJSON(*k.KeyPolicy)
	}
	return out, nil
}

// rotationSupported says whether AWS answers GetKeyRotationStatus for a key.
func rotationSupported(k *inventory.Key) bool {
	return k.KeySpec == "SYMMETRIC_DEFAULT" && k.Origin == "AWS_KMS"
}

func (s *Server) kmsGetKeyRotationStatus(req *request) (any, *apiError) {
	var in struct{ KeyId string }
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	k, e := s.kmsKey(req, in.KeyId)
	if e != nil {
		return nil, e
	}
	if !rotationSupported(k) {
		return nil, errorf(400, "UnsupportedOperationException", "%s key %s does not support automatic rotation", k.KeySpec, k.ARN)
	}
	if k.KeyState == "PendingImport" || k.KeyState == "Unavailable" {
		return nil, errorf(400, "KMSInvalidStateException", "%s is %s", k.ARN, k.KeyState)
	}
	out := map[string]any{"KeyId": k.ARN, "KeyRotationEnabled": k.RotationEnabled}
	if k.RotationPeriodDays > 0 {
		out["RotationPeriodInDays"] = k.RotationPeriodDays
	}
	if k.NextRotationDate != nil {
		out["NextRotationDate"] = epochOf(k.NextRotationDate)
	}
	return out, nil
}

func (s *Server) kmsListResourceTags(req *request) (any, *apiError) {
	var in kmsPage
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	k, e := s.kmsKey(req, in.KeyId)
	if e != nil {
		return nil, e
	}
	if k.KeyManager == "AWS" {
		// AWS-managed keys cannot be tagged; AWS refuses to list their tags.
		ae := accessDenied(req)
		ae.msg += " (" + k.ARN + " is an AWS managed key)"
		return nil, &ae
	}
	names := make([]string, 0, len(k.Tags))
	for n := range k.Tags {
		names = append(names, n)
	}
	sort.Strings(names)
	start, end, next, e := s.page(req, "tags/"+k.KeyID, len(names), in.Limit, 50, in.Marker)
	if e != nil {
		return nil, e
	}
	tags := make([]map[string]string, 0, end-start)
	for _, n := range names[start:end] {
		tags = append(tags, map[string]string{"TagKey": n, "TagValue": k.Tags[n]})
	}
	return pageOut(map[string]any{"Tags": tags}, next), nil
}

func (s *Server) kmsListAliases(req *request) (any, *apiError) {
	var in kmsPage
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	type alias struct{ name, key string }
	var all []alias
	for _, k := range req.acct.keys[req.region] {
		if in.KeyId != "" && in.KeyId != k.KeyID && in.KeyId != k.ARN {
			continue
		}
		for _, a := range k.Aliases {
			all = append(all, alias{a, k.KeyID})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	start, end, next, e := s.page(req, "aliases/"+in.KeyId, len(all), in.Limit, 100, in.Marker)
	if e != nil {
		return nil, e
	}
	list := make([]map[string]string, 0, end-start)
	for _, a := range all[start:end] {
		list = append(list, map[string]string{"AliasName": a.name, "AliasArn": s.aliasARN(req, a.name), "TargetKeyId": a.key})
	}
	return pageOut(map[string]any{"Aliases": list}, next), nil
}

func (s *Server) kmsListGrants(req *request) (any, *apiError) {
	var in struct {
		kmsPage
		GrantId          string
		GranteePrincipal string
	}
	if e := decode(req, &in); e != nil {
		return nil, e
	}
	k, e := s.kmsKey(req, in.KeyId)
	if e != nil {
		return nil, e
	}
	if strings.HasPrefix(in.KeyId, "alias/") {
		return nil, errorf(400, "InvalidArnException", "ListGrants does not take an alias")
	}
	start, end, next, e := s.page(req, "grants/"+k.KeyID, len(k.Grants), in.Limit, 100, in.Marker)
	if e != nil {
		return nil, e
	}
	list := make([]map[string]any, 0, end-start)
	for _, g := range k.Grants[start:end] {
		m := map[string]any{
			"KeyId":            k.ARN,
			"GrantId":          g.GrantID,
			"GranteePrincipal": g.GranteePrincipal,
			"Operations":       g.Operations,
		}
		if g.Name != "" {
			m["Name"] = g.Name
		}
		if g.RetiringPrincipal != "" {
			m["RetiringPrincipal"] = g.RetiringPrincipal
		}
		if g.IssuingAccount != "" {
			m["IssuingAccount"] = g.IssuingAccount
		}
		if g.CreationDate != nil {
			m["CreationDate"] = epochOf(g.CreationDate)
		}
		if c := g.Constraints; c != nil {
			cm := map[string]any{}
			if c.EncryptionContextSubset != nil {
				cm["EncryptionContextSubset"] = c.EncryptionContextSubset
			}
			if c.EncryptionContextEquals != nil {
				cm["EncryptionContextEquals"] = c.EncryptionContextEquals
			}
			m["Constraints"] = cm
		}
		list = append(list, m)
	}
	return pageOut(map[string]any{"Grants": list}, next), nil
}
