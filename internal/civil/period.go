package civil

import "time"

// YearEarlier returns the period a year before [from, to) in loc, date
// for date: wall clocks a year earlier, February 29 becoming February 28,
// and a period that ends at a day's start ending at the start of the day
// after its last date a year earlier.
func YearEarlier(from, to time.Time, loc *time.Location) (time.Time, time.Time) {
	a := yearBefore(from, loc)
	if d, ok := dayStart(from, loc); ok {
		// A date's start, a year before: the clock of a day that began
		// at 01:00 (midnight skipped) would drop the hour before it.
		a = clampDate(d.Year-1, d.Month, d.Day).Start(loc)
	}
	if d, ok := dayStart(to, loc); ok {
		// The day after the last date, a year before.
		last := d.AddDays(-1)
		return a, clampDate(last.Year-1, last.Month, last.Day).AddDays(1).Start(loc)
	}
	return a, yearBefore(to, loc)
}

// PeriodBefore returns the period of the same length just before
// [from, to) in loc, length counted as people count it: as many whole
// months when both ends are the first of a month, as many days when both
// are a day's start, and the same duration otherwise.
func PeriodBefore(from, to time.Time, loc *time.Location) (time.Time, time.Time) {
	if a, b, ok := dayBounds(from, to, loc); ok {
		if months, ok := monthSpan(a, b); ok {
			return a.AddMonths(-months).Start(loc), from
		}
		return a.AddDays(-daysBetween(a, b)).Start(loc), from
	}
	return from.Add(-to.Sub(from)), from
}

// PeriodLength says how long [from, to) is as people count it in loc: a
// number of whole months when both ends are the first instant of the
// first of a month, else of whole days when both are a day's first
// instant (months is then 0); ok is false for any other period.
func PeriodLength(from, to time.Time, loc *time.Location) (months, days int, ok bool) {
	a, b, ok := dayBounds(from, to, loc)
	if !ok {
		return 0, 0, false
	}
	if m, ok := monthSpan(a, b); ok {
		return m, 0, true
	}
	return 0, daysBetween(a, b), true
}

// dayBounds returns the dates of from and to when both are the first
// instant of their date in loc.
func dayBounds(from, to time.Time, loc *time.Location) (Date, Date, bool) {
	a, ok1 := dayStart(from, loc)
	b, ok2 := dayStart(to, loc)
	return a, b, ok1 && ok2
}

func dayStart(t time.Time, loc *time.Location) (Date, bool) {
	d := DateOf(t.In(loc))
	return d, d.Start(loc).Equal(t)
}

// monthSpan returns how many months lie between a and b when both are
// the first of a month.
func monthSpan(a, b Date) (int, bool) {
	if a.Day != 1 || b.Day != 1 {
		return 0, false
	}
	n := (b.Year-a.Year)*12 + int(b.Month-a.Month)
	return n, n > 0
}

func daysBetween(a, b Date) int {
	ta := time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta) / (24 * time.Hour))
}

// clampDate is y-m-d, or the last day of month m when it has no day d
// (February 29 of a common year).
func clampDate(y int, m time.Month, d int) Date {
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return Date{Year: y, Month: m, Day: min(d, last)}
}

// yearBefore is t's wall clock a year earlier, on February 28 for
// February 29.
func yearBefore(t time.Time, loc *time.Location) time.Time {
	w := t.In(loc)
	d := clampDate(w.Year()-1, w.Month(), w.Day())
	return FirstInstant(d.Year, d.Month, d.Day, w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
}
