package main

import (
	"errors"
	"flag"
	"github.com/convreport/convreport/calendar"
	"strings"
	"time"

	"github.com/convreport/convreport"
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
			return out, usageError("--from %s is not before --to %s", q.from, q.to)
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
