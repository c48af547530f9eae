// Package access reviews CloudTrail logs for unusual access to secrets and keys.
//
// Events are decoded once, in a streaming pass over files, S3 objects, stdin or the
// LookupEvents API, and normalised to one shape whatever the userIdentity variant. Go
// keeps per-principal aggregates and baselines (counts, sets, robust statistics, the
// busiest short windows) in memory that grows with principals and secrets, not with
// events. The verdicts are Rego, as everywhere in custos: single-event rules
// (aws.cloudtrail.event) see only the prefiltered sensitive events, windowed rules
// (aws.access.principal) see the aggregates.
package access

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/custos-dev/custos/internal/config"
	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/valyala/fastjson"
	"golang.org/x/sync/errgroup"
)

// Evaluator judges resources; *engine.Engine is one.
type Evaluator interface {
	Evaluate(ctx context.Context, resources []engine.Resource) ([]finding.Finding, error)
}

// Options configure a review.
type Options struct {
	// Sources are read in full for the window (see Path, Reader, S3, Lookup).
	Sources []Source
	// Since and Until bound the review window [Since, Until).
	Since, Until time.Time
	// Baseline is how long before Since the learning window reaches (0: no baseline,
	// so the detections that compare with a principal's history stay quiet).
	Baseline time.Duration
	// Inventory, when given, supplies tags of principals and secrets.
	Inventory *inventory.Snapshot
	// Engine judges the aggregates and sensitive events.
	Engine Evaluator
	// Config is the access section of the configuration.
	Config config.Access
	// Logger receives progress at debug level; discarded when nil.
	Logger *slog.Logger
	// Workers bounds the files decoded at once; GOMAXPROCS when zero.
	Workers int
}

// Window is what a review read.
type Window struct {
	BaselineFrom time.Time `json:"baseline_from"`
	Since        time.Time `json:"since"`
	Until        time.Time `json:"until"`
}

// Stats count what a review read.
type Stats struct {
	// Objects is how many files, objects or streams were opened.
	Objects int `json:"objects"`
	// Skipped log files were outside the window by their names and never opened.
	Skipped int `json:"skipped"`
	// Digests are digest files, recognised and skipped.
	Digests int `json:"digests"`
	// Ignored files are not CloudTrail logs by name.
	Ignored int `json:"ignored"`
	// Records decoded, whatever their time.
	Records int `json:"records"`
	// Events are the distinct events in the baseline and review windows.
	Events int `json:"events"`
	// Duplicates are events seen again (the same event id through another trail).
	Duplicates int `json:"duplicates"`
	// OutsideWindow are records outside both windows.
	OutsideWindow int `json:"outside_window"`
	// Late are events delivered later than the tolerance: counted, but possibly not
	// de-duplicated against an earlier copy.
	Late int `json:"late"`
	// Invalid records are not CloudTrail events.
	Invalid int `json:"invalid"`
	// Sensitive events went to single-event rules.
	Sensitive  int `json:"sensitive"`
	Principals int `json:"principals"`
	Secrets    int `json:"secrets"`
}

// Result is a review's outcome.
type Result struct {
	Window   Window
	Findings []finding.Finding
	// Coverage has a record per source and one per object that could not be read; any
	// status other than ok makes the review incomplete.
	Coverage   []inventory.Coverage
	Stats      Stats
	Principals []PrincipalSummary
}

var errBadConfig = errors.New("access review: invalid window or evidence settings")

// Review reads every source for the baseline and review windows, aggregates, and
// judges with the engine. Unreadable objects become coverage records, not errors; an
// error is returned for bad options, a source that does not exist, or a failed
// evaluation.
func Review(ctx context.Context, opts Options) (*Result, error) {
	if opts.Engine == nil {
		return nil, errors.New("access review: no engine")
	}
	if !opts.Until.After(opts.Since) {
		return nil, fmt.Errorf("access review: until (%s) must be after since (%s)", opts.Until.Format(time.RFC3339), opts.Since.Format(time.RFC3339))
	}
	if opts.Baseline < 0 {
		return nil, errors.New("access review: baseline must not be negative")
	}
	if len(opts.Sources) == 0 {
		return nil, errors.New("access review: no CloudTrail source")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	since, until := opts.Since.UTC().Truncate(time.Second), opts.Until.UTC().Truncate(time.Second)
	from := since.Add(-opts.Baseline)
	set, err := newSettings(from, since, until, opts.Config)
	if err != nil {
		return nil, err
	}
	res := &Result{Window: Window{BaselineFrom: from, Since: since, Until: until}}
	lw := listWindow{From: from, To: until, Late: time.Duration(set.late) * time.Second}

	var objects []Object
	for _, src := range opts.Sources {
		l, err := src.List(ctx, lw)
		if err != nil {
			return nil, err
		}
		res.Stats.Skipped += l.Skipped
		res.Stats.Digests += l.Digests
		res.Stats.Ignored += l.Ignored
		for _, p := range l.Problems {
			res.Coverage = append(res.Coverage, problemCoverage(p))
		}
		objects = append(objects, l.Objects...)
		log.Debug("listed", "source", src.Name(), "objects", len(l.Objects), "skipped", l.Skipped, "digests", l.Digests)
	}
	// Objects of unknown delivery time first, then in delivery order, so that windows
	// can be closed and event ids forgotten as the read moves on.
	sort.SliceStable(objects, func(i, j int) bool {
		a, b := objects[i].Delivered, objects[j].Delivered
		if a.IsZero() != b.IsZero() {
			return a.IsZero()
		}
		if !a.Equal(b) {
			return a.Before(b)
		}
		return objects[i].Name < objects[j].Name
	})

	agg := newAggregator(set, &res.Stats)
	cov, err := read(ctx, objects, set, agg, opts.Workers)
	if err != nil {
		return nil, err
	}
	res.Coverage = append(res.Coverage, cov...)
	agg.compact(1<<62 - 1)
	res.Stats.Objects = len(objects)
	res.Stats.Sensitive = len(agg.sensitive)
	res.Stats.Principals = len(agg.principals)
	res.Stats.Secrets = len(agg.secretKeys)
	for _, src := range opts.Sources {
		res.Coverage = append(res.Coverage, inventory.Coverage{Service: "cloudtrail", Operation: "read " + src.Name(), Status: inventory.CoverageOK})
	}

	b := newBuilder(agg, opts.Inventory, res.Window, opts.Config)
	resources := b.resources()
	log.Debug("evaluating", "resources", len(resources), "events", res.Stats.Events)
	findings, err := opts.Engine.Evaluate(ctx, resources)
	if err != nil {
		return nil, fmt.Errorf("access review: evaluate: %w", err)
	}
	for i := range findings {
		if findings[i].Evidence == nil {
			findings[i].Evidence = map[string]any{}
		}
		findings[i].Evidence["window"] = map[string]any{
			"baseline_from": from.Format(time.RFC3339), "since": since.Format(time.RFC3339), "until": until.Format(time.RFC3339),
		}
	}
	res.Findings = findings
	res.Principals = b.summaries(findings)
	return res, nil
}

func problemCoverage(p Problem) inventory.Coverage {
	status := inventory.CoverageFailed
	if p.Denied {
		status = inventory.CoverageDenied
	}
	return inventory.Coverage{Account: p.Account, Region: p.Region, Service: p.Service, Operation: p.Op, Status: status,
		Error: p.Object + ": " + p.Err.Error()}
}

// batch is a worker's message to the aggregator: events of one object, or its end.
type batch struct {
	seq    int
	events []Event
	hashes []uint64
	done   *objectResult
}

type objectResult struct {
	records, invalid, outside int
	firstInvalid              string
	digest                    bool
	err                       error
}

const batchSize = 512

// read decodes the objects on a pool of workers and feeds one aggregator, closing
// windows as the delivery times of finished objects advance.
func read(ctx context.Context, objects []Object, set *settings, agg *aggregator, workers int) ([]inventory.Coverage, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	seed := maphash.MakeSeed()
	jobs := make(chan int)
	out := make(chan batch, 4*workers)
	// Batches go back to the workers once aggregated, so decoding allocates no new ones.
	free := make(chan batch, 8*workers)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(jobs)
		for i := range objects {
			select {
			case jobs <- i:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	wg, wctx := errgroup.WithContext(gctx)
	for range workers {
		wg.Go(func() error {
			w := &worker{set: set, seed: seed, norm: newNormaliser(), out: out, free: free}
			for i := range jobs {
				if err := w.object(wctx, i, &objects[i]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		err := wg.Wait()
		close(out)
		return err
	})

	var cov []inventory.Coverage
	done := make([]bool, len(objects))
	low := 0
	firstOrdered := len(objects)
	for i := range objects {
		if !objects[i].Delivered.IsZero() {
			firstOrdered = i
			break
		}
	}
	for b := range out {
		for i := range b.events {
			agg.add(&b.events[i], b.hashes[i])
		}
		if b.done == nil {
			clear(b.events)
			select {
			case free <- batch{events: b.events[:0], hashes: b.hashes[:0]}:
			default:
			}
			continue
		}
		r := b.done
		agg.stats.Records += r.records
		agg.stats.OutsideWindow += r.outside
		agg.stats.Invalid += r.invalid
		o := &objects[b.seq]
		switch {
		case r.digest:
			agg.stats.Digests++
		case r.err != nil:
			status := inventory.CoverageFailed
			if isDenied(r.err) {
				status = inventory.CoverageDenied
			}
			cov = append(cov, inventory.Coverage{Account: o.Account, Region: o.Region, Service: "cloudtrail",
				Operation: "read log file", Status: status, Error: r.err.Error()})
		}
		if r.invalid > 0 {
			cov = append(cov, inventory.Coverage{Account: o.Account, Region: o.Region, Service: "cloudtrail",
				Operation: "read log file", Status: inventory.CoverageFailed,
				Error: fmt.Sprintf("%s: %d records are not CloudTrail events (first: %s)", o.Name, r.invalid, r.firstInvalid)})
		}
		done[b.seq] = true
		for low < len(objects) && done[low] {
			low++
		}
		// Every object still to finish was delivered at or after objects[low]; its events
		// happened at most the delivery tolerance earlier.
		if low >= firstOrdered && low < len(objects) {
			horizon := objects[low].Delivered.Unix() - set.late - int64(deliveryInterval/time.Second)
			if horizon >= agg.compacted+900 {
				agg.compact(horizon)
			}
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return cov, nil
}

// worker decodes objects into events.
type worker struct {
	set    *settings
	seed   maphash.Seed
	norm   *normaliser
	out    chan<- batch
	free   chan batch
	buf    []byte
	parser fastjson.Parser
	unzip  unzipper
}

func (w *worker) object(ctx context.Context, seq int, o *Object) error {
	res := &objectResult{}
	cur := batch{seq: seq}
	flush := func() error {
		if len(cur.events) == 0 {
			return nil
		}
		select {
		case w.out <- cur:
		case <-ctx.Done():
			return ctx.Err()
		}
		cur = batch{seq: seq}
		return nil
	}
	handle := func(v *fastjson.Value) error {
		e, err := w.norm.event(v)
		if err != nil {
			res.invalid++
			if res.firstInvalid == "" {
				res.firstInvalid = fmt.Sprintf("record %d: %v", res.records+res.invalid, err)
			}
			return nil
		}
		res.records++
		if e.Time < w.set.baselineFrom || e.Time >= w.set.until {
			res.outside++
			return nil
		}
		if cur.events == nil {
			select {
			case b := <-w.free:
				cur.events, cur.hashes = b.events, b.hashes
			default:
				cur.events = make([]Event, 0, batchSize)
				cur.hashes = make([]uint64, 0, batchSize)
			}
		}
		cur.events = append(cur.events, e)
		cur.hashes = append(cur.hashes, maphash.String(w.seed, e.ID))
		if len(cur.events) == batchSize {
			return flush()
		}
		return nil
	}
	err := w.decode(ctx, o, handle)
	switch {
	case errors.Is(err, errDigest):
		res.digest = true
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		res.err = err
	}
	if err := flush(); err != nil {
		return err
	}
	select {
	case w.out <- batch{seq: seq, done: res}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *worker) decode(ctx context.Context, o *Object, handle func(v *fastjson.Value) error) error {
	if o.events != nil {
		n := 0
		err := o.events(ctx, func(raw []byte) error {
			v, err := w.parser.ParseBytes(raw)
			if err != nil {
				return &DecodeError{Object: o.Name, Records: n, Err: err}
			}
			n++
			return handle(v)
		})
		var de *DecodeError
		if err != nil && !errors.As(err, &de) {
			err = fmt.Errorf("%s: %w", o.Name, err)
		}
		return err
	}
	rc, err := o.open(ctx)
	if err != nil {
		return fmt.Errorf("%s: open: %w", o.Name, err)
	}
	defer rc.Close()
	r, err := w.unzip.open(rc)
	if err != nil {
		return fmt.Errorf("%s: %w", o.Name, err)
	}
	dec := &decoder{name: o.Name, sc: newScanner(r, w.buf), parser: &w.parser}
	err = dec.each(handle)
	w.buf = dec.sc.buf
	if err != nil && !strings.HasPrefix(err.Error(), o.Name) {
		err = fmt.Errorf("%s: %w", o.Name, err)
	}
	return err
}
