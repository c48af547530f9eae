package access

import (
	"context"
	"fmt"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
)

// LookupAPI is the part of the CloudTrail client the review uses.
type LookupAPI interface {
	LookupEvents(ctx context.Context, in *cloudtrail.LookupEventsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.LookupEventsOutput, error)
}

// LookupInterval is the pause between LookupEvents calls: CloudTrail allows about two
// requests per second per account and region, so a review paces itself to that.
const LookupInterval = 500 * time.Millisecond

// LookupOptions tune a LookupEvents source.
type LookupOptions struct {
	// Interval between requests; LookupInterval when zero.
	Interval time.Duration
	// Wait pauses for d or until ctx ends; a timer when nil (tests pass a recorder).
	Wait func(ctx context.Context, d time.Duration) error
}

// Lookup reads management events of one region through the LookupEvents API (the last
// 90 days only, 50 events a page, about two pages a second): for small windows without a
// trail bucket at hand.
func Lookup(client LookupAPI, region string, opts LookupOptions) Source {
	if opts.Interval <= 0 {
		opts.Interval = LookupInterval
	}
	if opts.Wait == nil {
		opts.Wait = wait
	}
	return &lookupSource{client: client, region: region, opts: opts}
}

type lookupSource struct {
	client LookupAPI
	region string
	opts   LookupOptions
}

func (s *lookupSource) Name() string { return "lookup:" + s.region }

func (s *lookupSource) List(_ context.Context, w listWindow) (Listing, error) {
	o := Object{Name: s.Name(), Region: s.region}
	from, to := w.From, w.To
	o.events = func(ctx context.Context, fn func(raw []byte) error) error {
		in := &cloudtrail.LookupEventsInput{StartTime: &from, EndTime: &to, MaxResults: awssdk.Int32(50)}
		for page := 0; ; page++ {
			if page > 0 {
				if err := s.opts.Wait(ctx, s.opts.Interval); err != nil {
					return err
				}
			}
			out, err := s.client.LookupEvents(ctx, in, func(o *cloudtrail.Options) { o.Region = s.region })
			if err != nil {
				return fmt.Errorf("LookupEvents page %d: %w", page+1, err)
			}
			for _, ev := range out.Events {
				if ev.CloudTrailEvent == nil {
					continue
				}
				if err := fn([]byte(*ev.CloudTrailEvent)); err != nil {
					return err
				}
			}
			if out.NextToken == nil || *out.NextToken == "" {
				return nil
			}
			in.NextToken = out.NextToken
		}
	}
	return Listing{Objects: []Object{o}}, nil
}

func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
