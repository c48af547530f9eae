package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/custos-dev/custos/internal/config"
	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/custos-dev/custos/reports"
	"github.com/custos-dev/custos/scanners/access"
	"github.com/spf13/cobra"
)

type reviewAccessFlags struct {
	reportFlags
	cloudtrail []string
	lookup     bool
	regions    []string
	profile    string
	since      string
	until      string
	review     string
	baseline   string
	inventory  string
}

// newReviewAccessCmd is "custos review access".
func newReviewAccessCmd(a *app) *cobra.Command {
	f := &reviewAccessFlags{}
	cmd := &cobra.Command{
		Use:   "access --cloudtrail PATH|s3://BUCKET/PREFIX|- ... | --lookup",
		Short: "Review CloudTrail for unusual access to secrets and keys",
		Long: `Review CloudTrail logs for unusual access to secrets and keys: who read which secret or
used which key unusually, and who weakened the controls around them, with the events
behind each verdict. Secret values are never read: CloudTrail does not log them.

Sources (--cloudtrail, repeatable): a file or a directory searched recursively for
CloudTrail log files (.json, .json.gz; digest files are recognised and skipped), JSON
lines or EventBridge exports, "-" for stdin, or s3://bucket/prefix in the standard
AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/ layout, of which only the
days of the windows are listed. --lookup reads the LookupEvents API instead (management
events of the last 90 days, about two requests a second per region: small windows only).

Windows: the review window is [--since, --until) (until defaults to now, since to
--review before it); the baseline window is the --baseline before it. Detections that
compare a principal with its own history judge only principals with enough of one.
Events are de-duplicated by event id (two trails often deliver the same event) and
CloudTrail's late delivery is tolerated (access.late_delivery_minutes).

A file that cannot be read (corrupt, truncated, access denied) is named in the report's
coverage and makes the review incomplete: exit 3 while --fail-on-incomplete is on.`,
		Example: `  # yesterday against the 30 days before it, from a trail bucket
  custos review access --cloudtrail s3://org-trail-logs/ --until 2024-06-01 --format table,html,json --out-dir out/

  # a local copy of the logs, a fixed window, tags from an inventory
  custos review access --cloudtrail ./AWSLogs --since 2024-05-31T00:00:00Z --until 2024-06-01T00:00:00Z \
      --baseline 30d --inventory snap.json

  # the last six hours through the LookupEvents API
  custos review access --lookup --region eu-west-1,us-east-1 --review 6h --baseline 14d`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.reviewAccess(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.cloudtrail, "cloudtrail", nil, "CloudTrail logs: a file, a directory, s3://bucket/prefix or - for stdin (repeatable)")
	fl.BoolVar(&f.lookup, "lookup", false, "read events through the LookupEvents API (paced to about 2 requests a second per region)")
	fl.StringSliceVar(&f.regions, "region", nil, "regions for --lookup, and the region of the S3 client (default: the SDK's)")
	fl.StringVar(&f.profile, "profile", "", "AWS shared-config profile for S3 and --lookup")
	fl.StringVar(&f.since, "since", "", "start of the review window (RFC 3339 or YYYY-MM-DD); default --review before --until")
	fl.StringVar(&f.until, "until", "", "end of the review window, exclusive (RFC 3339 or YYYY-MM-DD); default now")
	fl.StringVar(&f.review, "review", "1d", "length of the review window when --since is not given (e.g. 1d, 6h)")
	fl.StringVar(&f.baseline, "baseline", "30d", "length of the baseline window before the review window (0 for none)")
	fl.StringVar(&f.inventory, "inventory", "", "snapshot file: tags of principals and secrets (environment, owner)")
	f.registerOutput(fl)
	f.registerJudging(fl, "a log file or listing could not be read")
	return cmd
}

// windows reads --since, --until, --review and --baseline.
func (f *reviewAccessFlags) windows(now time.Time) (since, until time.Time, baseline time.Duration, err error) {
	until = now.UTC()
	if f.until != "" {
		if until, err = parseTime(f.until); err != nil {
			return since, until, 0, fmt.Errorf("--until: %w", err)
		}
	}
	if f.since != "" {
		if since, err = parseTime(f.since); err != nil {
			return since, until, 0, fmt.Errorf("--since: %w", err)
		}
	} else {
		review, err := parseSpan(f.review)
		if err != nil || review <= 0 {
			return since, until, 0, fmt.Errorf("--review %q: want a positive duration such as 1d or 6h", f.review)
		}
		since = until.Add(-review)
	}
	if !until.After(since) {
		return since, until, 0, fmt.Errorf("--since %s is not before --until %s", since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	if baseline, err = parseSpan(f.baseline); err != nil || baseline < 0 {
		return since, until, 0, fmt.Errorf("--baseline %q: want a duration such as 30d, or 0", f.baseline)
	}
	return since, until, baseline, nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: want RFC 3339 (2024-06-01T00:00:00Z) or a date (2024-06-01)", s)
}

// parseSpan reads a duration, with d for days: 30d, 1d12h, 6h, 90m, 0.
func parseSpan(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%q is not a duration", s)
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration", s)
	}
	return days + d, nil
}

func (a *app) reviewAccess(ctx context.Context, f *reviewAccessFlags) error {
	started := a.now().UTC()
	if _, err := f.writers(); err != nil {
		return err
	}
	if _, err := f.threshold(); err != nil {
		return err
	}
	since, until, baseline, err := f.windows(started)
	if err != nil {
		return err
	}
	if len(f.cloudtrail) == 0 && !f.lookup {
		return errors.New("give --cloudtrail PATH (a file, a directory, s3://bucket/prefix or -) or --lookup")
	}
	if f.lookup && len(f.regions) == 0 {
		return errors.New("--lookup needs --region: LookupEvents reads one region at a time")
	}
	var inv *inventory.Snapshot
	if f.inventory != "" {
		if inv, err = inventory.Load(f.inventory); err != nil {
			return err
		}
	}
	cfg, err := config.Load(f.configFile)
	if err != nil {
		return err
	}
	data, err := cfg.PolicyData()
	if err != nil {
		return err
	}
	eng, err := engine.New(ctx, engine.Options{PolicyDirs: f.policyDirs, Config: data})
	if err != nil {
		return err
	}

	var sources []access.Source
	var awsCfg *awssdk.Config
	sdk := func() (awssdk.Config, error) {
		if awsCfg != nil {
			return *awsCfg, nil
		}
		load := []func(*awsconfig.LoadOptions) error{awsconfig.WithAppID("custos")}
		if f.profile != "" {
			load = append(load, awsconfig.WithSharedConfigProfile(f.profile))
		}
		if len(f.regions) > 0 {
			load = append(load, awsconfig.WithRegion(f.regions[0]))
		}
		c, err := awsconfig.LoadDefaultConfig(ctx, load...)
		if err != nil {
			return c, fmt.Errorf("aws config: %w", err)
		}
		awsCfg = &c
		return c, nil
	}
	stdin := false
	for _, src := range f.cloudtrail {
		switch {
		case src == "-":
			if stdin {
				return errors.New("--cloudtrail -: stdin can be read once")
			}
			stdin = true
			sources = append(sources, access.Reader("stdin", a.stdin))
		case strings.HasPrefix(src, "s3://"):
			bucket, prefix, err := access.ParseS3URL(src)
			if err != nil {
				return fmt.Errorf("--cloudtrail: %w", err)
			}
			c, err := sdk()
			if err != nil {
				return err
			}
			sources = append(sources, access.S3(s3.NewFromConfig(c), bucket, prefix))
		default:
			sources = append(sources, access.Path(src))
		}
	}
	if f.lookup {
		c, err := sdk()
		if err != nil {
			return err
		}
		client := cloudtrail.NewFromConfig(c)
		for _, region := range f.regions {
			sources = append(sources, access.Lookup(client, region, access.LookupOptions{}))
		}
	}

	a.logger.Info("reviewing access", "since", since, "until", until, "baseline", baseline, "sources", len(sources))
	res, err := access.Review(ctx, access.Options{
		Sources: sources, Since: since, Until: until, Baseline: baseline,
		Inventory: inv, Engine: eng, Config: cfg.Access, Logger: a.logger,
	})
	if err != nil {
		return err
	}
	a.logger.Info("access reviewed", "events", res.Stats.Events, "duplicates", res.Stats.Duplicates,
		"late", res.Stats.Late, "files", res.Stats.Objects, "skipped", res.Stats.Skipped,
		"principals", res.Stats.Principals, "findings", len(res.Findings))
	cfg.Apply(res.Findings, until)
	finding.Sort(res.Findings)

	var rules []finding.Rule
	for _, r := range eng.Rules() {
		if r.ResourceType == access.TypeEvent || r.ResourceType == access.TypePrincipal {
			rules = append(rules, r)
		}
	}
	scope := fmt.Sprintf("CloudTrail %s; review %s to %s; baseline from %s",
		strings.Join(append(append([]string(nil), f.cloudtrail...), lookupNames(f)...), ", "),
		res.Window.Since.Format(time.RFC3339), res.Window.Until.Format(time.RFC3339), res.Window.BaselineFrom.Format(time.RFC3339))
	rep := reports.Report{
		Tool: reports.Tool{Name: "custos", Version: a.version},
		Run: reports.Run{
			StartedAt:          started,
			FinishedAt:         a.now().UTC(),
			Scope:              scope,
			PolicyBundleSHA256: eng.BundleSHA256(),
		},
		Rules:    rules,
		Findings: res.Findings,
		Coverage: res.Coverage,
		Review:   reviewReport(res),
	}
	return a.emit(&f.reportFlags, rep)
}

// reviewReport is the access-review section of the reports.
func reviewReport(res *access.Result) *reports.AccessReview {
	st := res.Stats
	out := &reports.AccessReview{
		BaselineFrom: res.Window.BaselineFrom, Since: res.Window.Since, Until: res.Window.Until,
		Stats: reports.ReviewStats{
			Objects: st.Objects, Skipped: st.Skipped, Digests: st.Digests, Ignored: st.Ignored, Records: st.Records,
			Events: st.Events, Duplicates: st.Duplicates, OutsideWindow: st.OutsideWindow, Late: st.Late,
			Invalid: st.Invalid, Sensitive: st.Sensitive, Principals: st.Principals, Secrets: st.Secrets,
		},
		Principals: make([]reports.ReviewPrincipal, 0, len(res.Principals)),
	}
	for _, p := range res.Principals {
		out.Principals = append(out.Principals, reports.ReviewPrincipal{
			Principal: p.Key, Type: p.Type, Account: p.Account, Name: p.Name,
			Events: p.Events, OwnEvents: p.OwnEvents, ViaService: p.ViaService,
			SecretsRead: p.SecretsRead, SecretReads: p.SecretReads, KeysUsed: p.KeysUsed, KMSCalls: p.KMSUse,
			Denied: p.Denied, Networks: p.Networks, Regions: p.Regions, First: p.First, Last: p.Last,
			Findings: p.Findings, Worst: p.Worst, Baseline: p.Baseline,
		})
	}
	return out
}

func lookupNames(f *reviewAccessFlags) []string {
	if !f.lookup {
		return nil
	}
	out := make([]string, len(f.regions))
	for i, r := range f.regions {
		out[i] = "lookup:" + r
	}
	return out
}
