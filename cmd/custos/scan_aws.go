package main

import (
	"errors"
	"fmt"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/custos-dev/custos/reports"
	awsscan "github.com/custos-dev/custos/scanners/aws"
	"github.com/spf13/cobra"
)

type scanAWSFlags struct {
	reportFlags
	awsFlags
	snapshot string
}

func newScanAWSCmd(a *app) *cobra.Command {
	f := &scanAWSFlags{}
	cmd := &cobra.Command{
		Use:   "aws",
		Short: "Judge Secrets Manager, KMS, IAM and CloudTrail against the policies",
		Long: `Judge an AWS inventory against the policies: rotation schedules, ownership tags,
key rotation, least privilege and CloudTrail settings.

Without --snapshot, custos collects live through the standard AWS credential chain
(environment, shared config and --profile, SSO, web identity, container and instance
roles) and judges what it collected; the flags of 'custos collect aws' apply. With
--snapshot, it judges a snapshot file (from 'custos collect aws' or the demo) offline,
as of the snapshot's collection time unless --as-of says otherwise, with the same
findings as the live scan that collected it.

A scan that could not see something (a coverage record that is not ok) exits 3 while
--fail-on-incomplete is on (the default), whatever the findings.`,
		Example: `  # the bundled demo account, console table
  custos scan aws --snapshot testdata/snapshots/demo.json

  # the nightly job: a whole organisation, every enabled region
  custos scan aws --org --role-name CustosReadOnly --all-regions --format sarif,html,json --out-dir out/

  # every report format, failing the job on medium or worse
  custos scan aws --snapshot snap.json --format table,sarif,html,json --out-dir out/ --fail-on medium

  # with your own thresholds, suppressions and rules
  custos scan aws --snapshot snap.json --config .custos.yaml --policy-dir ./my-policies`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.scanAWS(cmd, f)
		},
	}
	f.registerOutput(cmd.Flags())
	f.registerJudging(cmd.Flags(), "anything could not be assessed")
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "judge as of this time (RFC 3339 or YYYY-MM-DD) instead of the collection time")
	f.awsFlags.register(cmd.Flags())
	cmd.Flags().StringVar(&f.snapshot, "snapshot", "", "judge this snapshot file instead of collecting live")
	return cmd
}

func (a *app) scanAWS(cmd *cobra.Command, f *scanAWSFlags) error {
	ctx := cmd.Context()
	started := a.now().UTC()
	if _, err := f.writers(); err != nil {
		return err
	}
	if _, err := f.threshold(); err != nil {
		return err
	}
	asOf, err := f.parseAsOf()
	if err != nil {
		return err
	}
	// Policies and configuration are checked before any AWS call is made.
	eng, cfg, err := f.engine(ctx)
	if err != nil {
		return err
	}
	var snap *inventory.Snapshot
	source := f.snapshot
	if f.snapshot != "" {
		if cmd.Flags().Changed("org") || cmd.Flags().Changed("regions") || cmd.Flags().Changed("region") || cmd.Flags().Changed("all-regions") || cmd.Flags().Changed("profile") {
			return errors.New("--snapshot judges a file: the live collection flags (--profile, --region(s), --all-regions, --org) do not apply")
		}
		if snap, err = inventory.Load(f.snapshot); err != nil {
			return err
		}
	} else {
		if snap, err = a.collectAWS(ctx, &f.awsFlags); err != nil {
			return err
		}
		source = "live"
	}
	now := snap.GeneratedAt
	if !asOf.IsZero() {
		now = asOf
	}
	if now.IsZero() {
		now = started
	}
	a.logger.Info("evaluating", "source", source, "accounts", len(snap.Accounts), "rules", len(eng.Rules()), "as_of", now)
	findings, ex, err := awsscan.Evaluate(ctx, eng, snap, now)
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	cfg.Apply(findings, now)
	rep := reports.Report{
		Tool: reports.Tool{Name: "custos", Version: a.version},
		Run: reports.Run{
			StartedAt:          started,
			FinishedAt:         a.now().UTC(),
			Scope:              snapshotScope(snap, source),
			Identity:           snap.Identity,
			PolicyBundleSHA256: eng.BundleSHA256(),
		},
		Rules:    rulesFor(eng.Rules(), awsscan.ResourceTypes()),
		Access:   ex,
		Findings: findings,
		Coverage: append(append([]inventory.Coverage{}, snap.Coverage...), ruleCoverage(findings)...),
	}
	return a.emit(&f.reportFlags, rep)
}

// ruleCoverage turns rules that could not be evaluated into coverage records: a resource
// a broken rule could not judge was not assessed, and the run must say so.
func ruleCoverage(fs []finding.Finding) []inventory.Coverage {
	var out []inventory.Coverage
	for _, f := range fs {
		if f.Status == finding.Error {
			out = append(out, inventory.Coverage{
				Account: f.Resource.Account, Region: f.Resource.Region, Service: "policy",
				Operation: f.RuleID, Status: inventory.CoverageFailed, Error: f.Message,
			})
		}
	}
	return out
}

func snapshotScope(snap *inventory.Snapshot, source string) string {
	if source == "live" {
		return snap.Scope
	}
	if snap.Scope != "" {
		return snap.Scope + " (snapshot " + source + ")"
	}
	ids := make([]string, 0, len(snap.Accounts))
	for _, acct := range snap.Accounts {
		ids = append(ids, acct.ID)
	}
	return fmt.Sprintf("snapshot %s: accounts %v", source, ids)
}

// rulesFor keeps the rules of the given resource types: the rules that ran.
func rulesFor(rules []finding.Rule, types []string) []finding.Rule {
	want := make(map[string]bool, len(types))
	for _, t := range types {
		want[t] = true
	}
	out := make([]finding.Rule, 0, len(rules))
	for _, r := range rules {
		if want[r.ResourceType] {
			out = append(out, r)
		}
	}
	return out
}
