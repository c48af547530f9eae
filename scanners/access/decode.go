package access

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/valyala/fastjson"
)

// maxRecord bounds one record; CloudTrail events are at most a few hundred KB.
const maxRecord = 32 << 20

// errDigest marks a CloudTrail digest file: recognised and skipped.
var errDigest = errors.New("CloudTrail digest file")

// DecodeError is a log file that is not what CloudTrail writes, or ends early. Records
// before the problem have been read.
type DecodeError struct {
	// Object names the file, S3 object or stream.
	Object string
	// Records is how many records were read before the problem.
	Records int
	// Offset is the byte offset in the (decompressed) stream.
	Offset int64
	Err    error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s: offset %d, after %d records: %v", e.Object, e.Offset, e.Records, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// unzipper gunzips streams that start with the gzip magic bytes and passes others
// through, reusing its buffers from one stream to the next.
type unzipper struct {
	br *bufio.Reader
	zr *gzip.Reader
}

// open returns the decompressed stream of r.
func (u *unzipper) open(r io.Reader) (io.Reader, error) {
	if u.br == nil {
		u.br = bufio.NewReaderSize(r, 64<<10)
	} else {
		u.br.Reset(r)
	}
	head, err := u.br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(head) < 2 || head[0] != 0x1f || head[1] != 0x8b {
		return u.br, nil
	}
	if u.zr == nil {
		u.zr, err = gzip.NewReader(u.br)
	} else {
		err = u.zr.Reset(u.br)
	}
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return u.zr, nil
}

// scanner splits a JSON stream into records without decoding them: the buffer holds one
// record at a time (plus read-ahead), so memory never depends on the size of a file.
type scanner struct {
	r    io.Reader
	buf  []byte
	pos  int
	end  int
	base int64 // stream offset of buf[0]
	err  error // sticky read error (io.EOF at the end)
}

func newScanner(r io.Reader, buf []byte) *scanner {
	if cap(buf) < 256<<10 {
		buf = make([]byte, 256<<10)
	}
	return &scanner{r: r, buf: buf[:cap(buf)]}
}

func (s *scanner) offset() int64 { return s.base + int64(s.pos) }

// fill reads more data, keeping buf[keep:end]; it returns false at the end of the stream
// or on a read error (in s.err).
func (s *scanner) fill(keep int) bool {
	if s.err != nil {
		return false
	}
	if keep > 0 {
		n := copy(s.buf, s.buf[keep:s.end])
		s.base += int64(keep)
		s.pos -= keep
		s.end = n
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxRecord {
			s.err = fmt.Errorf("record larger than %d MB", maxRecord>>20)
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	n, err := s.r.Read(s.buf[s.end:])
	s.end += n
	if err != nil {
		s.err = err
		return n > 0
	}
	return true
}

// peek returns the next byte that is not white space without consuming it; ok is false
// at the end of the stream.
func (s *scanner) peek() (byte, bool) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, true
			}
		}
		if !s.fill(s.pos) {
			return 0, false
		}
	}
}

// readErr is the error for an unexpected end of the stream.
func (s *scanner) readErr() error {
	if s.err == nil || errors.Is(s.err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return s.err
}

// expect consumes c (after white space).
func (s *scanner) expect(c byte) error {
	got, ok := s.peek()
	if !ok {
		return s.readErr()
	}
	if got != c {
		return fmt.Errorf("expected %q, found %q", c, got)
	}
	s.pos++
	return nil
}

// value consumes one JSON value and returns its bytes (valid until the next call).
// Strings and nesting are tracked so that brackets inside strings do not count; the
// grammar inside the value is checked later by the parser.
func (s *scanner) value() ([]byte, error) {
	first, ok := s.peek()
	if !ok {
		return nil, s.readErr()
	}
	start := s.pos
	i := s.pos
	depth := 0
	inString := false
	scalar := first != '{' && first != '[' && first != '"'
	for {
		for i < s.end {
			if inString {
				j := bytes.IndexByte(s.buf[i:s.end], '"')
				if j < 0 {
					i = s.end
					break
				}
				q := i + j
				// A quote preceded by an odd number of backslashes is escaped.
				k := q - 1
				for k > start && s.buf[k] == '\\' {
					k--
				}
				i = q + 1
				if (q-1-k)%2 == 0 {
					inString = false
					if depth == 0 {
						s.pos = i
						return s.buf[start:i], nil
					}
				}
				continue
			}
			c := s.buf[i]
			if scalar {
				switch c {
				case ',', ':', '}', ']', ' ', '\t', '\n', '\r':
					s.pos = i
					return s.buf[start:i], nil
				}
				i++
				continue
			}
			switch c {
			case '"':
				inString = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					i++
					s.pos = i
					return s.buf[start:i], nil
				}
			}
			i++
		}
		off := i - start
		s.pos = start
		if !s.fill(start) {
			if scalar && off > 0 && (s.err == nil || errors.Is(s.err, io.EOF)) {
				// A number or literal at the very end of the stream.
				s.pos = s.end
				return s.buf[s.end-off : s.end], nil
			}
			s.pos = s.end
			return nil, s.readErr()
		}
		start = s.pos
		i = start + off
	}
}

// key reads an object key and the colon after it.
func (s *scanner) key() (string, error) {
	raw, err := s.value()
	if err != nil {
		return "", err
	}
	if len(raw) < 2 || raw[0] != '"' {
		return "", fmt.Errorf("expected an object key, found %s", clip(raw))
	}
	k := string(raw[1 : len(raw)-1])
	return k, s.expect(':')
}

func clip(b []byte) string {
	if len(b) > 32 {
		return fmt.Sprintf("%q…", b[:32])
	}
	return fmt.Sprintf("%q", b)
}

// decoder reads the records of one stream: a CloudTrail log file ({"Records": [...]}),
// a JSON array of events, JSON lines (one event per line, or EventBridge envelopes whose
// detail is the event), or a digest file, which is recognised and skipped.
type decoder struct {
	name    string
	sc      *scanner
	parser  *fastjson.Parser
	records int
	// at is the offset of the problem when it is not where the scanner stopped.
	at int64
}

// each calls fn with every record of the stream. It returns errDigest for a digest file
// and a *DecodeError when the stream is malformed or ends early.
func (d *decoder) each(fn func(v *fastjson.Value) error) error {
	err := d.run(fn)
	if err == nil || errors.Is(err, errDigest) {
		return err
	}
	var fnErr *callbackError
	if errors.As(err, &fnErr) {
		return fnErr.err
	}
	off := d.sc.offset()
	if d.at > 0 {
		off = d.at
	}
	return &DecodeError{Object: d.name, Records: d.records, Offset: off, Err: err}
}

type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }

func (d *decoder) run(fn func(v *fastjson.Value) error) error {
	sc := d.sc
	c, ok := sc.peek()
	if !ok {
		if err := sc.readErr(); !errors.Is(err, io.ErrUnexpectedEOF) {
			return err
		}
		return nil // an empty file holds no records
	}
	switch c {
	case '[':
		sc.pos++
		return d.array(fn)
	case '{':
	default:
		return fmt.Errorf("not JSON: starts with %q", c)
	}
	// A CloudTrail file starts with {"Records": [ — stream it.
	if d.startsWithRecords() {
		sc.pos++
		if _, err := sc.key(); err != nil {
			return err
		}
		if err := sc.expect('['); err != nil {
			return err
		}
		if err := d.array(fn); err != nil {
			return err
		}
		for {
			c, ok := sc.peek()
			if !ok {
				return sc.readErr()
			}
			sc.pos++
			if c == '}' {
				break
			}
			if c != ',' {
				return fmt.Errorf("expected ',' or '}' after Records, found %q", c)
			}
			if _, err := sc.key(); err != nil {
				return err
			}
			if _, err := sc.value(); err != nil {
				return err
			}
		}
		if c, ok := sc.peek(); ok {
			return fmt.Errorf("unexpected %q after the Records object", c)
		}
		if err := sc.err; err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		return nil
	}
	// Otherwise: one or more objects, one after the other.
	for {
		raw, err := sc.value()
		if err != nil {
			return err
		}
		if err := d.object(raw, fn); err != nil {
			return err
		}
		c, ok := sc.peek()
		if !ok {
			if err := sc.err; err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			return nil
		}
		if c != '{' {
			return fmt.Errorf("expected the next JSON object, found %q", c)
		}
	}
}

// startsWithRecords looks ahead for {"Records" without consuming anything.
func (d *decoder) startsWithRecords() bool {
	sc := d.sc
	for sc.end-sc.pos < 64 && sc.fill(sc.pos) {
	}
	rest := sc.buf[sc.pos+1 : sc.end]
	rest = bytes.TrimLeft(rest, " \t\r\n")
	return bytes.HasPrefix(rest, []byte(`"Records"`))
}

// array reads array elements up to and including the closing bracket.
func (d *decoder) array(fn func(v *fastjson.Value) error) error {
	sc := d.sc
	if c, ok := sc.peek(); ok && c == ']' {
		sc.pos++
		return nil
	}
	for {
		raw, err := sc.value()
		if err != nil {
			return err
		}
		if err := d.record(raw, fn); err != nil {
			return err
		}
		c, ok := sc.peek()
		if !ok {
			return sc.readErr()
		}
		switch c {
		case ',':
		case ']':
			sc.pos++
			return nil
		default:
			return fmt.Errorf("expected ',' or ']' between records, found %q", c)
		}
		sc.pos++
	}
}

func (d *decoder) record(raw []byte, fn func(v *fastjson.Value) error) error {
	v, err := d.parser.ParseBytes(raw)
	if err != nil {
		d.at = d.sc.offset() - int64(len(raw))
		return fmt.Errorf("record %d: %v", d.records+1, err)
	}
	d.records++
	if err := fn(v); err != nil {
		return &callbackError{err}
	}
	return nil
}

// object handles a top-level object that is not a streamed Records file: an event,
// an EventBridge envelope, a small Records file with other keys first, or a digest.
func (d *decoder) object(raw []byte, fn func(v *fastjson.Value) error) error {
	v, err := d.parser.ParseBytes(raw)
	if err != nil {
		return err
	}
	switch {
	case v.Exists("Records"):
		recs := v.GetArray("Records")
		if recs == nil && v.Get("Records").Type() != fastjson.TypeNull {
			return errors.New("the Records field is not an array")
		}
		for _, r := range recs {
			d.records++
			if err := fn(r); err != nil {
				return &callbackError{err}
			}
		}
		return nil
	case v.Exists("digestStartTime") || v.Exists("logFiles"):
		if d.records == 0 {
			return errDigest
		}
		return errors.New("digest object among events")
	case v.Exists("detail", "eventID"):
		d.records++
		if err := fn(v.Get("detail")); err != nil {
			return &callbackError{err}
		}
		return nil
	case v.Exists("eventTime") || v.Exists("eventID"):
		d.records++
		if err := fn(v); err != nil {
			return &callbackError{err}
		}
		return nil
	}
	return errors.New("object is neither a CloudTrail event nor a {\"Records\": [...]} log file")
}
