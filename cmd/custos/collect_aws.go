package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/jedib0t/go-pretty/v6/progress"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/custos-dev/custos/internal/inventory"
	awsscan "github.com/custos-dev/custos/scanners/aws"
)

// awsFlags are the flags of a live AWS collection, shared by 'collect aws' and
// 'scan aws' (without --snapshot).
type awsFlags struct {
	profile     string
	region      string
	regions     []string
	allRegions  bool
	org         bool
	roleName    string
	externalID  string
	accounts    []string
	concurrency int
	rateLimits  []string
	maxAttempts int
	// services limits the collection (not a flag: 'scan repo --aws' reads IAM only).
	services []string
}

func (f *awsFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&f.profile, "profile", "", "AWS shared-config profile (default: the standard credential chain)")
	fl.StringVar(&f.region, "region", "", "collect this region (default: the profile's or AWS_REGION)")
	fl.StringSliceVar(&f.regions, "regions", nil, "collect these regions, comma-separated")
	fl.BoolVar(&f.allRegions, "all-regions", false, "collect every region enabled for each account")
	fl.BoolVar(&f.org, "org", false, "collect every active account of the organisation (needs --role-name)")
	fl.StringVar(&f.roleName, "role-name", "", "role to assume in each account other than the caller's")
	fl.StringVar(&f.externalID, "external-id", "", "external id to pass when assuming --role-name")
	fl.StringSliceVar(&f.accounts, "accounts", nil, "only these account ids (with --org), or these accounts through --role-name")
	fl.IntVar(&f.concurrency, "concurrency", awsscan.DefaultConcurrency, "AWS calls in flight at most")
	fl.StringSliceVar(&f.rateLimits, "rate-limit", nil, "calls per second per account, region and operation: service=N or service:Operation=N (0: no limit)")
	fl.IntVar(&f.maxAttempts, "max-attempts", awsscan.DefaultMaxAttempts, "attempts per AWS call before it is recorded as not collected")
}

// options turns the flags into collection options.
func (f *awsFlags) options() (awsscan.Options, error) {
	o := awsscan.Options{
		Regions:     f.regions,
		AllRegions:  f.allRegions,
		Org:         f.org,
		RoleName:    f.roleName,
		ExternalID:  f.externalID,
		Accounts:    f.accounts,
		Concurrency: f.concurrency,
		MaxAttempts: f.maxAttempts,
		RateLimits:  awsscan.DefaultRateLimits(),
		Services:    f.services,
	}
	if f.region != "" && len(f.regions) > 0 {
		return o, fmt.Errorf("--region and --regions: give one of them")
	}
	if f.region != "" {
		o.Regions = []string{f.region}
	}
	if f.concurrency < 1 {
		return o, fmt.Errorf("--concurrency %d: want 1 or more", f.concurrency)
	}
	if f.maxAttempts < 1 {
		return o, fmt.Errorf("--max-attempts %d: want 1 or more", f.maxAttempts)
	}
	known := map[string]bool{}
	for service := range awsscan.DefaultRateLimits() {
		known[service] = true
	}
	for _, kv := range f.rateLimits {
		key, value, ok := strings.Cut(kv, "=")
		service, _, _ := strings.Cut(key, ":")
		rate, err := strconv.ParseFloat(value, 64)
		if !ok || !known[service] || err != nil || rate < 0 {
			return o, fmt.Errorf("--rate-limit %q: want service=N or service:Operation=N with N >= 0 and service one of %s",
				kv, strings.Join(sortedKeys(known), ", "))
		}
		o.RateLimits[key] = rate
	}
	return o, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// collectAWS reads the inventory live, through the standard AWS credential chain
// (environment, shared config and --profile, SSO, web identity, container and instance
// roles). AWS_ENDPOINT_URL and the per-service endpoint variables apply as the SDK
// defines them. Progress bars go to stderr when both streams are terminals.
func (a *app) collectAWS(ctx context.Context, f *awsFlags) (*inventory.Snapshot, error) {
	opts, err := f.options()
	if err != nil {
		return nil, err
	}
	load := []func(*awsconfig.LoadOptions) error{awsconfig.WithAppID("custos")}
	if f.profile != "" {
		load = append(load, awsconfig.WithSharedConfigProfile(f.profile))
	}
	if len(opts.Regions) > 0 {
		load = append(load, awsconfig.WithRegion(opts.Regions[0]))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("aws configuration: %w", err)
	}
	opts.Logger = a.logger
	opts.Now = a.now
	if !a.quiet && isTerminal(a.stdout) && isTerminal(a.stderr) {
		bars := newProgressBars(a.stderr)
		defer bars.stop()
		opts.Progress = bars
	}
	snap, err := awsscan.Collect(ctx, cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("collect aws: %w", err)
	}
	return snap, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

type collectAWSFlags struct {
	awsFlags
	output           string
	failOnIncomplete bool
}

func newCollectAWSCmd(a *app) *cobra.Command {
	f := &collectAWSFlags{}
	cmd := &cobra.Command{
		Use:   "aws",
		Short: "Collect a snapshot of Secrets Manager, KMS, IAM and CloudTrail metadata",
		Long: `Collect the metadata custos judges from live AWS accounts into a snapshot file that
'custos scan aws --snapshot' judges offline with the same findings as a live scan.

custos calls only read-only metadata operations (docs/iam/custos-readonly-policy.json)
and never reads a secret value. Every call that still fails after retries (denied,
throttled, timed out, region not enabled, role not assumable) is recorded in the
snapshot's coverage; the collection goes on, and exits 3 while --fail-on-incomplete
is on (the default).`,
		Example: `  # the account and region of the default credentials
  custos collect aws -o snapshot.json

  # every enabled region of a profile's account
  custos collect aws --profile audit --all-regions -o snapshot.json

  # a whole organisation, from the management account
  custos collect aws --org --role-name CustosReadOnly --external-id "$EXTERNAL_ID" --all-regions -o org.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runCollectAWS(cmd.Context(), f)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "snapshot file to write ('-' for stdout)")
	cmd.Flags().BoolVar(&f.failOnIncomplete, "fail-on-incomplete", true, "exit 3 when something could not be collected")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}

func (a *app) runCollectAWS(ctx context.Context, f *collectAWSFlags) error {
	snap, err := a.collectAWS(ctx, &f.awsFlags)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	data = append(data, '\n')
	if f.output == "-" {
		if _, err := a.stdout.Write(data); err != nil {
			return fmt.Errorf("write snapshot: %w", err)
		}
	} else if err := writeAtomic(f.output, data); err != nil {
		return err
	}
	a.logger.Info("snapshot written", "file", f.output, "accounts", len(snap.Accounts), "complete", inventory.Complete(snap.Coverage))
	if !inventory.Complete(snap.Coverage) && f.failOnIncomplete {
		missing := 0
		for _, c := range snap.Coverage {
			if c.Status != inventory.CoverageOK {
				missing++
			}
		}
		return &exitError{code: exitIncomplete, err: fmt.Errorf("collection incomplete: %d coverage records are not ok (see \"coverage\" in %s)", missing, f.output)}
	}
	return nil
}

// progressBars shows one bar per account, counting its tasks (a service in a region).
type progressBars struct {
	w        progress.Writer
	rendered chan struct{}
	mu       sync.Mutex
	trackers map[string]*progress.Tracker
}

func newProgressBars(out io.Writer) *progressBars {
	w := progress.NewWriter()
	w.SetOutputWriter(out)
	w.SetAutoStop(false)
	w.SetTrackerLength(30)
	w.SetMessageLength(48)
	w.SetUpdateFrequency(100 * time.Millisecond)
	w.SetSortBy(progress.SortByMessage)
	w.Style().Visibility.ETA = true
	w.Style().Visibility.Value = true
	p := &progressBars{w: w, rendered: make(chan struct{}), trackers: map[string]*progress.Tracker{}}
	go func() {
		defer close(p.rendered)
		w.Render()
	}()
	return p
}

func (p *progressBars) tracker(account string) *progress.Tracker {
	t := p.trackers[account]
	if t == nil {
		t = &progress.Tracker{Message: "account " + account, Units: progress.UnitsDefault}
		p.trackers[account] = t
		p.w.AppendTracker(t)
	}
	return t
}

func (p *progressBars) Planned(tasks []awsscan.Task) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, task := range tasks {
		t := p.tracker(task.Account)
		t.UpdateTotal(t.Total + 1)
	}
}

func (p *progressBars) Started(task awsscan.Task) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tracker(task.Account).UpdateMessage(fmt.Sprintf("account %s %s %s", task.Account, task.Region, task.Service))
}

func (p *progressBars) Finished(task awsscan.Task, status inventory.CoverageStatus) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.tracker(task.Account)
	if status != inventory.CoverageOK {
		t.IncrementWithError(1)
	} else {
		t.Increment(1)
	}
	if t.Value() >= t.Total {
		t.UpdateMessage("account " + task.Account)
		t.MarkAsDone()
	}
}

// stop ends rendering and waits for the last frame. Stop is repeated because it does
// nothing until Render has started.
func (p *progressBars) stop() {
	for {
		p.w.Stop()
		select {
		case <-p.rendered:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}
