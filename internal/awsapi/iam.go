package awsapi

import (
	"sort"

	"github.com/custos-dev/custos/internal/inventory"
)

type iamTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type iamInline struct {
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type iamAttached struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type iamBoundary struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

type iamUserDetail struct {
	Path                    string        `xml:"Path,omitempty"`
	UserName                string        `xml:"UserName"`
	UserID                  string        `xml:"UserId,omitempty"`
	Arn                     string        `xml:"Arn"`
	CreateDate              string        `xml:"CreateDate,omitempty"`
	UserPolicyList          []iamInline   `xml:"UserPolicyList>member"`
	GroupList               []string      `xml:"GroupList>member"`
	AttachedManagedPolicies []iamAttached `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary     *iamBoundary  `xml:"PermissionsBoundary,omitempty"`
	Tags                    []iamTag      `xml:"Tags>member"`
}

type iamRoleLastUsed struct {
	LastUsedDate string `xml:"LastUsedDate,omitempty"`
	Region       string `xml:"Region,omitempty"`
}

type iamRoleDetail struct {
	Path                     string           `xml:"Path,omitempty"`
	RoleName                 string           `xml:"RoleName"`
	RoleID                   string           `xml:"RoleId,omitempty"`
	Arn                      string           `xml:"Arn"`
	CreateDate               string           `xml:"CreateDate,omitempty"`
	AssumeRolePolicyDocument string           `xml:"AssumeRolePolicyDocument,omitempty"`
	RolePolicyList           []iamInline      `xml:"RolePolicyList>member"`
	AttachedManagedPolicies  []iamAttached    `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary      *iamBoundary     `xml:"PermissionsBoundary,omitempty"`
	Tags                     []iamTag         `xml:"Tags>member"`
	RoleLastUsed             *iamRoleLastUsed `xml:"RoleLastUsed,omitempty"`
}

type iamGroupDetail struct {
	Path                    string        `xml:"Path,omitempty"`
	GroupName               string        `xml:"GroupName"`
	GroupID                 string        `xml:"GroupId,omitempty"`
	Arn                     string        `xml:"Arn"`
	CreateDate              string        `xml:"CreateDate,omitempty"`
	GroupPolicyList         []iamInline   `xml:"GroupPolicyList>member"`
	AttachedManagedPolicies []iamAttached `xml:"AttachedManagedPolicies>member"`
}

type iamPolicyVersion struct {
	Document         string `xml:"Document"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate,omitempty"`
}

type iamPolicyDetail struct {
	PolicyName                    string             `xml:"PolicyName"`
	PolicyID                      string             `xml:"PolicyId,omitempty"`
	Arn                           string             `xml:"Arn"`
	Path                          string             `xml:"Path,omitempty"`
	DefaultVersionID              string             `xml:"DefaultVersionId,omitempty"`
	AttachmentCount               int                `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int                `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool               `xml:"IsAttachable"`
	Description                   string             `xml:"Description,omitempty"`
	CreateDate                    string             `xml:"CreateDate,omitempty"`
	UpdateDate                    string             `xml:"UpdateDate,omitempty"`
	PolicyVersionList             []iamPolicyVersion `xml:"PolicyVersionList>member"`
}

type iamAuthDetails struct {
	UserDetailList  []iamUserDetail   `xml:"UserDetailList>member"`
	GroupDetailList []iamGroupDetail  `xml:"GroupDetailList>member"`
	RoleDetailList  []iamRoleDetail   `xml:"RoleDetailList>member"`
	Policies        []iamPolicyDetail `xml:"Policies>member"`
	IsTruncated     bool              `xml:"IsTruncated"`
	Marker          string            `xml:"Marker,omitempty"`
}

func iamTags(tags inventory.Tags) []iamTag {
	names := make([]string, 0, len(tags))
	for k := range tags {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]iamTag, 0, len(names))
	for _, k := range names {
		out = append(out, iamTag{Key: k, Value: tags[k]})
	}
	return out
}

func iamInlines(ps []inventory.InlinePolicy) []iamInline {
	out := make([]iamInline, 0, len(ps))
	for i := range ps {
		out = append(out, iamInline{PolicyName: ps[i].Name, PolicyDocument: urlPolicy(&ps[i].Document)})
	}
	return out
}

func iamAttachedList(ps []inventory.AttachedPolicy) []iamAttached {
	out := make([]iamAttached, 0, len(ps))
	for _, p := range ps {
		out = append(out, iamAttached{PolicyName: p.Name, PolicyArn: p.ARN})
	}
	return out
}

func iamBoundaryOf(arn string) *iamBoundary {
	if arn == "" {
		return nil
	}
	return &iamBoundary{PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: arn}
}

func (s *Server) iamGetAccountAuthorizationDetails(req *request) (any, *apiError) {
	max, e := formInt(req, "MaxItems")
	if e != nil {
		return nil, e
	}
	filter := map[string]bool{}
	for _, f := range formList(req, "Filter") {
		filter[f] = true
	}
	want := func(kind string) bool { return len(filter) == 0 || filter[kind] }
	iam := &req.acct.IAM
	// The entities in the order AWS pages them: users, groups, roles, policies.
	type entity struct {
		kind string
		i    int
	}
	var all []entity
	if want("User") {
		for i := range iam.Users {
			all = append(all, entity{"user", i})
		}
	}
	if want("Group") {
		for i := range iam.Groups {
			all = append(all, entity{"group", i})
		}
	}
	if want("Role") {
		for i := range iam.Roles {
			all = append(all, entity{"role", i})
		}
	}
	for i, p := range iam.Policies {
		if (p.AWSManaged && want("AWSManagedPolicy")) || (!p.AWSManaged && want("LocalManagedPolicy")) {
			all = append(all, entity{"policy", i})
		}
	}
	start, end, next, e := s.page(req, "details", len(all), max, 1000, form(req, "Marker"))
	if e != nil {
		return nil, e
	}
	out := iamAuthDetails{IsTruncated: next != "", Marker: next}
	for _, en := range all[start:end] {
		switch en.kind {
		case "user":
			u := &iam.Users[en.i]
			out.UserDetailList = append(out.UserDetailList, iamUserDetail{
				Path: u.Path, UserName: u.Name, UserID: u.UserID, Arn: u.ARN, CreateDate: isoTime(u.CreateDate),
				UserPolicyList: iamInlines(u.InlinePolicies), GroupList: u.Groups,
				AttachedManagedPolicies: iamAttachedList(u.AttachedPolicies),
				PermissionsBoundary:     iamBoundaryOf(u.PermissionsBoundary), Tags: iamTags(u.Tags),
			})
		case "group":
			g := &iam.Groups[en.i]
			out.GroupDetailList = append(out.GroupDetailList, iamGroupDetail{
				Path: g.Path, GroupName: g.Name, GroupID: g.GroupID, Arn: g.ARN, CreateDate: isoTime(g.CreateDate),
				GroupPolicyList: iamInlines(g.InlinePolicies), AttachedManagedPolicies: iamAttachedList(g.AttachedPolicies),
			})
		case "role":
			r := &iam.Roles[en.i]
			d := iamRoleDetail{
				Path: r.Path, RoleName: r.Name, RoleID: r.RoleID, Arn: r.ARN, CreateDate: isoTime(r.CreateDate),
				AssumeRolePolicyDocument: urlPolicy(r.TrustPolicy), RolePolicyList: iamInlines(r.InlinePolicies),
				AttachedManagedPolicies: iamAttachedList(r.AttachedPolicies),
				PermissionsBoundary:     iamBoundaryOf(r.PermissionsBoundary), Tags: iamTags(r.Tags),
				RoleLastUsed: &iamRoleLastUsed{LastUsedDate: isoTime(r.LastUsedDate), Region: r.LastUsedRegion},
			}
			out.RoleDetailList = append(out.RoleDetailList, d)
		case "policy":
			p := &iam.Policies[en.i]
			version := p.DefaultVersionID
			if version == "" {
				version = "v1"
			}
			out.Policies = append(out.Policies, iamPolicyDetail{
				PolicyName: p.Name, PolicyID: p.PolicyID, Arn: p.ARN, Path: p.Path, DefaultVersionID: p.DefaultVersionID,
				AttachmentCount: p.AttachmentCount, IsAttachable: p.IsAttachable, Description: p.Description,
				CreateDate: isoTime(p.CreateDate), UpdateDate: isoTime(p.UpdateDate),
				PolicyVersionList: []iamPolicyVersion{
					// An older version first, so that the collector must pick the default one.
					{Document: urlPolicy(&inventory.Policy{Version: "2012-10-17", Statements: []inventory.Statement{{Effect: "Deny", Actions: []string{"*"}, Resources: []string{"*"}}}}),
						VersionID: "v0", IsDefaultVersion: false},
					{Document: urlPolicy(&p.Document), VersionID: version, IsDefaultVersion: true, CreateDate: isoTime(p.UpdateDate)},
				},
			})
		}
	}
	return out, nil
}

type iamUser struct {
	Path             string `xml:"Path,omitempty"`
	UserName         string `xml:"UserName"`
	UserID           string `xml:"UserId,omitempty"`
	Arn              string `xml:"Arn"`
	CreateDate       string `xml:"CreateDate,omitempty"`
	PasswordLastUsed string `xml:"PasswordLastUsed,omitempty"`
}

func (s *Server) iamListUsers(req *request) (any, *apiError) {
	max, e := formInt(req, "MaxItems")
	if e != nil {
		return nil, e
	}
	users := req.acct.IAM.Users
	start, end, next, e := s.page(req, "users", len(users), max, 1000, form(req, "Marker"))
	if e != nil {
		return nil, e
	}
	out := struct {
		Users       []iamUser `xml:"Users>member"`
		IsTruncated bool      `xml:"IsTruncated"`
		Marker      string    `xml:"Marker,omitempty"`
	}{IsTruncated: next != "", Marker: next}
	for _, u := range users[start:end] {
		out.Users = append(out.Users, iamUser{Path: u.Path, UserName: u.Name, UserID: u.UserID, Arn: u.ARN,
			CreateDate: isoTime(u.CreateDate), PasswordLastUsed: isoTime(u.PasswordLastUsed)})
	}
	return out, nil
}

type iamRole struct {
	Path                     string `xml:"Path,omitempty"`
	RoleName                 string `xml:"RoleName"`
	RoleID                   string `xml:"RoleId,omitempty"`
	Arn                      string `xml:"Arn"`
	CreateDate               string `xml:"CreateDate,omitempty"`
	AssumeRolePolicyDocument string `xml:"AssumeRolePolicyDocument,omitempty"`
	Description              string `xml:"Description,omitempty"`
	MaxSessionDuration       int    `xml:"MaxSessionDuration,omitempty"`
}

func (s *Server) iamListRoles(req *request) (any, *apiError) {
	max, e := formInt(req, "MaxItems")
	if e != nil {
		return nil, e
	}
	roles := req.acct.IAM.Roles
	start, end, next, e := s.page(req, "roles", len(roles), max, 1000, form(req, "Marker"))
	if e != nil {
		return nil, e
	}
	out := struct {
		Roles       []iamRole `xml:"Roles>member"`
		IsTruncated bool      `xml:"IsTruncated"`
		Marker      string    `xml:"Marker,omitempty"`
	}{IsTruncated: next != "", Marker: next}
	for _, r := range roles[start:end] {
		out.Roles = append(out.Roles, iamRole{Path: r.Path, RoleName: r.Name, RoleID: r.RoleID, Arn: r.ARN,
			CreateDate: isoTime(r.CreateDate), AssumeRolePolicyDocument: urlPolicy(r.TrustPolicy),
			Description: r.Description, MaxSessionDuration: r.MaxSessionDuration})
	}
	return out, nil
}

type iamAccessKey struct {
	UserName    string `xml:"UserName"`
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string `xml:"Status"`
	CreateDate  string `xml:"CreateDate,omitempty"`
}

func (s *Server) iamListAccessKeys(req *request) (any, *apiError) {
	max, e := formInt(req, "MaxItems")
	if e != nil {
		return nil, e
	}
	name := form(req, "UserName")
	u := req.acct.users[name]
	if u == nil {
		return nil, errorf(404, "NoSuchEntity", "The user with name %s cannot be found.", name)
	}
	start, end, next, e := s.page(req, "keys/"+name, len(u.AccessKeys), max, 100, form(req, "Marker"))
	if e != nil {
		return nil, e
	}
	out := struct {
		AccessKeyMetadata []iamAccessKey `xml:"AccessKeyMetadata>member"`
		IsTruncated       bool           `xml:"IsTruncated"`
		Marker            string         `xml:"Marker,omitempty"`
	}{IsTruncated: next != "", Marker: next}
	for _, k := range u.AccessKeys[start:end] {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, iamAccessKey{UserName: u.Name, AccessKeyID: k.AccessKeyID,
			Status: k.Status, CreateDate: isoTime(k.CreateDate)})
	}
	return out, nil
}

func (s *Server) iamGetAccessKeyLastUsed(req *request) (any, *apiError) {
	id := form(req, "AccessKeyId")
	owner, ok := req.acct.accessKeys[id]
	if !ok {
		ae := accessDenied(req)
		return nil, &ae
	}
	na := func(v string) string {
		if v == "" {
			return "N/A"
		}
		return v
	}
	out := struct {
		UserName string `xml:"UserName"`
		LastUsed struct {
			LastUsedDate string `xml:"LastUsedDate,omitempty"`
			ServiceName  string `xml:"ServiceName"`
			Region       string `xml:"Region"`
		} `xml:"AccessKeyLastUsed"`
	}{UserName: owner.user.Name}
	out.LastUsed.LastUsedDate = isoTime(owner.key.LastUsedDate)
	out.LastUsed.ServiceName = na(owner.key.LastUsedService)
	out.LastUsed.Region = na(owner.key.LastUsedRegion)
	return out, nil
}

type iamSummaryEntry struct {
	Key   string `xml:"key"`
	Value int    `xml:"value"`
}

func (s *Server) iamGetAccountSummary(req *request) (any, *apiError) {
	iam := &req.acct.IAM
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	root := inventory.RootUser{}
	if iam.Root != nil {
		root = *iam.Root
	}
	entries := []iamSummaryEntry{
		{"AccountAccessKeysPresent", b(root.AccessKeysPresent)},
		{"AccountMFAEnabled", b(root.MFAEnabled)},
		{"Users", len(iam.Users)},
		{"Roles", len(iam.Roles)},
		{"Groups", len(iam.Groups)},
		{"Policies", len(iam.Policies)},
		{"UsersQuota", 5000},
	}
	return struct {
		Entries []iamSummaryEntry `xml:"SummaryMap>entry"`
	}{entries}, nil
}
