package repo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/custos-dev/custos/internal/finding"
)

// Baseline is a set of known findings: a pre-merge gate suppresses them so that only new
// ones fail the build. It is read from a previous custos JSON report (or a file written
// by WriteBaseline) or from a gitleaks JSON report.
type Baseline struct {
	// Path names the file, for suppression reasons and errors.
	Path string
	// Format is "custos" or "gitleaks".
	Format string

	fingerprints map[string]bool
	// gitleaks entries: by rule, file and hash of the secret when the report holds the
	// secret, else by rule, file and line (and commit).
	secrets map[string]bool
	lines   map[string]bool
}

// Len is the number of entries.
func (b *Baseline) Len() int { return len(b.fingerprints) + len(b.secrets) + len(b.lines) }

// LoadBaseline reads a baseline file.
func LoadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	return ParseBaseline(path, data)
}

// ParseBaseline reads a baseline from memory; name is used in errors.
func ParseBaseline(name string, data []byte) (*Baseline, error) {
	b := &Baseline{Path: name, fingerprints: map[string]bool{}, secrets: map[string]bool{}, lines: map[string]bool{}}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("baseline %s: empty file", name)
	}
	switch trimmed[0] {
	case '{':
		b.Format = "custos"
		var doc struct {
			Findings *[]struct {
				Fingerprint string `json:"fingerprint"`
			} `json:"findings"`
		}
		if err := json.Unmarshal(trimmed, &doc); err != nil {
			return nil, fmt.Errorf("baseline %s: %w", name, jsonPlace(trimmed, err))
		}
		if doc.Findings == nil {
			return nil, fmt.Errorf("baseline %s: not a custos JSON report (no \"findings\")", name)
		}
		for i, f := range *doc.Findings {
			if f.Fingerprint == "" {
				return nil, fmt.Errorf("baseline %s: findings[%d]: no fingerprint", name, i)
			}
			b.fingerprints[f.Fingerprint] = true
		}
	case '[':
		b.Format = "gitleaks"
		var doc []struct {
			RuleID    string
			File      string
			Commit    string
			StartLine int
			Secret    string
		}
		if err := json.Unmarshal(trimmed, &doc); err != nil {
			return nil, fmt.Errorf("baseline %s: %w", name, jsonPlace(trimmed, err))
		}
		for i, f := range doc {
			if f.RuleID == "" || f.File == "" {
				return nil, fmt.Errorf("baseline %s: [%d]: not a gitleaks finding (no RuleID or File)", name, i)
			}
			if f.Secret != "" && f.Secret != "REDACTED" {
				sum := sha256.Sum256([]byte(f.Secret))
				b.secrets[secretKey(f.RuleID, f.File, hex.EncodeToString(sum[:]))] = true
			}
			b.lines[lineKey(f.RuleID, f.File, f.StartLine, f.Commit)] = true
		}
	default:
		return nil, fmt.Errorf("baseline %s: want a custos JSON report or a gitleaks JSON report", name)
	}
	return b, nil
}

func secretKey(rule, file, hash string) string { return rule + "\x00" + file + "\x00" + hash }

func lineKey(rule, file string, line int, commit string) string {
	return rule + "\x00" + file + "\x00" + strconv.Itoa(line) + "\x00" + commit
}

// matchOccurrence reports whether one occurrence is in a gitleaks baseline.
func (b *Baseline) matchOccurrence(rule, file, secretHash string, line int, commit string) bool {
	if b == nil {
		return false
	}
	return b.secrets[secretKey(rule, file, secretHash)] || b.lines[lineKey(rule, file, line, commit)]
}

// matchFingerprint reports whether a custos fingerprint is in the baseline.
func (b *Baseline) matchFingerprint(fp string) bool { return b != nil && b.fingerprints[fp] }

// WriteBaseline writes findings as a baseline: a JSON document in the shape of the custos
// JSON report ({"schema_version", "tool", "findings"}), so either can be read back.
// The findings are already redacted; nothing else is written.
func WriteBaseline(w io.Writer, findings []finding.Finding) error {
	doc := struct {
		SchemaVersion string            `json:"schema_version"`
		Tool          map[string]string `json:"tool"`
		Kind          string            `json:"kind"`
		Findings      []finding.Finding `json:"findings"`
	}{"1", map[string]string{"name": "custos"}, "repository-baseline", findings}
	if doc.Findings == nil {
		doc.Findings = []finding.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// jsonPlace adds line:column to a JSON syntax or type error.
func jsonPlace(data []byte, err error) error {
	var off int64
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset - 1 // the offending character
	case *json.UnmarshalTypeError:
		off = e.Offset
	default:
		return err
	}
	line, col := 1, 1
	for _, c := range data[:min(int(off), len(data))] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Errorf("%d:%d: %w", line, col, err)
}
