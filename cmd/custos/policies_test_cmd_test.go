package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The worked example of docs/policies.md: a custom rule and its tests.
const exampleRule = `# METADATA
# title: Production secret is encrypted with the AWS-managed key
# description: Acme policy.
# custom:
#   id: acme-secret-customer-key
#   severity: medium
#   resource_type: aws.secretsmanager.secret
#   controls:
#     soc2: ["CC6.1"]
#   remediation: Re-encrypt the secret with a customer-managed key.
package acme.secret_customer_key

import data.custos.lib.tags

deny contains result if {
	tags.production(input.resource.tags)
	input.context.aws_managed_key == true
	result := {"msg": sprintf("production secret %s uses the AWS-managed key", [input.resource.name])}
}
`

const exampleTests = `package acme.secret_customer_key_test

import data.acme.secret_customer_key

secret := {"name": "prod/db", "tags": {"environment": "production"}}

test_deny_aws_managed_key if {
	count(secret_customer_key.deny) == 1 with input as {"resource": secret, "context": {"aws_managed_key": true}}
}

test_pass_customer_key if {
	count(secret_customer_key.deny) == 0 with input as {"resource": secret, "context": {"aws_managed_key": false}}
}

test_pass_threshold_from_config if {
	data.custos.config.secrets.rotation_max_days == 90
}
`

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	}
	return dir
}

// policiesTest runs `custos policies test` in-process.
func policiesTest(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	a := newApp(strings.NewReader(""), &out, &errb)
	cmd := newPoliciesTestCmd(a)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	code := exitCode(cmd.ExecuteContext(context.Background()), &errb)
	return code, out.String(), errb.String()
}

func TestPoliciesTest(t *testing.T) {
	t.Parallel()
	good := map[string]string{"acme/rule.rego": exampleRule, "acme/rule_test.rego": exampleTests}
	failing := map[string]string{"acme/rule.rego": exampleRule, "acme/rule_test.rego": strings.Replace(exampleTests,
		`"context": {"aws_managed_key": false}}`, `"context": {"aws_managed_key": true}}`, 1)}
	cases := []struct {
		name   string
		files  map[string]string
		args   []string
		config string
		code   int
		out    []string
		err    string
	}{
		{name: "all pass", files: good, code: exitOK, out: []string{
			"PASS   acme.secret_customer_key_test.test_deny_aws_managed_key\n",
			"PASS   acme.secret_customer_key_test.test_pass_threshold_from_config\n",
			"3 tests: 3 passed, 0 failed, 0 skipped\n",
		}},
		{name: "a failing test", files: failing, code: exitFindings, out: []string{
			"FAIL   acme.secret_customer_key_test.test_pass_customer_key (",
			"rule_test.rego:11)\n       failed at ",
			"3 tests: 2 passed, 1 failed, 0 skipped\n",
		}, err: "1 of 3 policy tests failed"},
		{name: "verbose prints the trace", files: failing, args: []string{"-v"}, code: exitFindings, out: []string{"Enter data.acme.secret_customer_key_test.test_pass_customer_key"}},
		{name: "filter", files: good, args: []string{"--run", "threshold"}, code: exitOK, out: []string{"1 tests: 1 passed"}},
		{name: "config thresholds", files: good, config: "secrets:\n  rotation_max_days: 30\n", code: exitFindings,
			out: []string{"FAIL   acme.secret_customer_key_test.test_pass_threshold_from_config"}},
		{name: "parse error names file and line", files: map[string]string{"acme/rule.rego": exampleRule, "acme/rule_test.rego": "package acme.x_test\n\ntest_x if {\n"},
			code: exitUsage, err: "rule_test.rego:4:"},
		{name: "compile error", files: map[string]string{"acme/rule.rego": exampleRule, "acme/rule_test.rego": "package acme.x_test\n\ntest_x if data.custos.lib.tags.nosuch(1)\n"},
			code: exitUsage, err: "rule_test.rego:3:"},
		{name: "rule without METADATA", files: map[string]string{"acme/rule.rego": "package acme.r\n\ndeny contains \"m\" if input.x\n", "acme/rule_test.rego": "package acme.r_test\n\ntest_x if true\n"},
			code: exitUsage, err: "has a deny rule but no package METADATA"},
		{name: "no tests", files: map[string]string{"acme/rule.rego": exampleRule}, code: exitUsage, err: "no test_ rules"},
		{name: "no directory", code: exitUsage, err: "--policy-dir is required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := tc.args
			if tc.files != nil {
				dir := writeDir(t, tc.files)
				args = append([]string{"--policy-dir", dir}, args...)
			}
			if tc.config != "" {
				cfg := filepath.Join(t.TempDir(), "c.yaml")
				require.NoError(t, os.WriteFile(cfg, []byte(tc.config), 0o644))
				args = append(args, "--config", cfg)
			}
			code, stdout, stderr := policiesTest(t, args...)
			assert.Equal(t, tc.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, want := range tc.out {
				assert.Contains(t, stdout, want)
			}
			if tc.err != "" {
				assert.Contains(t, stderr, tc.err)
			}
		})
	}
}
