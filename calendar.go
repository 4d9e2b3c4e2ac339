package convreport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/convreport/convreport/internal/civil"
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
// optional: it is how a [CalendarSet], a dashboard and a report refer to
// the calendar.
type Calendar struct {
	// Name identifies the calendar in a [CalendarSet] ("paris-office"); see
	// [CalendarSet.Validate] for its form. Between ignores it.
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
// ends of a date range.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
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

// CalendarError reports an invalid [Calendar] or calendar JSON. Field is the
// JSON path of the bad value ("week.monday[1]", "holidays[0]", "zone").
type CalendarError struct {
	Field  string
	Reason string
}

// Error returns "convreport: calendar: field: reason".
func (e *CalendarError) Error() string {
	if e.Field == "" {
		return "convreport: calendar: " + e.Reason
	}
	return "convreport: calendar: " + e.Field + ": " + e.Reason
}

// Validate reports every problem of c, joined, each a *CalendarError naming
// the field: a name that is not 1 to 64 of a–z, 0–9, "-" and "_" (it names
// a file and appears in URLs), hours outside 00:00–24:00, an interval whose
// start is not before its end (including overnight hours, which must be
// split at midnight), intervals overlapping within a day, holidays that
// are not dates, and special days that are not dates, have bad hours, or
// fall on a holiday or another special day. Between assumes a valid
// calendar.
func (c *Calendar) Validate() error {
	var errs []error
	if c.Name != "" && !idPattern.MatchString(c.Name) {
		errs = append(errs, &CalendarError{"name", fmt.Sprintf("%q is not a calendar name: use 1 to 64 of a-z, 0-9, - and _", c.Name)})
	}
	for wd := Monday; wd <= Sunday; wd++ {
		errs = append(errs, checkHours("week."+wd.key(), c.Week.Day(wd))...)
	}
	holidays := map[Date]bool{}
	for i, d := range c.Holidays {
		if !d.valid() {
			errs = append(errs, &CalendarError{fmt.Sprintf("holidays[%d]", i), d.String() + " is not a date from 0001-01-01 to 9999-12-31"})
		}
		holidays[d] = true
	}
	special := map[Date]int{}
	for i, s := range c.Special {
		field := fmt.Sprintf("special[%d]", i)
		if !s.Date.valid() {
			errs = append(errs, &CalendarError{field + ".date", s.Date.String() + " is not a date from 0001-01-01 to 9999-12-31"})
		}
		if j, dup := special[s.Date]; dup {
			errs = append(errs, &CalendarError{field + ".date", fmt.Sprintf("%s is also special[%d]", s.Date, j)})
		} else if holidays[s.Date] {
			errs = append(errs, &CalendarError{field + ".date", s.Date.String() + " is also a holiday: a holiday is closed, a special day has its own hours"})
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
			errs = append(errs, &CalendarError{field, h.String() + " is outside 00:00-24:00"})
			continue
		case h.Start >= h.End:
			errs = append(errs, &CalendarError{field, h.String() + " does not start before it ends (split hours past midnight into two days, 22:00-24:00 and 00:00-06:00)"})
			continue
		}
		for _, o := range day[:i] {
			if o.Start < o.End && h.Start < o.End && o.Start < h.End {
				errs = append(errs, &CalendarError{field, h.String() + " overlaps " + o.String()})
				break
			}
		}
	}
	return errs
}

const dayNanos = int64(24 * time.Hour)

// Between returns the business time within [a, b): the real time during
// which the calendar's wall clock shows an open hour of a day that is not a
// holiday. It is 0 if b is not after a, and b−a for a nil calendar.
//
// Opening hours are wall-clock hours, so across a DST change they last the
// real time between their two local instants: 09:00–17:00 is normally 8h,
// and 7h or 9h on a day the clock jumps within it. An hour the clock repeats
// counts twice, an hour it skips not at all.
//
// The engine calls it once per conversation, so it does not allocate, and
// its cost grows with the DST changes inside [a, b), not with its days: it
// walks the zone's periods of constant offset (one, unless a change falls
// inside), and within each counts whole weeks at once and scans the
// holidays once.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if c == nil {
		return max(0, b.Sub(a))
	}
	var buf [64]int64 // most calendars' holidays fit: no allocation
	o := c.prepare(buf[:0])
	return o.between(a, b)
}

// openTimes is a calendar prepared for between: its weekly hours in an
// array, the open time of each weekday, and the holidays as sorted day
// numbers. A run prepares each calendar once for every conversation.
type openTimes struct {
	c         *Calendar
	hol       []int64
	week      [7][]Hours // by Weekday
	dayOpen   [7]int64   // open nanoseconds of each whole weekday
	weekTotal int64
}

// prepare returns c prepared for between, appending the holidays to hol.
func (c *Calendar) prepare(hol []int64) openTimes {
	o := openTimes{c: c, hol: c.appendHolidayDays(hol)}
	for wd := Monday; wd <= Sunday; wd++ {
		o.week[wd] = c.Week.Day(wd)
		o.dayOpen[wd] = openHours(o.week[wd], 0, dayNanos)
		o.weekTotal += o.dayOpen[wd]
	}
	return o
}

func (c *Calendar) appendHolidayDays(days []int64) []int64 {
	for _, h := range c.Holidays {
		if h.valid() {
			days = append(days, daysFromCivil(int64(h.Year), int(h.Month), h.Day))
		}
	}
	slices.Sort(days)
	return slices.Compact(days)
}

// between is Between of the prepared calendar.
func (o *openTimes) between(a, b time.Time) time.Duration {
	if !a.Before(b) {
		return 0
	}
	loc := o.c.Zone
	if loc == nil {
		loc = time.UTC
	}
	var total int64
	t := a.In(loc)
	for {
		// Within a period of constant offset, real time and wall-clock time
		// advance together, so the business time is the open wall-clock time.
		_, off := t.Zone()
		_, end := civil.OffsetPeriod(t)
		last := end.IsZero() || !end.Before(b)
		if last {
			end = b
		}
		d0, n0 := wallPosition(t, off)
		d1, n1 := wallPosition(end, off)
		total += o.openWall(d0, n0, d1, n1)
		if last {
			return time.Duration(total)
		}
		t = end
	}
}

// wallPosition returns the wall-clock day (days since 1970-01-01) and
// nanoseconds into that day of t at offset off seconds.
func wallPosition(t time.Time, off int) (day, nanos int64) {
	sec := t.Unix() + int64(off)
	day = floorDiv(sec, 86400)
	return day, (sec-day*86400)*int64(time.Second) + int64(t.Nanosecond())
}

// openWall returns the open time of the wall-clock interval from nanosecond
// n0 of day d0 to nanosecond n1 of day d1.
func (o *openTimes) openWall(d0, n0, d1, n1 int64) int64 {
	if d0 == d1 {
		return o.openPart(d0, n0, n1)
	}
	total := o.openPart(d0, n0, dayNanos) + o.openPart(d1, 0, n1)
	if d1-d0 > 1 {
		total += o.openDays(d0+1, d1)
	}
	return total
}

// openPart returns the open time of day between nanoseconds n0 and n1.
func (o *openTimes) openPart(day, n0, n1 int64) int64 {
	if hours, ok := o.c.specialHours(day); ok {
		return openHours(hours, n0, n1)
	}
	open := openHours(o.week[weekdayOf(day)], n0, n1)
	if open > 0 && isHoliday(o.hol, day) {
		return 0
	}
	return open
}

// openHours returns the overlap of hours with [n0, n1), in nanoseconds of
// the day.
func openHours(hours []Hours, n0, n1 int64) int64 {
	var open int64
	for _, h := range hours {
		s := max(int64(h.Start)*int64(time.Minute), n0)
		e := min(int64(h.End)*int64(time.Minute), n1)
		if e > s {
			open += e - s
		}
	}
	return open
}

// openDays returns the open time of the whole days lo to hi-1: whole weeks
// at once, then the remaining days, less each holiday in between.
func (o *openTimes) openDays(lo, hi int64) int64 {
	week, hol := &o.dayOpen, o.hol
	n := hi - lo
	total := n / 7 * o.weekTotal
	for d := lo + n/7*7; d < hi; d++ {
		total += week[weekdayOf(d)]
	}
	// Only the holidays inside [lo, hi) matter: find them by binary search.
	i, _ := slices.BinarySearch(hol, lo)
	for ; i < len(hol) && hol[i] < hi; i++ {
		total -= week[weekdayOf(hol[i])]
	}
	// A special day has its own hours instead of its weekday's (Validate
	// keeps special days off holidays and apart from each other).
	for _, s := range o.c.Special {
		if !s.Date.valid() {
			continue
		}
		if d := daysFromCivil(int64(s.Date.Year), int(s.Date.Month), s.Date.Day); lo <= d && d < hi {
			total += openHours(s.Hours, 0, dayNanos) - week[weekdayOf(d)]
		}
	}
	return total
}

// specialHours returns the hours of day (days since 1970-01-01) when it is
// a special day. Special days are few: a scan, without allocation.
func (c *Calendar) specialHours(day int64) ([]Hours, bool) {
	for _, s := range c.Special {
		if s.Date.valid() && daysFromCivil(int64(s.Date.Year), int(s.Date.Month), s.Date.Day) == day {
			return s.Hours, true
		}
	}
	return nil, false
}

// isHoliday reports whether day (days since 1970-01-01) is in the sorted
// holidays.
func isHoliday(hol []int64, day int64) bool {
	_, found := slices.BinarySearch(hol, day)
	return found
}

// weekdayOf returns the weekday of day (days since 1970-01-01, a Thursday).
func weekdayOf(day int64) Weekday {
	return Weekday(floorMod(day+int64(Thursday), 7))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm; no time.Time, no allocation).
func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := int64((m + 9) % 12) // March is 0
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// calendarJSON is the JSON form of a Calendar; values stay text so that a
// bad one is reported with its path.
type calendarJSON struct {
	Name     string           `json:"name,omitempty"`
	Zone     string           `json:"zone"`
	Week     weekJSON         `json:"week"`
	Holidays []string         `json:"holidays,omitempty"`
	Special  []specialDayJSON `json:"special,omitempty"`
}

type specialDayJSON struct {
	Date  string      `json:"date"`
	Hours []hoursJSON `json:"hours"`
}

type weekJSON struct {
	Monday    []hoursJSON `json:"monday,omitempty"`
	Tuesday   []hoursJSON `json:"tuesday,omitempty"`
	Wednesday []hoursJSON `json:"wednesday,omitempty"`
	Thursday  []hoursJSON `json:"thursday,omitempty"`
	Friday    []hoursJSON `json:"friday,omitempty"`
	Saturday  []hoursJSON `json:"saturday,omitempty"`
	Sunday    []hoursJSON `json:"sunday,omitempty"`
}

// days returns the week's fields indexed by Weekday.
func (w *weekJSON) days() [7]*[]hoursJSON {
	return [7]*[]hoursJSON{&w.Monday, &w.Tuesday, &w.Wednesday, &w.Thursday, &w.Friday, &w.Saturday, &w.Sunday}
}

type hoursJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// MarshalJSON writes the calendar as documented on [Calendar]. It fails on
// a calendar that Validate rejects, and on a zone that is not an IANA name
// (time.Local, a time.FixedZone), which would not read back.
func (c Calendar) MarshalJSON() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	j := calendarJSON{Name: c.Name, Zone: "UTC"}
	if c.Zone != nil {
		j.Zone = c.Zone.String()
		if err := checkZoneName(j.Zone); err != nil {
			return nil, err
		}
	}
	days := j.Week.days()
	for wd := Monday; wd <= Sunday; wd++ {
		for _, h := range c.Week.Day(wd) {
			*days[wd] = append(*days[wd], hoursJSON{h.Start.String(), h.End.String()})
		}
	}
	for _, d := range c.Holidays {
		j.Holidays = append(j.Holidays, d.String())
	}
	for _, s := range c.Special {
		sj := specialDayJSON{Date: s.Date.String(), Hours: []hoursJSON{}}
		for _, h := range s.Hours {
			sj.Hours = append(sj.Hours, hoursJSON{h.Start.String(), h.End.String()})
		}
		j.Special = append(j.Special, sj)
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a calendar written as documented on [Calendar]. A
// missing or empty zone means UTC. Unknown keys, bad values and a calendar
// that Validate rejects are errors naming the field.
func (c *Calendar) UnmarshalJSON(b []byte) error {
	var j calendarJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return calendarJSONError(err)
	}
	out := Calendar{Name: j.Name}
	if j.Zone != "" {
		if err := checkZoneName(j.Zone); err != nil {
			return err
		}
		out.Zone, _ = time.LoadLocation(j.Zone)
	}
	for wd, hours := range j.Week.days() {
		for i, h := range *hours {
			field := fmt.Sprintf("week.%s[%d]", Weekday(wd).key(), i)
			start, ok := parseClock(h.Start)
			if !ok {
				return &CalendarError{field + ".start", badClock(h.Start)}
			}
			end, ok := parseClock(h.End)
			if !ok {
				return &CalendarError{field + ".end", badClock(h.End)}
			}
			day := Weekday(wd)
			out.Week.SetDay(day, append(out.Week.Day(day), Hours{start, end}))
		}
	}
	for i, s := range j.Holidays {
		d, ok := parseDate(s)
		if !ok {
			return &CalendarError{fmt.Sprintf("holidays[%d]", i), badDate(s)}
		}
		out.Holidays = append(out.Holidays, d)
	}
	for i, sj := range j.Special {
		field := fmt.Sprintf("special[%d]", i)
		d, ok := parseDate(sj.Date)
		if !ok {
			return &CalendarError{field + ".date", badDate(sj.Date)}
		}
		s := SpecialDay{Date: d, Hours: []Hours{}}
		for k, h := range sj.Hours {
			hf := fmt.Sprintf("%s.hours[%d]", field, k)
			start, ok := parseClock(h.Start)
			if !ok {
				return &CalendarError{hf + ".start", badClock(h.Start)}
			}
			end, ok := parseClock(h.End)
			if !ok {
				return &CalendarError{hf + ".end", badClock(h.End)}
			}
			s.Hours = append(s.Hours, Hours{start, end})
		}
		out.Special = append(out.Special, s)
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*c = out
	return nil
}

// checkZoneName reports whether name loads as an IANA zone; "Local" does,
// but means a different zone on each machine.
func checkZoneName(name string) error {
	if name == "Local" {
		return &CalendarError{"zone", `"Local" differs from machine to machine: name an IANA time zone such as "Europe/Paris"`}
	}
	if _, err := time.LoadLocation(name); err != nil {
		return &CalendarError{"zone", fmt.Sprintf("unknown time zone %q: want an IANA name such as \"Europe/Paris\"", name)}
	}
	return nil
}

// calendarJSONError rewrites a decoding error to name the calendar's field
// instead of Go types.
func calendarJSONError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := "a string"
		switch te.Type.Kind() {
		case reflect.Slice:
			want = "an array"
		case reflect.Struct:
			want = "an object"
		}
		return &CalendarError{te.Field, fmt.Sprintf("want %s, got a JSON %s", want, te.Value)}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &CalendarError{"", "unknown field " + name + " (want name, zone, week with monday to sunday, holidays, special; hours with start and end)"}
	}
	return &CalendarError{"", err.Error()}
}
