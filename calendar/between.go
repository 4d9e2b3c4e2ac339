package calendar

import (
	"slices"
	"time"

	"github.com/convreport/convreport/internal/civil"
)

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
	return o.Between(a, b)
}

// Prepared is a calendar made ready to count many durations: its weekly
// hours in an array, the open time of each weekday, and the holidays as
// sorted day numbers. The engine prepares each calendar once per run, for
// every conversation; [Calendar.Prepare] makes one. A Prepared is
// read-only, so safe for concurrent use, and reflects its calendar as it
// was when prepared.
type Prepared struct {
	c         *Calendar
	hol       []int64
	week      [7][]Hours // by Weekday
	dayOpen   [7]int64   // open nanoseconds of each whole weekday
	weekTotal int64
}

// Prepare returns c ready to count many durations with
// [Prepared.Between], each as c.Between would count it.
func (c *Calendar) Prepare() *Prepared {
	if c == nil {
		return nil
	}
	o := c.prepare(nil)
	return &o
}

// Calendar returns the calendar p was prepared from.
func (o *Prepared) Calendar() *Calendar {
	if o == nil {
		return nil
	}
	return o.c
}

// prepare returns c prepared, appending the holidays to hol.
func (c *Calendar) prepare(hol []int64) Prepared {
	o := Prepared{c: c, hol: c.appendHolidayDays(hol)}
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

// Between returns the business time within [a, b), as
// [Calendar.Between] does; a nil Prepared counts calendar time.
func (o *Prepared) Between(a, b time.Time) time.Duration {
	if o == nil {
		return max(0, b.Sub(a))
	}
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
func (o *Prepared) openWall(d0, n0, d1, n1 int64) int64 {
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
func (o *Prepared) openPart(day, n0, n1 int64) int64 {
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
func (o *Prepared) openDays(lo, hi int64) int64 {
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
