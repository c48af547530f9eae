package aws

import (
	"context"
	"fmt"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// callerID is who the base credentials are.
type callerID struct {
	account, arn string
}

// callerIdentity asks STS who the base credentials belong to. Without an answer
// nothing can be collected, so a failure stops the collection.
func (r *run) callerIdentity(ctx context.Context) (callerID, error) {
	client := sts.NewFromConfig(r.clientConfig(r.base, "caller", r.globalRegion, ServiceSTS))
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return callerID{}, fmt.Errorf("sts GetCallerIdentity: %w (check the AWS credentials)", err)
	}
	return callerID{account: awssdk.ToString(out.Account), arn: awssdk.ToString(out.Arn)}, nil
}

// target is one account to collect.
type target struct {
	id, name string
}

// targets lists the accounts to collect: the caller's, the organisation's, or the
// ones named; with the organisation id when an organisation was listed.
func (r *run) targets(ctx context.Context) ([]target, string, error) {
	if r.opts.Org {
		return r.orgTargets(ctx)
	}
	if len(r.opts.Accounts) == 0 {
		return []target{{id: r.caller}}, "", nil
	}
	var out []target
	for _, id := range sortedUnique(r.opts.Accounts) {
		if id != r.caller && r.opts.RoleName == "" {
			return nil, "", fmt.Errorf("account %s is not the caller's (%s): give the role name to assume in it", id, r.caller)
		}
		out = append(out, target{id: id})
	}
	return out, "", nil
}

// roleARN is the role to assume in an account.
func (r *run) roleARN(account string) string {
	return "arn:" + r.partition + ":iam::" + account + ":role/" + strings.TrimPrefix(r.opts.RoleName, "/")
}

// accountConfig returns the configuration whose credentials act in the account: the
// base one for the caller's account, an assumed role for the others. A role that
// cannot be assumed is recorded as coverage and the account skipped.
func (r *run) accountConfig(ctx context.Context, t target) (awssdk.Config, bool) {
	if t.id == r.caller {
		return r.base, true
	}
	client := sts.NewFromConfig(r.clientConfig(r.base, r.caller, r.globalRegion, ServiceSTS))
	provider := stscreds.NewAssumeRoleProvider(client, r.roleARN(t.id), func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "custos-" + r.caller
		if r.opts.ExternalID != "" {
			o.ExternalID = awssdk.String(r.opts.ExternalID)
		}
	})
	creds := awssdk.NewCredentialsCache(provider)
	if _, err := creds.Retrieve(ctx); err != nil {
		r.fail(t.id, RegionGlobal, ServiceSTS, "AssumeRole", fmt.Errorf("assume %s: %w", r.roleARN(t.id), err))
		return awssdk.Config{}, false
	}
	cfg := r.base.Copy()
	cfg.Credentials = creds
	return cfg, true
}
