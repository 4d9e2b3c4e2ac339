package web

import (
	"context"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/internal/suggest"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/civil"
)

// The query parameters that choose the period of a run, a drill-down or a
// preview:
//
//	range       a preset: today, last_week, last_30_days, last_N_days, …
//	from, to    instead of range: a date (in tz) or an RFC 3339 time; to is exclusive
//	tz          an IANA time zone; default Config.Zone
//	now         the instant presets and snapshots resolve against; default Config.Now()
//	week_start  monday … sunday; default monday
//
// A run's response carries the resolved from, to and now, so that a
// drill-down asked later names exactly the same period.
// single refuses a query string that gives a parameter twice: which one
// was meant is anybody's guess.
func single(v url.Values) error {
	for k, vs := range v {
		if len(vs) > 1 {
			return badRequest("bad_request", k, "the parameter %s is given %d times; give it once", k, len(vs))
		}
	}
	return nil
}

// The query parameters of the API's endpoints, each list all that an
// endpoint reads (see endpoint).
var (
	periodParams = []string{"range", "from", "to", "tz", "now", "week_start"}
	// A view adds the dashboard filters and the comparison (filters.go).
	viewParams = append(slices.Clip(periodParams), "filters", "compare")
	runParams  = append(slices.Clip(viewParams), "format")
	// A live stream also reads what its page shows (live.go).
	liveParams = append(slices.Clip(viewParams), "sigs", "version", "created")
	// A drill-down names its point (drill.go) and its page of rows.
	drillParams       = append(slices.Clip(viewParams), "point", "other", "list", "sort", "desc", "offset", "limit")
	drillExportParams = append(slices.Clip(viewParams), "point", "other", "list", "sort", "desc", "format")
	exportParams      = append(slices.Clip(viewParams), "format")
	// A change a URL names: DELETE …?version=N&created=T (manage.go).
	changeParams = []string{"version", "created"}
)

// knownParams refuses a query string that does not parse, or that has a
// parameter not in known, naming it and the known one it most likely
// meant.
func knownParams(rawQuery string, known []string) error {
	v, err := url.ParseQuery(rawQuery)
	if err != nil {
		// url.Values would drop the pair silently.
		return badRequest("bad_request", "", "the query string does not parse: %s", strings.TrimPrefix(err.Error(), "url: "))
	}
	keys := slices.Sorted(maps.Keys(v))
	for _, k := range keys {
		if slices.Contains(known, k) {
			continue
		}
		if len(known) == 0 {
			return badRequest("bad_request", k, "unknown parameter %q: this endpoint takes no query parameters", k)
		}
		if meant := closest(k, known); len(meant) > 0 {
			return badRequest("bad_request", k, "unknown parameter %q (did you mean %s?)", k, orList(meant))
		}
		return badRequest("bad_request", k, "unknown parameter %q (want %s)", k, orList(known))
	}
	return nil
}

// closest is the known names a typo most likely meant, quoted: the one
// suggest.Closest picks, and any other as close ("limt" is one typo from
// both "limit" and "list").
func closest(name string, known []string) []string {
	cands := make([]suggest.Candidate, len(known))
	for i, p := range known {
		cands[i] = suggest.Candidate{Text: p, Suggest: p}
	}
	best := suggest.Closest(name, cands)
	if best == "" {
		return nil
	}
	low := strings.ToLower(name)
	if low == best {
		return []string{strconv.Quote(best)}
	}
	d := suggest.Distance(low, best)
	var out []string
	for _, p := range known {
		if suggest.Distance(low, p) == d {
			out = append(out, strconv.Quote(p))
		}
	}
	return out
}

// orList is "a, b or c".
func orList(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// queryUTF8 refuses a query string whose parameters, once unescaped, are
// not UTF-8 (%FF): a name or a point read from one would be changed, each
// bad byte into U+FFFD.
func queryUTF8(rawQuery string) error {
	if utf8.ValidString(rawQuery) && !strings.Contains(rawQuery, "%") {
		return nil
	}
	v, _ := url.ParseQuery(rawQuery) // a bad escape is not this check's
	for k, vs := range v {
		if !utf8.ValidString(k) {
			return badRequest("bad_request", "", "the parameter %q is not UTF-8; escape each byte of UTF-8 text as %%XX", k)
		}
		for _, s := range vs {
			if !utf8.ValidString(s) {
				return badRequest("bad_request", k, "the parameter %s is not UTF-8: %q; escape each byte of UTF-8 text as %%XX", k, s)
			}
		}
	}
	return nil
}

// period is a request's choice of period, kept as text for links.
type period struct {
	Range, From, To, TZ, Now, WeekStart string
}

func periodOf(v url.Values) period {
	return period{
		Range: strings.TrimSpace(v.Get("range")), From: strings.TrimSpace(v.Get("from")), To: strings.TrimSpace(v.Get("to")),
		TZ: strings.TrimSpace(v.Get("tz")), Now: strings.TrimSpace(v.Get("now")), WeekStart: strings.TrimSpace(v.Get("week_start")),
	}
}

// query builds the engine query for viewer v; every error is a 400 naming
// the parameter.
func (h *handler) query(ctx context.Context, p period, v access.Viewer) (convreport.Query, error) {
	q := convreport.Query{Zone: h.cfg.Zone, Viewer: v}
	if h.cfg.Calendars != nil {
		// The calendars dashboards and reports name, and the inboxes'.
		set, err := h.cfg.Calendars.Calendars(ctx)
		if err != nil {
			return q, err
		}
		q.Calendars = set
	}
	// The SLA policies reports measure.
	sla, err := h.slaSet(ctx)
	if err != nil {
		return q, err
	}
	q.SLA = sla
	if p.TZ != "" {
		loc, err := time.LoadLocation(p.TZ)
		if err != nil || strings.EqualFold(p.TZ, "local") {
			return q, badRequest("invalid_query", "tz", "tz %q is not an IANA time zone (like Europe/Paris or UTC)", p.TZ)
		}
		q.Zone = loc
	}
	q.Now = h.cfg.Now()
	if p.Now != "" {
		t, err := parseTime(p.Now, q.Zone)
		if err != nil {
			return q, badRequest("invalid_query", "now", "now: %s", err.Error())
		}
		q.Now = t
	}
	if p.WeekStart != "" {
		ws, err := calendar.ParseWeekday(p.WeekStart)
		if err != nil {
			return q, badRequest("invalid_query", "week_start", "week_start %q: want a day name like monday or sunday", p.WeekStart)
		}
		q.WeekStart = ws
	}
	switch {
	case p.Range != "" && (p.From != "" || p.To != ""):
		return q, badRequest("invalid_query", "range", "give range or from and to, not both")
	case p.Range != "":
		rg, err := convreport.ParseRange(p.Range)
		if err != nil {
			return q, badRequest("invalid_query", "range", "%s", cleanMessage(err.Error()))
		}
		q.Range = rg
	case p.From != "" || p.To != "":
		if p.From == "" || p.To == "" {
			field := "from"
			if p.From != "" {
				field = "to"
			}
			return q, badRequest("invalid_query", field, "give both from and to")
		}
		var err error
		if q.From, err = parseTime(p.From, q.Zone); err != nil {
			return q, badRequest("invalid_query", "from", "from: %s", err.Error())
		}
		if q.To, err = parseTime(p.To, q.Zone); err != nil {
			return q, badRequest("invalid_query", "to", "to: %s", err.Error())
		}
		if !q.From.Before(q.To) {
			return q, badRequest("invalid_query", "to", "%s", notBefore(p.From, p.To, q.From, q.To, q.Zone))
		}
	}
	return q, nil
}

// notBefore says that from (the instant fromT) is not before to (toT).
// When both are one instant because one of them is a date loc skipped
// entirely (Pacific/Apia went from 2011-12-29 to 2011-12-31), it says so:
// by the rule of every date, such a date starts when the next one does,
// and "from the skipped day to the next" holds no time.
func notBefore(from, to string, fromT, toT time.Time, loc *time.Location) string {
	msg := sprintf("from %s is not before to %s", from, to)
	if !fromT.Equal(toT) {
		return msg
	}
	for _, v := range []string{from, to} {
		d, err := calendar.ParseDate(v)
		if err != nil {
			continue
		}
		start, skipped := civil.SkippedDay(d.Year, d.Month, d.Day, loc)
		if !skipped {
			continue
		}
		return sprintf("%s: %s skipped the day %s (its clocks went from %s to %s), so the period holds no time; choose other dates",
			msg, loc, v, start.Add(-time.Nanosecond).Format(time.DateOnly), start.Format(time.DateOnly))
	}
	return msg
}

// parseTime reads a date (its first instant in loc, the rule of every date
// in convreport) or an RFC 3339 time.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	t, err := calendar.ParseTime(s, loc)
	if err != nil {
		// Its caller names the parameter, and makes the error.
		return t, errors.New(strings.TrimPrefix(err.Error(), "convreport: "))
	}
	return t, nil
}

// pinned is the period of a finished run as parameters that name it
// exactly: resolved from, to and now, and the zone. The times are in the
// zone, or in UTC where its offset had seconds, which RFC 3339 cannot
// write (civil.Writable).
func pinned(from, to, now time.Time, zone *time.Location, weekStart string) url.Values {
	v := url.Values{}
	v.Set("from", civil.FormatRFC3339(from.In(zone)))
	v.Set("to", civil.FormatRFC3339(to.In(zone)))
	v.Set("tz", zone.String())
	v.Set("now", civil.FormatRFC3339(now.In(zone)))
	if weekStart != "" {
		v.Set("week_start", weekStart)
	}
	return v
}
