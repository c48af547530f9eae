package access

// The in-repo AWS emulator (internal/awsapi) does not serve S3 or LookupEvents yet, so
// these tests run the real SDK clients against two small loopback servers of their own:
// S3 REST (ListObjectsV2 with prefixes, delimiters and continuation tokens; GetObject)
// and CloudTrail JSON 1.1 (LookupEvents with NextToken).

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// s3Server serves one bucket from a map of keys, two keys or prefixes a page.
type s3Server struct {
	bucket  string
	objects map[string][]byte
	deny    string // a prefix whose listing is denied

	mu     sync.Mutex
	listed []string
	got    []string
}

type listResult struct {
	XMLName               xml.Name `xml:"ListBucketResult"`
	Name                  string   `xml:"Name"`
	Prefix                string   `xml:"Prefix"`
	Delimiter             string   `xml:"Delimiter,omitempty"`
	KeyCount              int      `xml:"KeyCount"`
	MaxKeys               int      `xml:"MaxKeys"`
	IsTruncated           bool     `xml:"IsTruncated"`
	NextContinuationToken string   `xml:"NextContinuationToken,omitempty"`
	Contents              []struct {
		Key  string `xml:"Key"`
		Size int    `xml:"Size"`
	} `xml:"Contents"`
	CommonPrefixes []struct {
		Prefix string `xml:"Prefix"`
	} `xml:"CommonPrefixes"`
}

func (s *s3Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/"+s.bucket)
	if path == "" || path == "/" {
		s.list(w, r)
		return
	}
	key := strings.TrimPrefix(path, "/")
	s.mu.Lock()
	s.got = append(s.got, key)
	s.mu.Unlock()
	data, ok := s.objects[key]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

func (s *s3Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	prefix, delim, token := q.Get("prefix"), q.Get("delimiter"), q.Get("continuation-token")
	s.mu.Lock()
	s.listed = append(s.listed, prefix)
	s.mu.Unlock()
	if s.deny != "" && strings.HasPrefix(prefix, s.deny) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
		return
	}
	// Entries in key order: keys, or the common prefixes they roll up into.
	seen := map[string]bool{}
	var entries []string
	var keys []string
	for k := range s.objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		rest := k[len(prefix):]
		if delim != "" {
			if i := strings.Index(rest, delim); i >= 0 {
				cp := prefix + rest[:i+len(delim)]
				if !seen[cp] {
					seen[cp] = true
					entries = append(entries, "P"+cp)
				}
				continue
			}
		}
		entries = append(entries, "K"+k)
	}
	start := 0
	if token != "" {
		start, _ = strconv.Atoi(token)
	}
	const page = 2
	end := min(start+page, len(entries))
	out := listResult{Name: s.bucket, Prefix: prefix, Delimiter: delim, MaxKeys: page, KeyCount: end - start}
	for _, e := range entries[start:end] {
		if e[0] == 'P' {
			out.CommonPrefixes = append(out.CommonPrefixes, struct {
				Prefix string `xml:"Prefix"`
			}{e[1:]})
		} else {
			out.Contents = append(out.Contents, struct {
				Key  string `xml:"Key"`
				Size int    `xml:"Size"`
			}{e[1:], len(s.objects[e[1:]])})
		}
	}
	if end < len(entries) {
		out.IsTruncated, out.NextContinuationToken = true, strconv.Itoa(end)
	}
	w.Header().Set("Content-Type", "application/xml")
	io.WriteString(w, xml.Header)
	xml.NewEncoder(w).Encode(out)
}

func s3Client(t *testing.T, h http.Handler) *s3.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return s3.New(s3.Options{
		Region:       "eu-west-1",
		BaseEndpoint: awssdk.String(srv.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
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
	srv := &s3Server{bucket: "org-trail-bucket", objects: org}
	bucket, prefix, err := ParseS3URL("s3://org-trail-bucket/trails")
	require.NoError(t, err)
	res := reviewSources(t, S3(s3Client(t, srv), bucket, prefix))

	assert.Empty(t, failedCoverage(res.Coverage))
	assert.Equal(t, 2*2*288, res.Stats.Events, "two accounts, baseline and review day")
	assert.Equal(t, 2*(2*96+2), len(srv.got), "only files delivered in the window are read")
	for _, p := range srv.listed {
		if strings.Contains(p, "/CloudTrail/eu-west-1/") {
			day := strings.SplitN(p, "/CloudTrail/eu-west-1/", 2)[1]
			assert.Contains(t, []string{"2024/05/30/", "2024/05/31/", "2024/06/01/"}, day, "listed a day outside the window")
		}
		assert.NotContains(t, p, "CloudTrail-Digest", "digest folders are not listed")
	}
}

// A prefix naming one account and region lists nothing above it; a denied listing is
// incomplete coverage, not an error.
func TestS3SourcePrefixAndDenied(t *testing.T) {
	t.Parallel()
	objects := map[string][]byte{}
	dir := t.TempDir()
	ticks(reviewStart, reviewEnd).writeTrail(t, dir)
	loadTree(t, dir, "", objects)
	for k, v := range objects {
		objects[strings.Replace(k, "/eu-west-1/", "/us-east-1/", 1)] = v
	}

	srv := &s3Server{bucket: "b", objects: objects}
	res := reviewSources(t, S3(s3Client(t, srv), "b", "AWSLogs/"+acct+"/CloudTrail/eu-west-1/"))
	assert.Equal(t, 288, res.Stats.Events)
	for _, p := range srv.listed {
		assert.True(t, strings.HasPrefix(p, "AWSLogs/"+acct+"/CloudTrail/eu-west-1/2024/"), p)
	}

	denied := &s3Server{bucket: "b", objects: objects, deny: "AWSLogs/" + acct + "/CloudTrail/us-east-1/"}
	res = reviewSources(t, S3(s3Client(t, denied), "b", ""))
	bad := failedCoverage(res.Coverage)
	require.NotEmpty(t, bad)
	assert.Contains(t, bad[0], "denied s3://b/AWSLogs/"+acct+"/CloudTrail/us-east-1/")
	assert.Equal(t, 288, res.Stats.Events, "the other region is read")
	assert.False(t, inventory.Complete(res.Coverage))
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

// lookupServer answers LookupEvents with pages of two events.
type lookupServer struct {
	events []string
	deny   bool
	mu     sync.Mutex
	calls  int
	window [2]float64
}

func (s *lookupServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".LookupEvents") {
		http.Error(w, "unknown target "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
		return
	}
	var in struct {
		StartTime, EndTime float64
		NextToken          string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.calls++
	s.window = [2]float64{in.StartTime, in.EndTime}
	s.mu.Unlock()
	if s.deny {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"__type":"AccessDeniedException","message":"User is not authorized to perform: cloudtrail:LookupEvents"}`)
		return
	}
	start, _ := strconv.Atoi(in.NextToken)
	end := min(start+2, len(s.events))
	out := map[string]any{"Events": []any{}}
	var evs []any
	for i, e := range s.events[start:end] {
		evs = append(evs, map[string]any{"EventId": fmt.Sprint(start + i), "EventName": "GetSecretValue", "CloudTrailEvent": e})
	}
	if evs != nil {
		out["Events"] = evs
	}
	if end < len(s.events) {
		out["NextToken"] = strconv.Itoa(end)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(out)
}

// LookupEvents is paged and paced: one pause of LookupInterval between requests.
func TestLookupSource(t *testing.T) {
	t.Parallel()
	srv := &lookupServer{}
	for _, r := range ticks(at(10, 0), at(10, 25)).recs {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		srv.events = append(srv.events, string(b))
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	client := cloudtrail.New(cloudtrail.Options{
		Region: "eu-west-1", BaseEndpoint: awssdk.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
	var waits []time.Duration
	src := Lookup(client, "eu-west-1", LookupOptions{Wait: func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}})
	res := reviewSources(t, src)
	assert.Empty(t, failedCoverage(res.Coverage))
	assert.Equal(t, 5, res.Stats.Events)
	assert.Equal(t, 3, srv.calls)
	assert.Equal(t, []time.Duration{LookupInterval, LookupInterval}, waits, "about two requests a second")
	assert.Equal(t, float64(reviewStart.Add(-24*time.Hour).Unix()), srv.window[0])
	assert.Equal(t, float64(reviewEnd.Unix()), srv.window[1])

	denied := &lookupServer{deny: true}
	ds := httptest.NewServer(denied)
	t.Cleanup(ds.Close)
	dclient := cloudtrail.New(cloudtrail.Options{
		Region: "eu-west-1", BaseEndpoint: awssdk.String(ds.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
	res = reviewSources(t, Lookup(dclient, "eu-west-1", LookupOptions{Wait: func(context.Context, time.Duration) error { return nil }}))
	require.Len(t, failedCoverage(res.Coverage), 1)
	assert.Contains(t, failedCoverage(res.Coverage)[0], "denied lookup:eu-west-1: LookupEvents page 1: ")
}
