package aws

import (
	"context"
	"errors"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/custos-dev/custos/internal/inventory"
)

// IAMCollector reads the identity side of one account, once (IAM is global):
// GetAccountAuthorizationDetails for principals and policies, ListUsers and ListRoles
// for the fields it lacks (password last used; role description and session length),
// ListAccessKeys and GetAccessKeyLastUsed per user, GetAccountSummary for the root user.
type IAMCollector struct {
	client *iam.Client
	sc     scope
}

// NewIAMCollector builds the collector from a configuration for the partition's
// global region.
func NewIAMCollector(cfg awssdk.Config, sc scope) *IAMCollector {
	return &IAMCollector{client: iam.NewFromConfig(cfg), sc: sc}
}

// Collect implements Collector.
func (c *IAMCollector) Collect(ctx context.Context) (Found, error) {
	var (
		fails    failures
		out      = &inventory.IAM{Users: []inventory.User{}, Roles: []inventory.Role{}, Groups: []inventory.Group{}, Policies: []inventory.ManagedPolicy{}}
		password = map[string]*time.Time{}
		roleInfo = map[string]iamtypes.Role{}
		g        errgroup.Group
	)
	g.Go(func() error {
		c.details(ctx, out, &fails)
		return nil
	})
	g.Go(func() error {
		p := iam.NewListUsersPaginator(c.client, &iam.ListUsersInput{MaxItems: awssdk.Int32(1000)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				fails.add(ServiceIAM, "ListUsers", "", err)
				return nil
			}
			for _, u := range page.Users {
				password[awssdk.ToString(u.Arn)] = utc(u.PasswordLastUsed)
			}
		}
		return nil
	})
	g.Go(func() error {
		p := iam.NewListRolesPaginator(c.client, &iam.ListRolesInput{MaxItems: awssdk.Int32(1000)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				fails.add(ServiceIAM, "ListRoles", "", err)
				return nil
			}
			for _, r := range page.Roles {
				roleInfo[awssdk.ToString(r.Arn)] = r
			}
		}
		return nil
	})
	g.Go(func() error {
		sum, err := c.client.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
		if err != nil {
			fails.add(ServiceIAM, "GetAccountSummary", "", err)
			return nil
		}
		out.Root = &inventory.RootUser{
			AccessKeysPresent: sum.SummaryMap[string(iamtypes.SummaryKeyTypeAccountAccessKeysPresent)] > 0,
			MFAEnabled:        sum.SummaryMap[string(iamtypes.SummaryKeyTypeAccountMFAEnabled)] > 0,
		}
		return nil
	})
	_ = g.Wait()

	for i := range out.Users {
		out.Users[i].PasswordLastUsed = password[out.Users[i].ARN]
	}
	for i := range out.Roles {
		if r, ok := roleInfo[out.Roles[i].ARN]; ok {
			out.Roles[i].Description = awssdk.ToString(r.Description)
			out.Roles[i].MaxSessionDuration = int(awssdk.ToInt32(r.MaxSessionDuration))
		}
	}

	var keys errgroup.Group
	keys.SetLimit(c.sc.fanout)
	for i := range out.Users {
		u := &out.Users[i]
		keys.Go(func() error {
			c.accessKeys(ctx, u, &fails)
			return nil
		})
	}
	_ = keys.Wait()
	return Found{IAM: out}, fails.err()
}

// details pages through GetAccountAuthorizationDetails.
func (c *IAMCollector) details(ctx context.Context, out *inventory.IAM, fails *failures) {
	const op = "GetAccountAuthorizationDetails"
	parse := func(arn, what, text string) *inventory.Policy {
		if text == "" {
			return nil
		}
		p, err := inventory.ParsePolicy(text)
		if err != nil {
			fails.add(ServiceIAM, op, arn+" "+what, err)
			return nil
		}
		return &p
	}
	inline := func(arn string, list []iamtypes.PolicyDetail) []inventory.InlinePolicy {
		var ps []inventory.InlinePolicy
		for _, d := range list {
			name := awssdk.ToString(d.PolicyName)
			if p := parse(arn, "inline policy "+name, awssdk.ToString(d.PolicyDocument)); p != nil {
				ps = append(ps, inventory.InlinePolicy{Name: name, Document: *p})
			}
		}
		return ps
	}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(c.client, &iam.GetAccountAuthorizationDetailsInput{MaxItems: awssdk.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			fails.add(ServiceIAM, op, "", err)
			return
		}
		for _, u := range page.UserDetailList {
			arn := awssdk.ToString(u.Arn)
			out.Users = append(out.Users, inventory.User{
				ARN:                 arn,
				Name:                awssdk.ToString(u.UserName),
				UserID:              awssdk.ToString(u.UserId),
				Path:                awssdk.ToString(u.Path),
				CreateDate:          utc(u.CreateDate),
				Groups:              nonEmpty(u.GroupList),
				InlinePolicies:      inline(arn, u.UserPolicyList),
				AttachedPolicies:    attached(u.AttachedManagedPolicies),
				PermissionsBoundary: boundary(u.PermissionsBoundary),
				Tags:                tagsOf(u.Tags, func(t iamtypes.Tag) (*string, *string) { return t.Key, t.Value }),
			})
		}
		for _, r := range page.RoleDetailList {
			arn := awssdk.ToString(r.Arn)
			role := inventory.Role{
				ARN:                 arn,
				Name:                awssdk.ToString(r.RoleName),
				RoleID:              awssdk.ToString(r.RoleId),
				Path:                awssdk.ToString(r.Path),
				CreateDate:          utc(r.CreateDate),
				TrustPolicy:         parse(arn, "trust policy", awssdk.ToString(r.AssumeRolePolicyDocument)),
				InlinePolicies:      inline(arn, r.RolePolicyList),
				AttachedPolicies:    attached(r.AttachedManagedPolicies),
				PermissionsBoundary: boundary(r.PermissionsBoundary),
				Tags:                tagsOf(r.Tags, func(t iamtypes.Tag) (*string, *string) { return t.Key, t.Value }),
			}
			if lu := r.RoleLastUsed; lu != nil {
				role.LastUsedDate = utc(lu.LastUsedDate)
				role.LastUsedRegion = awssdk.ToString(lu.Region)
			}
			out.Roles = append(out.Roles, role)
		}
		for _, gr := range page.GroupDetailList {
			arn := awssdk.ToString(gr.Arn)
			out.Groups = append(out.Groups, inventory.Group{
				ARN:              arn,
				Name:             awssdk.ToString(gr.GroupName),
				GroupID:          awssdk.ToString(gr.GroupId),
				Path:             awssdk.ToString(gr.Path),
				CreateDate:       utc(gr.CreateDate),
				InlinePolicies:   inline(arn, gr.GroupPolicyList),
				AttachedPolicies: attached(gr.AttachedManagedPolicies),
			})
		}
		for _, mp := range page.Policies {
			arn := awssdk.ToString(mp.Arn)
			pol := inventory.ManagedPolicy{
				ARN:              arn,
				Name:             awssdk.ToString(mp.PolicyName),
				PolicyID:         awssdk.ToString(mp.PolicyId),
				Path:             awssdk.ToString(mp.Path),
				Description:      awssdk.ToString(mp.Description),
				AWSManaged:       strings.HasPrefix(arn, "arn:"+c.sc.partition+":iam::aws:"),
				DefaultVersionID: awssdk.ToString(mp.DefaultVersionId),
				AttachmentCount:  int(awssdk.ToInt32(mp.AttachmentCount)),
				IsAttachable:     mp.IsAttachable,
				CreateDate:       utc(mp.CreateDate),
				UpdateDate:       utc(mp.UpdateDate),
			}
			found := false
			for _, v := range mp.PolicyVersionList {
				if v.IsDefaultVersion {
					found = true
					if doc := parse(arn, "version "+awssdk.ToString(v.VersionId), awssdk.ToString(v.Document)); doc != nil {
						pol.Document = *doc
					}
				}
			}
			if !found {
				fails.add(ServiceIAM, op, arn, errNoDefaultVersion)
			}
			out.Policies = append(out.Policies, pol)
		}
	}
}

var errNoDefaultVersion = errors.New("no default policy version")

// accessKeys reads a user's access keys and when each was last used.
func (c *IAMCollector) accessKeys(ctx context.Context, u *inventory.User, fails *failures) {
	p := iam.NewListAccessKeysPaginator(c.client, &iam.ListAccessKeysInput{UserName: awssdk.String(u.Name), MaxItems: awssdk.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			fails.add(ServiceIAM, "ListAccessKeys", u.ARN, err)
			return
		}
		for _, k := range page.AccessKeyMetadata {
			key := inventory.AccessKey{
				AccessKeyID: awssdk.ToString(k.AccessKeyId),
				Status:      string(k.Status),
				CreateDate:  utc(k.CreateDate),
			}
			used, err := c.client.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKeyId})
			if err != nil {
				fails.add(ServiceIAM, "GetAccessKeyLastUsed", u.ARN+" key "+key.AccessKeyID, err)
			} else if lu := used.AccessKeyLastUsed; lu != nil {
				key.LastUsedDate = utc(lu.LastUsedDate)
				key.LastUsedService = notApplicable(awssdk.ToString(lu.ServiceName))
				key.LastUsedRegion = notApplicable(awssdk.ToString(lu.Region))
			}
			u.AccessKeys = append(u.AccessKeys, key)
		}
	}
}

// nonEmpty keeps a list only when it has items, so that absent and empty read the same.
func nonEmpty(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return list
}

// notApplicable maps IAM's "N/A" (a key never used) to empty.
func notApplicable(s string) string {
	if s == "N/A" {
		return ""
	}
	return s
}

func attached(list []iamtypes.AttachedPolicy) []inventory.AttachedPolicy {
	var out []inventory.AttachedPolicy
	for _, a := range list {
		out = append(out, inventory.AttachedPolicy{Name: awssdk.ToString(a.PolicyName), ARN: awssdk.ToString(a.PolicyArn)})
	}
	return out
}

func boundary(b *iamtypes.AttachedPermissionsBoundary) string {
	if b == nil {
		return ""
	}
	return awssdk.ToString(b.PermissionsBoundaryArn)
}
