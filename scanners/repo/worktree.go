package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/h2non/filetype"
)

// DefaultMaxFileSize is the largest file the working-tree scan reads (10 MiB).
const DefaultMaxFileSize = 10 << 20

// chunkSize is the size of the pieces a file is handed to the detector in. gitleaks locates
// each match by walking the fragment's newlines, so pieces keep that linear cost bounded;
// a piece ends at a blank line when one is near, else at a line end.
const (
	chunkSize = 100_000
	chunkPeek = 25_000
)

// listWorkTree calls yield with each file to scan, relative to the scanned directory, with
// forward slashes. In a repository it asks git (tracked and untracked files, .gitignore
// applied); elsewhere it walks the directory without following symbolic links.
func listWorkTree(ctx context.Context, dir string, inRepo bool, yield func(string) error) error {
	if inRepo {
		out, err := gitOutput(ctx, dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, p := range strings.Split(out, "\x00") {
			if p == "" || seen[p] {
				continue
			}
			seen[p] = true
			if err := yield(p); err != nil {
				return err
			}
		}
		return nil
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("walk %s: %w", p, err)
		}
		if d.IsDir() {
			if d.Name() == ".git" && p != dir {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		return yield(filepath.ToSlash(rel))
	})
}

// readResult says what happened to one file.
type readResult int

const (
	readOK readResult = iota
	readSymlink
	readNotRegular
	readTooLarge
	readBinary
	readEmpty
	readMissing
)

// readFile reads one file of the tree, refusing symbolic links (never followed, so nothing
// outside the tree is read), non-regular files, files over max bytes and binary content.
func readFile(full string, max int64) ([]byte, readResult, error) {
	info, err := os.Lstat(full)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, readMissing, nil // listed by git but deleted from the working tree
		}
		return nil, readOK, err
	}
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return nil, readSymlink, nil
	case !info.Mode().IsRegular():
		return nil, readNotRegular, nil
	case info.Size() == 0:
		return nil, readEmpty, nil
	case max > 0 && info.Size() > max:
		return nil, readTooLarge, nil
	}
	f, err := os.Open(full)
	if err != nil {
		return nil, readOK, err
	}
	defer f.Close()
	// the file must still be the one inspected above (not swapped for a link meanwhile)
	opened, err := f.Stat()
	if err != nil {
		return nil, readOK, err
	}
	if !os.SameFile(info, opened) {
		return nil, readSymlink, nil
	}
	// look at the head first: a binary file is not read further
	size := opened.Size()
	data := make([]byte, min(size, 8000))
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, readOK, err
	}
	if isBinary(data) {
		return nil, readBinary, nil
	}
	if size > int64(len(data)) {
		full := make([]byte, size)
		copy(full, data)
		if _, err := io.ReadFull(f, full[len(data):]); err != nil {
			return nil, readOK, err
		}
		data = full
	}
	return data, readOK, nil
}

// isBinary uses git's test (a NUL byte in the first 8000 bytes) and recognises binary
// formats by their magic numbers, as gitleaks does.
func isBinary(data []byte) bool {
	head := data
	if len(head) > 8000 {
		head = head[:8000]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	kind, err := filetype.Match(head)
	return err == nil && kind.MIME.Type == "application"
}

// chunk calls yield with consecutive pieces of data and the 1-based line each starts on.
func chunk(data []byte, yield func(piece []byte, startLine int) error) error {
	line := 1
	for start := 0; start < len(data); {
		end := start + chunkSize
		if end >= len(data) {
			end = len(data)
		} else {
			window := data[end:min(end+chunkPeek, len(data))]
			if i := bytes.Index(window, []byte("\n\n")); i >= 0 {
				end += i + 2
			} else if i := bytes.IndexByte(window, '\n'); i >= 0 {
				end += i + 1
			} else {
				end += len(window)
			}
		}
		if err := yield(data[start:end], line); err != nil {
			return err
		}
		line += bytes.Count(data[start:end], []byte("\n"))
		start = end
	}
	return nil
}

// joinRel joins a scan-relative prefix ("sub/dir/") and a path.
func joinRel(prefix, p string) string {
	if prefix == "" {
		return p
	}
	return path.Join(prefix, p)
}
