package civil

import (
	"fmt"
	"time"
)

// Date is a calendar date, normalised.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t's wall clock.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// AddDays returns the date n days after c.
func (c Date) AddDays(n int) Date {
	y, m, d := time.Date(c.Year, c.Month, c.Day+n, 0, 0, 0, 0, time.UTC).Date()
	return Date{y, m, d}
}

// AddMonths returns the first of the month n months after c's month.
func (c Date) AddMonths(n int) Date {
	y, m, d := time.Date(c.Year, c.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC).Date()
	return Date{y, m, d}
}

// Weekday returns the day of the week of c.
func (c Date) Weekday() time.Weekday {
	return time.Date(c.Year, c.Month, c.Day, 0, 0, 0, 0, time.UTC).Weekday()
}

// Start returns the first instant of the date in loc (see StartOfDay).
func (c Date) Start(loc *time.Location) time.Time { return StartOfDay(c.Year, c.Month, c.Day, loc) }

// firstDateOfUnit returns the first date of the day, week, month, quarter or
// year unit containing date c.
func firstDateOfUnit(c Date, b Unit, weekStart time.Weekday) Date {
	switch b {
	case Day:
		return c
	case Week:
		return c.AddDays(-DaysSinceWeekStart(c.Weekday(), weekStart))
	case Month:
		return Date{c.Year, c.Month, 1}
	case Quarter:
		return Date{c.Year, QuarterStart(c.Month), 1}
	case Year:
		return Date{c.Year, time.January, 1}
	}
	panic(fmt.Sprintf("civil: invalid unit %v", b))
}

// next returns the first date of the unit after the one starting on c.
func (c Date) next(b Unit) Date {
	switch b {
	case Day:
		return c.AddDays(1)
	case Week:
		return c.AddDays(7)
	case Month:
		return c.AddMonths(1)
	case Quarter:
		return c.AddMonths(3)
	}
	return Date{c.Year + 1, time.January, 1}
}

// DaysSinceWeekStart is how many days wd comes after weekStart in a week.
func DaysSinceWeekStart(wd, weekStart time.Weekday) int {
	return ((int(wd)-int(weekStart))%7 + 7) % 7
}

// QuarterStart returns the first month of m's quarter: January, April, July
// or October.
func QuarterStart(m time.Month) time.Month { return (m-1)/3*3 + 1 }

// StartOfDay returns the first instant of date y-m-d in loc: midnight, or
// where a zone skipped midnight (America/Sao_Paulo 2018-11-04 began at
// 01:00) the instant the day began, and where midnight happened twice the
// first one (see FirstInstant). For a date the zone skipped entirely, it is
// the start of the next date.
func StartOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	return FirstInstant(y, m, d, 0, 0, 0, 0, loc)
}

// SkippedDay reports whether loc has no day y-m-d at all: its clocks
// jumped over the whole of it (Pacific/Apia went from 2011-12-29 to
// 2011-12-31). start is the day's start by StartOfDay, in loc: for a
// skipped day, the next day's start, so that a range from it to the next
// day holds no time.
func SkippedDay(y int, m time.Month, d int, loc *time.Location) (start time.Time, skipped bool) {
	start = StartOfDay(y, m, d, loc).In(loc)
	sy, sm, sd := start.Date()
	return start, sy != y || sm != m || sd != d
}
