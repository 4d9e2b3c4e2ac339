package calendar

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Calendar holds business hours: the opening hours of each weekday in a time
// zone, and holidays. With a Calendar, duration metrics count only the time
// the business is open (see [Calendar.Between]).
//
// Hours cannot run past midnight: write a night shift as two intervals,
// 22:00–24:00 on one day and 00:00–06:00 on the next. Adjacent intervals
// (09:00–12:00 and 12:00–17:00) are fine; overlapping ones are not, see
// [Calendar.Validate].
//
// A Calendar reads and writes JSON as
//
//	{"name": "paris-office", "zone": "Europe/Paris",
//	 "week": {"monday": [{"start": "09:00", "end": "17:00"}], "tuesday": […], …},
//	 "holidays": ["2025-12-25"],
//	 "special": [{"date": "2025-12-24", "hours": [{"start": "09:00", "end": "12:00"}]}]}
//
// where closed days are left out, a missing zone means UTC, and the name is
// optional: it is how a [Set], a dashboard and a report refer to
// the calendar.
type Calendar struct {
	// Name identifies the calendar in a [Set] ("paris-office"); see
	// [Set.Validate] for its form. Between ignores it.
	Name string
	// Zone is the IANA time zone of the hours and holidays; nil means UTC.
	Zone *time.Location
	// Week holds the open hours of each weekday; a day without hours is
	// closed.
	Week WeeklyHours
	// Holidays are whole days closed, as dates in Zone.
	Holidays []Date
	// Special days open with their own hours instead of their weekday's
	// (a short Christmas Eve, a Saturday before a launch), as dates in
	// Zone; a special day without hours is closed, like a holiday.
	Special []SpecialDay
}

// SpecialDay is a date with its own opening hours.
type SpecialDay struct {
	Date  Date
	Hours []Hours
}

// Hours is one opening interval of a day: open during [Start, End) of the
// day's wall clock. End may be 24:00, the end of the day.
type Hours struct {
	Start Clock `json:"start"`
	End   Clock `json:"end"`
}

// String returns the interval as "09:00-17:00".
func (h Hours) String() string { return h.Start.String() + "-" + h.End.String() }

// WeeklyHours holds the open hours of each day of a week. Its zero value
// is a week closed every day.
type WeeklyHours struct {
	Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday []Hours
}

// day returns the field of d, nil for a value that is not a weekday.
func (w *WeeklyHours) day(d Weekday) *[]Hours {
	switch d {
	case Monday:
		return &w.Monday
	case Tuesday:
		return &w.Tuesday
	case Wednesday:
		return &w.Wednesday
	case Thursday:
		return &w.Thursday
	case Friday:
		return &w.Friday
	case Saturday:
		return &w.Saturday
	case Sunday:
		return &w.Sunday
	}
	return nil
}

// Day returns the open hours of d (nil when closed, or d is not a day).
func (w WeeklyHours) Day(d Weekday) []Hours {
	if p := w.day(d); p != nil {
		return *p
	}
	return nil
}

// SetDay sets the open hours of d; it does nothing when d is not a day.
func (w *WeeklyHours) SetDay(d Weekday, hours []Hours) {
	if p := w.day(d); p != nil {
		*p = hours
	}
}

// OfficeHours returns a calendar open from start to end on each of the given
// days, in zone (nil means UTC), without holidays. With no days it is never
// open.
//
//	OfficeHours(paris, At(9, 0), At(17, 0), Monday, Tuesday, Wednesday, Thursday, Friday)
func OfficeHours(zone *time.Location, start, end Clock, days ...Weekday) *Calendar {
	c := &Calendar{Zone: zone}
	for _, d := range days {
		// A slice per day, so that editing one day leaves the others alone.
		c.Week.SetDay(d, []Hours{{start, end}})
	}
	return c
}

// Error reports an invalid [Calendar], [Set] or calendar JSON. Field is the
// JSON path of the bad value ("week.monday[1]", "holidays[0]", "zone").
type Error struct {
	Field  string
	Reason string
}

// Error returns "convreport: calendar: field: reason".
func (e *Error) Error() string {
	if e.Field == "" {
		return "convreport: calendar: " + e.Reason
	}
	return "convreport: calendar: " + e.Field + ": " + e.Reason
}

// Validate reports every problem of c, joined, each a *Error naming
// the field: a name that is not 1 to 64 of a–z, 0–9, "-" and "_" (it names
// a file and appears in URLs), hours outside 00:00–24:00, an interval whose
// start is not before its end (including overnight hours, which must be
// split at midnight), intervals overlapping within a day, holidays that
// are not dates, and special days that are not dates, have bad hours, or
// fall on a holiday or another special day. Between assumes a valid
// calendar.
func (c *Calendar) Validate() error {
	var errs []error
	if c.Name != "" && !namePattern.MatchString(c.Name) {
		errs = append(errs, &Error{"name", fmt.Sprintf("%q is not a calendar name: use 1 to 64 of a-z, 0-9, - and _", c.Name)})
	}
	for wd := Monday; wd <= Sunday; wd++ {
		errs = append(errs, checkHours("week."+wd.key(), c.Week.Day(wd))...)
	}
	holidays := map[Date]bool{}
	for i, d := range c.Holidays {
		if !d.valid() {
			errs = append(errs, &Error{fmt.Sprintf("holidays[%d]", i), d.String() + " is not a date from 0001-01-01 to 9999-12-31"})
		}
		holidays[d] = true
	}
	special := map[Date]int{}
	for i, s := range c.Special {
		field := fmt.Sprintf("special[%d]", i)
		if !s.Date.valid() {
			errs = append(errs, &Error{field + ".date", s.Date.String() + " is not a date from 0001-01-01 to 9999-12-31"})
		}
		if j, dup := special[s.Date]; dup {
			errs = append(errs, &Error{field + ".date", fmt.Sprintf("%s is also special[%d]", s.Date, j)})
		} else if holidays[s.Date] {
			errs = append(errs, &Error{field + ".date", s.Date.String() + " is also a holiday: a holiday is closed, a special day has its own hours"})
		}
		special[s.Date] = i
		errs = append(errs, checkHours(field+".hours", s.Hours)...)
	}
	return errors.Join(errs...)
}

// checkHours reports the bad intervals of one day's hours; field is the
// JSON path of the list.
func checkHours(at string, day []Hours) []error {
	var errs []error
	for i, h := range day {
		field := fmt.Sprintf("%s[%d]", at, i)
		switch {
		case h.Start < 0 || h.Start > 24*60 || h.End < 0 || h.End > 24*60:
			errs = append(errs, &Error{field, h.String() + " is outside 00:00-24:00"})
			continue
		case h.Start >= h.End:
			errs = append(errs, &Error{field, h.String() + " does not start before it ends (split hours past midnight into two days, 22:00-24:00 and 00:00-06:00)"})
			continue
		}
		for _, o := range day[:i] {
			if o.Start < o.End && h.Start < o.End && o.Start < h.End {
				errs = append(errs, &Error{field, h.String() + " overlaps " + o.String()})
				break
			}
		}
	}
	return errs
}

// namePattern is the form of a calendar's name: it names a file and
// appears in URLs.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
