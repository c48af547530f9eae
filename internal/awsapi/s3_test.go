package awsapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func s3World(t *testing.T) World {
	w := testWorld(t)
	w.Buckets = map[string]map[string][]byte{
		"logs": {
			"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/05/31/a.json.gz": gzipped(t, `{"Records":[]}`),
			"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/05/31/b.json.gz": gzipped(t, `{"Records":[{}]}`),
			"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/06/01/c.json":    []byte(`{"Records":[]}`),
			"AWSLogs/111111111111/CloudTrail/us-east-1/2024/05/31/d.json.gz": gzipped(t, `{}`),
			"AWSLogs/222222222222/CloudTrail/eu-west-1/2024/05/31/e.json.gz": gzipped(t, `{}`),
			"AWSLogs/222222222222/CloudTrail-Digest/eu-west-1/x.json.gz":     gzipped(t, `{}`),
			"top.txt": []byte("top"),
		},
		"empty": {},
	}
	return w
}

func s3Client(srv *Server, keyID string) *s3.Client {
	return s3.NewFromConfig(sdkConfig(srv, "eu-west-1", keyID), func(o *s3.Options) { o.UsePathStyle = true })
}

// list pages through ListObjectsV2 and returns the keys and common prefixes in order,
// and the number of pages.
func list(t *testing.T, c *s3.Client, in *s3.ListObjectsV2Input) (keys, prefixes []string, pages int) {
	t.Helper()
	p := s3.NewListObjectsV2Paginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		pages++
		assert.Equal(t, int32(len(page.Contents)+len(page.CommonPrefixes)), awssdk.ToInt32(page.KeyCount))
		for _, o := range page.Contents {
			keys = append(keys, awssdk.ToString(o.Key))
		}
		for _, cp := range page.CommonPrefixes {
			prefixes = append(prefixes, awssdk.ToString(cp.Prefix))
		}
	}
	return keys, prefixes, pages
}

func TestS3ListObjectsV2(t *testing.T) {
	t.Parallel()
	srv := New(t, s3World(t), Options{})
	c := s3Client(srv, key)
	tests := []struct {
		name      string
		in        s3.ListObjectsV2Input
		keys      []string
		prefixes  []string
		pages     int
		pageSized bool
	}{
		{name: "everything, one page", in: s3.ListObjectsV2Input{}, pages: 1, keys: []string{
			"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/05/31/a.json.gz",
			"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/05/31/b.json.gz",
			"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/06/01/c.json",
			"AWSLogs/111111111111/CloudTrail/us-east-1/2024/05/31/d.json.gz",
			"AWSLogs/222222222222/CloudTrail-Digest/eu-west-1/x.json.gz",
			"AWSLogs/222222222222/CloudTrail/eu-west-1/2024/05/31/e.json.gz",
			"top.txt",
		}},
		{name: "folders at the top", in: s3.ListObjectsV2Input{Delimiter: awssdk.String("/")},
			keys: []string{"top.txt"}, prefixes: []string{"AWSLogs/"}, pages: 1},
		{name: "accounts", in: s3.ListObjectsV2Input{Prefix: awssdk.String("AWSLogs/"), Delimiter: awssdk.String("/")},
			prefixes: []string{"AWSLogs/111111111111/", "AWSLogs/222222222222/"}, pages: 1},
		{name: "services, one a page", in: s3.ListObjectsV2Input{Prefix: awssdk.String("AWSLogs/222222222222/"), Delimiter: awssdk.String("/"), MaxKeys: awssdk.Int32(1)},
			prefixes: []string{"AWSLogs/222222222222/CloudTrail-Digest/", "AWSLogs/222222222222/CloudTrail/"}, pages: 2},
		{name: "days across pages: prefixes and keys share max-keys",
			in: s3.ListObjectsV2Input{Prefix: awssdk.String("AWSLogs/111111111111/CloudTrail/eu-west-1/2024/"), MaxKeys: awssdk.Int32(2)},
			keys: []string{
				"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/05/31/a.json.gz",
				"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/05/31/b.json.gz",
				"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/06/01/c.json",
			}, pages: 2},
		{name: "start after", in: s3.ListObjectsV2Input{Prefix: awssdk.String("AWSLogs/111111111111/"), StartAfter: awssdk.String("AWSLogs/111111111111/CloudTrail/eu-west-1/2024/05/31/b.json.gz")},
			keys: []string{"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/06/01/c.json", "AWSLogs/111111111111/CloudTrail/us-east-1/2024/05/31/d.json.gz"}, pages: 1},
		{name: "prefix with nothing under it", in: s3.ListObjectsV2Input{Prefix: awssdk.String("AWSLogs/333333333333/")}, pages: 1},
		{name: "empty bucket", in: s3.ListObjectsV2Input{Bucket: awssdk.String("empty")}, pages: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.Bucket == nil {
				in.Bucket = awssdk.String("logs")
			}
			keys, prefixes, pages := list(t, c, &in)
			assert.Equal(t, tt.keys, keys)
			assert.Equal(t, tt.prefixes, prefixes)
			assert.Equal(t, tt.pages, pages)
		})
	}

	t.Run("emulator page size", func(t *testing.T) {
		small := New(t, s3World(t), Options{PageSize: 3})
		keys, _, pages := list(t, s3Client(small, key), &s3.ListObjectsV2Input{Bucket: awssdk.String("logs")})
		assert.Len(t, keys, 7)
		assert.Equal(t, 3, pages)
		assert.Equal(t, 3, small.Calls(Call{Service: "s3", Operation: "ListObjectsV2", Resource: "logs/"}))
	})

	t.Run("errors", func(t *testing.T) {
		ctx := context.Background()
		first, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: awssdk.String("logs"), MaxKeys: awssdk.Int32(1)})
		require.NoError(t, err)
		require.True(t, awssdk.ToBool(first.IsTruncated))
		_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: awssdk.String("logs"), Prefix: awssdk.String("AWSLogs/"), ContinuationToken: first.NextContinuationToken})
		assert.Equal(t, "InvalidArgument", code(err), "a token is bound to its listing")
		_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: awssdk.String("nope")})
		assert.Equal(t, "NoSuchBucket", code(err))
		_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: awssdk.String("logs"), MaxKeys: awssdk.Int32(-1)})
		assert.Equal(t, "InvalidArgument", code(err))
		_, err = s3Client(srv, "AKIAUNKNOWN000000000").ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: awssdk.String("logs")})
		assert.Equal(t, "InvalidAccessKeyId", code(err))
	})
}

func TestS3GetObject(t *testing.T) {
	t.Parallel()
	w := s3World(t)
	srv := New(t, w, Options{})
	c := s3Client(srv, key)
	ctx := context.Background()
	for k, want := range w.Buckets["logs"] {
		t.Run(k, func(t *testing.T) {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: awssdk.String("logs"), Key: awssdk.String(k)})
			require.NoError(t, err)
			got, err := io.ReadAll(out.Body)
			require.NoError(t, err)
			require.NoError(t, out.Body.Close())
			assert.Equal(t, want, got, "bytes as stored: a gzip file is not decompressed on the way")
			assert.Equal(t, int64(len(want)), awssdk.ToInt64(out.ContentLength))
			assert.Empty(t, awssdk.ToString(out.ContentEncoding))
		})
	}
	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: awssdk.String("logs"), Key: awssdk.String("AWSLogs/missing.json")})
	assert.Equal(t, "NoSuchKey", code(err))
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: awssdk.String("nope"), Key: awssdk.String("top.txt")})
	assert.Equal(t, "NoSuchBucket", code(err))
	assert.Equal(t, len(w.Buckets["logs"])+2, srv.Calls(Call{Service: "s3", Operation: "GetObject"}))
	assert.Equal(t, []string{"logs/AWSLogs/111111111111/CloudTrail/eu-west-1/2024/05/31/a.json.gz", "logs/AWSLogs/111111111111/CloudTrail/eu-west-1/2024/05/31/b.json.gz"},
		srv.Resources(Call{Operation: "GetObject", Resource: ""})[:2])
}

func TestS3Faults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const (
		a = "AWSLogs/111111111111/CloudTrail/eu-west-1/2024/05/31/a.json.gz"
		d = "AWSLogs/111111111111/CloudTrail/us-east-1/2024/05/31/d.json.gz"
	)
	tests := []struct {
		name            string
		fault           Fault
		get, list       string // the error codes of GetObject a and of listing the eu-west-1 folder
		getD, listOther string // … of GetObject d and of listing the us-east-1 folder
	}{
		{name: "deny one key", fault: Fault{Service: "s3", Resource: "logs/" + a, Kind: Deny}, get: "AccessDenied"},
		{name: "deny a folder's objects", fault: Fault{Service: "s3", Operation: "GetObject", Resource: "logs/AWSLogs/111111111111/CloudTrail/us-east-1/", Kind: Deny}, getD: "AccessDenied"},
		{name: "deny a folder's listing", fault: Fault{Service: "s3", Operation: "ListObjectsV2", Resource: "logs/AWSLogs/111111111111/CloudTrail/eu-west-1/", Kind: Deny}, list: "AccessDenied"},
		{name: "throttle", fault: Fault{Service: "s3", Kind: Throttle}, get: "SlowDown", list: "SlowDown", getD: "SlowDown", listOther: "SlowDown"},
		{name: "server error", fault: Fault{Service: "s3", Operation: "GetObject", Kind: ServerError}, get: "InternalError", getD: "InternalError"},
		{name: "other service", fault: Fault{Service: "kms", Kind: Deny}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := New(t, s3World(t), Options{})
			srv.Inject(tt.fault)
			c := s3Client(srv, key)
			get := func(k string) string {
				_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: awssdk.String("logs"), Key: awssdk.String(k)}, func(o *s3.Options) { o.Retryer = awssdk.NopRetryer{} })
				return code(err)
			}
			ls := func(prefix string) string {
				_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: awssdk.String("logs"), Prefix: awssdk.String(prefix)}, func(o *s3.Options) { o.Retryer = awssdk.NopRetryer{} })
				return code(err)
			}
			assert.Equal(t, tt.get, get(a))
			assert.Equal(t, tt.getD, get(d))
			assert.Equal(t, tt.list, ls("AWSLogs/111111111111/CloudTrail/eu-west-1/"))
			assert.Equal(t, tt.listOther, ls("AWSLogs/111111111111/CloudTrail/us-east-1/"))
		})
	}
}
