package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/gitleaks/go-gitdiff/gitdiff"
)

// ErrGit marks every error caused by git: not a repository, a bad revision, a shallow
// clone without the merge base, git missing. The CLI maps it to exit code 2; a scan that
// did not happen is never reported as "no leaks".
var ErrGit = errors.New("git")

// GitError is a failed git command.
type GitError struct {
	// Args are git's arguments (never secrets: paths, revisions and options).
	Args []string
	// Stderr is the start of what git printed on standard error.
	Stderr string
	Err    error
}

func (e *GitError) Error() string {
	msg := "git " + strings.Join(e.Args, " ")
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + s
	}
	return msg
}

// Is makes errors.Is(err, ErrGit) true for every GitError.
func (e *GitError) Is(target error) bool { return target == ErrGit }

func (e *GitError) Unwrap() error { return e.Err }

// gitEnv keeps git non-interactive and its messages stable.
func gitEnv() []string {
	return append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_PAGER=cat", "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
}

// limitedBuffer keeps the first max bytes written to it and counts the rest.
type limitedBuffer struct {
	buf bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		if len(p) > room {
			b.buf.Write(p[:room])
		} else {
			b.buf.Write(p)
		}
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string { return b.buf.String() }

// gitOutput runs git in dir and returns its standard output.
func gitOutput(ctx context.Context, dir string, args ...string) (string, error) {
	full := append([]string{"-C", dir}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Env = gitEnv()
	var stdout bytes.Buffer
	stderr := &limitedBuffer{max: 4096}
	cmd.Stdout = &stdout
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &GitError{Args: args, Stderr: stderr.String(), Err: err}
	}
	return stdout.String(), nil
}

// gitRepo is the repository a path belongs to.
type gitRepo struct {
	// top is the absolute path of the working tree's top level.
	top string
	// prefix is the scanned directory relative to top ("" or "sub/dir/").
	prefix  string
	shallow bool
}

// openRepo finds the repository containing dir. It returns found=false (and no error)
// when dir is not inside a work tree; err when git itself is missing or fails otherwise.
func openRepo(ctx context.Context, dir string) (repo gitRepo, found bool, err error) {
	out, err := gitOutput(ctx, dir, "rev-parse", "--is-inside-work-tree")
	if err != nil {
		var ge *GitError
		if errors.As(err, &ge) && strings.Contains(ge.Stderr, "not a git repository") {
			return gitRepo{}, false, nil
		}
		return gitRepo{}, false, err
	}
	if strings.TrimSpace(out) != "true" {
		return gitRepo{}, false, nil
	}
	out, err = gitOutput(ctx, dir, "rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository")
	if err != nil {
		return gitRepo{}, false, err
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 3 {
		return gitRepo{}, false, &GitError{Args: []string{"rev-parse", "--show-toplevel", "--show-prefix"}, Err: fmt.Errorf("unexpected output %q", out)}
	}
	top, err := filepath.EvalSymlinks(lines[0])
	if err != nil {
		return gitRepo{}, false, fmt.Errorf("repository top level %s: %w", lines[0], err)
	}
	return gitRepo{top: top, prefix: lines[1], shallow: lines[2] == "true"}, true, nil
}

// repositoryID names the repository stably: the origin remote without scheme, user
// information (which may hold a token) or ".git", or "repo:<directory name>".
func repositoryID(ctx context.Context, top string) string {
	out, err := gitOutput(ctx, top, "config", "--get", "remote.origin.url")
	if err == nil {
		if id := normaliseRemote(strings.TrimSpace(out)); id != "" {
			return id
		}
	}
	return "repo:" + filepath.Base(top)
}

func normaliseRemote(remote string) string {
	if remote == "" {
		return ""
	}
	var host, path string
	if u, err := url.Parse(remote); err == nil && u.Scheme != "" && u.Host != "" {
		host, path = u.Hostname(), u.Path
	} else if at := strings.Index(remote, "@"); at >= 0 && strings.Contains(remote[at:], ":") && !strings.Contains(remote, "://") {
		// scp-like: user@host:org/repo.git
		rest := remote[at+1:]
		colon := strings.Index(rest, ":")
		host, path = rest[:colon], rest[colon+1:]
	} else {
		// a local path remote: keep only its last element
		return "repo:" + strings.TrimSuffix(filepath.Base(remote), ".git")
	}
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	if host == "" || path == "" {
		return ""
	}
	return strings.ToLower(host) + "/" + path
}

// patchArgs are the options that make git's patch output parseable whatever the user's
// git configuration says (prefixes, colours, external diff drivers, rename detection).
var patchArgs = []string{
	"-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative",
	"--src-prefix=a/", "--dst-prefix=b/", "-M", "--submodule=short",
}

func logArgs(userOpts []string) []string {
	args := []string{"-c", "log.showSignature=false", "log"}
	args = append(args, patchArgs...)
	args = append(args, "--full-history", "--diff-filter=tuxdb", "--pretty=medium", "--date=raw", "--no-decorate")
	return append(args, userOpts...)
}

// checkLogOpts refuses options that would change git's output so that patches cannot be
// read (or, for --output, write a file): a history scan would silently see nothing.
func checkLogOpts(opts []string) error {
	for _, o := range opts {
		name, _, _ := strings.Cut(o, "=")
		bad := false
		switch name {
		case "--output", "--no-patch", "-s", "--name-only", "--name-status", "--numstat", "--shortstat",
			"--summary", "--raw", "--pretty", "--format", "--oneline", "--graph", "-z", "--src-prefix",
			"--dst-prefix", "--no-prefix", "--line-prefix", "-R", "--cc", "-c", "--ext-diff", "--textconv",
			"--patch-with-stat", "--patch-with-raw", "--compact-summary", "--check", "--binary", "--color-words":
			bad = true
		}
		for _, p := range []string{"--stat", "--dirstat", "--color", "--word-diff"} {
			if strings.HasPrefix(name, p) {
				bad = true
			}
		}
		if bad {
			return fmt.Errorf("--log-opts %q: changes git's output so custos could not read the patches", o)
		}
	}
	return nil
}

// headerCounter counts "diff --git " lines in a stream, to check that the patch parser
// saw every file git printed.
type headerCounter struct {
	count int
	// pos is how much of diffHeader the current line has matched; -1 once it cannot match.
	pos int
}

var diffHeader = []byte("diff --git ")

func (h *headerCounter) Write(p []byte) (int, error) {
	for i := 0; i < len(p); i++ {
		if h.pos < 0 {
			nl := bytes.IndexByte(p[i:], '\n')
			if nl < 0 {
				break
			}
			i += nl
		}
		c := p[i]
		switch {
		case c == '\n':
			h.pos = 0
		case c == diffHeader[h.pos]:
			h.pos++
			if h.pos == len(diffHeader) {
				h.count++
				h.pos = -1
			}
		default:
			h.pos = -1
		}
	}
	return len(p), nil
}

// streamPatches runs git (log or diff with patchArgs) in dir and calls handle for every
// file of every patch, in git's order. It fails if git fails or if its output could not
// be parsed completely.
func streamPatches(ctx context.Context, dir string, args []string, handle func(*gitdiff.File) error) error {
	full := append([]string{"-C", dir}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Env = gitEnv()
	stderr := &limitedBuffer{max: 4096}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return &GitError{Args: args, Err: err}
	}
	if err := cmd.Start(); err != nil {
		return &GitError{Args: args, Err: err}
	}
	counter := &headerCounter{}
	files, err := gitdiff.Parse(io.TeeReader(stdout, counter))
	if err != nil {
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
		return &GitError{Args: args, Stderr: stderr.String(), Err: fmt.Errorf("reading patches: %w", err)}
	}
	seen := 0
	var handleErr error
	for f := range files {
		seen++
		if handleErr == nil {
			handleErr = handle(f)
		}
	}
	// the parser stops at the first malformed fragment: drain the rest and compare counts
	_, copyErr := io.Copy(counter, stdout)
	waitErr := cmd.Wait()
	switch {
	case waitErr != nil:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &GitError{Args: args, Stderr: stderr.String(), Err: waitErr}
	case handleErr != nil:
		return handleErr
	case copyErr != nil:
		return &GitError{Args: args, Err: fmt.Errorf("reading patches: %w", copyErr)}
	case seen != counter.count:
		return &GitError{Args: args, Err: fmt.Errorf("patch output could not be parsed: read %d of %d files", seen, counter.count)}
	}
	return nil
}

// resolveCommit turns a user's revision into a commit id; a bad or missing revision is an error.
func resolveCommit(ctx context.Context, dir, rev string) (string, error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		return "", &GitError{Args: []string{"rev-parse", rev}, Err: fmt.Errorf("invalid revision %q", rev)}
	}
	out, err := gitOutput(ctx, dir, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		var ge *GitError
		if errors.As(err, &ge) {
			ge.Err = fmt.Errorf("unknown revision %q (in a shallow or single-branch clone, fetch it first)", rev)
		}
		return "", err
	}
	return strings.TrimSpace(out), nil
}

// parseDiffRange splits "BASE...HEAD", "BASE..HEAD" or "BASE" (HEAD implied).
func parseDiffRange(r string) (base, head string, err error) {
	r = strings.TrimSpace(r)
	switch {
	case strings.Contains(r, "..."):
		base, head, _ = strings.Cut(r, "...")
	case strings.Contains(r, ".."):
		base, head, _ = strings.Cut(r, "..")
	default:
		base = r
	}
	if head == "" {
		head = "HEAD"
	}
	if base == "" {
		return "", "", fmt.Errorf("--diff %q: want BASE...HEAD, e.g. origin/main...HEAD", r)
	}
	return base, head, nil
}

// mergeBase finds the merge base of two commits; none (unrelated histories, or a shallow
// clone that does not reach it) is an error.
func mergeBase(ctx context.Context, dir, base, head string, shallow bool) (string, error) {
	out, err := gitOutput(ctx, dir, "merge-base", base, head)
	mb := strings.TrimSpace(out)
	if err != nil || mb == "" {
		hint := "the histories share no commit"
		if shallow {
			hint = "this is a shallow clone that does not reach the merge base: fetch more history (actions/checkout: fetch-depth: 0)"
		}
		ge := &GitError{Args: []string{"merge-base", base, head}, Err: fmt.Errorf("no merge base: %s", hint)}
		var prev *GitError
		if errors.As(err, &prev) {
			ge.Stderr = prev.Stderr
		}
		return "", ge
	}
	return mb, nil
}
