package ingest

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/convreport/convreport/internal/inputerr"
)

// LineError reports a problem with one line of the input: a JSON Lines line
// or a CSV record. Its message has the form
//
//	line 17: created_at: "2025-13-01T00:00:00Z" is not an RFC 3339 time with offset
//
// When the conversation decoded but breaks a record rule or repeats an ID,
// Err is a *[convreport.ValidationError] carrying the conversation's ID (and
// its position among the input's records as Index), and the message names
// it:
//
//	line 9: conversation "c-1": id: duplicates the conversation on line 2
type LineError struct {
	File  string // [Options.File]: the input's name, or empty
	Line  int    // from 1; for CSV, the physical line the problem is on
	Field string // the key or column at fault ("created_at", "properties.tier"), or empty
	Err   error
}

// Error formats the error as "[file: ]line N: [field: ]problem".
func (e *LineError) Error() string {
	return inputerr.Format(e.File, "line", e.Line, e.Field, e.Err)
}

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

func fieldErr(field, format string, args ...any) *LineError {
	return &LineError{Field: field, Err: fmt.Errorf(format, args...)}
}

// quote quotes s for an error message, shortening a long value.
func quote(s string) string {
	const max = 64
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}
