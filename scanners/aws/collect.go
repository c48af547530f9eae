package aws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/sync/errgroup"

	"github.com/custos-dev/custos/internal/inventory"
)

// Collection defaults.
const (
	// DefaultConcurrency is how many AWS calls are in flight at most.
	DefaultConcurrency = 32
	// DefaultMaxAttempts is how often the SDK tries a call before it gives up.
	DefaultMaxAttempts = 8
	// DefaultMaxBackoff is the longest pause between two attempts.
	DefaultMaxBackoff = 20 * time.Second
	// DefaultCallTimeout bounds one attempt of one call.
	DefaultCallTimeout = time.Minute
)

// Service names, as in IAM actions and coverage records.
const (
	ServiceSTS            = "sts"
	ServiceOrganizations  = "organizations"
	ServiceAccount        = "account"
	ServiceSecretsManager = "secretsmanager"
	ServiceKMS            = "kms"
	ServiceIAM            = "iam"
	ServiceCloudTrail     = "cloudtrail"
)

// RegionGlobal is the region of coverage records for global services (IAM, STS, …).
const RegionGlobal = "global"

// DefaultRateLimits are the client-side rates, in calls per second, per account,
// region and operation: a key "service" sets every operation of the service, a key
// "service:Operation" one operation. They stay below AWS's published quotas
// (Secrets Manager GetResourcePolicy: 50/s per region, not adjustable; CloudTrail
// and Organizations: single digits) so that a scan never starves the account's own
// workloads of their quota.
func DefaultRateLimits() map[string]float64 {
	return map[string]float64{
		ServiceSecretsManager: 40,
		ServiceKMS:            50,
		ServiceIAM:            10,
		ServiceCloudTrail:     5,
		ServiceSTS:            20,
		ServiceOrganizations:  5,
		ServiceAccount:        5,
	}
}

// Options say what to collect and how fast.
type Options struct {
	// Regions to collect; the configuration's region when empty and AllRegions is off.
	Regions []string
	// AllRegions collects every region enabled for each account (Account ListRegions).
	AllRegions bool
	// Org collects every active account of the organisation (Organizations ListAccounts),
	// assuming RoleName in each account other than the caller's.
	Org bool
	// RoleName is the role assumed in each account other than the caller's (a name or
	// path/name). Required with Org or with Accounts other than the caller's.
	RoleName string
	// ExternalID is passed to AssumeRole when set.
	ExternalID string
	// Accounts limits the accounts collected (with Org), or names the accounts to
	// assume RoleName in (without Org).
	Accounts []string
	// Concurrency is how many AWS calls are in flight at most; DefaultConcurrency when 0.
	Concurrency int
	// RateLimits are calls per second per account, region and operation, keyed
	// "service" or "service:Operation"; DefaultRateLimits when nil. A service missing
	// from a non-nil map, or a rate of 0, is not limited.
	RateLimits map[string]float64
	// MaxAttempts and MaxBackoff tune the SDK's adaptive retry; defaults when 0. They
	// are ignored when the configuration carries its own Retryer.
	MaxAttempts int
	MaxBackoff  time.Duration
	// CallTimeout bounds one attempt of one call (a timed-out attempt is retried);
	// DefaultCallTimeout when 0. It is ignored when the configuration carries an HTTP
	// client that is not the SDK's own.
	CallTimeout time.Duration
	// Services limits collection to these services (ServiceIAM, ServiceKMS, …); all
	// when empty. A repository scan's --aws reads IAM alone.
	Services []string
	// Logger receives structured logs; nothing is logged when nil.
	Logger *slog.Logger
	// Progress is told about every task; nil for none.
	Progress Progress
	// Now is the clock of the snapshot's generated_at; time.Now when nil.
	Now func() time.Time
}

// Task is one unit of collection: a service in an account and region.
type Task struct {
	Account string
	Region  string
	Service string
}

// Progress follows a collection. Calls come from many goroutines.
type Progress interface {
	// Planned announces tasks when they become known (an account's, once its regions are).
	Planned(tasks []Task)
	// Started and Finished bracket one task; status is its worst coverage status.
	Started(t Task)
	Finished(t Task, status inventory.CoverageStatus)
}

// Found is what one collector saw.
type Found struct {
	Secrets []inventory.Secret
	Keys    []inventory.Key
	Trails  []inventory.Trail
	IAM     *inventory.IAM
}

// Collector gathers one service in one account and region (or one account, for a
// global service). It returns what it saw even when some calls failed; the error then
// joins one *CallError per failed call.
type Collector interface {
	Collect(ctx context.Context) (Found, error)
}

// scope is what a collector knows about where it runs.
type scope struct {
	account   string
	region    string
	partition string
	// regions are the regions collected in the account, sorted.
	regions []string
	// accounts are every account of the collection (trails they own are theirs to report).
	accounts map[string]bool
	fanout   int
}

// service is one entry of the list of collectors.
type service struct {
	name string
	// global services run once per account, not once per region.
	global bool
	build  func(cfg awssdk.Config, sc scope) Collector
}

// services is the list of collectors.
func services() []service {
	return []service{
		{name: ServiceIAM, global: true, build: func(cfg awssdk.Config, sc scope) Collector { return NewIAMCollector(cfg, sc) }},
		{name: ServiceSecretsManager, build: func(cfg awssdk.Config, sc scope) Collector { return NewSecretsManagerCollector(cfg, sc) }},
		{name: ServiceKMS, build: func(cfg awssdk.Config, sc scope) Collector { return NewKMSCollector(cfg, sc) }},
		{name: ServiceCloudTrail, build: func(cfg awssdk.Config, sc scope) Collector { return NewCloudTrailCollector(cfg, sc) }},
	}
}

// CallError is an AWS call that still failed after the SDK's retries.
type CallError struct {
	Service   string
	Operation string
	// Resource names what the call was about, when it was about one resource.
	Resource string
	Err      error
}

func (e *CallError) Error() string {
	if e.Resource != "" {
		return fmt.Sprintf("%s %s %s: %v", e.Service, e.Operation, e.Resource, e.Err)
	}
	return fmt.Sprintf("%s %s: %v", e.Service, e.Operation, e.Err)
}

func (e *CallError) Unwrap() error { return e.Err }

// failures gathers the failed calls of a collector; safe for concurrent use.
type failures struct {
	mu   sync.Mutex
	errs []error
}

func (f *failures) add(service, op, resource string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, &CallError{Service: service, Operation: op, Resource: resource, Err: err})
}

func (f *failures) err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return errors.Join(f.errs...)
}

// Collect reads the inventory of the accounts and regions opts names, through cfg's
// credentials. Calls that fail after retries become coverage records and the
// collection goes on; the error is for what stops a collection as a whole: bad
// options, no identity, an organisation that cannot be listed, a cancelled context.
func Collect(ctx context.Context, cfg awssdk.Config, opts Options) (*inventory.Snapshot, error) {
	r, err := newRun(cfg, opts)
	if err != nil {
		return nil, err
	}
	return r.collect(ctx)
}

// run is one collection.
type run struct {
	opts     Options
	base     awssdk.Config
	log      *slog.Logger
	progress Progress
	sem      chan struct{}
	limits   *limiters

	// Known after the caller's identity.
	partition    string
	globalRegion string
	callerARN    string
	caller       string

	mu       sync.Mutex
	accounts map[string]*accountResult
	coverage []inventory.Coverage
}

type accountResult struct {
	mu      sync.Mutex
	account inventory.Account
}

func newRun(cfg awssdk.Config, opts Options) (*run, error) {
	if opts.Concurrency < 0 {
		return nil, fmt.Errorf("concurrency %d: want 1 or more", opts.Concurrency)
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.MaxAttempts < 0 || opts.MaxBackoff < 0 || opts.CallTimeout < 0 {
		return nil, fmt.Errorf("max attempts %d, max backoff %s, call timeout %s: want positive values",
			opts.MaxAttempts, opts.MaxBackoff, opts.CallTimeout)
	}
	if opts.CallTimeout == 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.RateLimits == nil {
		opts.RateLimits = DefaultRateLimits()
	}
	for k, v := range opts.RateLimits {
		if v < 0 {
			return nil, fmt.Errorf("rate limit %s=%g: want 0 (no limit) or more", k, v)
		}
	}
	if opts.AllRegions && len(opts.Regions) > 0 {
		return nil, errors.New("regions and all-regions exclude each other")
	}
	for _, region := range opts.Regions {
		if !validRegion(region) {
			return nil, fmt.Errorf("region %q is not a region name", region)
		}
	}
	if len(opts.Regions) == 0 && !opts.AllRegions {
		if cfg.Region == "" {
			return nil, errors.New("no region: give regions, all-regions, or set AWS_REGION or a profile region")
		}
		opts.Regions = []string{cfg.Region}
	}
	for _, id := range opts.Accounts {
		if !validAccount(id) {
			return nil, fmt.Errorf("account %q is not a 12-digit account id", id)
		}
	}
	if opts.Org && opts.RoleName == "" {
		return nil, errors.New("an organisation scan needs the role name to assume in each account")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	progress := opts.Progress
	if progress == nil {
		progress = noProgress{}
	}
	cfg = cfg.Copy()
	if hc, ok := cfg.HTTPClient.(*awshttp.BuildableClient); ok {
		// One host (a service in a region) may see every call in flight: keep their connections.
		cfg.HTTPClient = hc.WithTransportOptions(func(t *http.Transport) {
			if t.MaxIdleConnsPerHost < opts.Concurrency {
				t.MaxIdleConnsPerHost = opts.Concurrency
			}
			if t.MaxIdleConns < 2*opts.Concurrency {
				t.MaxIdleConns = 2 * opts.Concurrency
			}
		}).WithTimeout(opts.CallTimeout)
	}
	return &run{
		opts:     opts,
		base:     cfg,
		log:      log,
		progress: progress,
		sem:      make(chan struct{}, opts.Concurrency),
		limits:   newLimiters(opts.RateLimits),
		accounts: map[string]*accountResult{},
	}, nil
}

type noProgress struct{}

func (noProgress) Planned([]Task)                          {}
func (noProgress) Started(Task)                            {}
func (noProgress) Finished(Task, inventory.CoverageStatus) {}

// clientConfig is cfg for one account, region and service: its own adaptive retryer
// (AWS throttles per account, region and API), the rate limit and the bound on calls
// in flight.
func (r *run) clientConfig(cfg awssdk.Config, account, region, service string) awssdk.Config {
	c := cfg.Copy()
	c.Region = region
	if cfg.Retryer == nil && cfg.RetryMode != awssdk.RetryModeStandard {
		c.Retryer = func() awssdk.Retryer {
			return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
				o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
					so.MaxAttempts = r.opts.MaxAttempts
					so.MaxBackoff = r.opts.MaxBackoff
				})
			})
		}
	} else if cfg.Retryer == nil {
		c.Retryer = func() awssdk.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = r.opts.MaxAttempts
				so.MaxBackoff = r.opts.MaxBackoff
			})
		}
	}
	label := region
	if region == r.globalRegion && (service == ServiceIAM || service == ServiceOrganizations || service == ServiceAccount) {
		label = RegionGlobal
	}
	c.APIOptions = append(append([]func(*middleware.Stack) error{}, cfg.APIOptions...), r.limitMiddleware(account, label, service))
	return c
}

func (r *run) collect(ctx context.Context) (*inventory.Snapshot, error) {
	r.partition = partitionOf(r.opts.Regions, r.base.Region)
	r.globalRegion = globalRegion(r.partition)
	id, err := r.callerIdentity(ctx)
	if err != nil {
		return nil, err
	}
	r.caller, r.callerARN = id.account, id.arn
	if p := partitionOfARN(id.arn); p != "" && p != r.partition {
		r.partition, r.globalRegion = p, globalRegion(p)
	}
	targets, orgID, err := r.targets(ctx)
	if err != nil {
		return nil, err
	}
	r.log.Info("collecting", "identity", r.callerARN, "accounts", len(targets), "regions", regionsLabel(r.opts))

	members := map[string]bool{}
	for _, t := range targets {
		members[t.id] = true
	}
	var accounts, tasks errgroup.Group
	accounts.SetLimit(r.opts.Concurrency)
	tasks.SetLimit(r.opts.Concurrency)
	for _, t := range targets {
		accounts.Go(func() error {
			r.collectAccount(ctx, t, orgID, members, &tasks)
			return nil
		})
	}
	_ = accounts.Wait()
	_ = tasks.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("collection interrupted: %w", err)
	}
	return r.snapshot(targets, orgID), nil
}

// collectAccount sets up one account (credentials, organisation, regions) and queues
// its tasks.
func (r *run) collectAccount(ctx context.Context, t target, orgID string, members map[string]bool, tasks *errgroup.Group) {
	log := r.log.With("account", t.id)
	cfg, ok := r.accountConfig(ctx, t)
	if !ok {
		return
	}
	acct := inventory.Account{ID: t.id, Name: t.name, OrganizationID: orgID, Partition: r.partition,
		Secrets: []inventory.Secret{}, Keys: []inventory.Key{}, Trails: []inventory.Trail{}}
	if !r.opts.Org {
		acct.OrganizationID = r.organizationID(ctx, cfg, t.id)
	}
	regions := r.opts.Regions
	if r.opts.AllRegions {
		regions, ok = r.enabledRegions(ctx, cfg, t.id)
		if !ok {
			regions = nil
		}
	}
	regions = sortedUnique(regions)
	acct.Regions = regions
	res := &accountResult{account: acct}
	r.mu.Lock()
	r.accounts[t.id] = res
	r.mu.Unlock()

	var planned []Task
	type job struct {
		task Task
		svc  service
	}
	var jobs []job
	for _, svc := range services() {
		if len(r.opts.Services) > 0 && !slices.Contains(r.opts.Services, svc.name) {
			continue
		}
		if svc.global {
			jobs = append(jobs, job{Task{t.id, RegionGlobal, svc.name}, svc})
			continue
		}
		for _, region := range regions {
			jobs = append(jobs, job{Task{t.id, region, svc.name}, svc})
		}
	}
	for _, j := range jobs {
		planned = append(planned, j.task)
	}
	r.progress.Planned(planned)
	log.Debug("account ready", "regions", strings.Join(regions, ","), "tasks", len(jobs))
	for _, j := range jobs {
		sc := scope{account: t.id, region: j.task.Region, partition: r.partition, regions: regions,
			accounts: members, fanout: r.opts.Concurrency}
		region := j.task.Region
		if region == RegionGlobal {
			region = r.globalRegion
			sc.region = region
		}
		ccfg := r.clientConfig(cfg, t.id, region, j.svc.name)
		tasks.Go(func() error {
			r.runTask(ctx, j.task, j.svc.build(ccfg, sc), res)
			return nil
		})
	}
}

func (r *run) runTask(ctx context.Context, t Task, c Collector, res *accountResult) {
	r.progress.Started(t)
	start := time.Now()
	found, err := c.Collect(ctx)
	res.merge(found)
	cov := coverageOf(t, err)
	status := inventory.CoverageOK
	for _, c := range cov {
		if c.Status != inventory.CoverageOK {
			status = c.Status
			r.log.Warn("not collected", "account", c.Account, "region", c.Region, "service", c.Service,
				"operation", c.Operation, "status", c.Status, "error", c.Error)
		}
	}
	r.addCoverage(cov...)
	r.log.Debug("task done", "account", t.Account, "region", t.Region, "service", t.Service,
		"status", status, "duration", time.Since(start).Round(time.Millisecond))
	r.progress.Finished(t, status)
}

func (a *accountResult) merge(f Found) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.account.Secrets = append(a.account.Secrets, f.Secrets...)
	a.account.Keys = append(a.account.Keys, f.Keys...)
	a.account.Trails = append(a.account.Trails, f.Trails...)
	if f.IAM != nil {
		a.account.IAM = *f.IAM
	}
}

func (r *run) addCoverage(c ...inventory.Coverage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.coverage = append(r.coverage, c...)
}

// fail records a failed call outside a task (identity, organisation, regions).
func (r *run) fail(account, region, service, op string, err error) {
	c := inventory.Coverage{Account: account, Region: region, Service: service, Operation: op,
		Status: classify(err), Error: err.Error()}
	r.log.Warn("not collected", "account", account, "region", region, "service", service,
		"operation", op, "status", c.Status, "error", c.Error)
	r.addCoverage(c)
}

// coverageOf turns a task's outcome into coverage records: one ok record, or one
// record per failed operation and status (the first error, and how many more).
func coverageOf(t Task, err error) []inventory.Coverage {
	if err == nil {
		return []inventory.Coverage{{Account: t.Account, Region: t.Region, Service: t.Service, Status: inventory.CoverageOK}}
	}
	type key struct {
		service, op string
		status      inventory.CoverageStatus
	}
	var order []key
	first := map[key]string{}
	count := map[key]int{}
	for _, e := range flatten(err) {
		k := key{service: t.Service, status: classify(e)}
		var ce *CallError
		if errors.As(e, &ce) {
			k.service, k.op = ce.Service, ce.Operation
		}
		if count[k] == 0 {
			order = append(order, k)
			first[k] = e.Error()
		}
		count[k]++
	}
	out := make([]inventory.Coverage, 0, len(order))
	for _, k := range order {
		msg := first[k]
		if n := count[k] - 1; n > 0 {
			msg += fmt.Sprintf(" (and %d more %s calls)", n, k.op)
		}
		out = append(out, inventory.Coverage{Account: t.Account, Region: t.Region, Service: k.service,
			Operation: k.op, Status: k.status, Error: msg})
	}
	return out
}

// flatten unpacks errors.Join trees.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func (r *run) snapshot(targets []target, orgID string) *inventory.Snapshot {
	snap := &inventory.Snapshot{
		SchemaVersion: inventory.SchemaVersion,
		GeneratedAt:   r.opts.Now().UTC(),
		Identity:      r.callerARN,
		Accounts:      []inventory.Account{},
		Coverage:      r.coverage,
	}
	for _, t := range targets {
		res := r.accounts[t.id]
		if res == nil {
			continue
		}
		snap.Accounts = append(snap.Accounts, normalise(res.account))
	}
	sort.Slice(snap.Accounts, func(i, j int) bool { return snap.Accounts[i].ID < snap.Accounts[j].ID })
	sortCoverage(snap.Coverage)
	if snap.Coverage == nil {
		snap.Coverage = []inventory.Coverage{}
	}
	scope := fmt.Sprintf("account %s", r.caller)
	if len(targets) != 1 || targets[0].id != r.caller {
		ids := make([]string, 0, len(targets))
		for _, t := range targets {
			ids = append(ids, t.id)
		}
		sort.Strings(ids)
		scope = "accounts " + strings.Join(ids, ",")
		if orgID != "" && r.opts.Org {
			scope = fmt.Sprintf("organization %s, %d accounts", orgID, len(ids))
		}
	}
	snap.Scope = scope + ", regions " + regionsLabel(r.opts)
	return snap
}

func regionsLabel(o Options) string {
	if o.AllRegions {
		return "all enabled"
	}
	return strings.Join(sortedUnique(o.Regions), ",")
}

func sortCoverage(c []inventory.Coverage) {
	sort.SliceStable(c, func(i, j int) bool {
		a, b := c[i], c[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		return a.Status < b.Status
	})
}

// normalise sorts everything an account holds, so that snapshots compare and diff.
func normalise(a inventory.Account) inventory.Account {
	sort.Slice(a.Secrets, func(i, j int) bool { return a.Secrets[i].ARN < a.Secrets[j].ARN })
	sort.Slice(a.Keys, func(i, j int) bool { return a.Keys[i].ARN < a.Keys[j].ARN })
	sort.Slice(a.Trails, func(i, j int) bool { return a.Trails[i].ARN < a.Trails[j].ARN })
	m := &a.IAM
	sort.Slice(m.Users, func(i, j int) bool { return m.Users[i].ARN < m.Users[j].ARN })
	sort.Slice(m.Roles, func(i, j int) bool { return m.Roles[i].ARN < m.Roles[j].ARN })
	sort.Slice(m.Groups, func(i, j int) bool { return m.Groups[i].ARN < m.Groups[j].ARN })
	sort.Slice(m.Policies, func(i, j int) bool { return m.Policies[i].ARN < m.Policies[j].ARN })
	return a
}

func sortedUnique(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	n := 0
	for i, s := range out {
		if i == 0 || s != out[n-1] {
			out[n] = s
			n++
		}
	}
	return out[:n]
}

func validAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// validRegion accepts names shaped like AWS regions: eu-west-1, us-gov-west-1, cn-north-1.
func validRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		for _, c := range p {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				return false
			}
		}
	}
	last := parts[len(parts)-1]
	return last[0] >= '0' && last[0] <= '9'
}

// partitionOf guesses the partition from the regions to collect.
func partitionOf(regions []string, fallback string) string {
	region := fallback
	if len(regions) > 0 {
		region = regions[0]
	}
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	}
	return "aws"
}

func partitionOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) == 3 && parts[0] == "arn" {
		return parts[1]
	}
	return ""
}

// globalRegion is where a partition's global services (IAM, Organizations) answer.
func globalRegion(partition string) string {
	switch partition {
	case "aws-cn":
		return "cn-north-1"
	case "aws-us-gov":
		return "us-gov-west-1"
	case "aws-iso":
		return "us-iso-east-1"
	case "aws-iso-b":
		return "us-isob-east-1"
	}
	return "us-east-1"
}
