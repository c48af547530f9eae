package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…" (make build).
var version = "dev"

// app is what every command shares: streams, clock, logger and global flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
	version        string

	logLevel  string
	logFormat string
	quiet     bool
	logger    *slog.Logger
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *app {
	return &app{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now, version: version}
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "custos",
		Short: "Audit how secrets and keys are kept on AWS and leaked in code",
		Long: `custos audits how an organisation keeps its secrets and keys on AWS and how its
code leaks them. It reads Secrets Manager, KMS, IAM and CloudTrail metadata (never a
secret value), judges it with Rego policies, and writes SARIF, HTML, JSON and console
reports.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it;
2 usage or input error; 3 the scan was incomplete (something could not be assessed).`,
		Example: `  custos scan aws --snapshot testdata/snapshots/demo.json
  custos scan aws --all-regions --format sarif,html,json --out-dir out/
  custos collect aws --org --role-name CustosReadOnly --all-regions -o org.json
  custos scan repo --diff origin/main...HEAD --format sarif -o out/
  custos review access --cloudtrail s3://trail-bucket/AWSLogs/ --review 1d --baseline 30d
  custos access secret prod/payments/db-credentials --snapshot snap.json
  custos policies list --framework pci-dss-4.0`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		DisableAutoGenTag: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.setup() },
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.logLevel, "log-level", "warn", "log level on stderr: debug, info, warn, error")
	pf.StringVar(&a.logFormat, "log-format", "text", "log format on stderr: text or json")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "no progress output")

	scan := &cobra.Command{
		Use:   "scan",
		Short: "Scan AWS or a repository and report findings",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	scan.AddCommand(newScanAWSCmd(a), newScanRepoCmd(a))
	collect := &cobra.Command{
		Use:   "collect",
		Short: "Collect an inventory snapshot to judge offline",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	collect.AddCommand(newCollectAWSCmd(a))
	review := &cobra.Command{
		Use:   "review",
		Short: "Review CloudTrail logs for unusual reads of secrets and uses of keys",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	review.AddCommand(newReviewAccessCmd(a))
	root.AddCommand(scan, collect, review, newAccessCmd(a), newPoliciesCmd(a), newVersionCmd(a))
	return root
}

// setup builds the logger from the global flags.
func (a *app) setup() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.logLevel)); err != nil {
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", a.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(a.logFormat) {
	case "text":
		a.logger = slog.New(slog.NewTextHandler(a.stderr, opts))
	case "json":
		a.logger = slog.New(slog.NewJSONHandler(a.stderr, opts))
	default:
		return fmt.Errorf("--log-format %q: want text or json", a.logFormat)
	}
	return nil
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the custos version",
		Args:    cobra.NoArgs,
		Example: "  custos version",
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(a.stdout, "custos %s\n", a.version)
			return err
		},
	}
}
