package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/custos-dev/custos/internal/config"
	"github.com/custos-dev/custos/internal/inventory"
	"github.com/custos-dev/custos/reports"
	awsscan "github.com/custos-dev/custos/scanners/aws"
	"github.com/custos-dev/custos/scanners/repo"
	"github.com/spf13/cobra"
)

type scanRepoFlags struct {
	reportFlags
	history        bool
	logOpts        string
	diff           string
	staged         bool
	gitleaksConfig string
	baseline       string
	writeBaseline  string
	inventory      string
	aws            bool
	awsProfile     string
	maxFileSize    string
	noGit          bool
}

func newScanRepoCmd(a *app) *cobra.Command {
	f := &scanRepoFlags{}
	cmd := &cobra.Command{
		Use:   "repo [PATH]",
		Short: "Find hardcoded credentials in a working tree, git history, branch diff or the index",
		Long: `Scan a repository for hardcoded credentials with the gitleaks engine (its default
rules plus custos rules for passwords in configuration and code, credentials in URIs,
password hashes, private keys and cloud credential files). Secrets are never printed:
reports carry a redacted form (a few leading characters and a hash) and a fingerprint
that survives code moving to other lines.

Modes (default: the working tree of PATH, .gitignore applied):
  --history          every commit reachable from HEAD (or --log-opts)
  --diff BASE...HEAD only the lines added by the commits since the merge base (pre-merge)
  --staged           the lines added in the index (pre-commit)

If git fails (a bad revision, a shallow clone without the merge base, not a repository)
custos exits 2: a scan that did not happen is never reported as clean.`,
		Example: `  # pre-merge gate in CI: only what the branch adds, SARIF for code scanning
  custos scan repo --diff origin/main...HEAD --format sarif,table --out-dir out/ --fail-on medium

  # pre-commit hook
  custos scan repo --staged

  # accept today's findings, then fail only on new ones
  custos scan repo --write-baseline .custos-baseline.json
  custos scan repo --baseline .custos-baseline.json

  # whole history, access keys matched against an IAM inventory
  custos scan repo --history --inventory snap.json --format json --out-dir out/

  # the same, reading the account's IAM access keys live
  custos scan repo --history --aws --profile audit`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			return a.scanRepo(cmd, f, path)
		},
	}
	fl := cmd.Flags()
	f.registerOutput(fl)
	fl.BoolVar(&f.history, "history", false, "scan every commit reachable from HEAD (or those --log-opts selects)")
	fl.StringVar(&f.logOpts, "log-opts", "", `git log arguments for --history, e.g. "--since=2024-01-01 main"`)
	fl.StringVar(&f.diff, "diff", "", "scan the lines added since the merge base of BASE...HEAD (pre-merge)")
	fl.BoolVar(&f.staged, "staged", false, "scan the lines added in the index (pre-commit)")
	fl.StringVar(&f.gitleaksConfig, "gitleaks-config", "", "gitleaks TOML config: [extend] useDefault = true extends the built-in rules, otherwise it replaces them")
	fl.StringVar(&f.baseline, "baseline", "", "suppress the findings of this earlier custos JSON report (or gitleaks JSON report)")
	fl.StringVar(&f.writeBaseline, "write-baseline", "", "write every finding to this baseline file and exit 0")
	fl.StringVar(&f.inventory, "inventory", "", "snapshot file: match AWS access key ids with the account's IAM keys")
	fl.BoolVar(&f.aws, "aws", false, "read the account's IAM access keys live (read-only IAM calls; exit 3 when they cannot be read) to match AWS access key ids found")
	fl.StringVar(&f.awsProfile, "profile", "", "AWS shared-config profile for --aws (default: the standard credential chain)")
	fl.BoolVar(&f.noGit, "no-git", false, "scan PATH as a plain directory even inside a repository (.gitignore not applied)")
	fl.StringVar(&f.maxFileSize, "max-file-size", "10MiB", "skip files (or file diffs) larger than this (e.g. 500KB, 10MiB, 0 for no limit)")
	return cmd
}

func (a *app) scanRepo(cmd *cobra.Command, f *scanRepoFlags, path string) error {
	ctx := cmd.Context()
	started := a.now().UTC()
	if _, err := f.writers(); err != nil {
		return err
	}
	if _, err := f.threshold(); err != nil {
		return err
	}
	opts := repo.Options{Path: path, Mode: repo.WorkTree, NoGit: f.noGit, GitleaksConfig: f.gitleaksConfig, Now: a.now, Logger: a.logger}
	modes := 0
	if f.history {
		modes++
		opts.Mode = repo.History
		opts.LogOpts = strings.Fields(f.logOpts)
	}
	if f.diff != "" {
		modes++
		opts.Mode, opts.DiffRange = repo.Diff, f.diff
	}
	if f.staged {
		modes++
		opts.Mode = repo.Staged
	}
	if modes > 1 {
		return errors.New("--history, --diff and --staged are alternatives: give one")
	}
	if f.logOpts != "" && !f.history {
		return errors.New("--log-opts needs --history")
	}
	size, err := parseSize(f.maxFileSize)
	if err != nil {
		return fmt.Errorf("--max-file-size: %w", err)
	}
	opts.MaxFileSize = size
	if size == 0 {
		opts.MaxFileSize = -1
	}
	cfg, err := config.Load(f.configFile)
	if err != nil {
		return err
	}
	if f.baseline != "" {
		if opts.Baseline, err = repo.LoadBaseline(f.baseline); err != nil {
			return err
		}
	}
	var coverage []inventory.Coverage
	switch {
	case f.aws && f.inventory != "":
		return errors.New("--aws and --inventory: give one of them")
	case f.inventory != "":
		if opts.Inventory, err = inventory.Load(f.inventory); err != nil {
			return err
		}
	case f.aws:
		// Only IAM metadata is read: found credentials are never used to call AWS.
		live := awsFlags{profile: f.awsProfile, concurrency: awsscan.DefaultConcurrency,
			maxAttempts: awsscan.DefaultMaxAttempts, services: []string{awsscan.ServiceIAM}}
		if opts.Inventory, err = a.collectAWS(ctx, &live); err != nil {
			return err
		}
		coverage = opts.Inventory.Coverage
		f.failOnIncomplete = true
	}
	res, err := repo.Scan(ctx, opts)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		a.logger.Warn(w)
	}
	a.logger.Info("repository scanned", "scope", res.Scope, "files", res.Stats.Files, "bytes", res.Stats.Bytes,
		"commits", res.Stats.Commits, "findings", len(res.Findings), "suppressed", res.Stats.Suppressed)
	cfg.Apply(res.Findings, a.now())
	rep := reports.Report{
		Tool: reports.Tool{Name: "custos", Version: a.version},
		Run: reports.Run{
			StartedAt:  started,
			FinishedAt: a.now().UTC(),
			Scope:      res.RepositoryID + ": " + res.Scope,
		},
		Rules:    res.Rules,
		Findings: res.Findings,
		Coverage: coverage,
	}
	if f.writeBaseline != "" {
		var buf bytes.Buffer
		if err := repo.WriteBaseline(&buf, res.Findings); err != nil {
			return err
		}
		if err := writeAtomic(f.writeBaseline, buf.Bytes()); err != nil {
			return err
		}
		if !a.quiet {
			fmt.Fprintf(a.stderr, "wrote baseline %s (%d findings)\n", f.writeBaseline, len(res.Findings))
		}
		f.failOn = "none"
	}
	return a.emit(&f.reportFlags, rep)
}

// parseSize reads a byte count with an optional unit: 500KB, 10MiB, 1GB, 2048.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(s), strings.ToUpper(u.suffix)) {
			s, mult = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size (e.g. 500KB, 10MiB, 0 for no limit)", s)
	}
	return n * mult, nil
}
