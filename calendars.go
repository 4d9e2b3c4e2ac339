package convreport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/convreport/convreport/internal/colstore"
)

// CalendarSet holds named business-hours calendars and says which calendar
// each inbox keeps. A dashboard or a report that counts business hours
// names one of the calendars ([Dashboard.Calendar], [Report.Calendar]);
// its durations then use, for each conversation, the calendar of the
// conversation's inbox if Inboxes gives one, and the named calendar
// otherwise.
//
// It reads and writes JSON as
//
//	{"calendars": [{"name": "paris", "zone": "Europe/Paris", "week": {…}},
//	               {"name": "new-york", "zone": "America/New_York", "week": {…}}],
//	 "default": "paris",
//	 "inboxes": {"US support": "new-york"}}
//
// [ParseCalendars] also reads a file holding a single calendar.
type CalendarSet struct {
	// Calendars each have a distinct, non-empty Name.
	Calendars []*Calendar
	// Default, when set, names the calendar of a run that counts business
	// hours without naming one: the command line's --calendar makes every
	// report count business hours with it.
	Default string
	// Inboxes maps an inbox (a conversation's Inbox) to the name of its
	// calendar.
	Inboxes map[string]string
}

// Lookup returns the calendar named name.
func (s *CalendarSet) Lookup(name string) (*Calendar, bool) {
	if s == nil {
		return nil, false
	}
	for _, c := range s.Calendars {
		if c != nil && c.Name == name {
			return c, true
		}
	}
	return nil, false
}

// Names returns the calendars' names, in order.
func (s *CalendarSet) Names() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s.Calendars))
	for _, c := range s.Calendars {
		if c != nil {
			out = append(out, c.Name)
		}
	}
	return out
}

// DefaultCalendar returns the calendar Default names; nil when Default is
// empty.
func (s *CalendarSet) DefaultCalendar() *Calendar {
	if s == nil || s.Default == "" {
		return nil
	}
	c, _ := s.Lookup(s.Default)
	return c
}

// Validate reports every problem of s, joined, each a *[CalendarError]
// whose Field is the JSON path of the bad value: a calendar's own problems
// ("calendars[1].week.monday[0]"), a calendar without a name or with the
// name of another ("calendars[1].name"), and a default or an inbox that
// names no calendar ("default", `inboxes["US support"]`).
func (s *CalendarSet) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, c := range s.Calendars {
		at := fmt.Sprintf("calendars[%d]", i)
		if c == nil {
			errs = append(errs, &CalendarError{at, "is null"})
			continue
		}
		errs = append(errs, prefixCalendarErrors(at, c.Validate())...)
		switch {
		case c.Name == "":
			errs = append(errs, &CalendarError{at + ".name", "is required: the set's dashboards, reports and inboxes refer to calendars by name"})
		case seen[c.Name]:
			errs = append(errs, &CalendarError{at + ".name", fmt.Sprintf("%q names two calendars", c.Name)})
		}
		seen[c.Name] = true
	}
	if s.Default != "" && !seen[s.Default] {
		errs = append(errs, &CalendarError{"default", s.unknown(s.Default)})
	}
	inboxes := make([]string, 0, len(s.Inboxes))
	for in := range s.Inboxes {
		inboxes = append(inboxes, in)
	}
	sort.Strings(inboxes)
	for _, in := range inboxes {
		if name := s.Inboxes[in]; !seen[name] {
			errs = append(errs, &CalendarError{"inboxes[" + strconv.Quote(in) + "]", s.unknown(name)})
		}
	}
	return errors.Join(errs...)
}

// unknown says that name is no calendar of s, and which are.
func (s *CalendarSet) unknown(name string) string {
	names := s.Names()
	if len(names) == 0 {
		return fmt.Sprintf("no calendar %q: there are no calendars", name)
	}
	return fmt.Sprintf("no calendar %q (have %s)", name, strings.Join(names, ", "))
}

// prefixCalendarErrors puts at before the Field of each *CalendarError of
// err (one or joined).
func prefixCalendarErrors(at string, err error) []error {
	if err == nil {
		return nil
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]error, 0, len(list))
	for _, e := range list {
		var ce *CalendarError
		if errors.As(e, &ce) {
			f := at
			if ce.Field != "" {
				f += "." + ce.Field
			}
			out = append(out, &CalendarError{f, ce.Reason})
			continue
		}
		out = append(out, fmt.Errorf("%s: %w", at, e))
	}
	return out
}

type calendarSetJSON struct {
	Calendars []json.RawMessage `json:"calendars"`
	Default   string            `json:"default,omitempty"`
	Inboxes   map[string]string `json:"inboxes,omitempty"`
}

// MarshalJSON writes the set as documented on [CalendarSet]; it fails on a
// set Validate rejects.
func (s CalendarSet) MarshalJSON() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	j := calendarSetJSON{Calendars: []json.RawMessage{}, Default: s.Default, Inboxes: s.Inboxes}
	for _, c := range s.Calendars {
		b, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		j.Calendars = append(j.Calendars, b)
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a set written as documented on [CalendarSet]. Bad
// values are *CalendarError values naming the field from the set's root
// ("calendars[0].zone"); the receiver is unchanged on error.
func (s *CalendarSet) UnmarshalJSON(b []byte) error {
	var j calendarSetJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		ce, _ := calendarJSONError(err).(*CalendarError)
		if ce != nil && strings.HasPrefix(ce.Reason, "unknown field") {
			name, _, _ := strings.Cut(strings.TrimPrefix(ce.Reason, "unknown field "), " (")
			ce.Reason = "unknown field " + name + " (want calendars, default, inboxes)"
		}
		return ce
	}
	out := CalendarSet{Default: j.Default, Inboxes: j.Inboxes}
	for i, raw := range j.Calendars {
		c := new(Calendar)
		if err := c.UnmarshalJSON(raw); err != nil {
			return errors.Join(prefixCalendarErrors(fmt.Sprintf("calendars[%d]", i), err)...)
		}
		out.Calendars = append(out.Calendars, c)
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*s = out
	return nil
}

// ParseCalendars reads a calendar file: a [CalendarSet] (an object with a
// "calendars" key), or a single [Calendar], which becomes a set of one
// that is also its Default (named "default" when it has no name). Errors
// are *[CalendarError] values naming the field.
func ParseCalendars(b []byte) (*CalendarSet, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, calendarJSONError(err)
	}
	if _, ok := probe["calendars"]; ok {
		s := new(CalendarSet)
		if err := s.UnmarshalJSON(b); err != nil {
			return nil, err
		}
		return s, nil
	}
	c := new(Calendar)
	if err := c.UnmarshalJSON(b); err != nil {
		return nil, err
	}
	if c.Name == "" {
		c.Name = "default"
	}
	return &CalendarSet{Calendars: []*Calendar{c}, Default: c.Name}, nil
}

// CheckDashboard reports whether every calendar d and its reports name is
// in s: a *[DashboardError] with Field "calendar", or a *[ReportError]
// with Field "calendar", naming the calendars there are. A store that
// keeps calendars calls it before saving, so that a dashboard never names
// a calendar its runs would not find.
func (s *CalendarSet) CheckDashboard(d Dashboard) error {
	if d.Calendar != "" {
		if _, ok := s.Lookup(d.Calendar); !ok {
			return &DashboardError{Dashboard: d.label(), Field: "calendar", Reason: s.unknown(d.Calendar)}
		}
	}
	for _, r := range d.Reports {
		if err := s.checkReport(r); err != nil {
			return err
		}
	}
	return nil
}

func (s *CalendarSet) checkReport(r Report) error {
	if r.Calendar == "" {
		return nil
	}
	if _, ok := s.Lookup(r.Calendar); !ok {
		return &ReportError{Report: r.Name, Field: "calendar", Err: errors.New(s.unknown(r.Calendar))}
	}
	return nil
}

// checkCalendarName reports a calendar name that is not an ID, for the
// Calendar fields of dashboards and reports.
func checkCalendarName(name string) error {
	if name != "" && !idPattern.MatchString(name) {
		return fmt.Errorf("%q is not a calendar name: use 1 to 64 of a-z, 0-9, - and _", name)
	}
	return nil
}

// bizHours is the business hours of a report's run: a default calendar,
// and the calendars of some inboxes, each with its holidays sorted once.
type bizHours struct {
	name  string // the calendar's name in the run's CalendarSet; "" for Query.Calendar
	def   openTimes
	inbox map[string]*openTimes
	// table caches, for the last table scanned, each Inbox dictionary
	// code's calendar; workers share it, and a stale one is rebuilt.
	table atomic.Pointer[bizTable]
}

type bizTable struct {
	t    *Table
	col  int
	cals []*openTimes // by Inbox code; nil means the default
}

// newBizHours prepares def, with the inbox calendars of set (which may be
// nil) when it has any.
func newBizHours(name string, def *Calendar, set *CalendarSet) *bizHours {
	b := &bizHours{name: name, def: def.prepare(nil)}
	if set == nil || len(set.Inboxes) == 0 {
		return b
	}
	prepared := map[string]*openTimes{}
	b.inbox = map[string]*openTimes{}
	for in, name := range set.Inboxes {
		c, ok := set.Lookup(name)
		if !ok {
			continue // Validate refused the set already
		}
		bc := prepared[name]
		if bc == nil {
			x := c.prepare(nil)
			bc = &x
			prepared[name] = bc
		}
		b.inbox[in] = bc
	}
	return b
}

// rowBetween returns the business time from start to end (Unix
// nanoseconds) of row r: by the calendar of the row's inbox, or the
// default one.
func (b *bizHours) rowBetween(t *Table, seg *colstore.Segment, r int, start, end int64) int64 {
	bc := &b.def
	if len(b.inbox) > 0 {
		bt := b.forTable(t)
		if code := seg.Cols[bt.col].Codes.At(r); int(code) < len(bt.cals) && bt.cals[code] != nil {
			bc = bt.cals[code]
		}
	}
	return int64(bc.between(unixTime(start), unixTime(end)))
}

// forTable returns the calendars of t's Inbox codes.
func (b *bizHours) forTable(t *Table) *bizTable {
	if bt := b.table.Load(); bt != nil && bt.t == t {
		return bt
	}
	col := t.schema.index["Inbox"]
	dict := t.cols.Dict(col)
	bt := &bizTable{t: t, col: col, cals: make([]*openTimes, len(dict))}
	for code, v := range dict {
		if code != 0 {
			bt.cals[code] = b.inbox[v]
		}
	}
	b.table.Store(bt)
	return bt
}

// calendarOf returns the calendar a conversation in inbox keeps; for the
// drill-down's values.
func (b *bizHours) calendarOf(inbox string) *openTimes {
	if bc := b.inbox[inbox]; bc != nil {
		return bc
	}
	return &b.def
}

// bizFor returns the business hours of report r for rq, or nil for
// calendar time: the calendar r names (see Report.Calendar), else the
// query's Calendar. A name that is not in the query's CalendarSet is a
// *ReportError with Field "calendar". memo shares one preparation among
// the reports of a run that name the same calendar.
func (rq *resolved) bizFor(r Report, memo map[string]*bizHours) (*bizHours, error) {
	if r.Calendar == "" {
		return rq.biz, nil
	}
	if b, ok := memo[r.Calendar]; ok {
		return b, nil
	}
	c, ok := rq.cals.Lookup(r.Calendar)
	if !ok {
		reason := rq.cals.unknown(r.Calendar)
		if rq.cals == nil {
			reason = fmt.Sprintf("no calendar %q: the query has no Calendars", r.Calendar)
		}
		return nil, &ReportError{Report: r.Name, Field: "calendar", Err: errors.New(reason)}
	}
	b := newBizHours(r.Calendar, c, rq.cals)
	memo[r.Calendar] = b
	return b, nil
}

// inboxCalendars returns the inbox calendars of b as a map, for a
// PushdownReport.
func (b *bizHours) inboxCalendars() map[string]*Calendar {
	if b == nil || len(b.inbox) == 0 {
		return nil
	}
	out := make(map[string]*Calendar, len(b.inbox))
	for in, bc := range b.inbox {
		out[in] = bc.c
	}
	return out
}

// duration returns c's derived duration p in business time, as the scan
// counts it; false when p is no derived duration or does not apply.
func (b *bizHours) duration(c *Conversation, p Property) (time.Duration, bool) {
	var d time.Duration
	var ok bool
	end := c.FirstResponseAt
	switch p.Name {
	case "FirstResponseTime":
		d, ok = c.AgentFirstResponseTime()
	case "WaitTime":
		d, ok = c.CustomerWaitTime()
	case "TimeToClose":
		d, ok = c.TimeToClose()
		end = c.ClosedAt
	}
	if !ok {
		return 0, false
	}
	bc := b.calendarOf(c.Inbox)
	return bc.between(end.Add(-d), end), true
}

// derivedMetric returns the metric constant of a derived duration
// property; metricNone for any other.
func derivedMetric(p Property) int {
	if !p.Derived {
		return metricNone
	}
	switch p.Name {
	case "FirstResponseTime":
		return metricFirstResponse
	case "WaitTime":
		return metricWait
	case "TimeToClose":
		return metricClose
	}
	return metricNone
}
