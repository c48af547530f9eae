// Package config reads .custos.yaml: the thresholds policies judge by and the
// suppressions that silence accepted findings. Defaults come from policies/data.json,
// the same file `opa test policies/` reads, so Go and Rego can never disagree.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/custos-dev/custos/policies"
	"gopkg.in/yaml.v3"
)

// DefaultFile is read when it exists in the working directory and --config is not given.
const DefaultFile = ".custos.yaml"

// Config is the validated configuration.
type Config struct {
	Secrets         Secrets        `yaml:"secrets" json:"secrets"`
	Keys            Keys           `yaml:"keys" json:"keys"`
	IAM             IAM            `yaml:"iam" json:"iam"`
	RequiredTags    []string       `yaml:"required_tags" json:"required_tags"`
	Tags            Tags           `yaml:"tags" json:"tags"`
	Classification  Classification `yaml:"classification" json:"classification"`
	TrustedAccounts []string       `yaml:"trusted_accounts" json:"trusted_accounts"`
	OrganizationID  string         `yaml:"organization_id" json:"organization_id"`
	Access          Access         `yaml:"access" json:"access"`
	Suppressions    []Suppression  `yaml:"suppressions" json:"-"`
}

// Secrets holds thresholds for Secrets Manager rules.
type Secrets struct {
	// RotationMaxDays is the longest allowed rotation interval.
	RotationMaxDays int `yaml:"rotation_max_days" json:"rotation_max_days"`
	// RotationGraceDays is how late a scheduled rotation may be before it counts as broken.
	RotationGraceDays int `yaml:"rotation_grace_days" json:"rotation_grace_days"`
	// UnusedDays is how long a secret may go unread before it counts as unused.
	UnusedDays int `yaml:"unused_days" json:"unused_days"`
	// MaxReaders is how many principals may read a secret's value.
	MaxReaders int `yaml:"max_readers" json:"max_readers"`
	// NamePattern is the regular expression (RE2) secret names must match; empty turns
	// the naming rule off.
	NamePattern string `yaml:"name_pattern" json:"name_pattern"`
}

// Keys holds thresholds for KMS rules.
type Keys struct {
	// RotationMaxDays is the longest allowed automatic rotation period.
	RotationMaxDays int `yaml:"rotation_max_days" json:"rotation_max_days"`
	// MaterialExpiryWarningDays is how long before imported key material expires a key
	// is reported.
	MaterialExpiryWarningDays int `yaml:"material_expiry_warning_days" json:"material_expiry_warning_days"`
}

// IAM holds thresholds for IAM rules.
type IAM struct {
	// AccessKeyMaxAgeDays is the oldest an active access key may be.
	AccessKeyMaxAgeDays int `yaml:"access_key_max_age_days" json:"access_key_max_age_days"`
	// AccessKeyUnusedDays is how long an active access key may go unused.
	AccessKeyUnusedDays int `yaml:"access_key_unused_days" json:"access_key_unused_days"`
	// RoleUnusedDays is how long a role may go unused.
	RoleUnusedDays int `yaml:"role_unused_days" json:"role_unused_days"`
	// MaxReadableSecrets is how many secrets one user or role may be able to read.
	MaxReadableSecrets int `yaml:"max_readable_secrets" json:"max_readable_secrets"`
	// ServicesWithoutSourceKeys are service principals that may be trusted by a role
	// without an aws:SourceAccount or aws:SourceArn condition.
	ServicesWithoutSourceKeys []string `yaml:"services_without_source_keys" json:"services_without_source_keys"`
}

// Tags names the ownership tags and the values they may take.
type Tags struct {
	// Owner, Environment and Classification are tag keys.
	Owner          string `yaml:"owner" json:"owner"`
	Environment    string `yaml:"environment" json:"environment"`
	Classification string `yaml:"classification" json:"classification"`
	// OwnerTeams are owner values accepted besides e-mail addresses.
	OwnerTeams []string `yaml:"owner_teams" json:"owner_teams"`
	// OwnerTeamPattern is a regular expression (RE2) team owners may match instead.
	OwnerTeamPattern string `yaml:"owner_team_pattern" json:"owner_team_pattern"`
	// Environments are the allowed environment values.
	Environments []string `yaml:"environments" json:"environments"`
	// ProductionEnvironments are the environment values that mean production.
	ProductionEnvironments []string `yaml:"production_environments" json:"production_environments"`
}

// Classification tightens rules by data classification tier (the classification tag).
type Classification struct {
	// DefaultTier is the tier of resources without a classification tag; empty means
	// no tier overrides for them.
	DefaultTier  string `yaml:"default_tier" json:"default_tier"`
	Public       Tier   `yaml:"public" json:"public"`
	Internal     Tier   `yaml:"internal" json:"internal"`
	Confidential Tier   `yaml:"confidential" json:"confidential"`
	Restricted   Tier   `yaml:"restricted" json:"restricted"`
}

// Tier holds one classification tier's overrides; a zero threshold keeps the general one.
type Tier struct {
	// RequireCustomerKey requires secrets of the tier to use a customer-managed KMS key.
	RequireCustomerKey bool `yaml:"require_customer_key" json:"require_customer_key"`
	// SecretRotationMaxDays overrides secrets.rotation_max_days.
	SecretRotationMaxDays int `yaml:"secret_rotation_max_days" json:"secret_rotation_max_days"`
	// KeyRotationMaxDays overrides keys.rotation_max_days.
	KeyRotationMaxDays int `yaml:"key_rotation_max_days" json:"key_rotation_max_days"`
	// MaxReaders overrides secrets.max_readers.
	MaxReaders int `yaml:"max_readers" json:"max_readers"`
}

// Suppression accepts the findings of one rule on the resources matching a pattern,
// for a reason, with an owner, until a date.
type Suppression struct {
	// Rule is a rule id.
	Rule string `yaml:"rule" json:"rule"`
	// Resource is an ARN pattern; "*" matches any run of characters.
	Resource string `yaml:"resource" json:"resource"`
	Reason   string `yaml:"reason" json:"reason"`
	Owner    string `yaml:"owner" json:"owner"`
	// Expires is a date (YYYY-MM-DD); the suppression holds through the end of that day, UTC.
	Expires string `yaml:"expires" json:"expires"`

	pattern *regexp.Regexp
	until   time.Time
}

// Default returns the built-in configuration.
func Default() (Config, error) {
	data, err := policies.FS.ReadFile(policies.DefaultsFile)
	if err != nil {
		return Config{}, err
	}
	var wrapper struct {
		Custos struct {
			Config Config `json:"config"`
		} `json:"custos"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wrapper); err != nil {
		return Config{}, fmt.Errorf("policies/%s: %w", policies.DefaultsFile, err)
	}
	return wrapper.Custos.Config, nil
}

// Load reads a config file over the defaults. An empty path reads DefaultFile when it
// exists and returns the defaults otherwise.
func Load(file string) (Config, error) {
	cfg, err := Default()
	if err != nil {
		return cfg, err
	}
	if file == "" {
		if _, statErr := os.Stat(DefaultFile); statErr != nil {
			return cfg, nil
		}
		file = DefaultFile
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	return Parse(file, data, cfg)
}

// Parse decodes YAML over base and validates the result. Unknown keys and bad values
// are errors naming the file, line and key.
func Parse(name string, data []byte, base Config) (Config, error) {
	cfg := base
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return cfg, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(root.Content) == 0 {
		return cfg, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return cfg, yamlError(name, err)
	}
	if err := cfg.validate(); err != nil {
		var ke *keyError
		if errors.As(err, &ke) {
			return cfg, fmt.Errorf("%s:%d: %s: %s", name, lineOf(root.Content[0], ke.path), strings.Join(ke.path, "."), ke.msg)
		}
		return cfg, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

var (
	yamlLine     = regexp.MustCompile(`^line (\d+): (.*)$`)
	yamlNotFound = regexp.MustCompile(`^field (\S+) not found in type .*$`)
)

// yamlError turns yaml.v3's decoding errors into one line per problem of the form
// file:line: message, with unknown fields named as unknown keys.
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	lines := make([]string, 0, len(te.Errors))
	for _, e := range te.Errors {
		msg := e
		prefix := name
		if m := yamlLine.FindStringSubmatch(e); m != nil {
			prefix, msg = name+":"+m[1], m[2]
		}
		if m := yamlNotFound.FindStringSubmatch(msg); m != nil {
			msg = "unknown key " + m[1]
		}
		lines = append(lines, prefix+": "+msg)
	}
	return errors.New(strings.Join(lines, "\n"))
}

type keyError struct {
	path []string
	msg  string
}

func (e *keyError) Error() string { return strings.Join(e.path, ".") + ": " + e.msg }

func bad(msg string, path ...string) error { return &keyError{path: path, msg: msg} }

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

func (c *Config) validate() error {
	if c.Secrets.RotationMaxDays < 1 || c.Secrets.RotationMaxDays > 365 {
		return bad(fmt.Sprintf("must be between 1 and 365, got %d", c.Secrets.RotationMaxDays), "secrets", "rotation_max_days")
	}
	if c.Secrets.RotationGraceDays < 0 || c.Secrets.RotationGraceDays > 90 {
		return bad(fmt.Sprintf("must be between 0 and 90, got %d", c.Secrets.RotationGraceDays), "secrets", "rotation_grace_days")
	}
	// KMS accepts rotation periods from 90 to 2560 days.
	if c.Keys.RotationMaxDays < 90 || c.Keys.RotationMaxDays > 2560 {
		return bad(fmt.Sprintf("must be between 90 and 2560 (the periods KMS accepts), got %d", c.Keys.RotationMaxDays), "keys", "rotation_max_days")
	}
	if err := c.validatePolicyThresholds(); err != nil {
		return err
	}
	for _, t := range c.RequiredTags {
		if strings.TrimSpace(t) == "" {
			return bad("tag names must not be empty", "required_tags")
		}
	}
	for _, a := range c.TrustedAccounts {
		if !accountID.MatchString(a) {
			return bad(fmt.Sprintf("%q is not a 12-digit account id", a), "trusted_accounts")
		}
	}
	if c.OrganizationID != "" && !regexp.MustCompile(`^o-[a-z0-9]{10,32}$`).MatchString(c.OrganizationID) {
		return bad(fmt.Sprintf("%q is not an organization id (o-…)", c.OrganizationID), "organization_id")
	}
	if err := c.Access.validate(); err != nil {
		return err
	}
	for i := range c.Suppressions {
		if err := c.Suppressions[i].compile(); err != nil {
			return bad(err.Error(), "suppressions", fmt.Sprint(i))
		}
	}
	return nil
}

func (s *Suppression) compile() error {
	switch {
	case s.Rule == "":
		return errors.New("rule is required")
	case s.Resource == "":
		return errors.New("resource (an ARN pattern) is required")
	case strings.TrimSpace(s.Reason) == "":
		return errors.New("reason is required")
	case strings.TrimSpace(s.Owner) == "":
		return errors.New("owner is required")
	case s.Expires == "":
		return errors.New("expires (YYYY-MM-DD) is required: suppressions must end")
	}
	day, err := time.Parse(time.DateOnly, s.Expires)
	if err != nil {
		return fmt.Errorf("expires %q is not a date (YYYY-MM-DD)", s.Expires)
	}
	s.until = day.Add(24 * time.Hour)
	quoted := regexp.QuoteMeta(s.Resource)
	s.pattern = regexp.MustCompile("^" + strings.ReplaceAll(quoted, `\*`, ".*") + "$")
	return nil
}

// Matches reports whether the suppression covers this rule and resource.
func (s *Suppression) Matches(ruleID, arn string) bool {
	if s.pattern == nil {
		if s.compile() != nil {
			return false
		}
	}
	if ok, _ := path.Match(s.Rule, ruleID); !ok {
		return false
	}
	return s.pattern.MatchString(arn)
}

// Expired reports whether the suppression has run out at now.
func (s *Suppression) Expired(now time.Time) bool {
	if s.pattern == nil {
		_ = s.compile()
	}
	return !now.Before(s.until)
}

// PolicyData is what policies see as data.custos.config.
func (c Config) PolicyData() (map[string]any, error) {
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return out, dec.Decode(&out)
}

// lineOf returns the line of the deepest node along path (a mapping key or sequence index).
func lineOf(n *yaml.Node, path []string) int {
	line := n.Line
	for _, key := range path {
		switch n.Kind {
		case yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					line, n, found = n.Content[i].Line, n.Content[i+1], true
					break
				}
			}
			if !found {
				return line
			}
		case yaml.SequenceNode:
			var idx int
			if _, err := fmt.Sscan(key, &idx); err != nil || idx >= len(n.Content) {
				return line
			}
			n = n.Content[idx]
			line = n.Line
		default:
			return line
		}
	}
	return line
}
