package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/convreport/convreport"
)

// ReadCSV reads conversations from CSV (RFC 4180, see the package
// documentation): a header row naming the columns, then one conversation a
// record. It behaves as [ReadJSONL] does otherwise.
//
// Problems with the header (a missing required column, a repeated or
// unknown column) end the sequence even under [Options.SkipInvalid]: no
// row could be read right.
func ReadCSV(ctx context.Context, r io.Reader, opt Options) iter.Seq2[convreport.Conversation, error] {
	return func(yield func(convreport.Conversation, error) bool) {
		readCSV(ctx, r, opt, nil, yield)
	}
}

func readCSV(ctx context.Context, r io.Reader, opt Options, keep *[][]convreport.Conversation, yield func(convreport.Conversation, error) bool) {
	d := newDecoder(opt)
	src := &csvSource{d: d, lr: newLineReader(r, opt.maxLine())}
	if opt.workers() > 1 {
		runParallel(ctx, opt, src, sizeOf(r), csvWorker(opt, src), keep, yield)
		return
	}
	d.run(ctx, src, keepRows(keep, src, sizeOf(r), yield))
}

type csvColumn struct {
	name string
	f    field                // a built-in field, when prop is nil
	prop *convreport.Property // a custom property
	skip bool                 // unknown, ignored
}

type csvSource struct {
	d  *decoder
	lr *lineReader

	// The current record: field i is rec[ends[i-1]+1:ends[i]] (the first
	// rec[:ends[0]]): a byte separates fields, so that a record without
	// quotes is its line as read. Field i starts on line lines[i], or on
	// line start when lines is empty: the record is on one line.
	rec   []byte
	ends  []int
	lines []int
	start int
	own   []byte // rec's buffer when rec is not the line itself

	cols    []csvColumn
	started bool
	broken  bool // the header is bad: read nothing more
}

func (s *csvSource) offset() int64 { return s.lr.off }

func (s *csvSource) next(c *convreport.Conversation) (int, error) {
	line, err := s.nextRecord()
	if err != nil {
		return line, err
	}
	return line, s.decodeRecord(c)
}

// nextRecord reads the next record into s.rec, s.ends and s.lines, reading the
// header first. It returns the record's first line; a *LineError for a
// bad header or record; io.EOF at the end (and after a bad header); or
// the reader's error.
func (s *csvSource) nextRecord() (int, error) {
	if s.broken {
		return 0, io.EOF
	}
	if !s.started {
		s.started = true
		line, err := s.readRecord()
		if err == nil {
			err = s.header(line)
		}
		if err != nil {
			if err != io.EOF {
				s.broken = true
			}
			return line, err
		}
	}
	line, err := s.readRecord()
	if err != nil {
		return line, err
	}
	if len(s.ends) != len(s.cols) {
		return line, &LineError{Line: line, Err: fmt.Errorf("has %d fields, want %d as in the header", len(s.ends), len(s.cols))}
	}
	return line, nil
}

func (s *csvSource) cell(i int) []byte {
	start := 0
	if i > 0 {
		start = s.ends[i-1] + 1
	}
	return s.rec[start:s.ends[i]]
}

// lineOf is the line field i starts on.
func (s *csvSource) lineOf(i int) int {
	if len(s.lines) == 0 {
		return s.start
	}
	return s.lines[i]
}

// header reads the column names from the current record.
func (s *csvSource) header(line int) error {
	d := s.d
	s.cols = s.cols[:0]
	seen := map[string]bool{}
	have := make([]bool, numFields)
	for i := range s.ends {
		name := string(s.cell(i))
		if !utf8.ValidString(name) {
			return &LineError{Line: line, Err: fmt.Errorf("column %d: invalid UTF-8", i+1)}
		}
		if seen[name] {
			return &LineError{Line: line, Err: fmt.Errorf("column %q appears twice", name)}
		}
		seen[name] = true
		col := csvColumn{name: name}
		if f, ok := lookupField(name); ok && f != fProperties {
			col.f = f
			have[f] = true
		} else if p, ok := d.custom[strings.TrimPrefix(name, "properties.")]; ok && strings.HasPrefix(name, "properties.") {
			col.prop = &p
		} else if rest, ok := strings.CutPrefix(name, "properties."); ok && d.infer != nil {
			col.prop = &convreport.Property{Name: rest}
			d.infer.see(rest, -1, line) // a column with no value is a string
		} else if d.opt.IgnoreUnknown {
			col.skip = true
		} else {
			return &LineError{Line: line, Err: d.unknownKey("column", name, true)}
		}
		s.cols = append(s.cols, col)
	}
	var missing []string
	for f := field(0); f < fProperties; f++ {
		if f.required() && !have[f] {
			missing = append(missing, strconv.Quote(f.key()))
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return &LineError{Line: line, Err: fmt.Errorf("missing required column %s", missing[0])}
	}
	return &LineError{Line: line, Err: fmt.Errorf("missing required columns %s", strings.Join(missing, ", "))}
}

// decodeRecord decodes the current record into c. An empty cell is an
// unknown value.
func (s *csvSource) decodeRecord(c *convreport.Conversation) error {
	valid := utf8.Valid(s.rec)
	for i := range s.cols {
		col := &s.cols[i]
		cell := s.cell(i)
		if col.skip || len(cell) == 0 {
			continue
		}
		if err := s.decodeCell(c, col, cell, valid); err != nil {
			le := err.(*LineError)
			le.Line = s.lineOf(i)
			return le
		}
	}
	return nil
}

// decodeCell decodes a cell of column col into c; valid tells that the
// whole record is valid UTF-8.
func (s *csvSource) decodeCell(c *convreport.Conversation, col *csvColumn, cell []byte, valid bool) error {
	d := s.d
	if !valid && !utf8.Valid(cell) {
		return fieldErr(col.name, "invalid UTF-8")
	}
	if col.prop != nil && d.infer != nil {
		d.infer.note(col.prop.Name, d.cellKind(cell))
		return nil
	}
	if col.prop != nil {
		v, err := d.parseProperty(*col.prop, cell)
		if v != nil {
			if c.Properties == nil {
				c.Properties = make(map[string]any, len(d.customs))
			}
			c.Properties[col.prop.Name] = v
		}
		return err
	}
	switch col.f.typ() {
	case tString:
		builtins[col.f].SetString(c, d.str(cell, col.f.interned()))
	case tTime:
		t, err := d.timeValue(col.name, cell)
		if err != nil {
			return err
		}
		builtins[col.f].SetTime(c, t)
	case tCount:
		if !isNumber(cell) {
			return fieldErr(col.name, "want a number, got %s", quote(string(cell)))
		}
		n, ok := parseCount(cell)
		if !ok {
			return fieldErr(col.name, "want a whole number ≥ 0 and at most 2^53, got %s", cell)
		}
		builtins[col.f].SetCount(c, n)
	}
	return nil
}

// parseProperty reads a custom property's value from its text in a CSV
// cell (never empty).
func (d *decoder) parseProperty(p convreport.Property, cell []byte) (any, error) {
	field := func() string { return "properties." + p.Name }
	switch p.Kind {
	case convreport.KindString:
		return string(cell), nil
	case convreport.KindEnum:
		return d.str(cell, true), nil
	case convreport.KindNumber:
		if !isNumber(cell) {
			return nil, fieldErr(field(), "want a number, got %s", quote(string(cell)))
		}
		f, err := strconv.ParseFloat(string(cell), 64)
		if err != nil {
			return nil, fieldErr(field(), "%s is out of range", cell)
		}
		if f == 0 {
			f = 0 // -0 is 0, as every source reads it
		}
		return f, nil
	case convreport.KindBool:
		switch {
		case bytes.EqualFold(cell, []byte("true")):
			return true, nil
		case bytes.EqualFold(cell, []byte("false")):
			return false, nil
		}
		return nil, fieldErr(field(), "want true or false, got %s", quote(string(cell)))
	case convreport.KindTime:
		return d.timeValue(field(), cell)
	case convreport.KindDuration:
		v, ok := parseDuration(string(cell))
		if !ok {
			return nil, fieldErr(field(), "%s is not a duration (want one like \"5m30s\" or a number of seconds)", quote(string(cell)))
		}
		return v, nil
	}
	return nil, fieldErr(field(), "has kind %s, which cannot be read", p.Kind)
}

// readRecord reads the next record into rec, ends and lines, skipping
// empty lines between records. It returns the record's first line.
func (s *csvSource) readRecord() (int, error) {
	var line []byte
	for {
		l, err := s.lr.next()
		if err == errTooLong {
			return s.skipLong(false)
		}
		if err != nil {
			return 0, err
		}
		if s.lr.line == 1 {
			l = bytes.TrimPrefix(l, bom)
		}
		if len(trimEOL(l)) > 0 {
			line = l
			break
		}
	}
	start := s.lr.line
	s.start = start
	s.ends, s.lines = s.ends[:0], s.lines[:0]
	if bytes.IndexByte(line, '"') < 0 {
		// No quotes: the fields are the line's text between commas, and
		// the record is the line itself, valid until the next read.
		s.rec = trimEOL(line)
		s.ends = append(appendCommas(s.ends, s.rec), len(s.rec))
		return start, nil
	}
	s.rec = s.own[:0]
	n, err := s.readQuoted(line, start)
	s.own = s.rec[:0]
	if s.lr.line == start {
		s.lines = s.lines[:0]
	}
	return n, err
}

// readQuoted reads a record with quotes into s.rec, s.ends and s.lines,
// from its first line.
func (s *csvSource) readQuoted(line []byte, start int) (int, error) {
	pos := 0
	for {
		if len(s.ends) > 0 {
			s.rec = append(s.rec, ',')
		}
		s.lines = append(s.lines, s.lr.line)
		if pos < len(line) && line[pos] == '"' {
			quoteLine := s.lr.line
			pos++
			for {
				j := bytes.IndexByte(line[pos:], '"')
				if j < 0 {
					// The field goes on past the line's end, its line
					// break included as written.
					s.rec = append(s.rec, line[pos:]...)
					if len(s.rec)-len(s.ends) > s.lr.max { // separators aside
						// An unclosed quote must not hold the rest of the
						// input in memory: a record is capped like a line.
						le := &LineError{Line: start, Err: fmt.Errorf("record is longer than %d bytes (Options.MaxLineBytes)", s.lr.max)}
						return s.skipRecord(le, true)
					}
					l, err := s.lr.next()
					if err == io.EOF {
						return start, &LineError{Line: quoteLine, Err: fmt.Errorf("quoted field has no closing quote")}
					}
					if err == errTooLong {
						return s.skipLong(true)
					}
					if err != nil {
						return 0, err
					}
					line, pos = l, 0
					continue
				}
				s.rec = append(s.rec, line[pos:pos+j]...)
				pos += j + 1
				if pos < len(line) && line[pos] == '"' {
					s.rec = append(s.rec, '"')
					pos++
					continue
				}
				break
			}
			s.ends = append(s.ends, len(s.rec))
			switch rest := line[pos:]; {
			case len(rest) > 0 && rest[0] == ',':
				pos++
				continue
			case len(trimEOL(rest)) == 0:
				return start, nil
			}
			return start, &LineError{Line: s.lr.line, Err: fmt.Errorf("invalid character %s after a closing quote at column %d", strconv.QuoteRune(firstRune(line[pos:])), pos+1)}
		}
		j := bytes.IndexByte(line[pos:], ',')
		last := j < 0
		var cell []byte
		if last {
			cell = trimEOL(line[pos:])
		} else {
			cell = line[pos : pos+j]
		}
		if q := bytes.IndexByte(cell, '"'); q >= 0 {
			return start, &LineError{Line: s.lr.line, Err: fmt.Errorf("bare quote in an unquoted field at column %d", pos+q+1)}
		}
		s.rec = append(s.rec, cell...)
		s.ends = append(s.ends, len(s.rec))
		if last {
			return start, nil
		}
		pos += j + 1
	}
}

// skipLong reports the line just found too long and skips to the end of
// its record, following quotes to tell where that is.
func (s *csvSource) skipLong(inQuote bool) (int, error) {
	return s.skipRecord(s.lr.tooLong(), inQuote != (s.lr.quotes%2 == 1))
}

// skipRecord skips to the end of the current record, inside a quoted field
// when inQuote, and returns le.
func (s *csvSource) skipRecord(le *LineError, inQuote bool) (int, error) {
	for inQuote {
		l, err := s.lr.next()
		switch {
		case err == errTooLong:
			inQuote = s.lr.quotes%2 == 0
		case err == io.EOF:
			return le.Line, le
		case err != nil:
			return 0, err
		default:
			inQuote = bytes.Count(l, []byte{'"'})%2 == 0
		}
	}
	return le.Line, le
}

func firstRune(b []byte) rune {
	r, _ := utf8.DecodeRune(b)
	return r
}
