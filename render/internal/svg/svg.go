// Package svg writes SVG documents: elements with escaped attributes and
// text, indented one element per line, numbers in a fixed short form, so
// the same chart always gives the same bytes.
package svg

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/convreport/convreport/render/internal/textwidth"
)

// Attr is one attribute.
type Attr struct{ Name, Value string }

// A builds an attribute; numbers are written with [Num].
func A(name string, v any) Attr {
	switch v := v.(type) {
	case string:
		return Attr{name, v}
	case float64:
		return Attr{name, Num(v)}
	case int:
		return Attr{name, strconv.Itoa(v)}
	}
	panic("svg: attribute " + name + ": unsupported value type")
}

// Num writes x with at most two decimals, without trailing zeros or a
// negative zero.
func Num(x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// Escape escapes s for XML text and attribute values. Characters XML does
// not allow (control characters, invalid UTF-8) become U+FFFD, and
// bidirectional controls are dropped (see [textwidth.CleanMarkup]).
func Escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(textwidth.CleanMarkup(s))) // cannot fail on a strings.Builder
	return b.String()
}

// Writer writes one SVG document.
type Writer struct {
	buf   bytes.Buffer
	stack []string
}

func (w *Writer) indent() {
	w.buf.WriteString(strings.Repeat("  ", len(w.stack)))
}

func (w *Writer) tag(name string, attrs []Attr) {
	w.indent()
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	for _, a := range attrs {
		w.buf.WriteByte(' ')
		w.buf.WriteString(a.Name)
		w.buf.WriteString(`="`)
		w.buf.WriteString(Escape(a.Value))
		w.buf.WriteByte('"')
	}
}

// Open starts an element; [Writer.Close] ends it.
func (w *Writer) Open(name string, attrs ...Attr) {
	w.tag(name, attrs)
	w.buf.WriteString(">\n")
	w.stack = append(w.stack, name)
}

// Close ends the innermost open element.
func (w *Writer) Close() {
	name := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.indent()
	w.buf.WriteString("</" + name + ">\n")
}

// Empty writes an element with no content.
func (w *Writer) Empty(name string, attrs ...Attr) {
	w.tag(name, attrs)
	w.buf.WriteString("/>\n")
}

// Text writes an element holding text, escaped.
func (w *Writer) Text(name, text string, attrs ...Attr) {
	w.tag(name, attrs)
	w.buf.WriteByte('>')
	w.buf.WriteString(Escape(text))
	w.buf.WriteString("</" + name + ">\n")
}

// Element writes a complete element another Writer produced, as is, so
// drawings can nest.
func (w *Writer) Element(b []byte) {
	w.buf.Write(b)
}

// Bytes closes every open element and returns the document.
func (w *Writer) Bytes() []byte {
	for len(w.stack) > 0 {
		w.Close()
	}
	return w.buf.Bytes()
}
