package config

import (
	"time"

	"github.com/custos-dev/custos/internal/finding"
)

// Apply marks the findings that a live suppression covers as suppressed. A finding whose
// only matching suppressions have expired stays open and carries the expired suppression,
// so reports say why it came back. Error findings are never suppressed.
func (c Config) Apply(fs []finding.Finding, now time.Time) {
	for i := range fs {
		f := &fs[i]
		if f.Status == finding.Error {
			continue
		}
		var expired *Suppression
		for j := range c.Suppressions {
			s := &c.Suppressions[j]
			if !s.Matches(f.RuleID, f.Resource.ARN) {
				continue
			}
			if s.Expired(now) {
				if expired == nil {
					expired = s
				}
				continue
			}
			f.Status = finding.Suppressed
			f.Suppression = &finding.Suppression{Reason: s.Reason, Owner: s.Owner, Expires: s.Expires}
			expired = nil
			break
		}
		if expired != nil {
			f.Suppression = &finding.Suppression{Reason: expired.Reason, Owner: expired.Owner, Expires: expired.Expires, Expired: true}
		}
	}
}
