package access

// S3 and LookupEvents sources are tested through the real SDK clients against the
// in-repo AWS emulator (internal/awsapi): S3 ListObjectsV2 with prefixes, delimiters and
// continuation tokens, GetObject, and CloudTrail LookupEvents with NextToken, with
// denied, failing and throttled calls injected.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/custos-dev/custos/internal/awsapi"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// auditorKey is the access key the review signs its calls with.
const auditorKey = "AKIAAUDITOR000000001"

// emulator starts the AWS emulator with the account, its CloudTrail events by region and
// the given buckets, answering two items a page so that every token is followed.
func emulator(t *testing.T, buckets map[string]map[string][]byte, events map[string][]string) *awsapi.Server {
	t.Helper()
	return awsapi.New(t, awsapi.World{
		Accounts:    []awsapi.Account{{Account: inventory.Account{ID: acct}, CloudTrailEvents: events}},
		Credentials: []awsapi.Credential{{AccessKeyID: auditorKey, Account: acct, ARN: "arn:aws:iam::" + acct + ":user/auditor"}},
		Buckets:     buckets,
	}, awsapi.Options{PageSize: 2})
}

// sdkConfig is the configuration of the review's clients: the emulator as endpoint and
// no retries, so an injected fault is the answer.
func sdkConfig(srv *awsapi.Server) awssdk.Config {
	return awssdk.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(auditorKey, "secret", ""),
		BaseEndpoint: awssdk.String(srv.URL),
		Retryer:      func() awssdk.Retryer { return awssdk.NopRetryer{} },
	}
}

func s3Client(srv *awsapi.Server) *s3.Client {
	return s3.NewFromConfig(sdkConfig(srv), func(o *s3.Options) { o.UsePathStyle = true })
}

// loadTree reads a directory written by writeTrail into S3 objects under prefix.
func loadTree(t *testing.T, dir, prefix string, into map[string][]byte) {
	t.Helper()
	require.NoError(t, filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		into[prefix+filepath.ToSlash(rel)] = data
		return err
	}))
}

// An organisation trail's bucket: accounts under the organisation id, regions, days.
// Only the days of the window are listed and only files delivered in it are read.
func TestS3Source(t *testing.T) {
	t.Parallel()
	objects := map[string][]byte{}
	for i, account := range []string{acct, other} {
		dir := t.TempDir()
		w := ticks(reviewStart.Add(-72*time.Hour), reviewEnd.Add(72*time.Hour))
		for _, r := range w.recs {
			r["recipientAccountId"] = account
			r["eventID"] = fmt.Sprintf("%s-%d", r["eventID"], i)
		}
		w.writeTrail(t, dir)
		loadTree(t, dir, "trails/", objects)
	}
	// Move the accounts under an organisation id, as organisation trails deliver.
	org := map[string][]byte{}
	for k, v := range objects {
		org[strings.Replace(k, "AWSLogs/", "AWSLogs/o-exampleorgid/", 1)] = v
	}
	srv := emulator(t, map[string]map[string][]byte{"org-trail-bucket": org}, nil)
	bucket, prefix, err := ParseS3URL("s3://org-trail-bucket/trails")
	require.NoError(t, err)
	res := reviewSources(t, S3(s3Client(srv), bucket, prefix))

	assert.Empty(t, failedCoverage(res.Coverage))
	assert.Equal(t, 2*2*288, res.Stats.Events, "two accounts, baseline and review day")
	read := srv.Calls(awsapi.Call{Service: "s3", Operation: "GetObject"})
	assert.Equal(t, 2*(2*96+2), read, "only files delivered in the window are read")
	assert.Len(t, srv.Resources(awsapi.Call{Service: "s3", Operation: "GetObject"}), read, "each file once")
	listed := srv.Resources(awsapi.Call{Service: "s3", Operation: "ListObjectsV2"})
	require.NotEmpty(t, listed)
	for _, p := range listed {
		if strings.Contains(p, "/CloudTrail/eu-west-1/") {
			day := strings.SplitN(p, "/CloudTrail/eu-west-1/", 2)[1]
			assert.Contains(t, []string{"2024/05/30/", "2024/05/31/", "2024/06/01/"}, day, "listed a day outside the window")
		}
		assert.NotContains(t, p, "CloudTrail-Digest", "digest folders are not listed")
	}
	assert.Greater(t, srv.Calls(awsapi.Call{Service: "s3", Operation: "ListObjectsV2"}), len(listed), "continuation tokens were followed")
	assert.Equal(t, []string{"s3:GetObject", "s3:ListObjectsV2"}, srv.Operations())
}

// A prefix naming one account and region lists nothing above it.
func TestS3SourcePrefix(t *testing.T) {
	t.Parallel()
	srv := emulator(t, map[string]map[string][]byte{"b": twoRegions(t)}, nil)
	res := reviewSources(t, S3(s3Client(srv), "b", "AWSLogs/"+acct+"/CloudTrail/eu-west-1/"))
	assert.Empty(t, failedCoverage(res.Coverage))
	assert.Equal(t, 288, res.Stats.Events)
	for _, p := range srv.Resources(awsapi.Call{Operation: "ListObjectsV2"}) {
		assert.True(t, strings.HasPrefix(p, "b/AWSLogs/"+acct+"/CloudTrail/eu-west-1/2024/"), p)
	}
}

// twoRegions is the trail bucket of a day of reads (288 events) in each of eu-west-1 and
// us-east-1.
func twoRegions(t *testing.T) map[string][]byte {
	t.Helper()
	w := ticks(reviewStart, reviewEnd)
	east := ticks(reviewStart, reviewEnd)
	for _, r := range east.recs {
		r["awsRegion"] = "us-east-1"
		r["eventID"] = r["eventID"].(string) + "-east"
	}
	w.recs = append(w.recs, east.recs...)
	dir := t.TempDir()
	w.writeTrail(t, dir)
	objects := map[string][]byte{}
	loadTree(t, dir, "", objects)
	return objects
}

// A listing or an object S3 refuses or fails is incomplete coverage naming it, not an
// error: the rest of the bucket is read.
func TestS3SourceFaults(t *testing.T) {
	t.Parallel()
	objects := twoRegions(t)
	var object string
	for k := range objects {
		if strings.Contains(k, "/us-east-1/") && !strings.Contains(k, "Digest") && (object == "" || k < object) {
			object = k
		}
	}
	inObject := countRecords(t, objects[object])
	require.Positive(t, inObject)

	usEast := "b/AWSLogs/" + acct + "/CloudTrail/us-east-1/"
	tests := []struct {
		name   string
		fault  awsapi.Fault
		want   string
		events int
	}{
		{name: "listing denied", fault: awsapi.Fault{Service: "s3", Operation: "ListObjectsV2", Resource: usEast, Kind: awsapi.Deny},
			want: "denied s3://b/AWSLogs/" + acct + "/CloudTrail/us-east-1/", events: 288},
		{name: "listing throttled", fault: awsapi.Fault{Service: "s3", Operation: "ListObjectsV2", Resource: usEast, Kind: awsapi.Throttle},
			want: "failed s3://b/AWSLogs/" + acct + "/CloudTrail/us-east-1/", events: 288},
		{name: "object denied", fault: awsapi.Fault{Service: "s3", Operation: "GetObject", Resource: "b/" + object, Kind: awsapi.Deny},
			want: "denied s3://b/" + object + ": open: ", events: 2*288 - inObject},
		{name: "object fails", fault: awsapi.Fault{Service: "s3", Operation: "GetObject", Resource: "b/" + object, Kind: awsapi.ServerError},
			want: "failed s3://b/" + object + ": open: ", events: 2*288 - inObject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := emulator(t, map[string]map[string][]byte{"b": objects}, nil)
			srv.Inject(tt.fault)
			res := reviewSources(t, S3(s3Client(srv), "b", ""))
			bad := failedCoverage(res.Coverage)
			require.NotEmpty(t, bad)
			for _, b := range bad {
				assert.Contains(t, b, tt.want)
			}
			assert.Equal(t, tt.events, res.Stats.Events, "the rest of the bucket is read")
			assert.False(t, inventory.Complete(res.Coverage))
		})
	}
}

// countRecords counts the records of a gzipped CloudTrail log file.
func countRecords(t *testing.T, data []byte) int {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	var file struct{ Records []json.RawMessage }
	require.NoError(t, json.NewDecoder(zr).Decode(&file))
	return len(file.Records)
}

func TestParseS3URL(t *testing.T) {
	t.Parallel()
	b, p, err := ParseS3URL("s3://bucket/a/b/")
	require.NoError(t, err)
	assert.Equal(t, "bucket", b)
	assert.Equal(t, "a/b/", p)
	for _, bad := range []string{"bucket/a", "s3:///a", "https://bucket.s3.amazonaws.com"} {
		_, _, err := ParseS3URL(bad)
		assert.Error(t, err, bad)
	}
}

// LookupEvents is paged and paced: one pause of LookupInterval between requests, and
// only the events of the windows are asked for.
func TestLookupSource(t *testing.T) {
	t.Parallel()
	var events []string
	inWindow := ticks(at(10, 0), at(10, 25)).recs // five reads
	outside := append(ticks(reviewStart.Add(-26*time.Hour), reviewStart.Add(-25*time.Hour)).recs,
		ticks(reviewEnd.Add(time.Minute), reviewEnd.Add(time.Hour)).recs...)
	for _, r := range append(append([]record{}, inWindow...), outside...) {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		events = append(events, string(b))
	}
	srv := emulator(t, nil, map[string][]string{region: events})
	var waits []time.Duration
	src := Lookup(cloudtrail.NewFromConfig(sdkConfig(srv)), region, LookupOptions{Wait: func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}})
	res := reviewSources(t, src)
	assert.Empty(t, failedCoverage(res.Coverage))
	assert.Equal(t, 5, res.Stats.Events)
	assert.Equal(t, 5, res.Stats.Records, "the window was asked for: no event outside it came back")
	assert.Equal(t, 3, srv.Calls(awsapi.Call{Service: "cloudtrail", Operation: "LookupEvents", Region: region}), "pages of two")
	assert.Equal(t, []time.Duration{LookupInterval, LookupInterval}, waits, "about two requests a second")

	tests := []struct {
		name  string
		fault awsapi.Fault
		want  string
	}{
		{name: "denied", fault: awsapi.Fault{Service: "cloudtrail", Operation: "LookupEvents", Kind: awsapi.Deny},
			want: "denied lookup:eu-west-1: LookupEvents page 1: "},
		{name: "throttled on the second page", fault: awsapi.Fault{Service: "cloudtrail", Operation: "LookupEvents", Kind: awsapi.Throttle, Times: 1},
			want: "failed lookup:eu-west-1: LookupEvents page 2: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := emulator(t, nil, map[string][]string{region: events})
			pages := 0
			src := Lookup(cloudtrail.NewFromConfig(sdkConfig(srv)), region, LookupOptions{Wait: func(context.Context, time.Duration) error {
				// The fault starts with the second page.
				if pages++; pages == 1 && tt.fault.Times > 0 {
					srv.Inject(tt.fault)
				}
				return nil
			}})
			if tt.fault.Times == 0 {
				srv.Inject(tt.fault)
			}
			res := reviewSources(t, src)
			bad := failedCoverage(res.Coverage)
			require.Len(t, bad, 1)
			assert.Contains(t, bad[0], tt.want)
		})
	}
}
