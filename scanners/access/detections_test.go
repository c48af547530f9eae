package access

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// at is a time of the review day.
func at(hour, minute int) time.Time {
	return reviewStart.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

var (
	mallory = iamUser(acct, "mallory", "AKIAMALLORY000000001").from(evilIP).using(cliUA)
)

func key(id string) map[string]any { return map[string]any{"keyId": keyARN(id)} }

// detection is one labelled attack sequence: the rule it must fire for the principal,
// and what else the same sequence rightly fires.
type detection struct {
	rule      string
	principal string
	attack    func(w *world)
	also      []string // "rule principal"
	inventory bool
}

func detections() []detection {
	kmsKey := func(name string, req map[string]any) func(w *world) {
		return func(w *world) {
			w.call(mallory, at(11, 0), "kms.amazonaws.com", name, req, resources("AWS::KMS::Key", keyARN(appKey)))
		}
	}
	policy := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Allow","Principal":` + principal + `,"Action":"*","Resource":"*"}]}`
	}
	return []detection{
		{rule: "access-kms-key-disabled", principal: malloryKey, attack: kmsKey("DisableKey", key(appKey))},
		{rule: "access-kms-key-deletion-scheduled", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "kms.amazonaws.com", "ScheduleKeyDeletion", map[string]any{"keyId": keyARN(appKey), "pendingWindowInDays": 7},
				resources("AWS::KMS::Key", keyARN(appKey)),
				response(map[string]any{"keyId": keyARN(appKey), "deletionDate": "Jun 7, 2024, 12:00:00 AM", "keyState": "PendingDeletion", "pendingWindowInDays": 7}))
		}},
		{rule: "access-kms-imported-material-deleted", principal: malloryKey, attack: kmsKey("DeleteImportedKeyMaterial", key(appKey))},
		{rule: "access-kms-key-policy-changed", principal: malloryKey, attack: kmsKey("PutKeyPolicy", map[string]any{
			"keyId": keyARN(appKey), "policyName": "default", "bypassPolicyLockoutSafetyCheck": false,
			"policy": policy(`{"AWS":"arn:aws:iam::` + acct + `:root"}`),
		})},
		{rule: "access-kms-key-policy-external", principal: malloryKey, attack: kmsKey("PutKeyPolicy", map[string]any{
			"keyId": keyARN(appKey), "policyName": "default", "policy": policy(`{"AWS":["arn:aws:iam::` + acct + `:root","arn:aws:iam::` + other + `:root"]}`),
		})},
		{rule: "access-kms-grant-cross-account", principal: malloryKey, attack: kmsKey("CreateGrant", map[string]any{
			"keyId": keyARN(appKey), "granteePrincipal": "arn:aws:iam::" + other + ":role/exfil", "operations": []any{"Decrypt", "GenerateDataKey"},
		})},
		{rule: "access-kms-decrypt-volume", principal: ordersKey, attack: func(w *world) {
			// The application's own role decrypts far more than it ever did, from its
			// usual place and client.
			for i := range 3000 {
				w.decrypt(ordersAPI(722), at(3, 0).Add(time.Duration(i)*time.Second), appKey)
			}
		}},
		{rule: "access-secretsmanager-policy-public", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "secretsmanager.amazonaws.com", "PutResourcePolicy", map[string]any{
				"secretId": secretARN("prod/orders/db"), "resourcePolicy": policy(`"*"`), "blockPublicPolicy": false,
			})
		}},
		{rule: "access-secretsmanager-policy-cross-account", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "secretsmanager.amazonaws.com", "PutResourcePolicy", map[string]any{
				"secretId": secretARN("prod/orders/db"), "resourcePolicy": policy(`{"AWS":"arn:aws:iam::` + other + `:role/reader"}`),
			})
		}},
		{rule: "access-secretsmanager-force-deleted", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "secretsmanager.amazonaws.com", "DeleteSecret", map[string]any{"secretId": "prod/orders/db", "forceDeleteWithoutRecovery": true},
				response(map[string]any{"arn": secretARN("prod/orders/db"), "name": "prod/orders/db", "deletionDate": "May 31, 2024, 11:00:00 AM"}))
		}},
		{rule: "access-secretsmanager-rotation-cancelled", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "secretsmanager.amazonaws.com", "CancelRotateSecret", map[string]any{"secretId": "prod/orders/db"})
		}},
		{rule: "access-secretsmanager-replicated", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "secretsmanager.amazonaws.com", "ReplicateSecretToRegions", map[string]any{
				"secretId": "prod/orders/db", "addReplicaRegions": []any{map[string]any{"region": "ap-southeast-3"}}, "forceOverwriteReplicaSecret": true,
			})
		}},
		{rule: "access-secretsmanager-foreign-key", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "secretsmanager.amazonaws.com", "UpdateSecret", map[string]any{
				"secretId": "prod/orders/db", "kmsKeyId": "arn:aws:kms:eu-west-1:" + other + ":key/9d8c7b6a-5f4e-3d2c-1b0a-9f8e7d6c5b4a",
			})
		}},
		{rule: "access-secretsmanager-batch-negated-filter", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "secretsmanager.amazonaws.com", "BatchGetSecretValue", map[string]any{
				"filters": []any{map[string]any{"key": "tag-key", "values": []any{"!nonexistent"}}},
			})
		}},
		{rule: "access-secretsmanager-read-burst", principal: ordersKey, attack: func(w *world) {
			for i := range 25 {
				w.getSecret(ordersAPI(722), at(3, 1).Add(time.Duration(i)*10*time.Second), fmt.Sprintf("prod/app%02d/db", i))
			}
		}, also: firstReads(ordersKey, 25)},
		{rule: "access-secretsmanager-list-then-read", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "secretsmanager.amazonaws.com", "ListSecrets", map[string]any{"maxResults": 100})
			for i := range 6 {
				w.getSecret(mallory, at(11, 2+3*i), fmt.Sprintf("prod/app%02d/db", i))
			}
		}},
		{rule: "access-secretsmanager-batch-volume", principal: malloryKey, attack: func(w *world) {
			for i := range 12 {
				w.call(mallory, at(11, 0).Add(time.Duration(i)*time.Minute), "secretsmanager.amazonaws.com", "BatchGetSecretValue", map[string]any{"secretIdList": []any{"a", "b"}})
			}
		}},
		{rule: "access-secretsmanager-batch-regions", principal: malloryKey, attack: func(w *world) {
			for i, reg := range []string{"eu-west-1", "us-east-1", "ap-south-1", "sa-east-1"} {
				w.call(mallory, at(11, i), "secretsmanager.amazonaws.com", "BatchGetSecretValue", map[string]any{"secretIdList": []any{"a"}}, inRegion(reg))
			}
		}},
		{rule: "access-secretsmanager-first-read", principal: ordersKey, attack: func(w *world) {
			w.getSecret(ordersAPI(730), at(10, 2), "prod/billing/api")
		}},
		{rule: "access-secretsmanager-cross-account-read", principal: "arn:aws:iam::" + other + ":role/reader", attack: func(w *world) {
			reader := assumedRole(other, "reader", "r1", "ASIAOTHERACCOUNT0001").from(evilIP).using(cliUA)
			w.getSecret(reader, at(11, 0), secretARN("prod/orders/db"))
		}},
		{rule: "access-secretsmanager-nonprod-reads-prod", principal: ciKey, inventory: true, attack: func(w *world) {
			w.getSecret(ciRole(731), at(11, 5), "prod/orders/db")
		}, also: []string{"access-secretsmanager-first-read " + ciKey, "access-secretsmanager-owner-mismatch " + ciKey}},
		{rule: "access-secretsmanager-owner-mismatch", principal: webKey, inventory: true, attack: func(w *world) {
			w.getSecret(webHost, at(11, 5), "prod/billing/api")
		}, also: []string{"access-secretsmanager-first-read " + webKey}},
		{rule: "access-cloudtrail-trail-stopped", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "cloudtrail.amazonaws.com", "StopLogging", map[string]any{"name": "arn:aws:cloudtrail:eu-west-1:" + acct + ":trail/management-events"})
		}},
		{rule: "access-cloudtrail-trail-deleted", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "cloudtrail.amazonaws.com", "DeleteTrail", map[string]any{"name": "management-events"})
		}},
		{rule: "access-cloudtrail-kms-events-excluded", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "cloudtrail.amazonaws.com", "PutEventSelectors", map[string]any{"trailName": "management-events", "eventSelectors": []any{
				map[string]any{"readWriteType": "All", "includeManagementEvents": true, "excludeManagementEventSources": []any{"kms.amazonaws.com"}, "dataResources": []any{}},
			}})
		}},
		{rule: "access-cloudtrail-management-events-excluded", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "cloudtrail.amazonaws.com", "PutEventSelectors", map[string]any{"trailName": "management-events", "advancedEventSelectors": []any{
				map[string]any{"name": "Log S3 data events only", "fieldSelectors": []any{
					map[string]any{"field": "eventCategory", "equals": []any{"Data"}},
					map[string]any{"field": "resources.type", "equals": []any{"AWS::S3::Object"}},
				}},
			}})
		}},
		{rule: "access-iam-root-activity", principal: "arn:aws:iam::" + acct + ":root", attack: func(w *world) {
			root := rootUser(acct).from(evilIP).using("Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0")
			w.call(root, at(3, 0), "signin.amazonaws.com", "ConsoleLogin", nil, inRegion("us-east-1"),
				response(map[string]any{"ConsoleLogin": "Success"}))
			w.getSecret(root, at(3, 2), secretARN("prod/orders/db"))
		}},
		{rule: "access-iam-access-key-other-user", principal: malloryKey, attack: func(w *world) {
			w.call(mallory, at(11, 0), "iam.amazonaws.com", "CreateAccessKey", map[string]any{"userName": "backup-svc"}, inRegion("us-east-1"),
				response(map[string]any{"accessKey": map[string]any{"accessKeyId": "AKIAIOSFODNN7EXAMPLE", "status": "Active", "userName": "backup-svc", "createDate": "May 31, 2024, 11:00:00 AM"}}))
		}},
		{rule: "access-iam-scanner-user-agent", principal: malloryKey, attack: func(w *world) {
			w.call(mallory.using("TruffleHog"), at(11, 0), "sts.amazonaws.com", "GetCallerIdentity", nil)
		}},
		{rule: "access-iam-instance-credentials-outside", principal: webKey, attack: func(w *world) {
			outside := webHost.from(evilIP).using(cliUA)
			w.call(outside, at(3, 0), "ssm.amazonaws.com", "GetParameter", map[string]any{"name": "/web/config/db-password", "withDecryption": true})
		}, also: []string{
			"access-principal-new-network " + webKey, "access-principal-new-user-agent " + webKey,
			"access-iam-key-multiple-networks " + webKey,
		}},
		{rule: "access-iam-key-multiple-networks", principal: malloryKey, attack: func(w *world) {
			for i, ip := range []string{evilIP, "192.0.2.77", "203.0.113.99"} {
				w.call(mallory.from(ip), at(11, i), "sts.amazonaws.com", "GetCallerIdentity", nil)
			}
		}},
		{rule: "access-ssm-decrypt-bulk", principal: malloryKey, attack: func(w *world) {
			for i := range 25 {
				w.call(mallory, at(11, 0).Add(time.Duration(i)*5*time.Second), "ssm.amazonaws.com", "GetParameter", map[string]any{"name": fmt.Sprintf("/prod/app%02d/password", i), "withDecryption": true})
			}
		}},
		{rule: "access-principal-new-network", principal: aliceKey, attack: func(w *world) {
			w.getSecret(alice.from(evilIP), at(10, 0), secretARN("prod/orders/db"))
		}},
		{rule: "access-principal-new-region", principal: ordersKey, attack: func(w *world) {
			w.getSecret(ordersAPI(730), at(10, 1), "prod/orders/db", inRegion("ap-southeast-3"))
		}, also: []string{"access-secretsmanager-first-read " + ordersKey}},
		{rule: "access-principal-new-user-agent", principal: ordersKey, attack: func(w *world) {
			w.getSecret(ordersAPI(730).using(cliUA), at(10, 1), "prod/orders/db")
		}},
		{rule: "access-principal-unusual-hour", principal: aliceKey, attack: func(w *world) {
			w.getSecret(alice, at(3, 10), secretARN("prod/orders/db"))
		}},
		{rule: "access-principal-denied-burst", principal: ciKey, attack: func(w *world) {
			for i := range 20 {
				w.call(ciRole(731), at(11, 0).Add(time.Duration(i)*15*time.Second), "secretsmanager.amazonaws.com", "GetSecretValue",
					map[string]any{"secretId": fmt.Sprintf("prod/app%02d/db", i)}, failed("AccessDeniedException"))
			}
		}},
	}
}

func firstReads(principal string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "access-secretsmanager-first-read " + principal
	}
	return out
}

// Every detection fires on its labelled attack sequence over the benign month, and
// nothing else fires than what that sequence rightly triggers.
func TestDetections(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i, d := range detections() {
		name := fmt.Sprintf("%02d %s", i, d.rule)
		seen[d.rule] = true
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := &world{}
			d.attack(w)
			var opts []reviewOpt
			if d.inventory {
				opts = append(opts, withInventory(inventoryFixture()))
			}
			res := reviewMonth(t, w, opts...)
			want := append([]string{d.rule + " " + d.principal}, d.also...)
			sort.Strings(want)
			assert.Equal(t, want, ruleIDs(res.Findings))
			for _, f := range res.Findings {
				if f.RuleID != d.rule {
					continue
				}
				events, ok := f.Evidence["events"].([]any)
				require.True(t, ok, "evidence events of %s: %v", f.RuleID, f.Evidence)
				require.NotEmpty(t, events)
				for _, e := range events {
					ev := e.(map[string]any)
					for _, k := range []string{"id", "time", "name", "source"} {
						assert.NotEmpty(t, ev[k], "evidence event field %s", k)
					}
				}
				assert.Contains(t, f.Evidence, "window")
				assert.Equal(t, FindingType, f.Resource.Type)
			}
		})
	}
	t.Run("every built-in access rule has an attack", func(t *testing.T) {
		eng, err := sharedEngine()
		require.NoError(t, err)
		for _, r := range eng.Rules() {
			if r.ResourceType == TypeEvent || r.ResourceType == TypePrincipal {
				assert.True(t, seen[r.ID], "no attack sequence for %s", r.ID)
			}
		}
		assert.GreaterOrEqual(t, len(seen), 25)
	})
}

// Sequences that look alarming at first sight and must stay quiet.
func TestQuietVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		add  func(w *world)
	}{
		{"root only through a service on its behalf", func(w *world) {
			w.call(rootUser(acct), at(3, 0), "kms.amazonaws.com", "Decrypt", nil, via("s3.amazonaws.com"))
		}},
		{"denied attempts at sensitive changes", func(w *world) {
			w.call(mallory, at(11, 0), "cloudtrail.amazonaws.com", "StopLogging", map[string]any{"name": "management-events"}, failed("AccessDenied"))
			w.call(mallory, at(11, 1), "kms.amazonaws.com", "ScheduleKeyDeletion", key(appKey), failed("AccessDeniedException"))
		}},
		{"secret deleted with a recovery window", func(w *world) {
			w.call(mallory, at(11, 0), "secretsmanager.amazonaws.com", "DeleteSecret", map[string]any{"secretId": "prod/old/db", "recoveryWindowInDays": 30})
		}},
		{"a new secret read by the application that created it", func(w *world) {
			w.call(ordersAPI(730), at(10, 0), "secretsmanager.amazonaws.com", "CreateSecret", map[string]any{"name": "prod/orders/cache", "kmsKeyId": "alias/app"})
			w.getSecret(ordersAPI(730), at(10, 1), "prod/orders/cache")
		}},
		{"the same events delivered again by a second trail", func(w *world) {
			b := benign()
			for _, r := range b.recs {
				if r["eventTime"].(string) >= reviewStart.Format(time.RFC3339) {
					w.recs = append(w.recs, r)
				}
			}
		}},
		{"key policy re-applied unchanged through CloudFormation", func(w *world) {
			w.call(deployRole, at(14, 0), "kms.amazonaws.com", "CreateGrant", map[string]any{
				"keyId": keyARN(appKey), "granteePrincipal": "arn:aws:iam::" + acct + ":role/orders-api", "operations": []any{"Decrypt"},
			}, via("cloudformation.amazonaws.com"))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := &world{}
			tc.add(w)
			res := reviewMonth(t, w, withInventory(inventoryFixture()))
			assert.Empty(t, ruleIDs(res.Findings))
		})
	}
}
