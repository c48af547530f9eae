package access

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// S3API is the part of the S3 client the review uses: listing and reading log objects.
type S3API interface {
	s3.ListObjectsV2APIClient
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// ParseS3URL splits s3://bucket/prefix.
func ParseS3URL(u string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(u, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q is not an s3:// URL", u)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q names no bucket", u)
	}
	return bucket, prefix, nil
}

// S3 reads the standard CloudTrail layout in a bucket:
// <prefix>/AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz.
// It lists accounts and regions, then only the day folders of the window, and opens only
// the files whose names say they were delivered in it. The prefix may stop at any level
// of the layout (a trail's prefix, AWSLogs/o-…/, one account, one region).
func S3(client S3API, bucket, prefix string) Source {
	return &s3Source{client: client, bucket: bucket, prefix: strings.TrimPrefix(prefix, "/")}
}

type s3Source struct {
	client S3API
	bucket string
	prefix string
}

func (s *s3Source) Name() string { return "s3://" + s.bucket + "/" + s.prefix }

var (
	accountRe = regexp.MustCompile(`^[0-9]{12}$`)
	orgRe     = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

// Levels of the layout below AWSLogs/.
const (
	levelAccountOrOrg = iota
	levelAccount
	levelService
	levelRegion
	levelDays
)

func (s *s3Source) List(ctx context.Context, w listWindow) (Listing, error) {
	var l Listing
	segs := strings.FieldsFunc(s.prefix, func(r rune) bool { return r == '/' })
	base := ""
	var rest []string
	idx := -1
	for i, seg := range segs {
		if seg == "AWSLogs" {
			idx = i
			break
		}
	}
	if idx < 0 {
		if len(segs) > 0 {
			base = strings.Join(segs, "/") + "/"
		}
		base += "AWSLogs/"
	} else {
		base = strings.Join(segs[:idx+1], "/") + "/"
		rest = segs[idx+1:]
	}
	err := s.walk(ctx, w, &l, base, levelAccountOrOrg, rest, "", "")
	return l, err
}

func (s *s3Source) walk(ctx context.Context, w listWindow, l *Listing, prefix string, level int, rest []string, account, region string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// A level the user's prefix names is not listed.
	if len(rest) > 0 && level < levelDays {
		seg := rest[0]
		next := level + 1
		switch level {
		case levelAccountOrOrg:
			if orgRe.MatchString(seg) {
				next = levelAccount
			} else {
				account, next = seg, levelService
			}
		case levelAccount:
			account = seg
		case levelService:
			if seg != "CloudTrail" {
				return fmt.Errorf("%s: %s/ is not a CloudTrail log folder", s.Name(), prefix+seg)
			}
		case levelRegion:
			region = seg
		}
		return s.walk(ctx, w, l, prefix+seg+"/", next, rest[1:], account, region)
	}
	switch level {
	case levelAccountOrOrg, levelAccount, levelRegion:
		subs, err := s.folders(ctx, prefix)
		if err != nil {
			l.Problems = append(l.Problems, s.problem(prefix, account, region, err))
			return nil
		}
		for _, sub := range subs {
			switch {
			case level == levelAccountOrOrg && orgRe.MatchString(sub):
				err = s.walk(ctx, w, l, prefix+sub+"/", levelAccount, nil, "", "")
			case level != levelRegion && accountRe.MatchString(sub):
				err = s.walk(ctx, w, l, prefix+sub+"/CloudTrail/", levelRegion, nil, sub, "")
			case level == levelRegion:
				err = s.walk(ctx, w, l, prefix+sub+"/", levelDays, nil, account, sub)
			}
			if err != nil {
				return err
			}
		}
		return nil
	case levelService:
		return s.walk(ctx, w, l, prefix+"CloudTrail/", levelRegion, nil, account, region)
	}
	// levelDays: the day folders of the window, or the folder the prefix names.
	if len(rest) > 0 {
		return s.files(ctx, w, l, prefix+strings.Join(rest, "/")+"/", account, region)
	}
	last := w.To.Add(w.Late + deliveryInterval).UTC()
	for day := truncDay(w.From.UTC()); !day.After(last); day = day.AddDate(0, 0, 1) {
		if err := s.files(ctx, w, l, prefix+day.Format("2006/01/02/"), account, region); err != nil {
			return err
		}
	}
	return nil
}

func truncDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// folders lists the sub-folder names directly under prefix.
func (s *s3Source) folders(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: &s.bucket, Prefix: &prefix, Delimiter: awssdk.String("/"),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, cp := range page.CommonPrefixes {
			name := strings.TrimSuffix(strings.TrimPrefix(awssdk.ToString(cp.Prefix), prefix), "/")
			if name != "" {
				out = append(out, name)
			}
		}
	}
	return out, nil
}

// files lists the log files under prefix (recursively) and keeps those of the window.
func (s *s3Source) files(ctx context.Context, w listWindow, l *Listing, prefix, account, region string) error {
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			l.Problems = append(l.Problems, s.problem(prefix, account, region, err))
			return nil
		}
		for _, obj := range page.Contents {
			key := awssdk.ToString(obj.Key)
			if strings.HasSuffix(key, "/") {
				continue
			}
			o := Object{Name: "s3://" + s.bucket + "/" + key, Account: account, Region: region}
			o.open = func(ctx context.Context) (io.ReadCloser, error) {
				out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key})
				if err != nil {
					return nil, err
				}
				return out.Body, nil
			}
			l.add(w, o, false)
		}
	}
	return nil
}

func (s *s3Source) problem(prefix, account, region string, err error) Problem {
	return Problem{
		Object: "s3://" + s.bucket + "/" + prefix, Account: account, Region: region,
		Service: "s3", Op: "ListObjectsV2", Err: err, Denied: isDenied(err),
	}
}

// isDenied classifies an AWS error as AccessDenied by its code.
func isDenied(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AllAccessDisabled":
			return true
		}
	}
	return false
}
