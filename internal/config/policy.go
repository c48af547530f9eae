package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Tiers are the data classification tiers, from least to most sensitive.
var Tiers = []string{"public", "internal", "confidential", "restricted"}

// validatePolicyThresholds checks the thresholds, tag settings and classification
// overrides the built-in rules read (secrets, keys, iam, tags, classification).
func (c *Config) validatePolicyThresholds() error {
	ints := []struct {
		v        int
		min, max int
		path     []string
	}{
		{c.Secrets.UnusedDays, 1, 3650, []string{"secrets", "unused_days"}},
		{c.Secrets.MaxReaders, 1, 100000, []string{"secrets", "max_readers"}},
		{c.Keys.MaterialExpiryWarningDays, 0, 3650, []string{"keys", "material_expiry_warning_days"}},
		{c.IAM.AccessKeyMaxAgeDays, 1, 3650, []string{"iam", "access_key_max_age_days"}},
		{c.IAM.AccessKeyUnusedDays, 1, 3650, []string{"iam", "access_key_unused_days"}},
		{c.IAM.RoleUnusedDays, 1, 3650, []string{"iam", "role_unused_days"}},
		{c.IAM.MaxReadableSecrets, 1, 1000000, []string{"iam", "max_readable_secrets"}},
	}
	for _, n := range ints {
		if n.v < n.min || n.v > n.max {
			return bad(fmt.Sprintf("must be between %d and %d, got %d", n.min, n.max, n.v), n.path...)
		}
	}
	if err := checkPattern(c.Secrets.NamePattern, "secrets", "name_pattern"); err != nil {
		return err
	}
	for _, s := range c.IAM.ServicesWithoutSourceKeys {
		if !servicePrincipal.MatchString(s) {
			return bad(fmt.Sprintf("%q is not a service principal (name.amazonaws.com)", s), "iam", "services_without_source_keys")
		}
	}
	if err := c.Tags.validate(); err != nil {
		return err
	}
	return c.Classification.validate()
}

var servicePrincipal = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$`)

func checkPattern(p string, path ...string) error {
	if p == "" {
		return nil
	}
	if _, err := regexp.Compile(p); err != nil {
		return bad(fmt.Sprintf("not a regular expression: %v", err), path...)
	}
	return nil
}

func (t *Tags) validate() error {
	for _, k := range []struct{ v, name string }{{t.Owner, "owner"}, {t.Environment, "environment"}, {t.Classification, "classification"}} {
		if strings.TrimSpace(k.v) == "" {
			return bad("tag key must not be empty", "tags", k.name)
		}
	}
	for _, team := range t.OwnerTeams {
		if strings.TrimSpace(team) == "" {
			return bad("team names must not be empty", "tags", "owner_teams")
		}
	}
	if err := checkPattern(t.OwnerTeamPattern, "tags", "owner_team_pattern"); err != nil {
		return err
	}
	if len(t.Environments) == 0 {
		return bad("list at least one environment", "tags", "environments")
	}
	for _, e := range t.Environments {
		if strings.TrimSpace(e) == "" || e != strings.ToLower(e) {
			return bad(fmt.Sprintf("%q: environments are non-empty and lower-case (tag values are compared case-insensitively)", e), "tags", "environments")
		}
	}
	for _, e := range t.ProductionEnvironments {
		if !slices.Contains(t.Environments, e) {
			return bad(fmt.Sprintf("%q is not one of tags.environments", e), "tags", "production_environments")
		}
	}
	return nil
}

func (c *Classification) validate() error {
	if c.DefaultTier != "" && !slices.Contains(Tiers, c.DefaultTier) {
		return bad(fmt.Sprintf("%q is not a tier (%s)", c.DefaultTier, strings.Join(Tiers, ", ")), "classification", "default_tier")
	}
	for _, t := range []struct {
		name string
		tier Tier
	}{{"public", c.Public}, {"internal", c.Internal}, {"confidential", c.Confidential}, {"restricted", c.Restricted}} {
		if d := t.tier.SecretRotationMaxDays; d != 0 && (d < 1 || d > 365) {
			return bad(fmt.Sprintf("must be 0 (keep secrets.rotation_max_days) or between 1 and 365, got %d", d), "classification", t.name, "secret_rotation_max_days")
		}
		if d := t.tier.KeyRotationMaxDays; d != 0 && (d < 90 || d > 2560) {
			return bad(fmt.Sprintf("must be 0 (keep keys.rotation_max_days) or between 90 and 2560 (the periods KMS accepts), got %d", d), "classification", t.name, "key_rotation_max_days")
		}
		if n := t.tier.MaxReaders; n < 0 {
			return bad(fmt.Sprintf("must be 0 (keep secrets.max_readers) or more, got %d", n), "classification", t.name, "max_readers")
		}
	}
	return nil
}
