package aws

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/custos-dev/custos/internal/awsapi"
	"github.com/custos-dev/custos/internal/config"
	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/inventory"
)

const policyFile = "../../docs/iam/custos-readonly-policy.json"

// valueReading matches the operations custos must never call: they return a secret's
// value or plaintext, or decrypt.
var valueReading = regexp.MustCompile(`(?i)^(secretsmanager:(GetSecretValue|BatchGetSecretValue)|kms:(Decrypt|GenerateDataKey.*|ReEncrypt.*|DeriveSharedSecret|Decapsulate))$`)

// readOnlyPolicy returns the documented policy and the actions it allows, lower-cased.
func readOnlyPolicy(t *testing.T) (inventory.Policy, []string) {
	t.Helper()
	data, err := os.ReadFile(policyFile)
	require.NoError(t, err)
	pol, err := inventory.ParsePolicy(string(data))
	require.NoError(t, err, policyFile)
	var actions []string
	for _, s := range pol.Statements {
		require.Equal(t, "Allow", s.Effect)
		require.Empty(t, s.NotActions, "%s: NotAction grants too much", policyFile)
		actions = append(actions, s.Actions...)
	}
	return pol, sortedUnique(actions)
}

// sdkOperations maps each operation name of the SDK clients custos uses to the IAM
// service prefixes (the SDK package names) whose client has it.
func sdkOperations() map[string][]string {
	clients := map[string]any{
		"account": &account.Client{}, "cloudtrail": &cloudtrail.Client{}, "iam": &iam.Client{}, "kms": &kms.Client{},
		"organizations": &organizations.Client{}, "secretsmanager": &secretsmanager.Client{}, "sts": &sts.Client{},
	}
	ops := map[string][]string{}
	for service, c := range clients {
		typ := reflect.TypeOf(c)
		for i := range typ.NumMethod() {
			m := typ.Method(i)
			if m.Type.NumIn() == 4 && m.Type.In(2).Kind() == reflect.Pointer && m.Type.In(2).Elem().Name() == m.Name+"Input" {
				ops[m.Name] = append(ops[m.Name], service)
			}
		}
	}
	return ops
}

// calledOperations reads the non-test Go files of this package and returns every AWS
// operation they can call, as "service:Operation": from the input types built
// (<service>.<Op>Input), the paginators (<service>.New<Op>Paginator) and the
// credential providers (stscreds.NewAssumeRoleProvider). A method call named like an
// SDK operation that none of those explain fails the test.
func calledOperations(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	ops := sdkOperations()
	found := map[string]bool{}
	type call struct {
		name string
		pos  token.Position
	}
	var calls []call
	fset := token.NewFileSet()
	parsed := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		parsed++
		imports := map[string]string{}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			local := path[strings.LastIndexByte(path, '/')+1:]
			if imp.Name != nil {
				local = imp.Name.Name
			}
			imports[local] = path
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				pkg, ok := n.X.(*ast.Ident)
				if !ok {
					return true
				}
				path := imports[pkg.Name]
				const prefix = "github.com/aws/aws-sdk-go-v2/service/"
				switch {
				case path == "github.com/aws/aws-sdk-go-v2/credentials/stscreds" && n.Sel.Name == "NewAssumeRoleProvider":
					found["sts:AssumeRole"] = true
				case strings.HasPrefix(path, prefix) && !strings.Contains(path[len(prefix):], "/"):
					service := path[len(prefix):]
					if op, ok := strings.CutSuffix(n.Sel.Name, "Input"); ok {
						found[service+":"+op] = true
					} else if op, ok := strings.CutPrefix(n.Sel.Name, "New"); ok && strings.HasSuffix(op, "Paginator") {
						found[service+":"+strings.TrimSuffix(op, "Paginator")] = true
					}
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && ops[sel.Sel.Name] != nil {
					calls = append(calls, call{sel.Sel.Name, fset.Position(n.Pos())})
				}
			}
			return true
		})
	}
	require.Greater(t, parsed, 5, "no collector source found")
	for _, c := range calls {
		explained := false
		for _, service := range ops[c.name] {
			explained = explained || found[service+":"+c.name]
		}
		assert.True(t, explained, "%s: call to %s without its SDK input type", c.pos, c.name)
	}
	out := make([]string, 0, len(found))
	for op := range found {
		out = append(out, op)
	}
	sort.Strings(out)
	return out
}

func lower(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}

// TestReadOnlyPolicyMatchesCode proves the documented policy lists exactly the
// operations the collectors' source can call, and none of them reads a secret value
// or decrypts.
func TestReadOnlyPolicyMatchesCode(t *testing.T) {
	t.Parallel()
	_, allowed := readOnlyPolicy(t)
	called := calledOperations(t)
	for _, op := range append(append([]string{}, called...), allowed...) {
		assert.False(t, valueReading.MatchString(op), "%s reads a secret value or decrypts", op)
		assert.NotContains(t, op, "*", "%s: wildcards grant more than custos calls", op)
	}
	assert.Equal(t, allowed, lower(called), "%s and the operations in scanners/aws differ", policyFile)
}

// TestCollectionCallsOnlyThePolicy runs a collection that exercises every collector and
// compares the operations the emulator received with the documented policy.
func TestCollectionCallsOnlyThePolicy(t *testing.T) {
	t.Parallel()
	_, allowed := readOnlyPolicy(t)
	w := fixtureWorld(t)
	for i := range w.Accounts {
		w.Accounts[i].Regions = []string{"eu-west-1", "us-east-1"}
	}
	srv := newServer(t, w, awsapi.Options{})
	_, err := Collect(context.Background(), sdkConfig(t, srv, "eu-west-1"),
		fastOptions(Options{AllRegions: true, Org: true, RoleName: roleName, ExternalID: extID, Accounts: []string{mgmt, member}}))
	require.NoError(t, err)
	assert.Equal(t, allowed, lower(srv.Operations()))
}

// TestReadOnlyPolicyPassesOwnRules judges the documented policy with custos's own rules,
// as a customer-managed and an inline policy of the audit role: no finding. A policy
// granting every Secrets Manager action, judged the same way, proves the rules bite.
func TestReadOnlyPolicyPassesOwnRules(t *testing.T) {
	t.Parallel()
	pol, _ := readOnlyPolicy(t)
	tests := []struct {
		name     string
		doc      inventory.Policy
		findings bool
	}{
		{"custos read-only policy", pol, false},
		{"control: every secretsmanager action", *policy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}`), true},
	}
	cfg, err := config.Default()
	require.NoError(t, err)
	data, err := cfg.PolicyData()
	require.NoError(t, err)
	eng, err := engine.New(context.Background(), engine.Options{Config: data})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			judged := policyFindings(t, eng, tt.doc)
			if tt.findings {
				assert.NotEmpty(t, judged)
			} else {
				assert.Empty(t, judged)
			}
		})
	}
}

// policyFindings judges a policy attached to a role, inline and managed, and returns
// the findings on the policies.
func policyFindings(t *testing.T, eng *engine.Engine, pol inventory.Policy) []string {
	t.Helper()
	role := "arn:aws:iam::" + mgmt + ":role/" + roleName
	snap := &inventory.Snapshot{SchemaVersion: inventory.SchemaVersion, Accounts: []inventory.Account{{
		ID: mgmt, Partition: "aws",
		IAM: inventory.IAM{
			Roles: []inventory.Role{{ARN: role, Name: roleName, Tags: inventory.Tags{},
				AttachedPolicies: []inventory.AttachedPolicy{{Name: "custos-readonly", ARN: "arn:aws:iam::" + mgmt + ":policy/custos-readonly"}},
				InlinePolicies:   []inventory.InlinePolicy{{Name: "custos-readonly-inline", Document: pol}}}},
			Policies: []inventory.ManagedPolicy{{ARN: "arn:aws:iam::" + mgmt + ":policy/custos-readonly", Name: "custos-readonly",
				AttachmentCount: 1, IsAttachable: true, DefaultVersionID: "v1", Document: pol}},
		},
	}}}
	resources := Resources(snap, t0)
	var policies int
	for _, r := range resources {
		if r.Type == "aws.iam.policy" {
			policies++
		}
	}
	require.Equal(t, 2, policies, "the managed and the inline policy are judged")
	findings, err := eng.Evaluate(context.Background(), resources)
	require.NoError(t, err)
	var out []string
	for _, f := range findings {
		if f.Resource.Type == "aws.iam.policy" {
			out = append(out, f.RuleID+": "+f.Message)
		}
	}
	return out
}
