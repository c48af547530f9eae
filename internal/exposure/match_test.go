package exposure

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGlobMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything:at/all", true},
		{"", "", true},
		{"", "x", false},
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "a/c", true},
		{"a?c", "aéc", true},
		{"a*", "a", true},
		{"*c", "abc", true},
		{"a*c", "ab:/xc", true},
		{"a*b*c", "a1b2b3c", true},
		{"a*b*c", "a1b2b3", false},
		{"secretsmanager:get*", "secretsmanager:getsecretvalue", true},
		{"secretsmanager:*secret*", "secretsmanager:getsecretvalue", true},
		{"secretsmanager:*secret*", "secretsmanager:getrandompassword", false},
		// * crosses ":" and "/" as in IAM.
		{"arn:aws:secretsmanager:*", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf", true},
		{"arn:aws:secretsmanager:*:111122223333:secret:prod/*", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/a/b-AbCdEf", true},
		{"arn:aws:secretsmanager:*:111122223333:secret:prod/*", "arn:aws:secretsmanager:eu-west-1:444455556666:secret:prod/a-AbCdEf", false},
		{"arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-??????", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf", true},
		{"arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-??????", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdE", false},
		// Glob metacharacters other than * and ? match themselves.
		{"a[b]c", "a[b]c", true},
		{"a[b]c", "abc", false},
		{"a{b,c}", "a{b,c}", true},
		{"a{b,c}", "ab", false},
		{`a\*`, `a\xyz`, true},
		// ARNs compare case-sensitively.
		{"arn:aws:secretsmanager:*:*:secret:Prod/*", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/x", false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s~%s", tc.pattern, tc.s), func(t *testing.T) {
			assert.Equal(t, tc.want, globMatch(tc.pattern, tc.s))
			p := compilePattern(tc.pattern)
			assert.Equal(t, tc.want, p.match(tc.s), "compiled")
		})
	}
}

func TestActionApplies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		actions     []string
		notActions  []string
		action      string
		wantApplies bool
	}{
		{"exact", []string{"secretsmanager:getsecretvalue"}, nil, actionRead, true},
		{"case-insensitive", []string{"SecretsManager:GetSecretValue"}, nil, actionRead, true},
		{"service wildcard", []string{"secretsmanager:*"}, nil, actionRead, true},
		{"everything", []string{"*"}, nil, actionDecrypt, true},
		{"other service", []string{"kms:*"}, nil, actionRead, false},
		{"prefix wildcard", []string{"kms:decrypt*"}, nil, actionDecrypt, true},
		{"NotAction excluding another service", nil, []string{"iam:*"}, actionRead, true},
		{"NotAction excluding the action", nil, []string{"secretsmanager:get*"}, actionRead, false},
		{"neither", nil, nil, actionRead, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.wantApplies, actionApplies(tc.actions, tc.notActions, tc.action))
		})
	}
}

func TestResourceMatcher(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:alice/db-AbCdEf"
	cases := []struct {
		name         string
		resources    []string
		notResources []string
		want         bool
		variable     string
	}{
		{"star", []string{"*"}, nil, true, ""},
		{"no element", nil, nil, true, ""},
		{"prefix", []string{"arn:aws:secretsmanager:*:*:secret:alice/*"}, nil, true, ""},
		{"other prefix", []string{"arn:aws:secretsmanager:*:*:secret:bob/*"}, nil, false, ""},
		{"NotResource excluding it", nil, []string{"arn:aws:secretsmanager:*:*:secret:alice/*"}, false, ""},
		{"NotResource excluding others", nil, []string{"arn:aws:secretsmanager:*:*:secret:bob/*"}, true, ""},
		{"policy variable", []string{"arn:aws:secretsmanager:*:*:secret:${aws:username}/*"}, nil, true, "${aws:username}"},
		{"certain match beats variable", []string{"arn:aws:secretsmanager:*:*:secret:${aws:username}/*", "*"}, nil, true, ""},
		{"NotResource with variable", nil, []string{"arn:aws:secretsmanager:*:*:secret:${aws:username}/*"}, true, "${aws:username}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := compileResources(tc.resources, tc.notResources)
			got, variable := m.match(arn)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.variable, variable)
		})
	}
}

// TestARNIndexAgreesWithScan checks the index against testing every ARN, on random ARNs
// and patterns built from the same pieces, so that both hits and near misses occur.
func TestARNIndexAgreesWithScan(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	regions := []string{"eu-west-1", "us-east-1"}
	accounts := []string{"111122223333", "444455556666"}
	names := []string{"prod/db", "prod/api", "staging/db", "dev/x"}
	var arns []string
	var ids []int32
	for i := 0; i < 600; i++ {
		var arn string
		switch i % 3 {
		case 0: // secrets: six colons
			arn = fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%06d",
				regions[rng.IntN(2)], accounts[rng.IntN(2)], names[rng.IntN(len(names))], rng.IntN(1000))
		case 1: // keys: five colons
			arn = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s-%d", regions[rng.IntN(2)], accounts[rng.IntN(2)], names[rng.IntN(len(names))], rng.IntN(1000))
		default: // odd shapes
			arn = []string{"arn:aws:s3:::bucket/prod/db", "not-an-arn", "arn:aws:x:eu-west-1:111122223333:a:b:prod/db", ""}[rng.IntN(4)]
		}
		arns = append(arns, arn)
		ids = append(ids, int32(i))
	}
	idx := newARNIndex(arns, ids)
	pieces := func(options ...string) string { return options[rng.IntN(len(options))] }
	selective := 0 // patterns that match some ARNs but not all
	for i := 0; i < 2000; i++ {
		raw := pieces("arn:aws:secretsmanager:", "arn:aws:kms:", "arn:aws:*:", "arn:*:", "*:", "") +
			pieces("eu-west-1:", "*:", "us-*:", ":", "") +
			pieces("111122223333:", "*:", "4444?5556666:", "") +
			pieces("secret:", "*", "secret:prod/", "key/", "a:b:", "") +
			pieces("prod/*", "*", "db-*", "dev/x-00000?", "*b", "prod/db", "")
		p := compilePattern(raw)
		got := idx.match(&p, nil)
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		var want []int32
		for j, arn := range arns {
			if globMatch(raw, arn) {
				want = append(want, ids[j])
			}
		}
		require.Equal(t, want, got, "pattern %q", raw)
		if len(want) > 0 && len(want) < len(arns) {
			selective++
		}
	}
	assert.Greater(t, selective, 200, "the random patterns exercise partial matches")
}
