package awsapi

import (
	"strings"
	"time"
)

type stsIdentity struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

func (s *Server) stsGetCallerIdentity(req *request) (any, *apiError) {
	return stsIdentity{Arn: req.id.arn, UserID: req.id.userID, Account: req.id.account}, nil
}

type stsCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type stsAssumeRole struct {
	Credentials     stsCredentials `xml:"Credentials"`
	AssumedRoleUser struct {
		Arn           string `xml:"Arn"`
		AssumedRoleID string `xml:"AssumedRoleId"`
	} `xml:"AssumedRoleUser"`
}

// stsAssumeRole lets any known caller assume a role that exists, provided it gives
// the external id the role's trust policy asks for.
func (s *Server) stsAssumeRole(req *request) (any, *apiError) {
	roleARN, session, extID := form(req, "RoleArn"), form(req, "RoleSessionName"), form(req, "ExternalId")
	if roleARN == "" || session == "" {
		return nil, errorf(400, "ValidationError", "RoleArn and RoleSessionName are required")
	}
	parts := strings.SplitN(roleARN, ":", 6)
	denied := func() (any, *apiError) {
		ae := accessDenied(req)
		ae.msg = "User: " + req.id.arn + " is not authorized to perform: sts:AssumeRole on resource: " + roleARN
		return nil, &ae
	}
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return nil, errorf(400, "ValidationError", "%q is not a role ARN", roleARN)
	}
	target := s.world.accounts[parts[4]]
	if target == nil {
		return denied()
	}
	name := parts[5][strings.LastIndexByte(parts[5], '/')+1:]
	role := target.roles[name]
	if role == nil || role.ARN != roleARN {
		return denied()
	}
	if ids := externalIDs(role.TrustPolicy); len(ids) > 0 && !contains(ids, extID) {
		return denied()
	}
	roleID := role.RoleID
	if roleID == "" {
		roleID = "AROA" + strings.ToUpper(randomHex(8))
	}
	arn := "arn:" + s.world.partition + ":sts::" + target.ID + ":assumed-role/" + name + "/" + session
	key, secret, token := s.newSession(identity{account: target.ID, arn: arn, userID: roleID + ":" + session})
	out := stsAssumeRole{Credentials: stsCredentials{
		AccessKeyID: key, SecretAccessKey: secret, SessionToken: token,
		Expiration: s.opts.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05Z"),
	}}
	out.AssumedRoleUser.Arn = arn
	out.AssumedRoleUser.AssumedRoleID = roleID + ":" + session
	return out, nil
}
