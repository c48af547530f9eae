package awsapi

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// restXML is S3's REST protocol with path-style addressing: the bucket is the first
// segment of the path (/bucket/key), answers and errors are XML, objects are raw bytes.
type restXML struct{}

func (restXML) operation(req *request) (string, error) {
	rest := strings.TrimPrefix(req.r.URL.Path, "/")
	bucketName, key, _ := strings.Cut(rest, "/")
	if bucketName == "" {
		return "", fmt.Errorf("S3 %s %s names no bucket in its path: the emulator serves path-style addressing only (set UsePathStyle on the S3 client)", req.r.Method, req.r.URL.Path)
	}
	req.bucket = bucketName
	q := req.r.URL.Query()
	if key == "" {
		req.resource = bucketName + "/" + q.Get("prefix")
		switch {
		case req.r.Method == http.MethodGet && q.Get("list-type") == "2":
			return "ListObjectsV2", nil
		case req.r.Method == http.MethodGet && q.Has("location"):
			return "GetBucketLocation", nil
		case req.r.Method == http.MethodGet:
			return "ListObjects", nil
		case req.r.Method == http.MethodHead:
			return "HeadBucket", nil
		case req.r.Method == http.MethodPut:
			return "CreateBucket", nil
		case req.r.Method == http.MethodDelete:
			return "DeleteBucket", nil
		}
		return "", fmt.Errorf("S3 %s on bucket %s is not an operation the emulator knows", req.r.Method, bucketName)
	}
	req.key = key
	req.resource = bucketName + "/" + key
	switch req.r.Method {
	case http.MethodGet:
		return "GetObject", nil
	case http.MethodHead:
		return "HeadObject", nil
	case http.MethodPut:
		return "PutObject", nil
	case http.MethodDelete:
		return "DeleteObject", nil
	}
	return "", fmt.Errorf("S3 %s on object %s/%s is not an operation the emulator knows", req.r.Method, bucketName, key)
}

// s3Object is a GetObject answer: the object's bytes as stored.
type s3Object struct {
	data     []byte
	modified time.Time
}

func (restXML) write(w http.ResponseWriter, req *request, out any) {
	w.Header().Set("X-Amz-Request-Id", randomHex(8))
	if obj, ok := out.(s3Object); ok {
		sum := md5.Sum(obj.data)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(obj.data)))
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
		w.Header().Set("Last-Modified", obj.modified.Format(http.TimeFormat))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(obj.data)
		return
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(out); err != nil {
		http.Error(w, "awsapi: encode answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

func (restXML) writeError(w http.ResponseWriter, req *request, e apiError) {
	w.Header().Set("X-Amz-Request-Id", randomHex(8))
	if req.r.Method == http.MethodHead {
		w.WriteHeader(e.status)
		return
	}
	var msg, res bytes.Buffer
	_ = xml.EscapeText(&msg, []byte(e.msg))
	_ = xml.EscapeText(&res, []byte("/"+req.resource))
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.status)
	fmt.Fprintf(w, "%s<Error><Code>%s</Code><Message>%s</Message><Resource>%s</Resource><RequestId>%s</RequestId></Error>",
		xml.Header, e.code, msg.String(), res.String(), randomHex(8))
}

type s3Contents struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int    `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
}

type s3CommonPrefix struct {
	Prefix string `xml:"Prefix"`
}

type s3ListResult struct {
	XMLName               xml.Name         `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name                  string           `xml:"Name"`
	Prefix                string           `xml:"Prefix"`
	ContinuationToken     string           `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string           `xml:"NextContinuationToken,omitempty"`
	StartAfter            string           `xml:"StartAfter,omitempty"`
	KeyCount              int              `xml:"KeyCount"`
	MaxKeys               int              `xml:"MaxKeys"`
	Delimiter             string           `xml:"Delimiter,omitempty"`
	EncodingType          string           `xml:"EncodingType,omitempty"`
	IsTruncated           bool             `xml:"IsTruncated"`
	Contents              []s3Contents     `xml:"Contents"`
	CommonPrefixes        []s3CommonPrefix `xml:"CommonPrefixes"`
}

func (s *Server) s3Bucket(req *request) (*bucket, *apiError) {
	b := s.world.buckets[req.bucket]
	if b == nil {
		return nil, errorf(404, "NoSuchBucket", "The specified bucket does not exist")
	}
	return b, nil
}

// s3ListObjectsV2 lists keys in order, after start-after, rolling keys that hold the
// delimiter after the prefix up into common prefixes. Keys and common prefixes together
// count towards max-keys (1000 at most); the continuation token is opaque and bound to
// the bucket, prefix, delimiter and start-after it was issued for.
func (s *Server) s3ListObjectsV2(req *request) (any, *apiError) {
	b, e := s.s3Bucket(req)
	if e != nil {
		return nil, e
	}
	q := req.r.URL.Query()
	prefix, delim, startAfter, token := q.Get("prefix"), q.Get("delimiter"), q.Get("start-after"), q.Get("continuation-token")
	enc := q.Get("encoding-type")
	if enc != "" && enc != "url" {
		return nil, errorf(400, "InvalidArgument", "Invalid Encoding Method specified in Request")
	}
	maxKeys := 1000
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, errorf(400, "InvalidArgument", "Provided max-keys not an integer or within integer range")
		}
		maxKeys = min(n, 1000)
	}

	type entry struct {
		name   string
		prefix bool
	}
	var entries []entry
	first := sort.SearchStrings(b.keys, prefix)
	for _, k := range b.keys[first:] {
		if !strings.HasPrefix(k, prefix) {
			break
		}
		if startAfter != "" && k <= startAfter {
			continue
		}
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				cp := k[:len(prefix)+i+len(delim)]
				if n := len(entries); n == 0 || entries[n-1].name != cp {
					entries = append(entries, entry{name: cp, prefix: true})
				}
				continue
			}
		}
		entries = append(entries, entry{name: k})
	}

	out := s3ListResult{Name: req.bucket, Prefix: prefix, Delimiter: delim, StartAfter: startAfter, MaxKeys: maxKeys,
		ContinuationToken: token, EncodingType: enc}
	escape := func(v string) string { return v }
	if enc == "url" {
		escape = url.QueryEscape
		out.Prefix, out.Delimiter, out.StartAfter = escape(prefix), escape(delim), escape(startAfter)
	}
	if maxKeys == 0 {
		return out, nil
	}
	list := "objects|" + req.bucket + "|" + prefix + "|" + delim + "|" + startAfter
	start, end, next, e := s.page(req, list, len(entries), maxKeys, 1000, token)
	if e != nil {
		return nil, e
	}
	for _, en := range entries[start:end] {
		if en.prefix {
			out.CommonPrefixes = append(out.CommonPrefixes, s3CommonPrefix{Prefix: escape(en.name)})
			continue
		}
		data := b.objects[en.name]
		sum := md5.Sum(data)
		out.Contents = append(out.Contents, s3Contents{Key: escape(en.name), LastModified: isoTime(&b.modified),
			ETag: `"` + hex.EncodeToString(sum[:]) + `"`, Size: len(data), StorageClass: "STANDARD"})
	}
	out.KeyCount = end - start
	out.IsTruncated = next != ""
	out.NextContinuationToken = next
	return out, nil
}

// s3GetObject returns an object's bytes as stored.
func (s *Server) s3GetObject(req *request) (any, *apiError) {
	b, e := s.s3Bucket(req)
	if e != nil {
		return nil, e
	}
	data, ok := b.objects[req.key]
	if !ok {
		return nil, errorf(404, "NoSuchKey", "The specified key does not exist.")
	}
	return s3Object{data: data, modified: b.modified}, nil
}
