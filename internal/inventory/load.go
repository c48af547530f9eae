package inventory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// InputError is bad input at a known place: file, line and column (1-based; 0 when unknown).
type InputError struct {
	File   string
	Line   int
	Column int
	// Path is the JSON path of the bad element, e.g. accounts[0].secrets[3].resource_policy.
	Path string
	Err  error
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *InputError) Unwrap() error { return e.Err }

// Load reads and validates a snapshot file.
func Load(path string) (*Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(path, data)
}

// Decode parses and validates a snapshot. name is used in error messages only.
// Errors are *InputError naming the place of the first problem.
func Decode(name string, data []byte) (*Snapshot, error) {
	var snap Snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&snap); err != nil {
		return nil, decodeError(name, data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, dec.InputOffset())
		return nil, &InputError{File: name, Line: line, Column: col, Err: errors.New("unexpected data after the snapshot object")}
	}
	if err := snap.validate(); err != nil {
		var pe *pathError
		if errors.As(err, &pe) {
			ie := &InputError{File: name, Path: pe.path.String(), Err: pe.err}
			if off, ok := locate(data, pe.path); ok {
				ie.Line, ie.Column = lineCol(data, off)
			}
			return nil, ie
		}
		return nil, &InputError{File: name, Err: err}
	}
	return &snap, nil
}

func decodeError(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the bad byte itself; point at it.
		line, col := lineCol(data, max(syn.Offset-1, 0))
		return &InputError{File: name, Line: line, Column: col, Err: fmt.Errorf("invalid JSON: %s", syn.Error())}
	case errors.As(err, &typ):
		line, col := lineCol(data, valueStart(data, typ.Offset))
		return &InputError{File: name, Line: line, Column: col, Path: typ.Field,
			Err: fmt.Errorf("expected %s, got JSON %s", typ.Type, typ.Value)}
	case errors.Is(err, io.EOF):
		return &InputError{File: name, Err: errors.New("empty file: expected a snapshot object")}
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineCol(data, int64(len(data)))
		return &InputError{File: name, Line: line, Column: col, Err: errors.New("unexpected end of file")}
	}
	msg := err.Error()
	if field, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		ie := &InputError{File: name, Err: fmt.Errorf("unknown field %s", field)}
		if i := bytes.Index(data, []byte(field+":")); i >= 0 {
			ie.Line, ie.Column = lineCol(data, int64(i))
		} else if i := bytes.Index(data, []byte(field)); i >= 0 {
			ie.Line, ie.Column = lineCol(data, int64(i))
		}
		return ie
	}
	return &InputError{File: name, Err: err}
}

// valueStart returns where the value that a *json.UnmarshalTypeError reports starts.
// encoding/json gives the offset just past a literal (string, number, true, false,
// null), or just past the opening '{' or '[' of an object or array.
func valueStart(data []byte, off int64) int64 {
	if off <= 0 || off > int64(len(data)) {
		return off
	}
	i := off - 1
	switch c := data[i]; {
	case c == '{' || c == '[':
		return i
	case c == '"':
		for j := i - 1; j >= 0; j-- {
			if data[j] != '"' {
				continue
			}
			backslashes := 0
			for k := j - 1; k >= 0 && data[k] == '\\'; k-- {
				backslashes++
			}
			if backslashes%2 == 0 {
				return j
			}
		}
		return off
	default:
		for i > 0 && strings.IndexByte("0123456789+-.eEtrufalsn", data[i-1]) >= 0 {
			i--
		}
		return i
	}
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	prefix := data[:off]
	line := bytes.Count(prefix, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(prefix, '\n')
	return line, col
}

// jsonPath is a path into a JSON document: string keys and int indexes.
type jsonPath []any

func (p jsonPath) String() string {
	var b strings.Builder
	for _, e := range p {
		switch v := e.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(v) + "]")
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

func (p jsonPath) with(e ...any) jsonPath {
	out := make(jsonPath, 0, len(p)+len(e))
	return append(append(out, p...), e...)
}

type pathError struct {
	path jsonPath
	err  error
}

func (e *pathError) Error() string { return e.path.String() + ": " + e.err.Error() }

func errAt(path jsonPath, format string, args ...any) error {
	return &pathError{path: path, err: fmt.Errorf(format, args...)}
}

// locate finds the byte offset where the value at path starts.
func locate(data []byte, path jsonPath) (int64, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for depth := 0; ; depth++ {
		if depth == len(path) {
			// Skip whitespace and ':' to the start of the value.
			off := dec.InputOffset()
			for off < int64(len(data)) && strings.ContainsRune(" \t\r\n:,", rune(data[off])) {
				off++
			}
			return off, true
		}
		tok, err := dec.Token()
		if err != nil {
			return 0, false
		}
		switch want := path[depth].(type) {
		case string:
			if tok != json.Delim('{') {
				return 0, false
			}
			if !seekKey(dec, want) {
				return 0, false
			}
		case int:
			if tok != json.Delim('[') {
				return 0, false
			}
			for i := 0; i < want; i++ {
				if !dec.More() || skipValue(dec) != nil {
					return 0, false
				}
			}
			if !dec.More() {
				return 0, false
			}
		}
	}
}

func seekKey(dec *json.Decoder, want string) bool {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if key, _ := tok.(string); key == want {
			return true
		}
		if skipValue(dec) != nil {
			return false
		}
	}
	return false
}

func skipValue(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}
