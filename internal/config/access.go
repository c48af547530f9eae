package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// Access holds the thresholds of the access-log review (custos review access). Go reads
// the window sizes and network settings to build its aggregates; the Rego detections read
// every field as data.custos.config.access.
type Access struct {
	// LateDeliveryMinutes is how late CloudTrail may deliver an event and still have it
	// de-duplicated and counted in its window.
	LateDeliveryMinutes int `yaml:"late_delivery_minutes" json:"late_delivery_minutes"`
	// LearningDays is how many days of baseline activity a principal needs before
	// "new" and "unusual" detections judge it.
	LearningDays int `yaml:"learning_days" json:"learning_days"`
	// MinBaselineEvents is how many baseline events a principal needs for the same.
	MinBaselineEvents int `yaml:"min_baseline_events" json:"min_baseline_events"`
	// MaxEvidenceEvents caps the events listed behind each finding.
	MaxEvidenceEvents int `yaml:"max_evidence_events" json:"max_evidence_events"`
	// BurstWindowMinutes is the short window of the burst detections.
	BurstWindowMinutes int `yaml:"burst_window_minutes" json:"burst_window_minutes"`
	// DistinctSecretsBurst is how many distinct secrets one principal may read in a burst window.
	DistinctSecretsBurst int `yaml:"distinct_secrets_burst" json:"distinct_secrets_burst"`
	// ListThenReadMinutes is how soon after ListSecrets reads count as following it.
	ListThenReadMinutes int `yaml:"list_then_read_minutes" json:"list_then_read_minutes"`
	// ListThenReadSecrets is how many distinct secrets read after ListSecrets fire.
	ListThenReadSecrets int `yaml:"list_then_read_secrets" json:"list_then_read_secrets"`
	// BatchCalls is how many BatchGetSecretValue calls in the review window fire.
	BatchCalls int `yaml:"batch_calls" json:"batch_calls"`
	// BatchRegions is in how many regions BatchGetSecretValue calls fire.
	BatchRegions int `yaml:"batch_regions" json:"batch_regions"`
	// DeniedBurst is how many AccessDenied errors on secrets and keys in a burst window fire.
	DeniedBurst int `yaml:"denied_burst" json:"denied_burst"`
	// KMSMADFactor is how many robust standard deviations (1.4826 × MAD) above the
	// principal's median daily use a KMS decrypt volume must be to fire.
	KMSMADFactor float64 `yaml:"kms_mad_factor" json:"kms_mad_factor"`
	// KMSMinCount is the least KMS decrypt / data-key volume that can fire.
	KMSMinCount int `yaml:"kms_min_count" json:"kms_min_count"`
	// SSMDecryptBulk is how many distinct SecureString parameters read with decryption in a
	// burst window fire.
	SSMDecryptBulk int `yaml:"ssm_decrypt_bulk" json:"ssm_decrypt_bulk"`
	// KeyNetworksWindowMinutes is the window in which one access key's networks are counted.
	KeyNetworksWindowMinutes int `yaml:"key_networks_window_minutes" json:"key_networks_window_minutes"`
	// KeyNetworks is how many distinct public networks one access key may use in that window.
	KeyNetworks int `yaml:"key_networks" json:"key_networks"`
	// MaxBaselineNetworks: principals seen from more networks than this in the baseline
	// (serverless, roaming) are not judged by the new-network detection.
	MaxBaselineNetworks int `yaml:"max_baseline_networks" json:"max_baseline_networks"`
	// NetworkPrefixIPv4 and NetworkPrefixIPv6 group source addresses into networks.
	NetworkPrefixIPv4 int `yaml:"network_prefix_ipv4" json:"network_prefix_ipv4"`
	NetworkPrefixIPv6 int `yaml:"network_prefix_ipv6" json:"network_prefix_ipv6"`
	// InternalCIDRs are private address ranges (VPC addresses, reached through endpoints).
	InternalCIDRs []string `yaml:"internal_cidrs" json:"internal_cidrs"`
	// TrustedCIDRs are the organisation's own egress ranges (NAT gateways, offices, VPN).
	TrustedCIDRs []string `yaml:"trusted_cidrs" json:"trusted_cidrs"`
	// ScannerUserAgents are lower-case fragments of user agents of secret scanners and
	// offensive tooling.
	ScannerUserAgents []string `yaml:"scanner_user_agents" json:"scanner_user_agents"`
	// AllowedRegions are where secrets may be replicated; empty reports every replication.
	AllowedRegions []string `yaml:"allowed_regions" json:"allowed_regions"`
	// EnvironmentTag names the tag that says production or not, on principals and secrets.
	EnvironmentTag string `yaml:"environment_tag" json:"environment_tag"`
	// ProductionValues are the values of EnvironmentTag that mean production (lower case).
	ProductionValues []string `yaml:"production_values" json:"production_values"`
	// OwnerTag names the tag that says which team owns a principal or a secret.
	OwnerTag string `yaml:"owner_tag" json:"owner_tag"`
}

func (a *Access) validate() error {
	ints := []struct {
		name     string
		v        int
		min, max int
	}{
		{"late_delivery_minutes", a.LateDeliveryMinutes, 0, 24 * 60},
		{"learning_days", a.LearningDays, 1, 365},
		{"min_baseline_events", a.MinBaselineEvents, 1, 1 << 30},
		{"max_evidence_events", a.MaxEvidenceEvents, 1, 100},
		{"burst_window_minutes", a.BurstWindowMinutes, 1, 24 * 60},
		{"distinct_secrets_burst", a.DistinctSecretsBurst, 2, 1 << 30},
		{"list_then_read_minutes", a.ListThenReadMinutes, 1, 24 * 60},
		{"list_then_read_secrets", a.ListThenReadSecrets, 1, 1 << 30},
		{"batch_calls", a.BatchCalls, 1, 1 << 30},
		{"batch_regions", a.BatchRegions, 2, 64},
		{"denied_burst", a.DeniedBurst, 1, 1 << 30},
		{"kms_min_count", a.KMSMinCount, 1, 1 << 30},
		{"ssm_decrypt_bulk", a.SSMDecryptBulk, 2, 1 << 30},
		{"key_networks_window_minutes", a.KeyNetworksWindowMinutes, 1, 24 * 60},
		{"key_networks", a.KeyNetworks, 2, 1 << 10},
		{"max_baseline_networks", a.MaxBaselineNetworks, 1, 1 << 20},
		{"network_prefix_ipv4", a.NetworkPrefixIPv4, 8, 32},
		{"network_prefix_ipv6", a.NetworkPrefixIPv6, 16, 128},
	}
	for _, c := range ints {
		if c.v < c.min || c.v > c.max {
			return bad(fmt.Sprintf("must be between %d and %d, got %d", c.min, c.max, c.v), "access", c.name)
		}
	}
	if a.KMSMADFactor < 1 || a.KMSMADFactor > 100 {
		return bad(fmt.Sprintf("must be between 1 and 100, got %g", a.KMSMADFactor), "access", "kms_mad_factor")
	}
	for key, list := range map[string][]string{"internal_cidrs": a.InternalCIDRs, "trusted_cidrs": a.TrustedCIDRs} {
		for _, c := range list {
			if _, err := netip.ParsePrefix(c); err != nil {
				return bad(fmt.Sprintf("%q is not a CIDR range (e.g. 10.0.0.0/8)", c), "access", key)
			}
		}
	}
	for key, list := range map[string][]string{"scanner_user_agents": a.ScannerUserAgents, "production_values": a.ProductionValues, "allowed_regions": a.AllowedRegions} {
		for _, s := range list {
			if strings.TrimSpace(s) == "" || s != strings.ToLower(s) {
				return bad(fmt.Sprintf("%q: entries must be non-empty and lower case", s), "access", key)
			}
		}
	}
	if strings.TrimSpace(a.EnvironmentTag) == "" {
		return bad("must not be empty", "access", "environment_tag")
	}
	if strings.TrimSpace(a.OwnerTag) == "" {
		return bad("must not be empty", "access", "owner_tag")
	}
	return nil
}
