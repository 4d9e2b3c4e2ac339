package convreport

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/internal/civil"
)

// Range is a date range preset, resolved against the query's Now in its zone.
// Besides the constants below it may be "last_N_days" for any N from 1 to
// 100000 (see [LastNDays]).
type Range string

// The presets. "Last N days" means the N complete days before today.
const (
	Today       Range = "today"
	Yesterday   Range = "yesterday"
	ThisWeek    Range = "this_week"
	LastWeek    Range = "last_week"
	ThisMonth   Range = "this_month"
	LastMonth   Range = "last_month"
	ThisQuarter Range = "this_quarter"
	LastQuarter Range = "last_quarter"
	ThisYear    Range = "this_year"
	LastYear    Range = "last_year"
	Last7Days   Range = "last_7_days"
	Last30Days  Range = "last_30_days"
	Last90Days  Range = "last_90_days"
)

// maxLastDays is the largest N of a "last_N_days" range: about 270 years,
// far more than any report needs, and small enough that no arithmetic on it
// overflows.
const maxLastDays = 100000

// LastNDays returns the preset for the n complete days before today,
// "last_n_days". An n below 1 or above 100000 gives a range that
// Resolve and ParseRange reject.
func LastNDays(n int) Range { return Range("last_" + strconv.Itoa(n) + "_days") }

// ParseRange returns s as a Range if it names a preset, and a *RangeError
// otherwise. It accepts exactly the preset names, so that a saved range reads
// back the same.
func ParseRange(s string) (Range, error) {
	r := Range(s)
	if _, err := r.days(); err != nil {
		return "", err
	}
	return r, nil
}

// RangeError reports a Range that is not a preset.
type RangeError struct {
	Range  string // the rejected text
	Reason string // what was wanted instead
}

// Error returns the message, with the range quoted.
func (e *RangeError) Error() string {
	return fmt.Sprintf("convreport: unknown date range %q (%s)", e.Range, e.Reason)
}

const wantRange = "want today, yesterday, this_week, last_week, this_month, last_month, this_quarter, last_quarter, this_year, last_year, or last_N_days such as last_7_days"

// days checks r and returns N for "last_N_days", 0 for the other presets.
func (r Range) days() (int, error) {
	switch r {
	case Today, Yesterday, ThisWeek, LastWeek, ThisMonth, LastMonth, ThisQuarter, LastQuarter, ThisYear, LastYear:
		return 0, nil
	}
	digits, ok := strings.CutPrefix(string(r), "last_")
	if ok {
		digits, ok = strings.CutSuffix(digits, "_days")
	}
	if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, &RangeError{Range: string(r), Reason: wantRange}
	}
	// One spelling per range: no leading zeros, so equal ranges compare equal.
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 || n > maxLastDays || digits[0] == '0' {
		return 0, &RangeError{Range: string(r), Reason: fmt.Sprintf("want last_N_days with N from 1 to %d, without leading zeros", maxLastDays)}
	}
	return n, nil
}

// Resolve returns the half-open range [from, to) the preset means at now in
// loc (nil means UTC), both in loc. Days, weeks, months, quarters and years
// are calendar units of loc: each starts at the first instant of its first
// date (midnight, or the first instant after it when a DST change skips
// midnight), so a day may last 23 or 25 hours. Weeks start on weekStart;
// quarters in January, April, July and October. The ranges of today and this
// week, month, quarter and year always hold now. It returns a *RangeError if
// r is not a preset.
func (r Range) Resolve(now time.Time, loc *time.Location, weekStart calendar.Weekday) (from, to time.Time, err error) {
	n, err := r.days()
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if err := checkWeekStart(weekStart); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if loc == nil {
		loc = time.UTC
	}
	// Today is the date of the day bucket holding now: normally now's date,
	// but where a zone set its clock back across midnight (America/Goose_Bay
	// until 2010, from 00:01 to 23:01) the next day has already begun.
	today, _ := civil.UnitStart(now, civil.Day, loc, weekStart.Std())
	var a, b civil.Date // first date in the range, first date after it
	switch r {
	case Today:
		a, b = today, today.AddDays(1)
	case Yesterday:
		// The day before today, passing over a date the zone skipped
		// (Pacific/Apia had no 2011-12-30): yesterday is never empty. No
		// zone skipped two dates in a row, and the loop stops at two.
		a, b = today.AddDays(-1), today
		for range 2 {
			if a.Start(loc).Before(b.Start(loc)) {
				break
			}
			a = a.AddDays(-1)
		}
	case ThisWeek, LastWeek:
		a = today.AddDays(-civil.DaysSinceWeekStart(today.Weekday(), weekStart.Std()))
		b = a.AddDays(7)
		if r == LastWeek {
			a, b = a.AddDays(-7), a
		}
	case ThisMonth, LastMonth:
		a = civil.Date{Year: today.Year, Month: today.Month, Day: 1}
		b = a.AddMonths(1)
		if r == LastMonth {
			a, b = a.AddMonths(-1), a
		}
	case ThisQuarter, LastQuarter:
		a = civil.Date{Year: today.Year, Month: civil.QuarterStart(today.Month), Day: 1}
		b = a.AddMonths(3)
		if r == LastQuarter {
			a, b = a.AddMonths(-3), a
		}
	case ThisYear, LastYear:
		a = civil.Date{Year: today.Year, Month: time.January, Day: 1}
		b = civil.Date{Year: today.Year + 1, Month: time.January, Day: 1}
		if r == LastYear {
			a, b = civil.Date{Year: today.Year - 1, Month: time.January, Day: 1}, a
		}
	default: // last_N_days
		a, b = today.AddDays(-n), today
	}
	return a.Start(loc), b.Start(loc), nil
}
