package aws

import (
	"context"
	"errors"
	"fmt"
	"sort"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/custos-dev/custos/internal/inventory"
)

// orgTargets lists the active accounts of the caller's organisation, limited to
// Options.Accounts when given. The caller must be the management account or a
// delegated administrator; otherwise the organisation scan cannot start.
func (r *run) orgTargets(ctx context.Context) ([]target, string, error) {
	client := organizations.NewFromConfig(r.clientConfig(r.base, r.caller, r.globalRegion, ServiceOrganizations))
	org, err := client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return nil, "", fmt.Errorf("organizations DescribeOrganization: %w", err)
	}
	orgID := awssdk.ToString(org.Organization.Id)
	var all []orgtypes.Account
	p := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{MaxResults: awssdk.Int32(20)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("organizations ListAccounts: %w", err)
		}
		all = append(all, page.Accounts...)
	}
	want := map[string]bool{}
	for _, id := range r.opts.Accounts {
		want[id] = true
	}
	seen := map[string]bool{}
	var out []target
	for _, a := range all {
		id := awssdk.ToString(a.Id)
		seen[id] = true
		if len(want) > 0 && !want[id] {
			continue
		}
		if a.Status != orgtypes.AccountStatusActive {
			msg := fmt.Sprintf("account %s (%s) is %s: not collected", id, awssdk.ToString(a.Name), a.Status)
			r.log.Warn("not collected", "account", id, "status", inventory.CoverageSkipped, "error", msg)
			r.addCoverage(inventory.Coverage{Account: id, Region: RegionGlobal, Service: ServiceOrganizations,
				Operation: "ListAccounts", Status: inventory.CoverageSkipped, Error: msg})
			continue
		}
		out = append(out, target{id: id, name: awssdk.ToString(a.Name)})
	}
	var missing []string
	for id := range want {
		if !seen[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, "", fmt.Errorf("accounts %v are not in organization %s", missing, orgID)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, orgID, nil
}

// organizationID asks which organisation an account belongs to ("" for none).
func (r *run) organizationID(ctx context.Context, cfg awssdk.Config, account string) string {
	client := organizations.NewFromConfig(r.clientConfig(cfg, account, r.globalRegion, ServiceOrganizations))
	out, err := client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	var notInUse *orgtypes.AWSOrganizationsNotInUseException
	switch {
	case errors.As(err, &notInUse):
		return ""
	case err != nil:
		r.fail(account, RegionGlobal, ServiceOrganizations, "DescribeOrganization", err)
		return ""
	}
	return awssdk.ToString(out.Organization.Id)
}

// enabledRegions lists the regions enabled for an account (Account ListRegions).
func (r *run) enabledRegions(ctx context.Context, cfg awssdk.Config, id string) ([]string, bool) {
	client := account.NewFromConfig(r.clientConfig(cfg, id, r.globalRegion, ServiceAccount))
	in := &account.ListRegionsInput{
		MaxResults:              awssdk.Int32(50),
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
	}
	var regions []string
	p := account.NewListRegionsPaginator(client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			r.fail(id, RegionGlobal, ServiceAccount, "ListRegions", err)
			return nil, false
		}
		for _, region := range page.Regions {
			regions = append(regions, awssdk.ToString(region.RegionName))
		}
	}
	return regions, true
}
