package convreport

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/exec"
)

// CheckCalendars reports whether every calendar d and its reports name is
// in s: a *[DashboardError] with Field "calendar", or a *[ReportError]
// with Field "calendar", naming the calendars there are. A store that
// keeps calendars calls it before saving, so that a dashboard never names
// a calendar its runs would not find.
func (d Dashboard) CheckCalendars(s *calendar.Set) error {
	if d.Calendar != "" {
		if _, err := s.Get(d.Calendar); err != nil {
			return &DashboardError{Dashboard: d.label(), Field: "calendar", Reason: err.Error()}
		}
	}
	for _, r := range d.Reports {
		if r.Calendar == "" {
			continue
		}
		if _, err := s.Get(r.Calendar); err != nil {
			return &ReportError{Report: r.Name, Field: "calendar", Err: err}
		}
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
	name  string // the calendar's name in the run's calendar.Set; "" for Query.Calendar
	def   *calendar.Prepared
	inbox map[string]*calendar.Prepared
	// table caches, for the last table scanned, each Inbox dictionary
	// code's calendar; workers share it, and a stale one is rebuilt.
	table atomic.Pointer[bizTable]
}

type bizTable struct {
	t    *exec.Table
	col  int
	cals []*calendar.Prepared // by Inbox code; nil means the default
}

// newBizHours prepares def, with the inbox calendars of set (which may be
// nil) when it has any.
func newBizHours(name string, def *calendar.Calendar, set *calendar.Set) *bizHours {
	b := &bizHours{name: name, def: def.Prepare()}
	if set == nil || len(set.Inboxes) == 0 {
		return b
	}
	prepared := map[string]*calendar.Prepared{}
	b.inbox = map[string]*calendar.Prepared{}
	for in, name := range set.Inboxes {
		c, ok := set.Lookup(name)
		if !ok {
			continue // Validate refused the set already
		}
		bc := prepared[name]
		if bc == nil {
			bc = c.Prepare()
			prepared[name] = bc
		}
		b.inbox[in] = bc
	}
	return b
}

// Between returns the business time from start to end (Unix nanoseconds)
// of row r: by the calendar of the row's inbox, or the default one. It is
// how the executor counts business hours ([exec.Hours]).
func (b *bizHours) Between(t *exec.Table, seg *colstore.Segment, r int, start, end int64) int64 {
	bc := b.def
	if len(b.inbox) > 0 {
		bt := b.forTable(t)
		if code := seg.Cols[bt.col].Codes.At(r); int(code) < len(bt.cals) && bt.cals[code] != nil {
			bc = bt.cals[code]
		}
	}
	return int64(bc.Between(unixTime(start), unixTime(end)))
}

// forTable returns the calendars of t's Inbox codes.
func (b *bizHours) forTable(t *exec.Table) *bizTable {
	if bt := b.table.Load(); bt != nil && bt.t == t {
		return bt
	}
	col := t.Columns["Inbox"]
	dict := t.Store.Dict(col)
	bt := &bizTable{t: t, col: col, cals: make([]*calendar.Prepared, dict.Len())}
	for code := 1; code < dict.Len(); code++ {
		bt.cals[code] = b.inbox[dict.At(code)]
	}
	b.table.Store(bt)
	return bt
}

// calendarOf returns the calendar a conversation in inbox keeps; for the
// drill-down's values.
func (b *bizHours) calendarOf(inbox string) *calendar.Prepared {
	if bc := b.inbox[inbox]; bc != nil {
		return bc
	}
	return b.def
}

// bizFor returns the business hours of report r for rq, or nil for
// calendar time: the calendar r names (see Report.Calendar), else the
// query's Calendar. A name that is not in the query's calendar.Set is a
// *ReportError with Field "calendar". memo shares one preparation among
// the reports of a run that name the same calendar.
func (rq *resolved) bizFor(r Report, memo map[string]*bizHours) (*bizHours, error) {
	if r.Calendar == "" {
		return rq.biz, nil
	}
	if b, ok := memo[r.Calendar]; ok {
		return b, nil
	}
	c, err := lookupCalendar(rq.cals, r.Calendar)
	if err != nil {
		return nil, &ReportError{Report: r.Name, Field: "calendar", Err: err}
	}
	b := newBizHours(r.Calendar, c, rq.cals)
	memo[r.Calendar] = b
	return b, nil
}

// inboxCalendars returns the inbox calendars of b as a map, for a
// PushdownReport.
func (b *bizHours) inboxCalendars() map[string]*calendar.Calendar {
	if b == nil || len(b.inbox) == 0 {
		return nil
	}
	out := make(map[string]*calendar.Calendar, len(b.inbox))
	for in, bc := range b.inbox {
		out[in] = bc.Calendar()
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
	return bc.Between(end.Add(-d), end), true
}

// derivedMetric returns the metric constant of a derived duration
// property; exec.NoMetric for any other.
func derivedMetric(p Property) exec.Metric {
	if d := derivedOf(p); d != nil {
		return d.metric
	}
	return exec.NoMetric
}

// lookupCalendar returns the calendar of cals named name, or why there is
// none: the query's Calendars may be nil.
func lookupCalendar(cals *calendar.Set, name string) (*calendar.Calendar, error) {
	if cals == nil {
		return nil, fmt.Errorf("no calendar %q: the query has no Calendars", name)
	}
	return cals.Get(name)
}
