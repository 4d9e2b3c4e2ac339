package civil

import (
	"fmt"
	"time"
)

// Unit is the width of a time bucket.
type Unit uint8

// The bucket widths.
const (
	Hour Unit = iota + 1
	Day
	Week
	Month
	Quarter
	Year
)

var unitNames = [...]string{Hour: "hour", Day: "day", Week: "week", Month: "month", Quarter: "quarter", Year: "year"}

// String returns the unit's name, "day".
func (u Unit) String() string {
	if int(u) < len(unitNames) && unitNames[u] != "" {
		return unitNames[u]
	}
	return fmt.Sprintf("Unit(%d)", uint8(u))
}

// Time buckets partition the timeline of the query's zone. Every bucket is
// [start, next start): each instant falls in exactly one bucket, the one with
// the latest start at or before it, and starts strictly increase.
//
// Day, week, month, quarter and year buckets are calendar units of the zone:
// a unit starts at the first instant of its first date (see StartOfDay), so a
// day lasts 23 or 25 hours across a DST change, and a date a zone skipped
// entirely (Pacific/Apia, 2011-12-30) has no bucket. Where a zone set its
// clock back across midnight (America/Goose_Bay until 2010: 00:01 became
// 23:01 of the day before), the hour of repeated wall-clock time belongs to
// the day that had already begun, which thus lasts 25 hours.
//
// Hour buckets start at every instant at which the zone's wall clock reads a
// whole hour (hh:00:00). Across a change of offset this means:
//   - an hour the clock skips has no bucket (Europe/Paris 2025-03-30: the
//     01:00 bucket ends at 03:00 CEST, one real hour later);
//   - an hour the clock repeats gives two buckets, told apart by their offset
//     (Europe/Paris 2025-10-26: 02:00+02:00 and 02:00+01:00, one hour each);
//   - a change by less than an hour lengthens a bucket: on
//     Australia/Lord_Howe 2025-10-05 the clock jumps from 02:00+10:30 to
//     02:30+11:00, so the 01:00 bucket runs to 03:00+11:00 (90 minutes); on
//     2025-04-06 it falls back from 02:00+11:00 to 01:30+10:30, and the 01:00
//     bucket runs through the repeated half hour to 02:00+10:30 (90 minutes).
//   - a date whose first instant is no whole hour also starts a bucket
//     there: Asia/Kathmandu's 1986-01-01 began at 00:15+05:45 (the clock
//     moved from 00:00+05:30), and its first bucket runs from 00:15 to
//     01:00. Without it the 23:00 bucket of the day before would run to
//     01:00, and a date's hour buckets would not add up to its day bucket.
// So hour labels are whole wall-clock hours, but for such a date's first,
// and no bucket is shorter than the shortest gap between two whole hours
// of the wall clock, or from a date's start to the next whole hour.
//
// The timeline itself starts at MinTime, and so does the bucket holding
// it, whatever its width: its unit began before any instant the engine
// can hold (1677-09-21T00:00Z is before MinTime), and a start there would
// have no nanosecond count to find a row's bucket by, nor a range to
// drill into. Every start is thus a supported instant; the last bucket
// may end after MaxTime, which only the range's end bounds.

// BucketStart returns the start, in loc, of the bucket of width b containing
// the instant t: for t within the supported times, never before MinTime
// (see above). It panics on an invalid bucket, which the engine rejects
// before running.
func BucketStart(t time.Time, b Unit, loc *time.Location, weekStart time.Weekday) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	if b == Hour {
		return clampStart(HourStart(t, loc), t)
	}
	_, s := UnitStart(t, b, loc, weekStart)
	return clampStart(s, t)
}

// clampStart returns s, the start of the bucket holding t, or MinTime in
// s's zone when s is before it and t is not: the first bucket starts
// where the supported times do.
func clampStart(s, t time.Time) time.Time {
	if s.Before(MinTime) && !t.Before(MinTime) {
		return MinTime.In(s.Location())
	}
	return s
}

// UnitStart returns the first date and the start of the day-or-wider bucket
// containing t.
func UnitStart(t time.Time, b Unit, loc *time.Location, weekStart time.Weekday) (Date, time.Time) {
	u := firstDateOfUnit(DateOf(t.In(loc)), b, weekStart)
	s := u.Start(loc)
	// The start of the unit of t's date is at or before t; a later unit may
	// also have started already where a zone moved its wall clock back over
	// midnight, and the latest start wins.
	for {
		n := u.next(b)
		ns := n.Start(loc)
		if ns.After(t) {
			return u, s
		}
		u, s = n, ns
	}
}

// BucketStarts returns the starts of every bucket of width b overlapping
// [from, to), in order: the first is BucketStart(from), so never before
// MinTime when from is not, and the last is before to. It returns nil when from is not before to. It stops as soon as it has
// more than limit starts and then reports over: the cap holds while the list
// is built, so a range of centuries in hours costs nothing. Each step of
// either loop moves to a strictly later instant or a later date, so both
// end.
func BucketStarts(from, to time.Time, b Unit, loc *time.Location, weekStart time.Weekday, limit int) (starts []time.Time, over bool) {
	if !from.Before(to) {
		return nil, false
	}
	if loc == nil {
		loc = time.UTC
	}
	if b == Hour {
		// HourNext of a start moved up to MinTime is the next whole hour
		// (or date), as of the start before it.
		s := clampStart(HourStart(from, loc), from)
		out := make([]time.Time, 0, startsCap(s, to, b, limit))
		out = append(out, s)
		for {
			if len(out) > limit {
				return out, true
			}
			s = HourNext(s)
			if !s.Before(to) {
				return out, false
			}
			out = append(out, s)
		}
	}
	// Walk the units by date, not by instant, so that a skipped date does
	// not lose track of the calendar.
	// The next unit starts after from, so after a start moved up to
	// MinTime too: the walk goes on as from the unit's own start.
	u, s := UnitStart(from, b, loc, weekStart)
	s = clampStart(s, from)
	out := make([]time.Time, 0, startsCap(s, to, b, limit))
	out = append(out, s)
	for {
		if len(out) > limit {
			return out, true
		}
		u = u.next(b)
		ns := u.Start(loc)
		if !ns.After(s) {
			continue // a skipped date starts where the next one does
		}
		if !ns.Before(to) {
			return out, false
		}
		out = append(out, ns)
		s = ns
	}
}

// EstimateBuckets counts the buckets [s, to) holds at their average length
// (months of a 400-year Gregorian cycle): exact for hours, days and weeks of
// a zone without changes of offset, close otherwise.
func EstimateBuckets(s, to time.Time, b Unit) int {
	unit := map[Unit]int64{
		Hour: 3600, Day: 86400, Week: 7 * 86400,
		Month: 146097 * 86400 / 4800, Quarter: 146097 * 86400 / 1600, Year: 146097 * 86400 / 400,
	}[b]
	if unit == 0 {
		return 1
	}
	d := max(to.Unix()-s.Unix(), 1)
	return int(min((d+unit-1)/unit, 1<<31-1))
}

// startsCap sizes the slice of bucket starts: room for the estimate, but
// no more than the limit allows, and past 65 536 grown by append.
func startsCap(s, to time.Time, b Unit, limit int) int {
	return min(EstimateBuckets(s, to, b)+1, limit+1, 1<<16)
}

// Index returns the index of the bucket containing t: the last i with
// starts[i] <= t, or -1 when t is before starts[0]. An instant at or after
// the last start gives the last index: the caller bounds t by the range.
func Index(starts []time.Time, t time.Time) int {
	if len(starts) == 0 || t.Before(starts[0]) {
		return -1
	}
	lo, hi := 0, len(starts) // starts[lo] <= t, and hi is past the end or after t
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if starts[mid].After(t) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo
}

// IndexNanos is Index on Unix nanoseconds, the engine's time
// representation; it runs once per row.
func IndexNanos(starts []int64, t int64) int {
	n := len(starts)
	if n == 0 || t < starts[0] {
		return -1
	}
	if t >= starts[n-1] {
		return n - 1
	}
	lo, hi := 0, n-1 // starts[lo] <= t < starts[hi]
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if starts[mid] <= t {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// HourStart returns the latest instant at or before t at which loc's wall
// clock reads a whole hour, or a date starts.
func HourStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	c := wholeHourStart(t)
	if d := DateOf(t); DateOf(c) != d {
		// A date began since c, after a clock moved past its midnight.
		if ds := d.Start(loc); ds.After(c) && !ds.After(t) {
			return ds
		}
	}
	return c
}

func wholeHourStart(t time.Time) time.Time {
	for {
		_, m, s := t.Clock()
		c := t.Add(-(time.Duration(m)*time.Minute + time.Duration(s)*time.Second + time.Duration(t.Nanosecond())))
		start, _ := OffsetPeriod(t)
		if start.IsZero() || !c.Before(start) {
			return c // same offset as t, so its wall clock reads hh:00:00
		}
		// No whole hour since the offset last changed: look before the
		// change.
		t = start.Add(-time.Nanosecond)
	}
}

// HourNext returns the earliest instant after s at which s's zone's wall
// clock reads a whole hour, or a date starts.
func HourNext(s time.Time) time.Time {
	n := wholeHourNext(s)
	if DateOf(n) != DateOf(s) {
		if h, m, sec := n.Clock(); h != 0 || m != 0 || sec != 0 || n.Nanosecond() != 0 {
			// A date began between s and n, not at a midnight n is.
			if ds := DateOf(n).Start(s.Location()); ds.After(s) && ds.Before(n) {
				return ds
			}
		}
	}
	return n
}

func wholeHourNext(s time.Time) time.Time {
	u := s
	for first := true; ; first = false {
		_, m, sec := u.Clock()
		frac := time.Duration(m)*time.Minute + time.Duration(sec)*time.Second + time.Duration(u.Nanosecond())
		if !first && frac == 0 {
			return u // the offset changed onto a whole hour
		}
		c := u.Add(time.Hour - frac)
		_, end := OffsetPeriod(u)
		if end.IsZero() || c.Before(end) {
			return c
		}
		u = end
	}
}
