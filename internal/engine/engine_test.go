package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/finding"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tagRule = `# METADATA
# title: Widget lacks a tag
# description: Every widget needs its required tags.
# custom:
#   id: test-widget-missing-tag
#   severity: low
#   resource_type: aws.kms.key
#   controls: {soc2: ["CC6.1"]}
#   remediation: Tag the widget.
package custos.test.widget_missing_tag

deny contains result if {
	some tag in data.custos.config.required_tags
	not input.resource.tags[tag]
	result := {"msg": sprintf("%s lacks tag %s", [input.resource.arn, tag]), "evidence": {"tag": tag}, "discriminator": tag}
}
`

const brokenBuiltin = `# METADATA
# title: Uses a failing built-in
# custom:
#   id: test-broken-builtin
#   severity: high
#   resource_type: aws.kms.key
#   remediation: Fix the rule.
package custos.test.broken_builtin

deny contains {"msg": "never"} if {
	to_number(input.resource.arn) > 0
}
`

func writePolicies(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	return dir
}

func key(arn string, tags map[string]string) engine.Resource {
	return engine.Resource{
		Type:     "aws.kms.key",
		Key:      arn,
		Resource: finding.Resource{Type: "aws.kms.key", ARN: arn},
		Input:    map[string]any{"resource": map[string]any{"arn": arn, "tags": tags}},
	}
}

func TestEvaluateUserPolicy(t *testing.T) {
	t.Parallel()
	dir := writePolicies(t, map[string]string{"widget.rego": tagRule})
	eng, err := engine.New(context.Background(), engine.Options{
		PolicyDirs: []string{dir},
		NoBuiltin:  true,
		Config:     map[string]any{"required_tags": []any{"owner", "team"}},
	})
	require.NoError(t, err)
	require.Len(t, eng.Rules(), 1)
	rule := eng.Rules()[0]
	assert.Equal(t, "test-widget-missing-tag", rule.ID)
	assert.Equal(t, finding.Low, rule.Severity)
	assert.Equal(t, map[string][]string{"soc2": {"CC6.1"}}, rule.Controls)
	assert.Equal(t, "Every widget needs its required tags.", rule.Description)
	assert.Len(t, eng.BundleSHA256(), 64)

	resources := []engine.Resource{
		key("arn:aws:kms:eu-west-1:111122223333:key/b", map[string]string{"owner": "x"}),
		key("arn:aws:kms:eu-west-1:111122223333:key/a", map[string]string{}),
		key("arn:aws:kms:eu-west-1:111122223333:key/c", map[string]string{"owner": "x", "team": "y"}),
		{Type: "aws.iam.role", Key: "role", Input: map[string]any{}},
	}
	got, err := eng.Evaluate(context.Background(), resources)
	require.NoError(t, err)
	require.Len(t, got, 3)
	// Sorted by rule, then resource ARN.
	assert.Equal(t, "arn:aws:kms:eu-west-1:111122223333:key/a", got[0].Resource.ARN)
	assert.Equal(t, "arn:aws:kms:eu-west-1:111122223333:key/b", got[2].Resource.ARN)
	assert.Equal(t, "arn:aws:kms:eu-west-1:111122223333:key/b lacks tag team", got[2].Message)
	assert.Equal(t, map[string]any{"tag": "team"}, got[2].Evidence)
	assert.Equal(t, finding.Open, got[2].Status)
	assert.Equal(t, "Tag the widget.", got[2].Remediation)
	assert.Equal(t, finding.Fingerprint("test-widget-missing-tag", "arn:aws:kms:eu-west-1:111122223333:key/b", "team"), got[2].Fingerprint)
	assert.NotEqual(t, got[0].Fingerprint, got[1].Fingerprint, "discriminator separates two findings on one resource")

	again, err := eng.Evaluate(context.Background(), resources)
	require.NoError(t, err)
	assert.Equal(t, got, again, "evaluation is deterministic")
}

func TestBuiltinErrorIsAnErrorFinding(t *testing.T) {
	t.Parallel()
	dir := writePolicies(t, map[string]string{"broken.rego": brokenBuiltin})
	eng, err := engine.New(context.Background(), engine.Options{PolicyDirs: []string{dir}, NoBuiltin: true})
	require.NoError(t, err)
	got, err := eng.Evaluate(context.Background(), []engine.Resource{key("arn:aws:kms:eu-west-1:111122223333:key/x", nil)})
	require.NoError(t, err)
	require.Len(t, got, 1, "a failing built-in must not pass silently")
	assert.Equal(t, finding.Error, got[0].Status)
	assert.Contains(t, got[0].Message, "test-broken-builtin")
	assert.Contains(t, got[0].Message, "to_number")
}

func TestBadResultShapeIsAnErrorFinding(t *testing.T) {
	t.Parallel()
	rule := `# METADATA
# title: Bad result
# custom:
#   id: test-bad-result
#   severity: info
#   resource_type: aws.kms.key
#   remediation: none
package custos.test.bad_result

deny contains {"message": "typo"} if true
`
	eng, err := engine.New(context.Background(), engine.Options{PolicyDirs: []string{writePolicies(t, map[string]string{"bad.rego": rule})}, NoBuiltin: true})
	require.NoError(t, err)
	got, err := eng.Evaluate(context.Background(), []engine.Resource{key("arn:k", nil)})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, finding.Error, got[0].Status)
	assert.Contains(t, got[0].Message, `unknown key "message"`)
}

func TestPolicyErrorsNameFileAndLine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name:  "syntax error",
			files: map[string]string{"a/bad.rego": "package custos.bad\n\ndeny contains x if {\n\tx := \n}\n"},
			want:  []string{"bad.rego:5:1", "rego_parse_error"},
		},
		{
			name:  "unknown function",
			files: map[string]string{"fn.rego": "package custos.fn\n\nallow if no_such_function(1)\n"},
			want:  []string{"fn.rego:3", "rego_type_error"},
		},
		{
			name:  "deny without metadata",
			files: map[string]string{"nometa.rego": "package custos.nometa\n\ndeny contains {\"msg\": \"x\"} if true\n"},
			want:  []string{"nometa.rego:1", "no package METADATA"},
		},
		{
			name:  "bad severity",
			files: map[string]string{"sev.rego": "# METADATA\n# title: t\n# custom:\n#   id: x\n#   severity: urgent\n#   resource_type: aws.kms.key\n#   remediation: r\npackage custos.sev\n\ndeny contains {\"msg\": \"x\"} if true\n"},
			want:  []string{"sev.rego:1", "unknown severity"},
		},
		{
			name:  "unknown resource type",
			files: map[string]string{"rt.rego": "# METADATA\n# title: t\n# custom:\n#   id: x\n#   severity: low\n#   resource_type: aws.ec2.instance\n#   remediation: r\npackage custos.rt\n\ndeny contains {\"msg\": \"x\"} if true\n"},
			want:  []string{"rt.rego:1", "aws.ec2.instance"},
		},
		{
			name: "duplicate id",
			files: map[string]string{
				"one.rego": "# METADATA\n# title: t\n# custom:\n#   id: dup\n#   severity: low\n#   resource_type: aws.kms.key\n#   remediation: r\npackage custos.one\n\ndeny contains {\"msg\": \"x\"} if true\n",
				"two.rego": "# METADATA\n# title: t\n# custom:\n#   id: dup\n#   severity: low\n#   resource_type: aws.kms.key\n#   remediation: r\npackage custos.two\n\ndeny contains {\"msg\": \"x\"} if true\n",
			},
			want: []string{"rule id dup is already defined"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := engine.New(context.Background(), engine.Options{PolicyDirs: []string{writePolicies(t, tc.files)}, NoBuiltin: true})
			require.Error(t, err)
			var pe *engine.PolicyError
			require.ErrorAs(t, err, &pe)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestPolicyDirMustExistAndHoldRego(t *testing.T) {
	t.Parallel()
	_, err := engine.New(context.Background(), engine.Options{PolicyDirs: []string{filepath.Join(t.TempDir(), "missing")}, NoBuiltin: true})
	require.ErrorContains(t, err, "policy dir")
	_, err = engine.New(context.Background(), engine.Options{PolicyDirs: []string{t.TempDir()}, NoBuiltin: true})
	require.ErrorContains(t, err, "no .rego files")
}

// TestFailingRuleLeavesTheOthersOfItsType: the rules of a type are evaluated in one
// query; when one fails, it alone yields an error finding and the others their findings.
func TestFailingRuleLeavesTheOthersOfItsType(t *testing.T) {
	t.Parallel()
	undefined := `# METADATA
# title: Deny that is sometimes undefined
# custom:
#   id: test-undefined-deny
#   severity: low
#   resource_type: aws.kms.key
#   remediation: none
package custos.test.undefined_deny

deny := {{"msg": "complete"}} if input.resource.arn == "arn:never"
`
	cases := []struct {
		name   string
		broken string
		errors int
	}{
		{name: "failing built-in", broken: brokenBuiltin, errors: 1},
		{name: "undefined deny", broken: undefined, errors: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writePolicies(t, map[string]string{"widget.rego": tagRule, "other.rego": tc.broken})
			eng, err := engine.New(context.Background(), engine.Options{
				PolicyDirs: []string{dir},
				NoBuiltin:  true,
				Config:     map[string]any{"required_tags": []any{"owner", "team"}},
			})
			require.NoError(t, err)
			got, err := eng.Evaluate(context.Background(), []engine.Resource{key("arn:aws:kms:eu-west-1:111122223333:key/x", map[string]string{"owner": "o"})})
			require.NoError(t, err)
			var errs, tags int
			for _, f := range got {
				switch f.RuleID {
				case "test-widget-missing-tag":
					tags++
					assert.Equal(t, finding.Open, f.Status)
				default:
					errs++
					assert.Equal(t, finding.Error, f.Status)
				}
			}
			assert.Equal(t, 1, tags, "the working rule still reports")
			assert.Equal(t, tc.errors, errs)
		})
	}
}

// TestEvaluateSeqBuildsInputsInTheWorkers: resources given as a sequence, their inputs
// as Rego values or built on demand, judge the same as a slice of JSON-like inputs.
func TestEvaluateSeqBuildsInputsInTheWorkers(t *testing.T) {
	t.Parallel()
	dir := writePolicies(t, map[string]string{"widget.rego": tagRule})
	eng, err := engine.New(context.Background(), engine.Options{
		PolicyDirs: []string{dir},
		NoBuiltin:  true,
		Config:     map[string]any{"required_tags": []any{"owner", "team"}},
		Workers:    3,
	})
	require.NoError(t, err)
	var plain []engine.Resource
	for i := range 50 {
		plain = append(plain, key(fmt.Sprintf("arn:aws:kms:eu-west-1:111122223333:key/%02d", i), map[string]string{"owner": "o"}))
	}
	want, err := eng.Evaluate(context.Background(), plain)
	require.NoError(t, err)
	require.Len(t, want, 50)

	var built atomic.Int64
	mixed := make([]engine.Resource, len(plain))
	for i, r := range plain {
		in := r.Input
		if i%2 == 0 {
			v, err := engine.NewEncoder().Value(in)
			require.NoError(t, err)
			r.Input = v
		} else {
			r.Input = nil
			r.Build = func() (ast.Value, error) { built.Add(1); return engine.NewEncoder().Value(in) }
		}
		mixed[i] = r
	}
	got, err := eng.EvaluateSeq(context.Background(), func(yield func(engine.Resource) bool) {
		for _, r := range mixed {
			if !yield(r) {
				return
			}
		}
	})
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, int64(25), built.Load())
}

func TestEvaluateSeqStopsOnCancelAndBuildErrors(t *testing.T) {
	t.Parallel()
	dir := writePolicies(t, map[string]string{"widget.rego": tagRule})
	eng, err := engine.New(context.Background(), engine.Options{PolicyDirs: []string{dir}, NoBuiltin: true})
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = eng.EvaluateSeq(ctx, func(yield func(engine.Resource) bool) {
		for i := 0; ; i++ { // endless: only the cancellation stops it
			if !yield(key(fmt.Sprintf("arn:k%d", i), nil)) {
				return
			}
		}
	})
	require.ErrorIs(t, err, context.Canceled)

	_, err = eng.EvaluateSeq(context.Background(), func(yield func(engine.Resource) bool) {
		r := key("arn:aws:kms:eu-west-1:111122223333:key/bad", nil)
		r.Build = func() (ast.Value, error) { return nil, errors.New("no such key") }
		yield(r)
	})
	require.ErrorContains(t, err, "arn:aws:kms:eu-west-1:111122223333:key/bad: build policy input: no such key")
}
