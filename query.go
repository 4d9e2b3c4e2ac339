package convreport

import (
	"fmt"
	"strings"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/filter"
)

// Query says for which period, in which time zone and for whom reports run.
// Its zero value means: the last 30 complete days in UTC, now, Monday weeks,
// calendar time.
type Query struct {
	// From and To bound the date range, half-open [From, To). When both are
	// zero, Range is used.
	From, To time.Time
	// Range is a preset resolved against Now in Zone; default Last30Days.
	Range Range
	// Zone is the IANA zone for presets, buckets and dates in filters;
	// default UTC.
	Zone *time.Location
	// Now is the current instant; default time.Now(). Inject it for
	// reproducible results.
	Now time.Time
	// WeekStart is the first day of week buckets and week presets.
	WeekStart calendar.Weekday
	// Calendar, when set, makes duration metrics count business hours only:
	// those of a report that names no calendar of its own.
	Calendar *calendar.Calendar
	// Calendars are the named calendars reports and dashboards may name
	// ([Report.Calendar], [Dashboard.Calendar]), and the calendar of each
	// inbox: wherever durations count business hours, a conversation whose
	// inbox has a calendar in Calendars.Inboxes counts by that one.
	Calendars *calendar.Set
	// SLA holds the policies reports with an SLA measure name
	// ([Measure.SLA]). Their targets' calendars are looked up in
	// Calendars.
	SLA *SLASet
	// Viewer is who runs the query; dashboards check access against it.
	Viewer access.Viewer
	// Compare, when set, gives each point of a run the same point of an
	// earlier period ([Point.Previous]): the previous period of equal
	// calendar length, or the same period a year before. See [Compare].
	Compare Compare
}

// pred is the scope as a filter; nil for the zero scope.
func scopePred(s access.Scope, schema *Schema) *filter.Pred {
	var kids []*filter.Pred
	for _, c := range []struct {
		prop string
		vals []string
	}{{"Inbox", s.Inboxes}, {"Team", s.Teams}} {
		if len(c.vals) == 0 {
			continue
		}
		vals := make([]any, len(c.vals))
		for i, v := range c.vals {
			vals[i] = v
		}
		kids = append(kids, &filter.Pred{Op: filter.In, Field: mustProp(schema, c.prop).field(), Vals: vals})
	}
	if len(kids) == 0 {
		return nil
	}
	return &filter.Pred{Op: filter.And, Kids: kids}
}

// resolved is a Query with every default applied.
type resolved struct {
	from, to  time.Time
	loc       *time.Location
	now       time.Time
	weekStart time.Weekday
	cal       *calendar.Calendar
	cals      *calendar.Set
	sla       *SLASet
	scope     access.Scope
	schema    *Schema // set by the engine before planning for a source
	biz       *bizHours
	// leftOut asks finalize for the groups whose conversations the
	// measure all leaves out (Result.leftOut): the earlier run of a
	// comparison, whose Previous points need their Excluded.
	leftOut bool
	// shown keeps each report of the earlier run of a comparison, by its
	// index, to the series the current period shows; nil keeps all.
	shown []*filter.Pred
}

func (q Query) resolve() (resolved, error) {
	r := resolved{loc: q.Zone, now: q.Now, weekStart: q.WeekStart.Std(), cal: q.Calendar, cals: q.Calendars, sla: q.SLA, scope: q.Viewer.Scope}
	if r.loc == nil {
		r.loc = time.UTC
	}
	if err := checkWeekStart(q.WeekStart); err != nil {
		return r, err
	}
	if err := q.Compare.check(); err != nil {
		return r, err
	}
	if r.now.IsZero() {
		r.now = time.Now()
	}
	// Bounds outside the supported times have no nanosecond count: the scan
	// would compare against a wrapped one and miss conversations in range.
	for _, b := range []struct {
		field string
		t     time.Time
	}{{"Now", r.now}, {"From", q.From}, {"To", q.To}} {
		if !b.t.IsZero() && !civil.InRange(b.t) {
			return r, &QueryError{Field: b.field, Reason: civil.RangeReason(civil.FormatRFC3339(b.t))}
		}
	}
	if r.cals != nil {
		if err := r.cals.Validate(); err != nil {
			return r, &QueryError{Field: "Calendars", Reason: withoutPrefix(err, "convreport: calendar: "), Err: err}
		}
	}
	if r.sla != nil {
		if err := r.sla.Validate(); err != nil {
			return r, &QueryError{Field: "SLA", Reason: withoutPrefix(err, "convreport: sla: "), Err: err}
		}
	}
	if r.cal != nil {
		if err := r.cal.Validate(); err != nil {
			return r, &QueryError{Field: "Calendar", Reason: withoutPrefix(err, "convreport: calendar: "), Err: err}
		}
		r.biz = newBizHours("", r.cal, r.cals)
	}
	if q.From.IsZero() && q.To.IsZero() {
		rg := q.Range
		if rg == "" {
			rg = Last30Days
		}
		from, to, err := rg.Resolve(r.now, r.loc, q.WeekStart)
		if err != nil {
			return r, err
		}
		if err := checkResolved("Range", string(rg), from, to); err != nil {
			return r, err
		}
		r.from, r.to = from, to
		return r, nil
	}
	if q.From.IsZero() || q.To.IsZero() {
		return r, &QueryError{Field: "From/To", Reason: "set both bounds of the range, or neither and a Range preset"}
	}
	if !q.From.Before(q.To) {
		return r, &QueryError{Field: "From/To", Reason: "From " + civil.FormatRFC3339(q.From) + " is not before To " + civil.FormatRFC3339(q.To)}
	}
	r.from, r.to = q.From, q.To
	return r, nil
}

// checkResolved refuses a period that reaches outside the supported times,
// as a preset near their ends may.
func checkResolved(field, what string, from, to time.Time) error {
	for _, t := range []time.Time{from, to} {
		if !civil.InRange(t) {
			return &QueryError{Field: field, Reason: fmt.Sprintf("%s resolves to %s – %s, which reaches outside the supported times (%s to %s)",
				what, civil.FormatRFC3339(from), civil.FormatRFC3339(to), civil.FormatRFC3339(civil.MinTime), civil.FormatRFC3339(civil.MaxTime))}
		}
	}
	return nil
}

// QueryError reports an invalid [Query].
type QueryError struct {
	Field  string
	Reason string
	// Err is the error behind Reason, if any: the *calendar.Error values of
	// a bad Calendar, joined.
	Err error
}

func (e *QueryError) Error() string { return "convreport: query: " + e.Field + ": " + e.Reason }

// Unwrap returns Err.
func (e *QueryError) Unwrap() error { return e.Err }

// withoutPrefix is err's message without prefix, which a QueryError's
// own "convreport: query: Field: " would otherwise repeat.
func withoutPrefix(err error, prefix string) string {
	return strings.TrimPrefix(err.Error(), prefix)
}

// checkWeekStart refuses a week start outside Monday..Sunday.
func checkWeekStart(w calendar.Weekday) error {
	if !w.Valid() {
		return &QueryError{Field: "WeekStart", Reason: fmt.Sprintf("%d is not a day: want Monday (0) to Sunday (6)", int(w))}
	}
	return nil
}
