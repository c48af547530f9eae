package repo

import (
	"bytes"
	"context"
	_ "embed" // rules.toml
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"

	"github.com/custos-dev/custos/internal/finding"
)

//go:embed rules.toml
var custosRulesTOML string

// DefaultDecodeDepth is how many rounds of base64/hex/percent decoding the engine applies,
// as the gitleaks CLI does (the gitleaks library's default is 0: no decoding).
const DefaultDecodeDepth = 5

// Rule sources, as recorded in Evidence["rule_source"] and finding.Rule.Source.
const (
	SourceGitleaks = "gitleaks v8.30.1 default rules"
	SourceCustos   = "custos rules (scanners/repo/rules.toml)"
)

// silenceOnce guards the one write custos makes to gitleaks' package state: its global
// zerolog logger, which attaches raw secrets to debug and trace lines, is replaced by a
// no-op logger before the first detector is built.
var silenceOnce sync.Once

func silenceGitleaks() {
	silenceOnce.Do(func() { logging.Logger = zerolog.Nop() })
}

// Engine is a configured gitleaks detector plus custos's metadata about each rule.
// It is safe for concurrent use and can serve many scans.
type Engine struct {
	det   *detect.Detector
	rules map[string]ruleMeta // by gitleaks rule id
	// configPath is the user's gitleaks config, never scanned as content.
	configPath string
}

// EngineOptions configures the detector.
type EngineOptions struct {
	// GitleaksConfig is a gitleaks TOML file. With [extend] useDefault = true it extends
	// custos's built-in rules (gitleaks defaults + custos rules); with [extend] path it
	// extends that file; otherwise it replaces the built-in rules.
	GitleaksConfig string
	// DecodeDepth is the number of decoding passes; 0 means DefaultDecodeDepth, a negative
	// value turns decoding off.
	DecodeDepth int
}

// NewEngine loads the rules and builds the detector.
func NewEngine(ctx context.Context, opts EngineOptions) (*Engine, error) {
	silenceGitleaks()
	cfg, sources, err := loadConfig(opts.GitleaksConfig)
	if err != nil {
		return nil, err
	}
	det := detect.NewDetectorContext(ctx, cfg)
	switch {
	case opts.DecodeDepth == 0:
		det.MaxDecodeDepth = DefaultDecodeDepth
	case opts.DecodeDepth > 0:
		det.MaxDecodeDepth = opts.DecodeDepth
	}
	det.MaxArchiveDepth = 0
	det.Redact = 0 // custos redacts itself; it needs the raw match once, to hash it
	det.Verbose = false
	rules := make(map[string]ruleMeta, len(cfg.Rules))
	for id, r := range cfg.Rules {
		rules[id] = newRuleMeta(id, r.Description, r.Tags, sources[id])
	}
	return &Engine{det: det, rules: rules, configPath: opts.GitleaksConfig}, nil
}

// Rules returns the metadata of every enabled rule, sorted by id.
func (e *Engine) Rules() []finding.Rule {
	out := make([]finding.Rule, 0, len(e.rules))
	for _, m := range e.rules {
		out = append(out, m.rule())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// loadConfig builds the gitleaks configuration and records where each rule came from.
func loadConfig(userPath string) (config.Config, map[string]string, error) {
	builtin, err := builtinViper()
	if err != nil {
		return config.Config{}, nil, err
	}
	sources := map[string]string{}
	for _, r := range builtin.gitleaks.Rules {
		sources[r.ID] = SourceGitleaks
	}
	for _, r := range builtin.custos.Rules {
		sources[r.ID] = SourceCustos
	}
	final := builtin.merged
	if userPath != "" {
		user, err := loadUserViper(userPath, 0)
		if err != nil {
			return config.Config{}, nil, err
		}
		for _, r := range user.vc.Rules {
			sources[r.ID] = "user config " + userPath
		}
		if user.extendDefault {
			final = extendViper(builtin.merged, user.vc, user.disabled)
		} else {
			final = user.vc
			// rules only in the replaced built-in set no longer exist
			kept := map[string]bool{}
			for _, r := range final.Rules {
				kept[r.ID] = true
			}
			for id := range sources {
				if !kept[id] {
					delete(sources, id)
				}
			}
		}
	}
	cfg, err := translate(final, userPath)
	if err != nil {
		return config.Config{}, nil, err
	}
	if len(cfg.Rules) == 0 {
		return config.Config{}, nil, fmt.Errorf("gitleaks config %s: no rules", userPath)
	}
	return cfg, sources, nil
}

type builtinConfigs struct {
	gitleaks, custos, merged config.ViperConfig
}

func builtinViper() (builtinConfigs, error) {
	gl, err := parseViper("gitleaks default config", []byte(config.DefaultConfig))
	if err != nil {
		return builtinConfigs{}, err
	}
	cu, err := parseViper("scanners/repo/rules.toml", []byte(custosRulesTOML))
	if err != nil {
		return builtinConfigs{}, err
	}
	tightenKeywords(&gl)
	ids := map[string]bool{}
	for _, r := range gl.Rules {
		ids[r.ID] = true
	}
	for _, r := range cu.Rules {
		if ids[r.ID] {
			return builtinConfigs{}, fmt.Errorf("scanners/repo/rules.toml: rule %q collides with a gitleaks default rule", r.ID)
		}
	}
	merged := gl
	merged.Rules = append(append(merged.Rules[:0:0], gl.Rules...), cu.Rules...)
	merged.Allowlists = append(append(merged.Allowlists[:0:0], gl.Allowlists...), cu.Allowlists...)
	return builtinConfigs{gitleaks: gl, custos: cu, merged: merged}, nil
}

// tightenKeywords narrows the prefilter keywords of gitleaks' jwt rule. Its keyword "ey"
// occurs in most text ("key", "they"), so the rule's regular expression ran on nearly every
// fragment. A JWT header is base64url JSON: "{" followed by '"' or a space encodes as
// eyI-eyL or eyA-eyD, so these eight keywords select every fragment holding a JWT while
// skipping the rest; the findings do not change. Applied only when the rule still has the
// keyword list it has in gitleaks v8.30.1.
func tightenKeywords(vc *config.ViperConfig) {
	for i := range vc.Rules {
		r := &vc.Rules[i]
		if r.ID == "jwt" && len(r.Keywords) == 1 && r.Keywords[0] == "ey" {
			r.Keywords = []string{"eya", "eyb", "eyc", "eyd", "eyi", "eyj", "eyk", "eyl"}
		}
	}
}

// parseViper reads one gitleaks TOML document with a private viper instance (gitleaks'
// own loader uses viper's global instance and a global extend counter).
func parseViper(name string, data []byte) (config.ViperConfig, error) {
	v := viper.New()
	v.SetConfigType("toml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return config.ViperConfig{}, fmt.Errorf("%s: %w", name, err)
	}
	var vc config.ViperConfig
	if err := v.Unmarshal(&vc); err != nil {
		return config.ViperConfig{}, fmt.Errorf("%s: %w", name, err)
	}
	// fold the deprecated single [allowlist] (still used by gitleaks' own default config)
	// into [[allowlists]] so configs can be merged
	//lint:ignore SA1019 gitleaks' default config uses the deprecated form
	if vc.AllowList != nil {
		if len(vc.Allowlists) > 0 {
			return config.ViperConfig{}, fmt.Errorf("%s: [allowlist] cannot be used alongside [[allowlists]]", name)
		}
		vc.Allowlists = append(vc.Allowlists, vc.AllowList) //lint:ignore SA1019 see above
		vc.AllowList = nil                                  //lint:ignore SA1019 see above
	}
	return vc, nil
}

type userConfig struct {
	vc            config.ViperConfig
	extendDefault bool
	disabled      []string
}

const maxExtendDepth = 2

// loadUserViper reads a user's gitleaks config, resolving [extend] path itself.
func loadUserViper(path string, depth int) (userConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return userConfig{}, fmt.Errorf("gitleaks config: %w", err)
	}
	vc, err := parseViper(path, data)
	if err != nil {
		return userConfig{}, fmt.Errorf("gitleaks config %w", err)
	}
	ext := vc.Extend
	vc.Extend = config.Extend{}
	switch {
	case ext.URL != "":
		return userConfig{}, fmt.Errorf("gitleaks config %s: [extend] url is not supported", path)
	case ext.Path != "" && ext.UseDefault:
		return userConfig{}, fmt.Errorf("gitleaks config %s: [extend] path and useDefault are both set", path)
	case ext.UseDefault:
		return userConfig{vc: vc, extendDefault: true, disabled: ext.DisabledRules}, nil
	case ext.Path != "":
		if depth >= maxExtendDepth {
			return userConfig{}, fmt.Errorf("gitleaks config %s: [extend] nested more than %d deep", path, maxExtendDepth)
		}
		base, err := loadUserViper(ext.Path, depth+1)
		if err != nil {
			return userConfig{}, fmt.Errorf("gitleaks config %s: extend: %w", path, err)
		}
		base.vc = extendViper(base.vc, vc, ext.DisabledRules)
		return base, nil
	}
	return userConfig{vc: vc}, nil
}

// extendViper applies ext over base the way gitleaks' [extend] does: rules with the same id
// are merged field by field (ext wins for description, regex, path, entropy, secret group;
// tags, keywords and allowlists are added), new rules are added, disabled rules removed, and
// the allowlists of both apply.
func extendViper(base, ext config.ViperConfig, disabled []string) config.ViperConfig {
	off := map[string]bool{}
	for _, id := range disabled {
		off[id] = true
	}
	out := ext
	out.Rules = nil
	index := map[string]int{}
	for _, r := range base.Rules {
		if off[r.ID] {
			continue
		}
		index[r.ID] = len(out.Rules)
		out.Rules = append(out.Rules, r)
	}
	for _, r := range ext.Rules {
		i, ok := index[r.ID]
		if !ok {
			out.Rules = append(out.Rules, r)
			continue
		}
		b := out.Rules[i]
		if r.Description != "" {
			b.Description = r.Description
		}
		if r.Regex != "" {
			b.Regex = r.Regex
		}
		if r.Path != "" {
			b.Path = r.Path
		}
		if r.Entropy != 0 {
			b.Entropy = r.Entropy
		}
		if r.SecretGroup != 0 {
			b.SecretGroup = r.SecretGroup
		}
		b.Tags = append(append([]string(nil), b.Tags...), r.Tags...)
		b.Keywords = append(append([]string(nil), b.Keywords...), r.Keywords...)
		b.Allowlists = append(append(b.Allowlists[:0:0], b.Allowlists...), r.Allowlists...)
		if r.AllowList != nil {
			b.Allowlists = append(b.Allowlists, r.AllowList)
		}
		out.Rules[i] = b
	}
	out.Allowlists = append(out.Allowlists[:0:0], ext.Allowlists...)
	for _, a := range base.Allowlists {
		if len(a.TargetRules) > 0 {
			// an allowlist only for disabled rules goes with them
			var targets []string
			for _, id := range a.TargetRules {
				if !off[id] {
					targets = append(targets, id)
				}
			}
			if len(targets) == 0 {
				continue
			}
			if len(targets) != len(a.TargetRules) {
				c := *a
				c.TargetRules = targets
				a = &c
			}
		}
		out.Allowlists = append(out.Allowlists, a)
	}
	return out
}

// translate compiles a merged configuration. gitleaks compiles regular expressions with
// MustCompile, so a bad pattern in a user's file panics; that becomes an error here.
func translate(vc config.ViperConfig, name string) (cfg config.Config, err error) {
	if name == "" {
		name = "built-in rules"
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("gitleaks config %s: %v", name, r)
		}
	}()
	vc.Extend = config.Extend{}
	cfg, err = vc.Translate()
	if err != nil {
		return config.Config{}, fmt.Errorf("gitleaks config %s: %w", name, err)
	}
	cfg.Path = ""
	return cfg, nil
}

// ruleMeta is what custos knows about one gitleaks rule.
type ruleMeta struct {
	id, description, source string
	kind                    string
	severity                finding.Severity
	generic                 bool
}

// Kinds of secret, from rule tags or, for gitleaks' rules, from the rule id.
const (
	kindPassword   = "password"
	kindURI        = "uri"
	kindHash       = "hash"
	kindPrivateKey = "private-key"
	kindCloud      = "cloud"
	kindToken      = "token"
)

func newRuleMeta(id, description string, tags []string, source string) ruleMeta {
	m := ruleMeta{id: id, description: description, source: source}
	for _, t := range tags {
		switch {
		case strings.HasPrefix(t, "severity:"):
			if s, err := finding.ParseSeverity(strings.TrimPrefix(t, "severity:")); err == nil {
				m.severity = s
			}
		case strings.HasPrefix(t, "kind:"):
			m.kind = strings.TrimPrefix(t, "kind:")
		case t == "generic":
			m.generic = true
		}
	}
	if m.kind == "" {
		m.kind = gitleaksKind(id)
	}
	if m.severity == "" {
		m.severity = defaultSeverity(id, m.kind)
	}
	if strings.Contains(id, "generic") {
		m.generic = true
	}
	return m
}

// gitleaksKind classifies gitleaks' default rules.
func gitleaksKind(id string) string {
	switch {
	case strings.Contains(id, "private-key"), id == "age-secret-key", id == "pkcs12-file":
		return kindPrivateKey
	case strings.HasPrefix(id, "aws-"), strings.HasPrefix(id, "gcp-"), strings.HasPrefix(id, "azure-"),
		strings.HasPrefix(id, "alibaba-"), strings.HasPrefix(id, "yandex-"), strings.HasPrefix(id, "digitalocean-"),
		strings.HasPrefix(id, "heroku-"), strings.HasPrefix(id, "linode-"), strings.HasPrefix(id, "scalingo-"):
		return kindCloud
	case strings.Contains(id, "password"):
		return kindPassword
	}
	return kindToken
}

// defaultSeverity: private keys critical; cloud and vendor credentials high; generic
// passwords, keys and tokens medium.
func defaultSeverity(id, kind string) finding.Severity {
	switch {
	case kind == kindPrivateKey:
		return finding.Critical
	case strings.Contains(id, "generic"), id == "jwt", id == "jwt-base64", kind == kindPassword, kind == kindHash:
		return finding.Medium
	}
	return finding.High
}

func remediationFor(kind string) string {
	switch kind {
	case kindPassword:
		return "Remove the password from the file and its history, rotate it, and load it at run time from a secret store (AWS Secrets Manager, SSM Parameter Store) or the environment."
	case kindURI:
		return "Remove the credential from the connection string or URI, rotate it, and build the URI at run time from a secret store or the environment."
	case kindHash:
		return "Remove the password hash from the repository (hashes can be cracked offline), change the password, and provision accounts from a secret store or identity system."
	case kindPrivateKey:
		return "Revoke and replace the key pair, remove the private key from the repository and its history, and keep keys in a secret store, KMS or an HSM."
	case kindCloud:
		return "Deactivate and delete the credential at the cloud provider now, review its recent use, remove it from the repository and its history, and use short-lived role credentials instead."
	}
	return "Revoke the token at its issuer, remove it from the repository and its history, and load it at run time from a secret store."
}

func titleFor(kind string) string {
	switch kind {
	case kindPassword:
		return "Hardcoded password or secret"
	case kindURI:
		return "Credential embedded in a URI or connection string"
	case kindHash:
		return "Password hash committed to the repository"
	case kindPrivateKey:
		return "Private key committed to the repository"
	case kindCloud:
		return "Hardcoded cloud credential"
	}
	return "Hardcoded API token"
}

// controls every repository finding maps to: PCI DSS v4.0 8.6.2 (passwords for system and
// application accounts are not hard-coded in scripts, configuration or source code) and
// SOC 2 CC6.1 (logical access security).
func repoControls() map[string][]string {
	return map[string][]string{"pci-dss-4.0": {"8.6.2"}, "soc2": {"CC6.1"}}
}

// RuleIDPrefix is prepended to gitleaks rule ids to form custos rule ids.
const RuleIDPrefix = "repo-"

func (m ruleMeta) rule() finding.Rule {
	return finding.Rule{
		ID:           RuleIDPrefix + m.id,
		Title:        m.title(),
		Description:  m.description,
		Severity:     m.severity,
		ResourceType: ResourceType,
		Controls:     repoControls(),
		Remediation:  remediationFor(m.kind),
		Source:       m.source,
	}
}

func (m ruleMeta) title() string {
	if m.source == SourceCustos && m.description != "" {
		return m.description
	}
	return titleFor(m.kind) + " (" + m.id + ")"
}
