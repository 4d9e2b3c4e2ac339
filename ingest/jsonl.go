package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/prefault"
)

// ReadJSONL reads conversations in the JSON Lines format (see the package
// documentation), one per non-blank line, as the sequence is iterated.
//
// Each line is decoded, checked with the schema's Validate and for an ID
// already seen. A bad line yields a zero Conversation and a *[LineError];
// the sequence then stops, unless [Options.SkipInvalid] is set. A failure
// of r or the end of ctx is yielded as it is and ends the sequence. The
// sequence consumes r: iterate it once.
func ReadJSONL(ctx context.Context, r io.Reader, opt Options) iter.Seq2[convreport.Conversation, error] {
	return func(yield func(convreport.Conversation, error) bool) {
		readJSONL(ctx, r, opt, nil, yield)
	}
}

func readJSONL(ctx context.Context, r io.Reader, opt Options, keep *[][]convreport.Conversation, yield func(convreport.Conversation, error) bool) {
	d := newDecoder(opt)
	src := &jsonlSource{d: d, lr: newLineReader(r, opt.maxLine())}
	if opt.workers() > 1 {
		runParallel(ctx, opt, src, sizeOf(r), jsonlWorker(opt), keep, yield)
		return
	}
	d.run(ctx, src, keepRows(keep, src, sizeOf(r), yield))
}

// keepRows makes yield collect rows into keep, when set. When the input's
// size is known (not -1), the rows are sized once from the bytes the
// first thousand took, rather than grown by append: every growth copies
// the rows so far into memory never touched before, which costs more than
// the copy.
func keepRows(keep *[][]convreport.Conversation, src source, size int64, yield func(convreport.Conversation, error) bool) func(convreport.Conversation, error) bool {
	if keep == nil {
		return yield
	}
	*keep = append(*keep, nil)
	return func(c convreport.Conversation, err error) bool {
		if err != nil {
			return yield(c, err)
		}
		rows := (*keep)[0]
		if n := len(rows); n == cap(rows) && n >= 1024 && size > 0 {
			if off := src.offset(); off > 0 && off < size {
				rows = slices.Grow(rows, int(float64(n)*float64(size)/float64(off)*1.02)+64-n)
				prefault.Slice(rows[n:cap(rows)], nil) // see runParallel
			}
		}
		(*keep)[0] = append(rows, c)
		return true
	}
}

type jsonlSource struct {
	d  *decoder
	lr *lineReader
}

func (s *jsonlSource) offset() int64 { return s.lr.off }

func (s *jsonlSource) next(c *convreport.Conversation) (int, error) {
	line, err := s.nextLine()
	if err != nil {
		return s.lr.line, err
	}
	return s.lr.line, s.d.decodeLine(line, s.lr.line, c)
}

// nextLine returns the next non-blank line without its terminator (and
// without the byte order mark on line 1), valid until the next call; a
// *LineError for a line that is too long; io.EOF at the end; or the
// reader's error. s.lr.line is the line's number.
func (s *jsonlSource) nextLine() ([]byte, error) {
	for {
		line, err := s.lr.next()
		if err == errTooLong {
			return nil, s.lr.tooLong()
		}
		if err != nil {
			return nil, err
		}
		line = trimEOL(line)
		if s.lr.line == 1 {
			line = bytes.TrimPrefix(line, bom)
		}
		if isBlank(line) {
			continue
		}
		return line, nil
	}
}

// decodeLine decodes line number n into c.
func (d *decoder) decodeLine(line []byte, n int, c *convreport.Conversation) error {
	if err := d.decodeJSON(line, c); err != nil {
		le := err.(*LineError)
		le.Line = n
		return le
	}
	return nil
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// maxDepth bounds the nesting of a value skipped under IgnoreUnknown.
const maxDepth = 512

// decodeJSON decodes one line into c. Errors are *LineError without a
// line number.
func (d *decoder) decodeJSON(line []byte, c *convreport.Conversation) error {
	if !utf8.Valid(line) {
		i := 0
		for i < len(line) {
			r, n := utf8.DecodeRune(line[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return &LineError{Err: fmt.Errorf("invalid UTF-8 at column %d", i+1)}
	}
	d.b, d.i = line, 0
	d.ws()
	if d.i >= len(d.b) {
		return errEnd()
	}
	if d.b[d.i] != '{' {
		return d.typeErr("", "a JSON object")
	}
	d.i++
	var seen uint64 // by field; flatten refuses more than 64
	d.ws()
	if d.i >= len(d.b) {
		return errEnd()
	}
	if d.b[d.i] == '}' {
		d.i++
		return d.end()
	}
	for {
		d.ws()
		if d.i >= len(d.b) {
			return errEnd()
		}
		if d.b[d.i] != '"' {
			return d.errAt(d.i)
		}
		key, err := d.readString()
		if err != nil {
			return err
		}
		f, known := lookupField(string(key))
		if !known && !d.opt.IgnoreUnknown {
			return &LineError{Err: d.unknownKey("key", string(key), false)}
		}
		if err := d.colon(); err != nil {
			return err
		}
		if !known {
			err = d.skipValue(0)
		} else {
			if seen&(1<<f) != 0 {
				return fieldErr("", "key %q appears twice", f.key())
			}
			seen |= 1 << f
			err = d.readField(c, f)
		}
		if err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) {
			return errEnd()
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return d.end()
		default:
			return d.errAt(d.i)
		}
	}
}

// end checks that nothing but spaces follows the object.
func (d *decoder) end() error {
	d.ws()
	if d.i < len(d.b) {
		return &LineError{Err: fmt.Errorf("invalid character %s after the object at column %d", d.charAt(d.i), d.i+1)}
	}
	return nil
}

func (d *decoder) ws() {
	for d.i < len(d.b) && isSpace(d.b[d.i]) {
		d.i++
	}
}

func (d *decoder) colon() error {
	d.ws()
	if d.i >= len(d.b) {
		return errEnd()
	}
	if d.b[d.i] != ':' {
		return d.errAt(d.i)
	}
	d.i++
	d.ws()
	if d.i >= len(d.b) {
		return errEnd()
	}
	return nil
}

func errEnd() error { return &LineError{Err: errors.New("unexpected end of JSON")} }

func (d *decoder) errAt(i int) error {
	if i >= len(d.b) {
		return errEnd()
	}
	return &LineError{Err: fmt.Errorf("invalid character %s at column %d", d.charAt(i), i+1)}
}

func (d *decoder) charAt(i int) string {
	r, _ := utf8.DecodeRune(d.b[i:])
	return strconv.QuoteRune(r)
}

// readField decodes the value of a built-in key; d.i is at the value.
func (d *decoder) readField(c *convreport.Conversation, f field) error {
	ch := d.b[d.i]
	if ch == 'n' && f != fProperties {
		return d.literal("null")
	}
	switch f.typ() {
	case tString:
		if ch != '"' {
			return d.typeErr(f.key(), "a string")
		}
		s, err := d.readString()
		if err != nil {
			return err
		}
		builtins[f].SetString(c, d.str(s, f.interned()))
	case tTime:
		if ch != '"' {
			return d.typeErr(f.key(), "an RFC 3339 time")
		}
		s, err := d.readString()
		if err != nil {
			return err
		}
		t, err := d.timeValue(f.key(), s)
		if err != nil {
			return err
		}
		builtins[f].SetTime(c, t)
	case tCount:
		if ch != '-' && (ch < '0' || ch > '9') {
			return d.typeErr(f.key(), "a number")
		}
		num, err := d.number()
		if err != nil {
			return err
		}
		n, ok := parseCount(num)
		if !ok {
			return fieldErr(f.key(), "want a whole number ≥ 0 and at most 2^53, got %s", num)
		}
		builtins[f].SetCount(c, n)
	case tObject:
		return d.readProperties(c)
	}
	return nil
}

// readProperties decodes the "properties" object; d.i is at the value.
func (d *decoder) readProperties(c *convreport.Conversation) error {
	switch d.b[d.i] {
	case 'n':
		return d.literal("null")
	case '{':
	default:
		return d.typeErr("properties", "an object")
	}
	d.i++
	d.props = d.props[:0]
	d.ws()
	if d.i >= len(d.b) {
		return errEnd()
	}
	if d.b[d.i] == '}' {
		d.i++
		return nil
	}
	for {
		d.ws()
		if d.i >= len(d.b) {
			return errEnd()
		}
		if d.b[d.i] != '"' {
			return d.errAt(d.i)
		}
		key, err := d.readString()
		if err != nil {
			return err
		}
		p, known := d.custom[string(key)]
		if d.infer != nil {
			p, known = convreport.Property{Name: string(key)}, true
		}
		if !known && !d.opt.IgnoreUnknown {
			return &LineError{Field: "properties", Err: d.unknownProperty(string(key), false)}
		}
		if known {
			if slices.Contains(d.props, p.Name) {
				return fieldErr("properties", "key %q appears twice", p.Name)
			}
			d.props = append(d.props, p.Name)
		}
		if err := d.colon(); err != nil {
			return err
		}
		switch {
		case !known:
			err = d.skipValue(0)
		case d.infer != nil:
			err = d.inferProperty(p.Name)
		default:
			var v any
			v, err = d.readProperty(p)
			if v != nil {
				if c.Properties == nil {
					c.Properties = make(map[string]any, len(d.customs))
				}
				c.Properties[p.Name] = v
			}
		}
		if err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) {
			return errEnd()
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return d.errAt(d.i)
		}
	}
}

// readProperty decodes a custom property's value by its kind; nil means
// unknown (null, or an empty string).
func (d *decoder) readProperty(p convreport.Property) (any, error) {
	ch := d.b[d.i]
	if ch == 'n' {
		return nil, d.literal("null")
	}
	field := func() string { return "properties." + p.Name }
	isNum := ch == '-' || (ch >= '0' && ch <= '9')
	switch p.Kind {
	case convreport.KindString, convreport.KindEnum:
		if ch != '"' {
			return nil, d.typeErr(field(), "a string")
		}
		s, err := d.readString()
		if err != nil || len(s) == 0 {
			return nil, err
		}
		return d.str(s, p.Kind == convreport.KindEnum), nil
	case convreport.KindNumber:
		if !isNum {
			return nil, d.typeErr(field(), "a number")
		}
		num, err := d.number()
		if err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(string(num), 64)
		if err != nil {
			return nil, fieldErr(field(), "%s is out of range", num)
		}
		if f == 0 {
			f = 0 // -0 is 0, as every source reads it
		}
		return f, nil
	case convreport.KindBool:
		switch ch {
		case 't':
			return true, d.literal("true")
		case 'f':
			return false, d.literal("false")
		}
		return nil, d.typeErr(field(), "true or false")
	case convreport.KindTime:
		if ch != '"' {
			return nil, d.typeErr(field(), "an RFC 3339 time")
		}
		s, err := d.readString()
		if err != nil {
			return nil, err
		}
		return d.timeValue(field(), s)
	case convreport.KindDuration:
		switch {
		case ch == '"':
			s, err := d.readString()
			if err != nil {
				return nil, err
			}
			v, ok := parseDuration(string(s))
			if !ok {
				return nil, fieldErr(field(), "%s is not a duration (want one like \"5m30s\" or a number of seconds)", quote(string(s)))
			}
			return v, nil
		case isNum:
			num, err := d.number()
			if err != nil {
				return nil, err
			}
			v, ok := parseDuration(string(num))
			if !ok {
				return nil, fieldErr(field(), "%s seconds is out of range", num)
			}
			return v, nil
		}
		return nil, d.typeErr(field(), "a duration")
	}
	return nil, fieldErr(field(), "has kind %s, which cannot be read", p.Kind)
}

// typeErr reports a value of the wrong JSON type at d.i, or the syntax
// error that hides its type.
func (d *decoder) typeErr(field, want string) error {
	var got string
	switch ch := d.b[d.i]; {
	case ch == '"':
		s, err := d.readString()
		if err != nil {
			return err
		}
		got = "string " + quote(string(s))
	case ch == '{':
		got = "object"
	case ch == '[':
		got = "array"
	case ch == 't' || ch == 'f':
		lit := map[byte]string{'t': "true", 'f': "false"}[ch]
		if err := d.literal(lit); err != nil {
			return err
		}
		got = "bool " + lit
	case ch == 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
		got = "null"
	case ch == '-' || (ch >= '0' && ch <= '9'):
		num, err := d.number()
		if err != nil {
			return err
		}
		got = "number " + string(num)
	default:
		return d.errAt(d.i)
	}
	return fieldErr(field, "want %s, got %s", want, got)
}

func (d *decoder) literal(lit string) error {
	for k := 0; k < len(lit); k++ {
		if d.i+k >= len(d.b) {
			return errEnd()
		}
		if d.b[d.i+k] != lit[k] {
			return d.errAt(d.i + k)
		}
	}
	d.i += len(lit)
	return nil
}

func (d *decoder) number() ([]byte, error) {
	end, bad := numberEnd(d.b, d.i)
	if bad >= 0 {
		return nil, d.errAt(bad)
	}
	num := d.b[d.i:end]
	d.i = end
	return num, nil
}

// readString reads the string at d.i. The result aliases the line or
// d.scratch: use it before reading another string.
func (d *decoder) readString() ([]byte, error) {
	b := d.b
	start := d.i + 1
	j := stringEnd(b, start)
	switch {
	case j >= len(b):
		return nil, errEnd()
	case b[j] == '"':
		d.i = j + 1
		return b[start:j], nil
	case b[j] == '\\':
		return d.readEscaped(start, j)
	}
	return nil, d.errAt(j)
}

// stringStop marks the bytes that end the fast scan of a JSON string.
var stringStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func (d *decoder) readEscaped(start, j int) ([]byte, error) {
	buf := append(d.scratch[:0], d.b[start:j]...)
	b := d.b
	for j < len(b) {
		c := b[j]
		switch {
		case c == '"':
			d.i = j + 1
			d.scratch = buf
			return buf, nil
		case c < 0x20:
			return nil, d.errAt(j)
		case c != '\\':
			buf = append(buf, c)
			j++
			continue
		}
		if j+1 >= len(b) {
			return nil, errEnd()
		}
		switch e := b[j+1]; e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, err := d.hex4(j + 2)
			if err != nil {
				return nil, err
			}
			j += 6
			if utf16.IsSurrogate(r) {
				// A pair makes one rune; a lone half is U+FFFD, as in
				// encoding/json.
				r2 := rune(-1)
				if j+1 < len(b) && b[j] == '\\' && b[j+1] == 'u' {
					if r2, err = d.hex4(j + 2); err != nil {
						return nil, err
					}
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					j += 6
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
			continue
		default:
			return nil, d.errAt(j + 1)
		}
		j += 2
	}
	return nil, errEnd()
}

func (d *decoder) hex4(i int) (rune, error) {
	var r rune
	for k := i; k < i+4; k++ {
		if k >= len(d.b) {
			return 0, errEnd()
		}
		c := d.b[k]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, d.errAt(k)
		}
		r = r<<4 | rune(c)
	}
	return r, nil
}

// skipValue checks and passes over any JSON value at d.i.
func (d *decoder) skipValue(depth int) error {
	if depth > maxDepth {
		return fieldErr("", "values nested more than %d deep at column %d", maxDepth, d.i+1)
	}
	if d.i >= len(d.b) {
		return errEnd()
	}
	switch ch := d.b[d.i]; {
	case ch == '"':
		_, err := d.readString()
		return err
	case ch == 't':
		return d.literal("true")
	case ch == 'f':
		return d.literal("false")
	case ch == 'n':
		return d.literal("null")
	case ch == '-' || (ch >= '0' && ch <= '9'):
		_, err := d.number()
		return err
	case ch == '{' || ch == '[':
		closer := byte('}')
		if ch == '[' {
			closer = ']'
		}
		d.i++
		d.ws()
		if d.i < len(d.b) && d.b[d.i] == closer {
			d.i++
			return nil
		}
		for {
			d.ws()
			if ch == '{' {
				if d.i >= len(d.b) {
					return errEnd()
				}
				if d.b[d.i] != '"' {
					return d.errAt(d.i)
				}
				if _, err := d.readString(); err != nil {
					return err
				}
				if err := d.colon(); err != nil {
					return err
				}
			}
			if err := d.skipValue(depth + 1); err != nil {
				return err
			}
			d.ws()
			if d.i >= len(d.b) {
				return errEnd()
			}
			switch d.b[d.i] {
			case ',':
				d.i++
			case closer:
				d.i++
				return nil
			default:
				return d.errAt(d.i)
			}
		}
	}
	return d.errAt(d.i)
}
