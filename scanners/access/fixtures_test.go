package access

// Labelled fixtures: CloudTrail records of the shapes AWS documents (Secrets Manager,
// KMS, CloudTrail, IAM and SSM log entries; userIdentity variants), written by code so
// that a month of benign activity and each attack sequence are reviewable here.

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	acct     = "111122223333"
	other    = "444455556666"
	region   = "eu-west-1"
	natIP    = "203.0.113.10"
	officeIP = "192.0.2.50"
	webIP    = "203.0.113.20"
	evilIP   = "198.51.100.23"

	sdkUA     = "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/secretsmanager#1.32.4"
	cliUA     = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22 prompt/off command/secretsmanager.get-secret-value"
	consoleUA = "AWS Internal"
	lambdaUA  = "Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux#5.10.209 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.34"
	pyUA      = "Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux#5.15 md/arch#x86_64 lang/python#3.11.6 cfg/retry-mode#legacy Botocore/1.34.34"
)

var (
	baselineStart = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	reviewStart   = time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC)
	reviewEnd     = reviewStart.Add(24 * time.Hour)
)

func secretARN(name string) string {
	return "arn:aws:secretsmanager:" + region + ":" + acct + ":secret:" + name + "-" + suffix(name)
}

// suffix is the six random characters Secrets Manager appends, made stable per name.
func suffix(name string) string {
	sum := sha256.Sum256([]byte(name))
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	out := make([]byte, 6)
	for i := range out {
		out[i] = letters[int(sum[i])%len(letters)]
	}
	return string(out)
}

func keyARN(id string) string { return "arn:aws:kms:" + region + ":" + acct + ":key/" + id }

const (
	appKey     = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	secretsKey = "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
)

// actor is who makes calls: a userIdentity, with the address and client it calls from.
type actor struct {
	ui  map[string]any
	ip  string
	ua  string
	key string
}

func (a actor) from(ip string) actor { a.ip = ip; return a }
func (a actor) using(ua string) actor {
	a.ua = ua
	return a
}

func iamUser(account, name, key string) actor {
	return actor{ui: map[string]any{
		"type": "IAMUser", "principalId": "AIDA" + upperID(name), "arn": "arn:aws:iam::" + account + ":user/" + name,
		"accountId": account, "accessKeyId": key, "userName": name,
	}, key: key}
}

func assumedRole(account, roleName, session, key string) actor {
	roleID := "AROA" + upperID(roleName)
	return actor{ui: map[string]any{
		"type": "AssumedRole", "principalId": roleID + ":" + session,
		"arn":       "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + session,
		"accountId": account, "accessKeyId": key,
		"sessionContext": map[string]any{
			"sessionIssuer": map[string]any{
				"type": "Role", "principalId": roleID, "arn": "arn:aws:iam::" + account + ":role/" + roleName,
				"accountId": account, "userName": roleName,
			},
			"attributes": map[string]any{"creationDate": "2024-05-01T00:00:00Z", "mfaAuthenticated": "false"},
		},
	}, key: key}
}

func instanceRole(account, roleName, instanceID, key string) actor {
	a := assumedRole(account, roleName, instanceID, key)
	a.ui["sessionContext"].(map[string]any)["ec2RoleDelivery"] = "2.0"
	return a
}

func rootUser(account string) actor {
	return actor{ui: map[string]any{
		"type": "Root", "principalId": account, "arn": "arn:aws:iam::" + account + ":root", "accountId": account,
		"accessKeyId":    "ASIAROOTSESSION00001",
		"sessionContext": map[string]any{"attributes": map[string]any{"creationDate": "2024-05-31T03:00:00Z", "mfaAuthenticated": "false"}},
	}}
}

func awsService(svc string) actor {
	return actor{ui: map[string]any{"type": "AWSService", "invokedBy": svc}, ip: svc, ua: svc}
}

func upperID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%X", sum[:8])
}

func sessionKey(name string, n int) string {
	sum := sha256.Sum256([]byte(fmt.Sprint(name, n)))
	return fmt.Sprintf("ASIA%X", sum[:8])
}

// record is one CloudTrail record; keys starting with "_" steer the writer.
type record map[string]any

type option func(record)

func failed(code string) option {
	return func(r record) {
		r["errorCode"] = code
		r["errorMessage"] = "User is not authorized to perform this operation"
	}
}

// via marks the call as made by an AWS service on the principal's behalf.
func via(svc string) option {
	return func(r record) {
		ui := map[string]any{}
		for k, v := range r["userIdentity"].(map[string]any) {
			ui[k] = v
		}
		ui["invokedBy"] = svc
		r["userIdentity"], r["sourceIPAddress"], r["userAgent"] = ui, svc, svc
	}
}

func inRegion(reg string) option { return func(r record) { r["awsRegion"] = reg } }

func resources(typ, arn string) option {
	return func(r record) {
		r["resources"] = []any{map[string]any{"accountId": acct, "type": typ, "ARN": arn}}
	}
}

func response(m map[string]any) option { return func(r record) { r["responseElements"] = m } }

// world collects records.
type world struct {
	recs []record
	n    int
}

func (w *world) call(a actor, at time.Time, source, name string, req map[string]any, opts ...option) record {
	w.n++
	sum := sha256.Sum256([]byte(fmt.Sprint(w.n, at.UnixNano(), name, a.ui["arn"], a.ui["invokedBy"])))
	r := record{
		"eventVersion":       "1.09",
		"userIdentity":       a.ui,
		"eventTime":          at.UTC().Format(time.RFC3339),
		"eventSource":        source,
		"eventName":          name,
		"awsRegion":          region,
		"sourceIPAddress":    a.ip,
		"userAgent":          a.ua,
		"requestParameters":  req,
		"responseElements":   nil,
		"requestID":          fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16]),
		"eventID":            fmt.Sprintf("%x-%x-%x-%x-%x", sum[16:20], sum[20:22], sum[22:24], sum[24:26], sum[26:32]),
		"readOnly":           readOnly(name),
		"eventType":          "AwsApiCall",
		"managementEvent":    true,
		"recipientAccountId": acct,
		"eventCategory":      "Management",
		"tlsDetails": map[string]any{
			"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
			"clientProvidedHostHeader": serviceHost(source),
		},
	}
	if id, ok := a.ui["accountId"].(string); ok && id != acct && id != "" {
		r["recipientAccountId"] = acct
	}
	for _, o := range opts {
		o(r)
	}
	w.recs = append(w.recs, r)
	return r
}

func readOnly(name string) bool {
	for _, p := range []string{"Get", "List", "Describe", "Decrypt", "GenerateDataKey", "BatchGet", "Lookup"} {
		if len(name) >= len(p) && name[:len(p)] == p {
			return true
		}
	}
	return false
}

func serviceHost(source string) string {
	return source[:len(source)-len(".amazonaws.com")] + "." + region + ".amazonaws.com"
}

// getSecret is a GetSecretValue, with the Decrypt Secrets Manager makes on the caller's
// behalf when the secret uses a customer-managed key.
func (w *world) getSecret(a actor, at time.Time, name string, opts ...option) {
	w.call(a, at, "secretsmanager.amazonaws.com", "GetSecretValue", map[string]any{"secretId": name}, opts...)
	w.call(a, at, "kms.amazonaws.com", "Decrypt", map[string]any{
		"encryptionContext":   map[string]any{"SecretARN": secretARN(name), "SecretVersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1"},
		"encryptionAlgorithm": "SYMMETRIC_DEFAULT",
	}, append([]option{via("secretsmanager.amazonaws.com"), resources("AWS::KMS::Key", keyARN(secretsKey))}, opts...)...)
}

func (w *world) decrypt(a actor, at time.Time, key string, opts ...option) {
	w.call(a, at, "kms.amazonaws.com", "Decrypt", map[string]any{
		"encryptionAlgorithm": "SYMMETRIC_DEFAULT",
		"encryptionContext":   map[string]any{"aws:ebs:id": "vol-0abcd1234"},
	}, append([]option{resources("AWS::KMS::Key", keyARN(key))}, opts...)...)
}

// Actors of the benign month.
var (
	ordersAPI = func(hour int) actor {
		return assumedRole(acct, "orders-api", fmt.Sprintf("orders-api-%d", hour), sessionKey("orders", hour)).from(natIP).using(sdkUA)
	}
	rotation   = assumedRole(acct, "rotation-orders-db", "rotation-orders-db", "ASIAROTATIONLAMBDA01").using(lambdaUA)
	deployRole = assumedRole(acct, "deploy", "github-actions", "ASIADEPLOYSESSION001").from("198.18.0.10").using(cliUA)
	alice      = assumedRole(acct, "AWSReservedSSO_AdministratorAccess_0123456789abcdef", "alice@example.com", "ASIAALICECONSOLE0001").from(officeIP).using(consoleUA)
	ciRole     = func(hour int) actor {
		return assumedRole(acct, "ci-staging", fmt.Sprintf("ci-%d", hour), sessionKey("ci", hour)).from(natIP).using(pyUA)
	}
	webHost = instanceRole(acct, "web-instance", "i-0123456789abcdef0", "ASIAWEBINSTANCE00001").from(webIP).using(sdkUA)
)

const (
	aliceKey   = "arn:aws:sts::" + acct + ":assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com"
	ordersKey  = "arn:aws:iam::" + acct + ":role/orders-api"
	ciKey      = "arn:aws:iam::" + acct + ":role/ci-staging"
	webKey     = "arn:aws:iam::" + acct + ":role/web-instance"
	deployKey  = "arn:aws:iam::" + acct + ":role/deploy"
	malloryKey = "arn:aws:iam::" + acct + ":user/mallory"
)

// benign is a month of ordinary activity (30 baseline days and the review day): an
// application reading its own secret every five minutes, a rotation Lambda, a deploy
// role whose secrets CloudFormation reads, S3 and Secrets Manager decrypting on
// principals' behalf, an administrator's console sessions, a CI role on staging
// secrets with a daily batch read, and an EC2 instance reading SecureString parameters.
func benign() *world {
	w := &world{}
	for at := baselineStart; at.Before(reviewEnd); at = at.Add(5 * time.Minute) {
		hour := int(at.Sub(baselineStart).Hours())
		w.getSecret(ordersAPI(hour), at.Add(17*time.Second), "prod/orders/db")
		if at.Minute()%10 == 0 {
			w.decrypt(ordersAPI(hour), at.Add(41*time.Second), appKey)
		}
		if at.Minute()%15 == 0 {
			w.call(webHost, at.Add(3*time.Second), "ssm.amazonaws.com", "GetParameter", map[string]any{"name": "/web/config/db-password", "withDecryption": true})
			w.decrypt(webHost, at.Add(4*time.Second), appKey)
		}
		if at.Minute() == 30 {
			w.getSecret(ciRole(hour), at.Add(5*time.Second), "staging/orders/db")
		}
	}
	for day := baselineStart; day.Before(reviewEnd); day = day.AddDate(0, 0, 1) {
		// CI reads its three staging secrets in one batch call each night; the batch
		// logs a GetSecretValue per secret as well.
		at := day.Add(1*time.Hour + 2*time.Minute)
		ids := []any{"staging/orders/db", "staging/billing/api", "staging/search/key"}
		hour := int(at.Sub(baselineStart).Hours())
		w.call(ciRole(hour), at, "secretsmanager.amazonaws.com", "BatchGetSecretValue", map[string]any{"secretIdList": ids})
		for _, id := range ids {
			w.getSecret(ciRole(hour), at, id.(string))
		}
		// A denied call now and then: a misconfigured job.
		if day.Day()%9 == 0 {
			w.call(ciRole(hour), at.Add(time.Minute), "secretsmanager.amazonaws.com", "GetSecretValue", map[string]any{"secretId": "prod/orders/db"}, failed("AccessDeniedException"))
		}
		// Weekly deploy: CloudFormation resolves the stack's secret and S3 decrypts
		// the template bucket's objects on the deploy role's behalf.
		if day.Weekday() == time.Thursday {
			at := day.Add(14 * time.Hour)
			w.call(deployRole, at, "cloudformation.amazonaws.com", "UpdateStack", map[string]any{"stackName": "orders"})
			w.getSecret(deployRole, at.Add(20*time.Second), "prod/orders/db", via("cloudformation.amazonaws.com"))
			w.decrypt(deployRole, at.Add(21*time.Second), appKey, via("s3.amazonaws.com"))
		}
		// The administrator's console sessions on weekdays, office hours.
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			at := day.Add(9*time.Hour + 30*time.Minute)
			w.call(alice, at, "signin.amazonaws.com", "ConsoleLogin", nil)
			w.call(alice, at.Add(time.Minute), "secretsmanager.amazonaws.com", "ListSecrets", map[string]any{})
			w.call(alice, at.Add(2*time.Minute), "secretsmanager.amazonaws.com", "DescribeSecret", map[string]any{"secretId": secretARN("prod/orders/db")})
			w.getSecret(alice, at.Add(3*time.Minute), secretARN("prod/orders/db"))
			if day.Day()%2 == 0 {
				w.getSecret(alice, day.Add(15*time.Hour), secretARN("prod/billing/api"))
			}
			w.call(alice, day.Add(16*time.Hour+45*time.Minute), "kms.amazonaws.com", "ListKeys", map[string]any{})
		}
	}
	// Monthly rotation by the rotation Lambda (a new address each invocation), with
	// Secrets Manager's own rotation events.
	for i, day := range []time.Time{baselineStart.AddDate(0, 0, 1), reviewStart} {
		at := day.Add(2 * time.Hour)
		fn := rotation.from(fmt.Sprintf("3.250.%d.%d", 10+i, 20+i))
		svc := awsService("secretsmanager.amazonaws.com")
		w.call(svc, at, "secretsmanager.amazonaws.com", "RotationStarted", nil, func(r record) { r["eventType"] = "AwsServiceEvent" })
		w.call(fn, at.Add(2*time.Second), "secretsmanager.amazonaws.com", "DescribeSecret", map[string]any{"secretId": secretARN("prod/orders/db")})
		w.getSecret(fn, at.Add(3*time.Second), secretARN("prod/orders/db"))
		w.call(fn, at.Add(4*time.Second), "secretsmanager.amazonaws.com", "GetRandomPassword", map[string]any{"passwordLength": 32})
		w.call(fn, at.Add(5*time.Second), "secretsmanager.amazonaws.com", "PutSecretValue", map[string]any{"secretId": secretARN("prod/orders/db"), "clientRequestToken": "EXAMPLE2-90ab-cdef-fedc-ba987EXAMPLE", "versionStages": []any{"AWSPENDING"}})
		w.getSecret(fn, at.Add(6*time.Second), secretARN("prod/orders/db"))
		w.call(fn, at.Add(8*time.Second), "secretsmanager.amazonaws.com", "UpdateSecretVersionStage", map[string]any{"secretId": secretARN("prod/orders/db"), "versionStage": "AWSCURRENT"})
		w.call(svc, at.Add(9*time.Second), "secretsmanager.amazonaws.com", "RotationSucceeded", nil, func(r record) { r["eventType"] = "AwsServiceEvent" })
	}
	return w
}

// writeTrail writes the records as CloudTrail delivers them: gzipped {"Records": [...]}
// files of 15-minute delivery slots (one per account and region) in the standard layout
// under dir, with a digest file beside each day.
func (w *world) writeTrail(t testing.TB, dir string) {
	t.Helper()
	type fileKey struct {
		account, region string
		delivered       time.Time
	}
	files := map[fileKey][]record{}
	for _, r := range w.recs {
		at, err := time.Parse(time.RFC3339, r["eventTime"].(string))
		require.NoError(t, err)
		delivered := at.Truncate(15 * time.Minute).Add(15 * time.Minute)
		if late, ok := r["_late"].(time.Duration); ok {
			delivered = delivered.Add(late).Truncate(5 * time.Minute)
		}
		k := fileKey{r["recipientAccountId"].(string), r["awsRegion"].(string), delivered}
		files[k] = append(files[k], r)
	}
	days := map[string]bool{}
	for k, recs := range files {
		sort.SliceStable(recs, func(i, j int) bool { return recs[i]["eventTime"].(string) < recs[j]["eventTime"].(string) })
		clean := make([]record, len(recs))
		for i, r := range recs {
			c := record{}
			for key, v := range r {
				if key[0] != '_' {
					c[key] = v
				}
			}
			clean[i] = c
		}
		folder := filepath.Join(dir, "AWSLogs", k.account, "CloudTrail", k.region, k.delivered.Format("2006/01/02"))
		name := fmt.Sprintf("%s_CloudTrail_%s_%s_%s.json.gz", k.account, k.region, k.delivered.Format("20060102T1504Z"), suffix(k.delivered.String()+k.region))
		writeGzipJSON(t, filepath.Join(folder, name), map[string]any{"Records": clean})
		days[filepath.Join(dir, "AWSLogs", k.account, "CloudTrail-Digest", k.region, k.delivered.Format("2006/01/02"))+"|"+k.account+"|"+k.region+"|"+k.delivered.Format("20060102")] = true
	}
	for d := range days {
		var folder, account, reg, day string
		parts := bytes.Split([]byte(d), []byte("|"))
		folder, account, reg, day = string(parts[0]), string(parts[1]), string(parts[2]), string(parts[3])
		name := fmt.Sprintf("%s_CloudTrail-Digest_%s_management-events_%s_%sT235959Z.json.gz", account, reg, reg, day)
		writeGzipJSON(t, filepath.Join(folder, name), map[string]any{
			"awsAccountId": account, "digestStartTime": day, "digestEndTime": day, "digestS3Bucket": "trail-bucket",
			"digestSignatureAlgorithm": "SHA256withRSA", "logFiles": []any{},
		})
	}
}

func writeGzipJSON(t testing.TB, path string, v any) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	require.NoError(t, json.NewEncoder(zw).Encode(v))
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
}
