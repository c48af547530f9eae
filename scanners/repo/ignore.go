package repo

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// IgnoreFile is the name of gitleaks' ignore file, read from the repository's top level.
const IgnoreFile = ".gitleaksignore"

// ignoreSet holds the entries of a .gitleaksignore file: gitleaks fingerprints
// (file:rule-id:line or commit:file:rule-id:line, with gitleaks rule ids) and custos
// fingerprints (32 hex digits).
type ignoreSet struct {
	gitleaks map[string]bool
	custos   map[string]bool
}

var custosFingerprint = regexp.MustCompile(`^[0-9a-f]{32}$`)

// loadIgnore reads path; a missing file is an empty set, a malformed line an error.
func loadIgnore(path string) (*ignoreSet, error) {
	s := &ignoreSet{gitleaks: map[string]bool{}, custos: map[string]bool{}}
	if path == "" {
		return s, nil
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return s, nil
		}
		return nil, fmt.Errorf("ignore file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if custosFingerprint.MatchString(line) {
			s.custos[line] = true
			continue
		}
		parts := strings.Split(line, ":")
		switch len(parts) {
		case 3:
			parts[0] = strings.ReplaceAll(parts[0], `\`, "/")
		case 4:
			parts[1] = strings.ReplaceAll(parts[1], `\`, "/")
		default:
			return nil, fmt.Errorf("%s:%d: want file:rule-id:line, commit:file:rule-id:line or a custos fingerprint", path, n)
		}
		if _, err := strconv.Atoi(parts[len(parts)-1]); err != nil {
			return nil, fmt.Errorf("%s:%d: line number %q is not a number", path, n, parts[len(parts)-1])
		}
		s.gitleaks[strings.Join(parts, ":")] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// match reports whether an occurrence is ignored.
func (s *ignoreSet) match(ruleID, file, commit string, line int, fingerprint string) bool {
	if s.custos[fingerprint] {
		return true
	}
	global := file + ":" + ruleID + ":" + strconv.Itoa(line)
	if s.gitleaks[global] {
		return true
	}
	return commit != "" && s.gitleaks[commit+":"+global]
}
