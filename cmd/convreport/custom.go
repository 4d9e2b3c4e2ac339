package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/internal/strictjson"
)

// calendarFlag is --calendar: business hours from a calendar file.
type calendarFlag struct{ path string }

func (f *calendarFlag) register(fs *flag.FlagSet) {
	fs.StringVar(&f.path, "calendar", "", "business hours: a calendar .json file (one calendar, or {\"calendars\": [...], \"default\": NAME, \"inboxes\": {INBOX: NAME}}); durations then count open hours only, each inbox by its own calendar")
}

// load reads the calendar file; nil without --calendar.
func (f *calendarFlag) load() (*calendar.Set, error) {
	if f.path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(f.path)
	if err != nil {
		return nil, flagFileError("--calendar", f.path, err)
	}
	set, err := calendar.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("--calendar %s: %s", f.path, fileProblem(b, err))
	}
	return set, nil
}

// fileProblem says what err, the error of reading the calendar or SLA
// file b, is about on one line, and where in b: the line and column
// where the JSON breaks or ends, or of the key its error names.
func fileProblem(b []byte, err error) string {
	if !json.Valid(b) {
		var v any
		serr := json.Unmarshal(b, &v)
		if line, col, ok := strictjson.Syntax(b, serr); ok {
			if strictjson.EndsTooSoon(serr) {
				return fmt.Sprintf("line %d, column %d: the file ends before its JSON does", line, col)
			}
			return fmt.Sprintf("line %d, column %d: %v", line, col, serr)
		}
	}
	var field string
	var ce *calendar.Error
	var se *convreport.SLAError
	switch {
	case errors.As(err, &ce):
		field = ce.Field
	case errors.As(err, &se):
		field = se.Field
	}
	if line, col := strictjson.Find(b, field); line > 0 {
		return fmt.Sprintf("line %d, column %d: %s", line, col, oneLine(err))
	}
	return oneLine(err)
}

// apply puts the calendars on q: the default calendar (if the file has
// one) for every report, and the set for the names dashboards and
// reports give. A dashboard that names a calendar the file lacks, or names
// one without --calendar, is an error before any data loads.
func (f *calendarFlag) apply(q *convreport.Query, d convreport.Dashboard) error {
	set, err := f.load()
	if err != nil {
		return err
	}
	if set == nil {
		if name := namedCalendar(d); name != "" {
			return usageError("dashboard %q counts business hours with calendar %q: give --calendar FILE.json holding it", d.Name, name)
		}
		return nil
	}
	if err := d.CheckCalendars(set); err != nil {
		return fmt.Errorf("--calendar %s: %s", f.path, oneLine(err))
	}
	q.Calendars = set
	q.Calendar = set.DefaultCalendar()
	return nil
}

// namedCalendar returns a calendar name d or one of its reports gives.
func namedCalendar(d convreport.Dashboard) string {
	if d.Calendar != "" {
		return d.Calendar
	}
	for _, r := range d.Reports {
		if r.Calendar != "" {
			return r.Calendar
		}
	}
	return ""
}

// oneLine joins the lines of an error (a calendar's problems, joined) so
// that the command line says it in one line.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimPrefix(err.Error(), "convreport: "), "\nconvreport: ", "; ")
}

// schemaFor returns the schema of the custom properties: --schema's file,
// or the one --infer-schema reads from the data (printed on stderr), or
// the default. For an inferred schema of standard input, in is the input
// as read, to read again.
func (c *cli) schemaFor(d dataFlags, format ingest.Format, name string) (*convreport.Schema, io.Reader, error) {
	switch {
	case d.resolved != nil:
		return d.resolved, nil, nil
	case d.schema != "" && d.inferSchema:
		return nil, nil, usageError("give --schema or --infer-schema, not both")
	case d.schema != "":
		b, err := os.ReadFile(d.schema)
		if err != nil {
			return nil, nil, flagFileError("--schema", d.schema, err)
		}
		s, err := convreport.ParseSchema(b)
		if err != nil {
			return nil, nil, fmt.Errorf("--schema %s: %s", d.schema, oneLine(err))
		}
		return s, nil, nil
	case !d.inferSchema:
		return nil, nil, nil
	}
	var r io.Reader
	var again io.Reader
	if d.path == "-" {
		b, err := io.ReadAll(c.stdin)
		if err != nil {
			return nil, nil, err
		}
		r, again = bytes.NewReader(b), bytes.NewReader(b)
	} else {
		f, err := os.Open(d.path)
		if err != nil {
			return nil, nil, flagFileError("--data", d.path, err)
		}
		defer f.Close()
		r = f
		if d.limited {
			// A followed file's last line may be half written.
			r = io.LimitReader(f, d.upTo)
		}
	}
	s, err := ingest.InferSchema(c.ctx, r, format, ingest.Options{File: name, SkipInvalid: d.skipInvalid, IgnoreUnknown: d.ignoreUnknown})
	if s == nil {
		return nil, nil, err
	}
	// A schema and an error: the lines --skip-invalid skips, which the
	// read reports.
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(c.stderr, "convreport: inferred schema (save it and give --schema FILE to fix it):\n%s\n", b)
	return s, again, nil
}
