package ingest

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/convreport/convreport"
)

// WriteJSONL writes conversations in the JSON Lines format, one a line,
// keys in the order the package documentation gives under "Writing". Unknown values (an empty
// string, a zero time, a nil or empty custom property) are left out,
// except id, channel and status; message counts are always written, and
// custom properties in name order.
//
// What it writes, [ReadJSONL] reads back the same: strings, counts and
// property values exactly, times as the same instant, in the same offset
// when RFC 3339 can write it (see "Writing" in the package
// documentation). WriteJSONL does not validate: a value the
// format cannot carry (invalid UTF-8, a non-finite number, a year outside
// 0000–9999, a property of another Go type) stops it with a
// *[convreport.ValidationError] whose Index is the conversation's position
// in cs, the lines before it written. cs is ranged over on the caller's
// goroutine, and the lines of each block of 4,096 conversations made on
// every core.
func WriteJSONL(w io.Writer, cs iter.Seq[convreport.Conversation]) error {
	return writeLines(w, cs, appendJSONL)
}

// WriteCSV writes conversations as CSV: a header row with every built-in
// column in the order the package documentation gives under "Writing", then a column
// "properties.NAME" for each custom property of schema (nil means
// [convreport.DefaultSchema]); then a row per conversation, "\n"-ended,
// a cell quoted when it holds a comma, quote, CR or LF. An unknown value
// is an empty cell.
//
// Like [WriteJSONL] it writes what [ReadCSV] reads back the same, makes
// its lines on every core, and stops with a *[convreport.ValidationError]
// on a value the format cannot carry,
// which here includes a custom property missing from schema or not of
// its kind's Go type.
//
// Cells are written exactly, with no spreadsheet-formula neutralising (see
// render.CSVCell for the report CSVs that have it): this is the interchange
// format, and a leading apostrophe would change the value read back.
func WriteCSV(w io.Writer, schema *convreport.Schema, cs iter.Seq[convreport.Conversation]) error {
	if schema == nil {
		schema = convreport.DefaultSchema()
	}
	custom := schema.Custom()
	var b []byte
	for f := field(0); f < fProperties; f++ {
		if f > 0 {
			b = append(b, ',')
		}
		b = append(b, f.key()...)
	}
	for _, p := range custom {
		b = appendCSVCell(append(b, ','), "properties."+p.Name)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return err
	}
	return writeLines(w, cs, func(b []byte, c *convreport.Conversation, index int) ([]byte, error) {
		return appendCSVRow(b, c, index, schema, custom)
	})
}

// appendCSVRow appends c's CSV row, "\n"-ended, to b: c is conversation
// index of those written, and custom the custom properties of schema.
func appendCSVRow(b []byte, c *convreport.Conversation, index int, schema *convreport.Schema, custom []convreport.Property) ([]byte, error) {
	bad := func(field, reason string) error { return unwritable(c, index, field, reason) }
	for f := field(0); f < fProperties; f++ {
		if f > 0 {
			b = append(b, ',')
		}
		switch f.typ() {
		case tString:
			s := builtins[f].StringOf(c)
			if !utf8.ValidString(s) {
				return b, bad(f.key(), "is not valid UTF-8")
			}
			b = appendCSVCell(b, s)
		case tTime:
			if t := builtins[f].TimeOf(c); !t.IsZero() {
				var ok bool
				if b, ok = appendTime(b, t); !ok {
					return b, bad(f.key(), "has a year outside 0000–9999")
				}
			}
		case tCount:
			b = strconv.AppendInt(b, int64(builtins[f].CountOf(c)), 10)
		}
	}
	for k := range c.Properties {
		if p, ok := schema.Lookup(k); !ok || !p.Custom {
			return b, bad("properties."+k, "is not a custom property of the schema")
		}
	}
	for _, p := range custom {
		b = append(b, ',')
		v := c.Properties[p.Name]
		if v == nil {
			continue
		}
		if !kindHolds(p.Kind, v) {
			return b, bad("properties."+p.Name, fmt.Sprintf("holds %T, want a %s", v, p.Kind))
		}
		// The value's text is made in place, and quoted (from a copy)
		// only when it must be.
		at := len(b)
		var reason string
		if b, reason = appendValue(b, v, false); reason != "" {
			return b, bad("properties."+p.Name, reason)
		}
		if bytes.ContainsAny(b[at:], ",\"\r\n") {
			b = appendCSVCell(b[:at], string(b[at:]))
		}
	}
	return append(b, '\n'), nil
}

// writeLines writes a line a conversation of cs to w, each made by
// appendLine (which is given the conversation's index among them) and
// "\n"-ended. The conversations are taken a block at a time, and a
// block's lines made on every core, a part of the block a core, then
// written in order: making lines is most of a write. Its error is the
// first conversation's appendLine refuses, the lines before it written.
func writeLines(w io.Writer, cs iter.Seq[convreport.Conversation], appendLine func([]byte, *convreport.Conversation, int) ([]byte, error)) error {
	const blockRows = 4096
	workers := runtime.GOMAXPROCS(0)
	type part struct {
		lines []byte
		err   error
	}
	parts := make([]part, workers)
	block := make([]convreport.Conversation, 0, blockRows)
	written := 0
	flush := func() error {
		n := len(block)
		k := min(workers, max(1, n/512)) // a few hundred rows are not worth another core
		per := (n + k - 1) / k
		var wg sync.WaitGroup
		encode := func(j int) {
			p := &parts[j]
			p.lines, p.err = p.lines[:0], nil
			for i := j * per; i < min(n, (j+1)*per); i++ {
				end := len(p.lines)
				if p.lines, p.err = appendLine(p.lines, &block[i], written+i); p.err != nil {
					p.lines = p.lines[:end] // not the part of its line made
					return
				}
			}
		}
		for j := 1; j < k; j++ {
			wg.Go(func() { encode(j) })
		}
		encode(0)
		wg.Wait()
		for j := range k {
			if _, err := w.Write(parts[j].lines); err != nil {
				return err
			}
			if parts[j].err != nil {
				return parts[j].err
			}
		}
		written += n
		block = block[:0]
		return nil
	}
	for c := range cs {
		if block = append(block, c); len(block) == blockRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(block) > 0 {
		return flush()
	}
	return nil
}

func appendJSONL(b []byte, c *convreport.Conversation, index int) ([]byte, error) {
	bad := func(field, reason string) error { return unwritable(c, index, field, reason) }
	start := len(b) // the line's, after what b held
	b = append(b, '{')
	key := func(f string) {
		if len(b) > start+1 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, f...)
		b = append(b, '"', ':')
	}
	for f := field(0); f < fProperties; f++ {
		switch f.typ() {
		case tString:
			s := builtins[f].StringOf(c)
			if s == "" && !f.required() {
				continue
			}
			if !utf8.ValidString(s) {
				return b, bad(f.key(), "is not valid UTF-8")
			}
			key(f.key())
			b = appendJSONString(b, s)
		case tTime:
			t := builtins[f].TimeOf(c)
			if t.IsZero() {
				continue
			}
			key(f.key())
			b = append(b, '"')
			var ok bool
			if b, ok = appendTime(b, t); !ok {
				return b, bad(f.key(), "has a year outside 0000–9999")
			}
			b = append(b, '"')
		case tCount:
			key(f.key())
			b = strconv.AppendInt(b, int64(builtins[f].CountOf(c)), 10)
		}
	}
	// The names sorted in place, on the stack for a usual number of
	// them: sorting a fresh slice of them was most of a line's
	// allocations.
	var room [16]string
	names := room[:0]
	for name := range c.Properties {
		names = append(names, name)
	}
	slices.Sort(names)
	n := 0
	for _, name := range names {
		v := c.Properties[name]
		if v == nil || v == "" {
			continue
		}
		if n == 0 {
			key("properties")
			b = append(b, '{')
		} else {
			b = append(b, ',')
		}
		n++
		if !utf8.ValidString(name) {
			return b, bad("properties", "has a name that is not valid UTF-8")
		}
		b = append(appendJSONString(b, name), ':')
		var reason string
		if b, reason = appendValue(b, v, true); reason != "" {
			return b, bad("properties."+name, reason)
		}
	}
	if n > 0 {
		b = append(b, '}')
	}
	return append(b, '}', '\n'), nil
}

func unwritable(c *convreport.Conversation, index int, field, reason string) error {
	return &convreport.ValidationError{ID: c.ID, Index: index, Field: field, Reason: reason}
}

// appendValue writes a custom property's value, as JSON or as CSV cell
// text. It returns why it cannot, or "".
func appendValue(b []byte, v any, json bool) ([]byte, string) {
	quoted := func(s []byte) []byte {
		if json {
			return append(append(append(b, '"'), s...), '"')
		}
		return append(b, s...)
	}
	switch v := v.(type) {
	case string:
		if !utf8.ValidString(v) {
			return b, "is not valid UTF-8"
		}
		if json {
			return appendJSONString(b, v), ""
		}
		return append(b, v...), ""
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return b, fmt.Sprintf("%v is not a finite number", v)
		}
		return appendNumber(b, v), ""
	case bool:
		return strconv.AppendBool(b, v), ""
	case time.Time:
		var room [40]byte
		t, ok := appendTime(room[:0], v)
		if !ok {
			return b, "has a year outside 0000–9999"
		}
		return quoted(t), ""
	case time.Duration:
		return quoted([]byte(v.String())), ""
	}
	return b, fmt.Sprintf("holds %T, which the format cannot carry", v)
}

// kindHolds reports whether v is of the Go type of kind k's values.
func kindHolds(k convreport.Kind, v any) bool {
	switch v.(type) {
	case string:
		return k == convreport.KindString || k == convreport.KindEnum
	case float64:
		return k == convreport.KindNumber
	case bool:
		return k == convreport.KindBool
	case time.Time:
		return k == convreport.KindTime
	case time.Duration:
		return k == convreport.KindDuration
	}
	return false
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s, valid UTF-8, as a JSON string. Beyond what
// JSON requires it escapes U+2028 and U+2029, for JavaScript's sake.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == '\u2028' || r == '\u2029' {
				b = append(b, s[start:i]...)
				b = append(b, `\u202`...)
				b = append(b, hexDigits[r&0xF])
				start = i + size
			}
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendCSVCell writes s as a CSV cell, quoted when it has to be.
func appendCSVCell(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
