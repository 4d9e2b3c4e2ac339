package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/convreport/convreport/internal/civil"
)

// Clock is a time of day on the wall clock, in minutes since midnight, from
// 0 (00:00) to 1440 (24:00, the end of the day).
type Clock int

// At returns the Clock hour:minute. It does not check its arguments:
// [Calendar.Validate] reports hours outside 00:00–24:00.
func At(hour, minute int) Clock { return Clock(hour*60 + minute) }

// String returns the clock as "09:00" (and "24:00" for the end of the day).
func (c Clock) String() string {
	if c < 0 {
		return "-" + (-c).String()
	}
	return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60)
}

// MarshalText writes the clock as "09:00"; a clock outside 00:00–24:00 is an
// error.
func (c Clock) MarshalText() ([]byte, error) {
	if c < 0 || c > 24*60 {
		return nil, fmt.Errorf("convreport: clock %s is outside 00:00-24:00", c)
	}
	return []byte(c.String()), nil
}

// UnmarshalText reads a clock written as "HH:MM", from "00:00" to "24:00".
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ParseClock reads a time of day written as "HH:MM", from "00:00" to
// "24:00"; two digits each, so that a clock has one spelling.
func ParseClock(s string) (Clock, error) {
	c, ok := parseClock(s)
	if !ok {
		return 0, errors.New("convreport: " + badClock(s))
	}
	return c, nil
}

func badClock(s string) string {
	return fmt.Sprintf("bad clock %q: want HH:MM from 00:00 to 24:00", s)
}

func parseClock(s string) (Clock, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, ok1 := twoDigits(s[0:2])
	m, ok2 := twoDigits(s[3:5])
	if !ok1 || !ok2 || m > 59 || h > 24 || h == 24 && m != 0 {
		return 0, false
	}
	return At(h, m), true
}

func twoDigits(s string) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// Date is a calendar date, without a time or zone: a holiday is a date in
// its calendar's zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// String returns the date as "2025-12-25".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText writes the date as "2025-12-25"; a date that does not exist
// is an error.
func (d Date) MarshalText() ([]byte, error) {
	if !d.valid() {
		return nil, fmt.Errorf("convreport: %s is not a date from 0001-01-01 to 9999-12-31", d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads a date written as "2025-12-25".
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Start returns the first instant of the date in loc (nil means UTC):
// midnight, or where the zone's clock skipped midnight (America/Sao_Paulo,
// 2018-11-04 began at 01:00) the instant the day began. This is the one rule
// by which convreport turns a date into an instant: date presets, time
// buckets, date literals in filters, date conditions and the dates of the
// CLI and the web API all follow it, so a date means the same instant
// everywhere. For a date the zone skipped entirely (Pacific/Apia,
// 2011-12-30), it is the start of the next date.
func (d Date) Start(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return civil.StartOfDay(d.Year, d.Month, d.Day, loc)
}

// ParseTime reads a date written "YYYY-MM-DD", which means its first
// instant in loc (see [Date.Start]), or an RFC 3339 time with its offset
// ("2025-03-01T09:00:00+01:00"). It is how the CLI and the web API read the
// ends of a date range. A time outside the supported times (those of a
// conversation, 1677-09-21 to 2262-04-11) is an error: the first of them,
// 0001-01-01T00:00:00Z, would otherwise be the zero time.Time, which a
// query reads as no bound at all.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	t, err := parseTime(s, loc)
	if err == nil && !civil.InRange(t) {
		return time.Time{}, fmt.Errorf("convreport: %s", civil.RangeReason(s))
	}
	return t, err
}

func parseTime(s string, loc *time.Location) (time.Time, error) {
	if d, ok := parseDate(s); ok {
		return d.Start(loc), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("convreport: %q is neither a date (2025-03-01) nor an RFC 3339 time (2025-03-01T09:00:00+01:00)", s)
}

// ParseDate reads a date written as "YYYY-MM-DD" ("2025-12-25"). The date
// must exist: "2025-02-29" is an error.
func ParseDate(s string) (Date, error) {
	d, ok := parseDate(s)
	if !ok {
		return Date{}, errors.New("convreport: " + badDate(s))
	}
	return d, nil
}

func badDate(s string) string {
	return fmt.Sprintf("bad date %q: want an existing date written YYYY-MM-DD", s)
}

func parseDate(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	y1, ok1 := twoDigits(s[0:2])
	y2, ok2 := twoDigits(s[2:4])
	m, ok3 := twoDigits(s[5:7])
	d, ok4 := twoDigits(s[8:10])
	date := Date{y1*100 + y2, time.Month(m), d}
	return date, ok1 && ok2 && ok3 && ok4 && date.valid()
}

// valid reports whether d is a real date of years 1 to 9999, the dates
// written YYYY-MM-DD.
func (d Date) valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return d.Day <= daysIn(d.Year, d.Month)
}

// daysIn returns the number of days of month m of year y; arithmetic, as
// Between checks holidays with it.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// Weekday is a day of the week, as every part of convreport names one
// (week starts, business-hours days). Its zero value is Monday, so that a zero
// Query has ISO 8601 weeks; [Weekday.Std] converts to time.Weekday.
type Weekday int

// Days a week may start on.
const (
	Monday Weekday = iota
	Tuesday
	Wednesday
	Thursday
	Friday
	Saturday
	Sunday
)

// Std returns w as a time.Weekday.
func (w Weekday) Std() time.Weekday { return time.Weekday((int(w) + 1) % 7) }

// key is the day's name in JSON, "monday".
func (w Weekday) key() string { return strings.ToLower(w.String()) }

// String returns the day's English name, "Monday".
func (w Weekday) String() string {
	if w < Monday || w > Sunday {
		return fmt.Sprintf("Weekday(%d)", int(w))
	}
	return w.Std().String()
}

// ParseWeekday reads a day's English name, in any case ("monday",
// "Sunday").
func ParseWeekday(s string) (Weekday, error) {
	for w := Monday; w <= Sunday; w++ {
		if strings.EqualFold(s, w.String()) {
			return w, nil
		}
	}
	return 0, fmt.Errorf("%q is not a day: want a day name like monday or sunday", s)
}

// Valid reports whether w is Monday to Sunday.
func (w Weekday) Valid() bool { return w >= Monday && w <= Sunday }

// WeekdayOf returns d as a Weekday: WeekdayOf(t.Weekday()) is the day of t.
func WeekdayOf(d time.Weekday) Weekday { return Weekday((int(d) + 6) % 7) }
