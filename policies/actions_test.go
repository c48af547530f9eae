package policies_test

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/custos-dev/custos/policies"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operations lists the API operations of an SDK client: its methods of the shape
// Op(ctx, *OpInput, ...func(*Options)) (*OpOutput, error).
func operations(client any) []string {
	t := reflect.TypeOf(client)
	var ops []string
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		mt := m.Type
		if mt.NumIn() == 4 && mt.NumOut() == 2 && mt.In(2).Kind() == reflect.Pointer &&
			mt.In(2).Elem().Name() == m.Name+"Input" {
			ops = append(ops, m.Name)
		}
	}
	return ops
}

// TestActionCatalogue checks policies/lib/actions.rego against the API operations of the
// AWS SDK clients in go.mod: every operation has its action in the catalogue, and every
// catalogued action without an operation of the same name is one the Service
// Authorization Reference lists as a permission-only action.
func TestActionCatalogue(t *testing.T) {
	t.Parallel()
	files := regoFiles(t, policies.FS)
	opts := []func(*rego.Rego){rego.Query("data.custos.lib.actions.catalogue")}
	for name, src := range files {
		if strings.HasPrefix(name, "lib/") && !strings.HasSuffix(name, "_test.rego") {
			opts = append(opts, rego.Module(name, string(src)))
		}
	}
	rs, err := rego.New(opts...).Eval(context.Background())
	require.NoError(t, err)
	require.Len(t, rs, 1)
	catalogue, ok := rs[0].Expressions[0].Value.(map[string]any)
	require.True(t, ok, "catalogue is an object")

	// renamed maps an operation to the actions that authorize it when they differ.
	renamed := map[string][]string{"kms:reencrypt": {"kms:reencryptfrom", "kms:reencryptto"}}
	// permissionOnly are actions without an API operation of their name.
	permissionOnly := []string{
		"cloudtrail:createservicelinkedchannel", "cloudtrail:deleteservicelinkedchannel",
		"cloudtrail:geteventdatastoredata", "cloudtrail:getservicelinkedchannel",
		"cloudtrail:listservicelinkedchannels", "cloudtrail:updateservicelinkedchannel",
		"iam:deletecloudfrontpublickey", "iam:getaccountemailaddress", "iam:getaccountname",
		"iam:getcloudfrontpublickey", "iam:listcloudfrontpublickeys", "iam:liststsregionalendpointsstatus",
		"iam:passrole", "iam:updatecloudfrontpublickey", "iam:uploadcloudfrontpublickey",
		"kms:synchronizemultiregionkey",
		"sts:getservicebearertoken", "sts:setcontext", "sts:setsourceidentity", "sts:tagsession",
	}

	clients := map[string]any{
		"cloudtrail":     &cloudtrail.Client{},
		"iam":            &iam.Client{},
		"kms":            &kms.Client{},
		"secretsmanager": &secretsmanager.Client{},
		"sts":            &sts.Client{},
	}
	fromSDK := map[string]bool{}
	for service, client := range clients {
		ops := operations(client)
		require.NotEmpty(t, ops, service)
		names, ok := catalogue[service].(map[string]any)
		require.True(t, ok, "catalogue has %s", service)
		for _, op := range ops {
			action := service + ":" + strings.ToLower(op)
			wants := renamed[action]
			if wants == nil {
				wants = []string{action}
			}
			for _, want := range wants {
				fromSDK[want] = true
				_, found := names[strings.TrimPrefix(want, service+":")]
				assert.True(t, found, "operation %s.%s: action %s is not in policies/lib/actions.rego", service, op, want)
			}
		}
	}
	var extra []string
	for service, v := range catalogue {
		for name := range v.(map[string]any) {
			if action := service + ":" + name; !fromSDK[action] {
				extra = append(extra, action)
			}
		}
	}
	sort.Strings(extra)
	sort.Strings(permissionOnly)
	assert.Equal(t, permissionOnly, extra, "catalogued actions without an SDK operation")
}
