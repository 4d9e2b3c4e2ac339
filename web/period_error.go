package web

import (
	"errors"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
)

// periodKeys are the query parameters that choose a page's period.
var periodKeys = []string{"range", "from", "to", "tz", "now", "week_start"}

// periodError returns the error when err is about a bad query parameter
// of a page's view: its period (range, from, to, tz, now, week_start), its
// dashboard filters or its comparison. The dashboard page says it next to
// the date range form and shows the view without that parameter, instead
// of an error page that loses the dashboard.
func periodError(err error) (*Error, bool) {
	var e *Error
	var qe *convreport.QueryError
	switch {
	case errors.As(err, &e):
	case errors.As(err, &qe):
		// The engine's refusal of the query asked for: a compared period
		// outside the supported times, say.
		e = toError(err)
	default:
		return nil, false
	}
	if e.Status != http.StatusBadRequest || e.Code != "invalid_query" {
		return nil, false
	}
	return e, true
}

// withoutPeriod is r without the parameters e is about: every period
// parameter when e is about one of them (the default period), else the
// one e names, so that the rest of the view (filters, comparison, a good
// period) is kept.
func withoutPeriod(r *http.Request, e *Error) *http.Request {
	r2 := r.Clone(r.Context())
	q := r2.URL.Query()
	if e.Field == "" || slices.Contains(periodKeys, e.Field) {
		for _, k := range periodKeys {
			q.Del(k)
		}
	} else {
		q.Del(e.Field)
	}
	r2.URL.RawQuery = q.Encode()
	return r2
}

// fallbackNote is what a page says when e's parameter of r was dropped:
// the problem, then what is shown instead.
func fallbackNote(e *Error, r *http.Request) string {
	msg := strings.TrimSuffix(sentence(e.Message), ".") + ". "
	q := r.URL.Query()
	if e.Field == "to" && isDate(q.Get("from")) && isDate(q.Get("to")) && q.Get("from") >= q.Get("to") {
		// The form's To is the last day included, not the address's to:
		// say the dates as the form shows them.
		msg = sprintf("The last day, %s, is before the first, %s. ", lastDay(q.Get("to")), q.Get("from"))
	}
	switch {
	case e.Field == "" || slices.Contains(periodKeys, e.Field):
		return msg + "Showing the default period instead."
	case e.Field == "filters":
		return msg + "Showing the dashboard without these filters."
	case e.Field == "compare":
		return msg + "Showing it without a comparison."
	}
	return msg + "Showing the dashboard without it."
}

// runForPage is runFor for a page: a bad parameter of the view is dropped
// (and said, in note) rather than turned into an error page.
// A report whose own filters no longer check is shown as such, its card
// saying why (see stale.go).
func (h *handler) runForPage(r *http.Request, v access.Viewer) (*run, *http.Request, string, error) {
	mode := runMode{skipStale: true}
	runOf := func(r *http.Request, v access.Viewer) (*run, error) { return h.runOf(r, v, mode) }
	run, err := runOf(r, v)
	note := ""
	if e, ok := savedFiltersError(err); ok {
		// Saved filters that no longer check: the page shows the
		// dashboard without them, and them in the filter bar to remove.
		note = strings.TrimSuffix(sentence(e.Message), ".") + ". Showing the dashboard without its saved filters."
		mode.skipSaved = true
		run, err = runOf(r, v)
		if err == nil && run.d.Can(v, access.Edit) {
			note += " Remove the filter in the row of filters below."
		}
	}
	// Two tries: a period and a filter may both be wrong.
	for range 2 {
		bad, ok := periodError(err)
		if !ok {
			break
		}
		if note == "" {
			note = fallbackNote(bad, r)
		}
		r = withoutPeriod(r, bad)
		run, err = runOf(r, v)
	}
	return run, r, note, err
}

// The convreport.LimitError of a report with more time buckets than the
// engine allows, and of a time series with more points (its series times
// its buckets).
const (
	bucketsLimit = "buckets per report"
	pointsLimit  = "points per report"
)

// tooManyBuckets returns the engine's refusal of a report whose period
// has more time buckets, or makes its time series more points, than the
// engine allows, and the message that says so in terms of the period:
// its length is what a person changes, the report's bucket (or, for the
// points, its Top) being the other way out.
func tooManyBuckets(err error, q convreport.Query) (string, bool) {
	var re *convreport.ReportError
	var le *convreport.LimitError
	if !errors.As(err, &re) || !errors.As(err, &le) || le.Limit != bucketsLimit && le.Limit != pointsLimit {
		return "", false
	}
	from, to, rerr := resolveRange(q)
	if rerr != nil {
		return "", false
	}
	// In seconds: a time.Duration holds no more than 292 years. Rounded,
	// for the hour a daylight saving change adds or takes.
	days := int64(math.Round(float64(to.Unix()-from.Unix()) / 86400))
	if le.Limit == pointsLimit {
		// Got counts the series met when the run stopped: at least.
		return sprintf("the period %s has %d days, too many for report %q: a line per group times its time buckets would be at least %d points, and a report may have at most %d; choose a shorter period, a wider time bucket or a smaller Top",
			rangeLabel(from, to, q.Zone), days, re.Report, le.Got, le.Max), true
	}
	return sprintf("the period %s has %d days, too many for report %q: it would have %d time buckets, and a report may have at most %d; choose a shorter period or a wider time bucket",
		rangeLabel(from, to, q.Zone), days, re.Report, le.Got, le.Max), true
}

// periodTooLong is err, the error of running saved reports for the
// period of q, or when the period has too many time buckets for one of
// them, a 400 invalid_query on the period: the request's period, not the
// saved report, is what made them too many. field is the parameter that
// chose the period.
func periodTooLong(err error, q convreport.Query, p period) error {
	msg, ok := tooManyBuckets(err, q)
	if !ok {
		return err
	}
	field := "range"
	if p.From != "" || p.To != "" {
		field = "from"
	}
	e := badRequest("invalid_query", field, "%s", msg)
	e.err = err
	return e
}

// isDate reports whether s is a date written YYYY-MM-DD.
func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// savedFiltersError returns err when it is about the dashboard's saved
// filters (a condition error on "filters" with no index in the view's).
func savedFiltersError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) && e.Code == "invalid_condition" && e.Field == "filters" && e.Index == nil {
		return e, true
	}
	return nil, false
}
