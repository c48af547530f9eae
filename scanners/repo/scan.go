// Package repo scans a repository for hardcoded credentials with the gitleaks detect engine:
// the working tree, the git history, the lines a branch adds (pre-merge) or the index
// (pre-commit). Findings carry a redacted form of the secret and a fingerprint that does
// not depend on line numbers; the secret itself never leaves this package.
package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gitleaks/go-gitdiff/gitdiff"
	"github.com/zricethezav/gitleaks/v8/cmd/scm"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"
	"golang.org/x/sync/errgroup"

	"github.com/custos-dev/custos/internal/finding"
	"github.com/custos-dev/custos/internal/inventory"
)

// ResourceType is the resource type of every repository finding.
const ResourceType = "repository"

// Mode is what a scan reads.
type Mode string

// Scan modes.
const (
	// WorkTree scans the files of a directory (in a repository: tracked and untracked
	// files, .gitignore applied).
	WorkTree Mode = "worktree"
	// History scans the lines added by every commit reachable from HEAD, or those
	// selected by Options.LogOpts.
	History Mode = "history"
	// Diff scans the lines added by the commits between the merge base of Options.DiffRange
	// and its head: what a pull request adds.
	Diff Mode = "diff"
	// Staged scans the lines added in the index (for a pre-commit hook).
	Staged Mode = "staged"
)

// Options configures one scan.
type Options struct {
	// Path is the directory to scan; "" means the current directory. In a repository,
	// paths in findings are relative to its top level and a subdirectory limits the scan.
	Path string
	Mode Mode
	// LogOpts are git log arguments for History (e.g. "--since=2024-01-01", "main"); the
	// default is HEAD. Options that change git's output format are refused.
	LogOpts []string
	// DiffRange is BASE...HEAD for Diff (BASE..HEAD and BASE alone are accepted too).
	DiffRange string
	// GitleaksConfig is a gitleaks TOML file extending or replacing the built-in rules.
	GitleaksConfig string
	// IgnoreFile is a .gitleaksignore file; "" means .gitleaksignore at the top level.
	IgnoreFile string
	// Baseline suppresses known findings (status suppressed).
	Baseline *Baseline
	// Inventory, when set, correlates AWS access key ids with the account's IAM keys.
	Inventory *inventory.Snapshot
	// MaxFileSize is the largest file (or file diff) read, in bytes; 0 means
	// DefaultMaxFileSize, negative means no limit.
	MaxFileSize int64
	// DecodeDepth: 0 means DefaultDecodeDepth, negative turns decoding off.
	DecodeDepth int
	// Workers bounds concurrency; 0 means GOMAXPROCS.
	Workers int
	// NoGit scans Path as a plain directory in WorkTree mode, even inside a repository:
	// every file is read, .gitignore is not applied.
	NoGit bool
	// RepositoryID overrides the repository identifier (normally the origin remote).
	RepositoryID string
	// Engine reuses a detector across scans (it then decides the rules and the decoding,
	// and GitleaksConfig and DecodeDepth are not read); nil builds one from those two.
	Engine *Engine
	// Now is the clock for key ages; nil means time.Now.
	Now func() time.Time
	// Logger receives debug lines (paths and counts, never secrets); nil discards them.
	Logger *slog.Logger
}

// Result is the outcome of a scan.
type Result struct {
	// Findings are sorted (finding.Sort) and deduplicated by fingerprint.
	Findings []finding.Finding
	// Rules describe every rule that produced a finding, sorted by id.
	Rules []finding.Rule
	// Root is the absolute directory paths are relative to (the repository top level
	// for a repository).
	Root string
	// RepositoryID is the identifier used as Resource.ARN and in fingerprints.
	RepositoryID string
	// Scope describes what was scanned, e.g. "diff 1a2b3c4..5d6e7f8 (3 commits)".
	Scope string
	Stats Stats
	// Warnings are conditions that did not stop the scan but limit it.
	Warnings []string
}

// Stats counts what a scan read and skipped.
type Stats struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// Commits counts the commits whose patches added or changed a file.
	Commits int `json:"commits"`
	// Matches is the number of matches before deduplication.
	Matches            int `json:"matches"`
	Ignored            int `json:"ignored"`
	Suppressed         int `json:"suppressed"`
	SkippedBinary      int `json:"skipped_binary"`
	SkippedLarge       int `json:"skipped_large"`
	SkippedSymlink     int `json:"skipped_symlink"`
	SkippedAllowlisted int `json:"skipped_allowlisted"`
}

// Scan runs one scan. Any error means the scan did not happen completely; it never
// returns a partial result in that case.
func Scan(ctx context.Context, opts Options) (Result, error) {
	if opts.Path == "" {
		opts.Path = "."
	}
	if opts.Mode == "" {
		opts.Mode = WorkTree
	}
	switch opts.Mode {
	case WorkTree, History, Diff, Staged:
	default:
		return Result{}, fmt.Errorf("unknown scan mode %q", opts.Mode)
	}
	if opts.Mode != Diff && opts.DiffRange != "" {
		return Result{}, errors.New("a diff range is only used in diff mode")
	}
	if opts.Mode != History && len(opts.LogOpts) > 0 {
		return Result{}, errors.New("git log options are only used in history mode")
	}
	if err := checkLogOpts(opts.LogOpts); err != nil {
		return Result{}, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case opts.MaxFileSize == 0:
		opts.MaxFileSize = DefaultMaxFileSize
	case opts.MaxFileSize < 0:
		opts.MaxFileSize = 0
	}

	abs, err := filepath.Abs(opts.Path)
	if err != nil {
		return Result{}, fmt.Errorf("path %s: %w", opts.Path, err)
	}
	dir, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return Result{}, fmt.Errorf("path %s: %w", opts.Path, err)
	}
	if info, err := os.Stat(dir); err != nil {
		return Result{}, fmt.Errorf("path %s: %w", opts.Path, err)
	} else if !info.IsDir() {
		return Result{}, fmt.Errorf("path %s: not a directory", opts.Path)
	}

	s := &scan{opts: opts, dir: dir, root: dir, candidates: map[string]*candidate{}}
	var res Result
	if opts.NoGit && opts.Mode != WorkTree {
		return Result{}, fmt.Errorf("%s mode needs git", opts.Mode)
	}
	repo, inRepo, err := gitRepo{}, false, error(nil)
	if !opts.NoGit {
		repo, inRepo, err = openRepo(ctx, dir)
	}
	if err != nil {
		if opts.Mode != WorkTree || !errors.Is(err, exec.ErrNotFound) {
			return Result{}, err
		}
		res.Warnings = append(res.Warnings, "git is not installed: .gitignore is not applied")
	}
	if !inRepo && opts.Mode != WorkTree {
		return Result{}, &GitError{Args: []string{"rev-parse"}, Err: fmt.Errorf("%s is not inside a git repository (needed for %s mode)", opts.Path, opts.Mode)}
	}
	if inRepo {
		s.root, s.prefix = repo.top, repo.prefix
		s.repoID = repositoryID(ctx, repo.top)
		if repo.shallow && opts.Mode == History {
			res.Warnings = append(res.Warnings, "shallow clone: history before the shallow boundary is not scanned")
		}
	} else {
		s.repoID = "repo:" + filepath.Base(dir)
	}
	if opts.RepositoryID != "" {
		s.repoID = opts.RepositoryID
	}

	s.eng = opts.Engine
	if s.eng == nil {
		if s.eng, err = NewEngine(ctx, EngineOptions{GitleaksConfig: opts.GitleaksConfig, DecodeDepth: opts.DecodeDepth}); err != nil {
			return Result{}, err
		}
	}
	ignorePath := opts.IgnoreFile
	if ignorePath == "" {
		ignorePath = filepath.Join(s.root, IgnoreFile)
	}
	if s.ignore, err = loadIgnore(ignorePath); err != nil {
		return Result{}, err
	}
	s.skip = s.ownFiles(ignorePath)
	s.keys = newAccessKeyIndex(opts.Inventory)

	switch opts.Mode {
	case WorkTree:
		err = s.scanWorkTree(ctx, inRepo)
		res.Scope = "working tree"
		if s.prefix != "" {
			res.Scope += " of " + strings.TrimSuffix(s.prefix, "/")
		}
	case History:
		res.Scope, err = s.scanHistory(ctx)
	case Diff:
		res.Scope, err = s.scanDiff(ctx, repo.shallow)
	case Staged:
		res.Scope, err = s.scanStaged(ctx)
	}
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	res.Root = s.root
	res.RepositoryID = s.repoID
	res.Findings, res.Rules = s.findings()
	res.Stats = s.stats.snapshot()
	res.Stats.Commits = len(s.commits)
	for _, f := range res.Findings {
		if f.Status == finding.Suppressed {
			res.Stats.Suppressed++
		}
	}
	opts.Logger.Debug("repository scan done", "mode", string(opts.Mode), "files", res.Stats.Files,
		"bytes", res.Stats.Bytes, "commits", res.Stats.Commits, "findings", len(res.Findings))
	return res, nil
}

// scan is the state of one Scan call.
type scan struct {
	opts   Options
	eng    *Engine
	dir    string // the scanned directory
	root   string // what paths are relative to
	prefix string // dir relative to root, "" or "sub/"
	repoID string
	ignore *ignoreSet
	keys   *accessKeyIndex
	skip   map[string]bool // root-relative paths never scanned as content

	mu         sync.Mutex
	candidates map[string]*candidate
	commits    map[string]bool
	stats      counters
}

type counters struct {
	files, bytes, matches, ignored      atomic.Int64
	binary, large, symlink, allowlisted atomic.Int64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Files: int(c.files.Load()), Bytes: c.bytes.Load(), Matches: int(c.matches.Load()), Ignored: int(c.ignored.Load()),
		SkippedBinary: int(c.binary.Load()), SkippedLarge: int(c.large.Load()), SkippedSymlink: int(c.symlink.Load()),
		SkippedAllowlisted: int(c.allowlisted.Load()),
	}
}

// ownFiles are custos's inputs that live in the tree: the gitleaks config, the ignore
// file and the baseline (a gitleaks baseline holds the very secrets it lists).
func (s *scan) ownFiles(ignorePath string) map[string]bool {
	skip := map[string]bool{}
	for _, p := range []string{s.opts.GitleaksConfig, s.eng.configPath, ignorePath, baselinePath(s.opts.Baseline)} {
		if p == "" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		if rel, err := filepath.Rel(s.root, abs); err == nil && !strings.HasPrefix(rel, "..") {
			skip[filepath.ToSlash(rel)] = true
		}
	}
	return skip
}

func baselinePath(b *Baseline) string {
	if b == nil {
		return ""
	}
	return b.Path
}

// pathAllowlisted reports whether the configuration's global allowlists skip a path
// outright, so the file need not be read.
func pathAllowlisted(cfg *config.Config, p string) bool {
	for _, a := range cfg.Allowlists {
		if a.MatchCondition == config.AllowlistMatchOr && len(a.Paths) > 0 && a.PathAllowed(p) {
			return true
		}
	}
	return false
}

// scanWorkTree runs a pipeline: one goroutine lists files, readers load them and cut
// them into pieces, detectors scan the pieces. Large files are spread over all detectors.
func (s *scan) scanWorkTree(ctx context.Context, inRepo bool) error {
	g, gctx := errgroup.WithContext(ctx)
	paths := make(chan string, 1024)
	pieces := make(chan sources.Fragment, 2*s.opts.Workers)
	g.Go(func() error {
		defer close(paths)
		return listWorkTree(gctx, s.dir, inRepo, func(p string) error {
			select {
			case paths <- p:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
	})
	var readers sync.WaitGroup
	for range s.opts.Workers {
		readers.Add(1)
		g.Go(func() error {
			defer readers.Done()
			for p := range paths {
				if err := s.readPieces(gctx, p, pieces); err != nil {
					return err
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		readers.Wait()
		close(pieces)
		return nil
	})
	for range s.opts.Workers {
		g.Go(func() error {
			for frag := range pieces {
				s.detect(gctx, frag)
			}
			return nil
		})
	}
	return g.Wait()
}

// readPieces reads one listed file and sends its pieces to the detectors.
func (s *scan) readPieces(ctx context.Context, p string, out chan<- sources.Fragment) error {
	rel := joinRel(s.prefix, p)
	if s.skip[rel] {
		return nil
	}
	if pathAllowlisted(&s.eng.det.Config, rel) {
		s.stats.allowlisted.Add(1)
		return nil
	}
	data, res, err := readFile(filepath.Join(s.dir, filepath.FromSlash(p)), s.opts.MaxFileSize)
	if err != nil {
		return fmt.Errorf("read %s: %w", rel, err)
	}
	switch res {
	case readSymlink:
		s.stats.symlink.Add(1)
		return nil
	case readTooLarge, readBinary:
		if res == readTooLarge {
			s.stats.large.Add(1)
			s.opts.Logger.Debug("skipping large file", "path", rel)
		} else {
			s.stats.binary.Add(1)
		}
		// rules that match file names alone (key stores such as .p12) still apply
		s.detect(ctx, sources.Fragment{FilePath: rel})
		return nil
	case readNotRegular, readEmpty, readMissing:
		return nil
	}
	s.stats.files.Add(1)
	s.stats.bytes.Add(int64(len(data)))
	return chunk(data, func(piece []byte, line int) error {
		select {
		case out <- sources.Fragment{Raw: string(piece), FilePath: rel, StartLine: line}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

func (s *scan) scanHistory(ctx context.Context) (string, error) {
	opts := s.opts.LogOpts
	if len(opts) == 0 {
		opts = []string{"HEAD"}
	}
	if _, err := gitOutput(ctx, s.root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"); err != nil {
		return "", &GitError{Args: []string{"rev-parse", "HEAD"}, Err: errors.New("the repository has no commits")}
	}
	args := logArgs(opts)
	if s.prefix != "" {
		for _, o := range opts {
			if o == "--" {
				return "", fmt.Errorf("--log-opts with a pathspec cannot be combined with a subdirectory path (%s)", s.prefix)
			}
		}
		args = append(args, "--", s.prefix)
	}
	if err := s.scanPatches(ctx, args); err != nil {
		return "", err
	}
	return fmt.Sprintf("git history (%s)", strings.Join(opts, " ")), nil
}

func (s *scan) scanDiff(ctx context.Context, shallow bool) (string, error) {
	base, head, err := parseDiffRange(s.opts.DiffRange)
	if err != nil {
		return "", err
	}
	baseID, err := resolveCommit(ctx, s.root, base)
	if err != nil {
		return "", err
	}
	headID, err := resolveCommit(ctx, s.root, head)
	if err != nil {
		return "", err
	}
	mb, err := mergeBase(ctx, s.root, baseID, headID, shallow)
	if err != nil {
		return "", err
	}
	args := logArgs([]string{mb + ".." + headID})
	if s.prefix != "" {
		args = append(args, "--", s.prefix)
	}
	if err := s.scanPatches(ctx, args); err != nil {
		return "", err
	}
	count, err := gitOutput(ctx, s.root, "rev-list", "--count", mb+".."+headID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("lines added by %s...%s: %s commits, %s..%s", base, head, strings.TrimSpace(count), short(mb), short(headID)), nil
}

func (s *scan) scanStaged(ctx context.Context) (string, error) {
	args := append([]string{"diff", "--cached"}, patchArgs...)
	args = append(args, "--diff-filter=ACMR")
	if s.prefix != "" {
		args = append(args, "--", s.prefix)
	}
	if err := s.scanPatches(ctx, args); err != nil {
		return "", err
	}
	return "staged changes (index)", nil
}

func commitSHA(c *sources.CommitInfo) string {
	if c == nil {
		return ""
	}
	return c.SHA
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// scanPatches feeds the added lines of every file in git's patch output to the detector.
func (s *scan) scanPatches(ctx context.Context, args []string) error {
	s.commits = map[string]bool{}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.opts.Workers)
	err := streamPatches(gctx, s.root, args, func(f *gitdiff.File) error {
		var commit *sources.CommitInfo
		if h := f.PatchHeader; h != nil && h.SHA != "" {
			commit = &sources.CommitInfo{SHA: h.SHA, Date: h.AuthorDate.UTC().Format(time.RFC3339),
				Remote: &sources.RemoteInfo{Platform: scm.NoPlatform}}
			if h.Author != nil {
				commit.AuthorName, commit.AuthorEmail = h.Author.Name, h.Author.Email
			}
			s.mu.Lock()
			s.commits[h.SHA] = true
			s.mu.Unlock()
		}
		if f.IsDelete || len(f.TextFragments) == 0 {
			if f.IsBinary && !f.IsDelete {
				s.stats.binary.Add(1)
				if !s.skip[f.NewName] {
					// rules that match file names alone still apply
					s.detect(gctx, sources.Fragment{FilePath: f.NewName, CommitSHA: commitSHA(commit), CommitInfo: commit})
				}
			}
			return nil
		}
		if f.NewMode&0o170000 == 0o120000 {
			s.stats.symlink.Add(1)
			return nil
		}
		name := f.NewName
		if s.skip[name] {
			return nil
		}
		if pathAllowlisted(&s.eng.det.Config, name) {
			s.stats.allowlisted.Add(1)
			return nil
		}
		var size int64
		for _, tf := range f.TextFragments {
			for _, l := range tf.Lines {
				if l.Op == gitdiff.OpAdd {
					size += int64(len(l.Line))
				}
			}
		}
		if size == 0 {
			return nil
		}
		if s.opts.MaxFileSize > 0 && size > s.opts.MaxFileSize {
			s.stats.large.Add(1)
			return nil
		}
		s.stats.files.Add(1)
		s.stats.bytes.Add(size)
		if err := gctx.Err(); err != nil {
			return err
		}
		g.Go(func() error {
			for _, tf := range f.TextFragments {
				raw := tf.Raw(gitdiff.OpAdd)
				if raw == "" {
					continue
				}
				frag := sources.Fragment{Raw: raw, FilePath: name, StartLine: int(tf.NewPosition), CommitInfo: commit}
				if commit != nil {
					frag.CommitSHA = commit.SHA
				}
				s.detect(gctx, frag)
			}
			return gctx.Err()
		})
		return nil
	})
	if werr := g.Wait(); err == nil {
		err = werr
	}
	return err
}

// candidate is one finding being assembled; it never holds the secret.
type candidate struct {
	meta        ruleMeta
	fingerprint string
	path        string
	startLine   int
	endLine     int
	startColumn int
	commit      string
	author      string
	date        string
	redacted    finding.Redacted
	entropy     float32
	decoded     []string
	fileOnly    bool
	awsKeyID    string
	occurrences int
	baselined   bool
}

// earlier orders occurrences of one fingerprint: oldest commit first, then position.
func (c *candidate) earlier(o *candidate) bool {
	if c.date != o.date {
		if c.date == "" || o.date == "" {
			return c.date == ""
		}
		return c.date < o.date
	}
	if c.startLine != o.startLine {
		return c.startLine < o.startLine
	}
	if c.startColumn != o.startColumn {
		return c.startColumn < o.startColumn
	}
	return c.commit < o.commit
}

// detect runs the engine on one fragment and records what it found.
func (s *scan) detect(ctx context.Context, frag sources.Fragment) {
	//lint:ignore SA1019 DetectContext takes the deprecated alias until gitleaks v9
	raw := s.eng.det.DetectContext(ctx, detect.Fragment(frag))
	if len(raw) == 0 {
		return
	}
	s.stats.matches.Add(int64(len(raw)))
	for _, r := range preferSpecific(raw, s.eng.rules) {
		// gitleaks counts columns from the preceding newline on every line but a
		// fragment's first, one too many
		if r.StartLine > frag.StartLine && r.StartColumn > 1 {
			r.StartColumn--
		}
		c := s.newCandidate(r)
		if c == nil {
			continue
		}
		s.add(c)
	}
}

func (s *scan) newCandidate(r report.Finding) *candidate {
	meta, ok := s.eng.rules[r.RuleID]
	if !ok {
		meta = newRuleMeta(r.RuleID, r.Description, r.Tags, "unknown")
	}
	secret := r.Secret
	fileOnly := secret == "" && strings.HasPrefix(r.Match, "file detected")
	if fileOnly {
		secret = "file:" + r.File
	}
	sum := sha256.Sum256([]byte(secret))
	hash := hex.EncodeToString(sum[:])
	fp := finding.Fingerprint(RuleIDPrefix+r.RuleID, s.repoID, r.File+"\x00"+hash)
	if s.ignore.match(r.RuleID, r.File, r.Commit, r.StartLine, fp) {
		s.stats.ignored.Add(1)
		return nil
	}
	c := &candidate{
		meta: meta, fingerprint: fp, path: r.File, startLine: r.StartLine, endLine: r.EndLine,
		startColumn: r.StartColumn, commit: r.Commit, author: r.Author, date: r.Date,
		entropy: r.Entropy, fileOnly: fileOnly, occurrences: 1,
	}
	if !fileOnly {
		c.redacted = finding.Redact(secret)
	}
	for _, t := range r.Tags {
		if strings.HasPrefix(t, "decoded:") {
			c.decoded = append(c.decoded, strings.TrimPrefix(t, "decoded:"))
		}
	}
	if r.RuleID == "aws-access-token" {
		c.awsKeyID = secret // an access key id identifies a key; it is not the secret half
	}
	c.baselined = s.opts.Baseline.matchOccurrence(r.RuleID, r.File, hash, r.StartLine, r.Commit)
	return c
}

func (s *scan) add(c *candidate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prev, ok := s.candidates[c.fingerprint]
	if !ok {
		s.candidates[c.fingerprint] = c
		return
	}
	n := prev.occurrences + c.occurrences
	baselined := prev.baselined || c.baselined
	if c.earlier(prev) {
		s.candidates[c.fingerprint] = c
		prev = c
	}
	prev.occurrences = n
	prev.baselined = baselined
}

// preferSpecific drops a broad ("generic") rule's match when a more specific rule matched
// the same or an overlapping secret on the same line, and keeps one of several broad
// matches of the same secret.
func preferSpecific(fs []report.Finding, rules map[string]ruleMeta) []report.Finding {
	if len(fs) < 2 {
		return fs
	}
	rank := func(f report.Finding) int {
		m := rules[f.RuleID]
		r := 0
		if !m.generic {
			r += 10
		}
		switch m.kind {
		case kindHash, kindPrivateKey, kindCloud:
			r += 3
		case kindURI:
			r += 2
		case kindToken:
			r++
		}
		return r
	}
	overlap := func(a, b report.Finding) bool {
		return a.Commit == b.Commit && a.StartLine <= b.EndLine && b.StartLine <= a.EndLine &&
			(strings.Contains(a.Secret, b.Secret) || strings.Contains(b.Secret, a.Secret))
	}
	decoded := func(f report.Finding) bool {
		for _, t := range f.Tags {
			if strings.HasPrefix(t, "decoded:") {
				return true
			}
		}
		return false
	}
	// sameSpot: on the same lines and, for one-line matches, overlapping columns
	sameSpot := func(a, b report.Finding) bool {
		if a.Commit != b.Commit || a.StartLine > b.EndLine || b.StartLine > a.EndLine {
			return false
		}
		if a.StartLine == a.EndLine && b.StartLine == b.EndLine {
			return a.StartColumn <= b.EndColumn && b.StartColumn <= a.EndColumn
		}
		return true
	}
	out := fs[:0:0]
	for i, f := range fs {
		keep := true
		if decoded(f) {
			// the encoded form was already reported where it stands
			for _, o := range fs {
				if !decoded(o) && sameSpot(f, o) {
					keep = false
					break
				}
			}
		}
		for j, o := range fs {
			if !keep {
				break
			}
			if i == j || !overlap(f, o) || f.Secret == "" || o.Secret == "" {
				continue
			}
			rf, ro := rank(f), rank(o)
			if ro > rf || (ro == rf && (o.RuleID < f.RuleID || (o.RuleID == f.RuleID && j < i))) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, f)
		}
	}
	return out
}

// findings converts the candidates, applies the baseline and the inventory, and sorts.
func (s *scan) findings() ([]finding.Finding, []finding.Rule) {
	now := s.opts.Now()
	out := make([]finding.Finding, 0, len(s.candidates))
	used := map[string]finding.Rule{}
	name := filepath.Base(s.root)
	for _, c := range s.candidates {
		rule := c.meta.rule()
		used[rule.ID] = rule
		loc := &finding.Location{Path: c.path, StartLine: c.startLine, EndLine: c.endLine, StartColumn: c.startColumn,
			Commit: c.commit, Author: c.author}
		if c.date != "" {
			if t, err := time.Parse(time.RFC3339, c.date); err == nil {
				loc.Date = &t
			}
		}
		evidence := map[string]any{
			"gitleaks_rule_id": c.meta.id,
			"rule_source":      c.meta.source,
			"entropy":          float64(int(c.entropy*100+0.5)) / 100,
			"occurrences":      c.occurrences,
		}
		where := c.path
		if c.startLine > 0 {
			where = fmt.Sprintf("%s:%d", c.path, c.startLine)
		}
		var msg string
		if c.fileOnly {
			evidence["match"] = "file name"
			msg = fmt.Sprintf("%s: %s", strings.TrimSuffix(rule.Title, " ("+c.meta.id+")"), where)
		} else {
			evidence["match"] = string(c.redacted)
			msg = fmt.Sprintf("%s %s at %s", strings.TrimSuffix(rule.Title, " ("+c.meta.id+")"), c.redacted, where)
		}
		if c.commit != "" {
			msg += " in commit " + short(c.commit)
		}
		if len(c.decoded) > 0 {
			evidence["decoded"] = c.decoded
			msg += " (" + strings.Join(c.decoded, "+") + "-encoded)"
		}
		f := finding.Finding{
			Fingerprint: c.fingerprint,
			RuleID:      rule.ID,
			Title:       rule.Title,
			Severity:    rule.Severity,
			Status:      finding.Open,
			Resource:    finding.Resource{Type: ResourceType, ARN: s.repoID, Name: name},
			Location:    loc,
			Message:     msg,
			Controls:    rule.Controls,
			Remediation: rule.Remediation,
			Evidence:    evidence,
		}
		if c.awsKeyID != "" {
			s.keys.correlate(&f, c.awsKeyID, now)
		}
		if c.baselined || s.opts.Baseline.matchFingerprint(c.fingerprint) {
			f.Status = finding.Suppressed
			f.Suppression = &finding.Suppression{Reason: "in baseline " + s.opts.Baseline.Path, Owner: "baseline"}
		}
		out = append(out, f)
	}
	finding.Sort(out)
	rules := make([]finding.Rule, 0, len(used))
	for _, r := range used {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return out, rules
}
