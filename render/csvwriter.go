package render

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CSVWriter writes CSV for people's spreadsheets: every output of this
// module that is CSV (the [CSV] renderer, the command line's drill-down)
// writes through it, so a hostile label cannot become a formula. Each cell
// goes through [CSVCell]. It is not for data files meant to be read back
// exactly (ingest's interchange CSV), whose cells must stay byte for byte.
type CSVWriter struct{ w *csv.Writer }

// NewCSVWriter returns a CSVWriter writing to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w)} }

// Write writes one row, each cell made safe by [CSVCell].
func (c *CSVWriter) Write(row []string) error {
	safe := make([]string, len(row))
	for i, s := range row {
		safe[i] = CSVCell(s)
	}
	return c.w.Write(safe)
}

// Flush writes any buffered rows and returns the first error met.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// CSVCell makes one cell safe to open in a spreadsheet. A number (an
// integer or a decimal, negative ones included: "-12.5") is kept as it is,
// so numbers stay numbers. Any other cell has its control characters
// (tab, carriage return and newline among them) and invalid UTF-8 replaced
// with U+FFFD, and when it then begins with a character a spreadsheet
// reads as the start of a formula ('=', '+', '-', '@') it gets a leading
// apostrophe, which spreadsheets show as text.
func CSVCell(s string) string {
	if isDecimal(s) {
		return s
	}
	if strings.IndexFunc(s, func(r rune) bool { return r == utf8.RuneError || unicode.IsControl(r) }) >= 0 {
		s = strings.Map(func(r rune) rune {
			if r == utf8.RuneError || unicode.IsControl(r) {
				return '\uFFFD'
			}
			return r
		}, s)
	}
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

// isDecimal reports whether s is a plain decimal number: an optional minus
// sign, digits, and optionally a point and more digits.
func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	digits := func(x string) bool {
		if x == "" {
			return false
		}
		for i := 0; i < len(x); i++ {
			if x[i] < '0' || x[i] > '9' {
				return false
			}
		}
		return true
	}
	return digits(intPart) && (!hasFrac || digits(frac))
}
