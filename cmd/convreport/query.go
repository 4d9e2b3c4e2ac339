package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/internal/civil"
)

// queryFlags are the flags every reporting command shares.
type queryFlags struct {
	from, to, rng, tz, now, weekStart string
}

func (q *queryFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&q.from, "from", "", "start of the range, inclusive: a date (2025-03-01, in --tz) or an RFC 3339 time")
	fs.StringVar(&q.to, "to", "", "end of the range, exclusive: a date or an RFC 3339 time")
	fs.StringVar(&q.rng, "range", "", "a preset instead of --from/--to: today, yesterday, this_week, last_week, this_month, last_month, this_quarter, last_quarter, this_year, last_year, last_N_days (default last_30_days)")
	fs.StringVar(&q.tz, "tz", "UTC", "IANA time zone for dates, presets and buckets")
	fs.StringVar(&q.now, "now", "", "the current time for presets and open snapshots (default: now)")
	fs.StringVar(&q.weekStart, "week-start", "monday", "first day of week buckets")
}

// query builds the engine query; defaultNow is used when --now is absent.
func (q *queryFlags) query(defaultNow time.Time) (convreport.Query, error) {
	loc, err := time.LoadLocation(q.tz)
	if err != nil || q.tz == "" || strings.EqualFold(q.tz, "local") {
		return convreport.Query{}, usageError("--tz %q: not an IANA time zone (like Europe/Paris or UTC)", q.tz)
	}
	out := convreport.Query{Zone: loc, Now: defaultNow}
	if q.now != "" {
		if out.Now, err = parseTime(q.now, loc); err != nil {
			return out, usageError("--now: %v", err)
		}
	}
	ws, err := calendar.ParseWeekday(q.weekStart)
	if err != nil {
		return out, usageError("--week-start %q: want a day name like monday or sunday", q.weekStart)
	}
	out.WeekStart = ws
	switch {
	case q.rng != "" && (q.from != "" || q.to != ""):
		return out, usageError("give --range or --from/--to, not both")
	case q.rng != "":
		r, err := convreport.ParseRange(q.rng)
		if err != nil {
			// The library's message names the presets; its package
			// prefix would be said twice after the CLI's own.
			return out, usageError("--range: %s", strings.TrimPrefix(err.Error(), "convreport: "))
		}
		out.Range = r
	case q.from != "" || q.to != "":
		if q.from == "" || q.to == "" {
			return out, usageError("give both --from and --to")
		}
		if out.From, err = parseTime(q.from, loc); err != nil {
			return out, usageError("--from: %v", err)
		}
		if out.To, err = parseTime(q.to, loc); err != nil {
			return out, usageError("--to: %v", err)
		}
		if !out.From.Before(out.To) {
			return out, notBefore(q.from, q.to, out.From, out.To, loc)
		}
	}
	return out, nil
}

// parseTime reads a date (its first instant in loc, the rule of every date
// in convreport) or an RFC 3339 time.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	t, err := calendar.ParseTime(s, loc)
	if err != nil {
		return t, errors.New(strings.TrimPrefix(err.Error(), "convreport: "))
	}
	return t, nil
}

// notBefore is the error of --from not before --to, fromT and toT the
// instants they mean. When both are one instant because one of them is a
// date loc skipped entirely (Pacific/Apia went from 2011-12-29 to
// 2011-12-31), it says so: by the rule of every date, such a date starts
// when the next one does.
func notBefore(from, to string, fromT, toT time.Time, loc *time.Location) error {
	msg := fmt.Sprintf("--from %s is not before --to %s", from, to)
	if !fromT.Equal(toT) {
		return usageError("%s", msg)
	}
	for _, f := range []struct{ flag, value, fix string }{
		{"--from", from, "an earlier --from or a later --to"},
		{"--to", to, "a later --to or an earlier --from"},
	} {
		d, err := calendar.ParseDate(f.value)
		if err != nil {
			continue
		}
		start, skipped := civil.SkippedDay(d.Year, d.Month, d.Day, loc)
		if !skipped {
			continue
		}
		next := start.Format(time.DateOnly)
		return usageError("%s: %s skipped the day %s (its clocks went from %s to %s), so %s %s starts when %s does, at %s, and the range is empty; give %s",
			msg, loc, f.value, start.Add(-time.Nanosecond).Format(time.DateOnly), next, f.flag, f.value, next, start.Format(time.RFC3339), f.fix)
	}
	return usageError("%s", msg)
}
