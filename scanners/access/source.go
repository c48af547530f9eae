package access

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Source is where CloudTrail events come from: files, stdin, S3 or the LookupEvents API.
type Source interface {
	// Name describes the source in errors and coverage (a path, s3://bucket/prefix, …).
	Name() string
	// List returns the objects that may hold events of [from, to). Objects whose
	// delivery time is known and outside the window (allowing for late delivery) are left
	// out and counted in the listing's Skipped; digest files are counted in Digests.
	// Problems that leave part of the source unread are returned as coverage records.
	List(ctx context.Context, w listWindow) (Listing, error)
}

// listWindow is the span of event times a review reads and how late CloudTrail may
// deliver an event.
type listWindow struct {
	From, To time.Time
	Late     time.Duration
}

// deliveredIn reports whether a file delivered at t can hold events of the window: an
// event is delivered after it happens and at most Late (plus one delivery interval) after.
func (w listWindow) deliveredIn(t time.Time) bool {
	return !t.Before(w.From) && t.Before(w.To.Add(w.Late+deliveryInterval))
}

// deliveryInterval is how often CloudTrail writes a log file (about every five minutes).
const deliveryInterval = 5 * time.Minute

// Listing is what a source holds for a window.
type Listing struct {
	Objects []Object
	// Skipped counts log files outside the window, never opened.
	Skipped int
	// Digests counts digest files recognised by name and skipped.
	Digests int
	// Ignored counts files that are not CloudTrail logs by name (neither .json nor .json.gz …).
	Ignored int
	// Problems are parts of the source that could not be listed.
	Problems []Problem
}

// Problem is a part of a source that could not be read.
type Problem struct {
	Object  string
	Account string
	Region  string
	Service string
	Op      string
	Err     error
	Denied  bool
}

// Object is one unit of log: a file, an S3 object, a stream or one region's LookupEvents.
type Object struct {
	// Name is a path, s3://bucket/key, "-" or lookup:<region>.
	Name string
	// Delivered is the delivery time read from a CloudTrail file name; zero when unknown.
	Delivered time.Time
	Account   string
	Region    string
	// open returns the (possibly compressed) bytes of a file-like object.
	open func(ctx context.Context) (io.ReadCloser, error)
	// events streams raw JSON events (LookupEvents).
	events func(ctx context.Context, fn func(raw []byte) error) error
}

// Path is a local file or a directory searched recursively.
func Path(path string) Source { return pathSource(path) }

type pathSource string

func (p pathSource) Name() string { return string(p) }

func (p pathSource) List(_ context.Context, w listWindow) (Listing, error) {
	var l Listing
	root := string(p)
	info, err := os.Stat(root)
	if err != nil {
		return l, fmt.Errorf("cloudtrail: %w", err)
	}
	if !info.IsDir() {
		// A file named explicitly is read whatever its name.
		l.add(w, fileObject(root), true)
		return l, nil
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			l.Problems = append(l.Problems, Problem{Object: path, Service: "cloudtrail", Op: "read directory", Err: err})
			if d != nil && d.IsDir() && path != root {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		l.add(w, fileObject(path), false)
		return nil
	})
	return l, err
}

func fileObject(path string) Object {
	o := Object{Name: path}
	o.open = func(context.Context) (io.ReadCloser, error) { return os.Open(path) }
	return o
}

// add files an object under what its name says: digest, ignored, outside the window,
// or to read.
func (l *Listing) add(w listWindow, o Object, explicit bool) {
	base := o.Name
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	if isDigestName(o.Name) {
		l.Digests++
		return
	}
	if !explicit && !isLogName(base) {
		l.Ignored++
		return
	}
	if acct, region, t, ok := parseLogName(base); ok {
		o.Account, o.Region, o.Delivered = acct, region, t
		if !w.deliveredIn(t) {
			l.Skipped++
			return
		}
	}
	l.Objects = append(l.Objects, o)
}

func isDigestName(name string) bool {
	return strings.Contains(name, "CloudTrail-Digest")
}

func isLogName(base string) bool {
	b := strings.ToLower(base)
	for _, ext := range []string{".json", ".json.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"} {
		if strings.HasSuffix(b, ext) {
			return true
		}
	}
	return false
}

// parseLogName reads <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz.
func parseLogName(base string) (account, region string, delivered time.Time, ok bool) {
	parts := strings.Split(base, "_")
	if len(parts) < 5 || parts[1] != "CloudTrail" {
		return "", "", time.Time{}, false
	}
	t, err := time.Parse("20060102T1504Z", parts[3])
	if err != nil {
		return "", "", time.Time{}, false
	}
	return parts[0], parts[2], t, true
}

// Reader is a stream of CloudTrail JSON (stdin): a log file, a JSON array or JSON lines,
// gzipped or not.
func Reader(name string, r io.Reader) Source { return readerSource{name: name, r: r} }

type readerSource struct {
	name string
	r    io.Reader
}

func (s readerSource) Name() string { return s.name }

func (s readerSource) List(context.Context, listWindow) (Listing, error) {
	o := Object{Name: s.name}
	o.open = func(context.Context) (io.ReadCloser, error) { return io.NopCloser(s.r), nil }
	return Listing{Objects: []Object{o}}, nil
}
