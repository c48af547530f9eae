package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/custos-dev/custos/internal/config"
	"github.com/custos-dev/custos/internal/engine"
	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/reports"
	"github.com/spf13/pflag"
)

// reportFlags are the output and verdict flags every scanning command shares.
type reportFlags struct {
	formats          string
	outDir           string
	failOn           string
	failOnIncomplete bool
	configFile       string
	policyDirs       []string
	asOf             string
}

// registerOutput adds --format, --out-dir, --fail-on and --config.
func (f *reportFlags) registerOutput(fl *pflag.FlagSet) {
	fl.StringVarP(&f.formats, "format", "f", "table", "report formats, comma-separated: "+strings.Join(reports.Formats(), ", "))
	fl.StringVarP(&f.outDir, "out-dir", "o", "", "write each format to DIR/custos.<ext> (atomically); without it one format goes to stdout")
	fl.StringVar(&f.failOn, "fail-on", "high", "exit 1 when an open finding is at or above: critical, high, medium, low, info or none")
	fl.StringVarP(&f.configFile, "config", "c", "", "configuration file: thresholds and suppressions (default: "+config.DefaultFile+" when present)")
}

// registerJudging adds what commands that judge with Rego share: --policy-dir and
// --fail-on-incomplete (on by default), whose help says what incomplete means there.
func (f *reportFlags) registerJudging(fl *pflag.FlagSet, incomplete string) {
	fl.StringSliceVar(&f.policyDirs, "policy-dir", nil, "directory of extra Rego policies (repeatable)")
	fl.BoolVar(&f.failOnIncomplete, "fail-on-incomplete", true, "exit 3 when "+incomplete)
}

// threshold parses --fail-on; nil means never fail on findings.
func (f *reportFlags) threshold() (*finding.Severity, error) {
	if strings.EqualFold(f.failOn, "none") {
		return nil, nil
	}
	sev, err := finding.ParseSeverity(f.failOn)
	if err != nil {
		return nil, fmt.Errorf("--fail-on: %w", err)
	}
	return &sev, nil
}

// writers validates --format and --out-dir together before any work is done.
func (f *reportFlags) writers() ([]string, error) {
	var names []string
	seen := map[string]bool{}
	for _, name := range strings.Split(f.formats, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" || seen[name] {
			continue
		}
		if _, err := reports.Lookup(name); err != nil {
			return nil, fmt.Errorf("--format: %w", err)
		}
		seen[name] = true
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, errors.New("--format: no format given")
	}
	if len(names) > 1 && f.outDir == "" {
		return nil, fmt.Errorf("--format %s: several formats need --out-dir", strings.Join(names, ","))
	}
	return names, nil
}

// parseAsOf reads --as-of; zero time when unset.
func (f *reportFlags) parseAsOf() (time.Time, error) {
	if f.asOf == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, f.asOf); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("--as-of %q: want RFC 3339 (2026-11-20T06:00:00Z) or a date (2026-11-20)", f.asOf)
}

// engine loads the configuration and the policies.
func (f *reportFlags) engine(ctx context.Context) (*engine.Engine, config.Config, error) {
	cfg, err := config.Load(f.configFile)
	if err != nil {
		return nil, cfg, err
	}
	data, err := cfg.PolicyData()
	if err != nil {
		return nil, cfg, err
	}
	eng, err := engine.New(ctx, engine.Options{PolicyDirs: f.policyDirs, Config: data})
	if err != nil {
		return nil, cfg, err
	}
	return eng, cfg, nil
}

// emit renders every requested format in memory, then writes them (files atomically),
// then maps the outcome to an exit code. No file is written unless every format rendered.
func (a *app) emit(f *reportFlags, rep reports.Report) error {
	names, err := f.writers()
	if err != nil {
		return err
	}
	threshold, err := f.threshold()
	if err != nil {
		return err
	}
	rendered := make(map[string][]byte, len(names))
	for _, name := range names {
		w, _ := reports.Lookup(name)
		var buf bytes.Buffer
		if err := w.Write(&buf, rep); err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("render %s report: %w", name, err)}
		}
		rendered[name] = buf.Bytes()
	}
	if f.outDir == "" {
		if _, err := a.stdout.Write(rendered[names[0]]); err != nil {
			return err
		}
	} else {
		if err := os.MkdirAll(f.outDir, 0o755); err != nil {
			return fmt.Errorf("--out-dir: %w", err)
		}
		for _, name := range names {
			if err := writeAtomic(filepath.Join(f.outDir, reports.FileName(name)), rendered[name]); err != nil {
				return err
			}
		}
		if table, ok := rendered["table"]; ok {
			if _, err := a.stdout.Write(table); err != nil {
				return err
			}
		}
		if !a.quiet {
			for _, name := range names {
				fmt.Fprintf(a.stderr, "wrote %s\n", filepath.Join(f.outDir, reports.FileName(name)))
			}
		}
	}
	switch {
	case rep.Incomplete() && f.failOnIncomplete:
		return &exitError{code: exitIncomplete, err: errors.New("scan incomplete: some services could not be assessed (see the coverage section of the report)")}
	case finding.Failing(rep.Findings, threshold):
		return &exitError{code: exitFindings}
	}
	return nil
}

// writeAtomic writes data to a temporary file beside path and renames it into place,
// so a reader never sees a half-written report.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
