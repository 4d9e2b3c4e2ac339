package civil

import "time"

// The time code steps through a zone's periods of constant UTC offset. The
// standard library's time.Time.ZoneBounds describes those periods, but not
// always correctly: past the end of a zone's transition table (where the
// zone's rule string takes over) it can return, in the last day of a leap
// year, an end at or before its input (Europe/Paris, 2040-12-31 01:00 gives
// an end of 2040-12-31 01:00). A loop that steps to that end never moves.
// Every use of zone periods goes through OffsetPeriod, which always brackets
// its input, so each step of such a loop advances by a positive amount.

// OffsetPeriod returns an interval [start, end) containing t over which t's
// zone keeps t's UTC offset: start ≤ t < end, a zero start meaning since
// always and a zero end meaning forever. Its bounds are the zone's offset
// changes, except where ZoneBounds is wrong, where a bound may be a whole
// UTC hour at which the offset does not change: a harmless extra step for
// callers that walk periods.
func OffsetPeriod(t time.Time) (start, end time.Time) {
	start, end = t.ZoneBounds()
	if !end.IsZero() && !end.After(t) {
		end = offsetChangeAfter(t)
	}
	if !start.IsZero() && start.After(t) {
		start = offsetChangeAtOrBefore(t)
	}
	return start, end
}

// offsetChangeAfter returns the next whole UTC hour after t, or the first
// instant before it with another offset than t's.
func offsetChangeAfter(t time.Time) time.Time {
	_, off := t.Zone()
	hi := t.Truncate(time.Hour).Add(time.Hour)
	if offsetAt(hi, t.Location()) == off {
		return hi
	}
	return firstOfSide(t, hi, t.Location(), off)
}

// offsetChangeAtOrBefore returns the whole UTC hour at or before t, or the
// first instant after it with t's offset.
func offsetChangeAtOrBefore(t time.Time) time.Time {
	_, off := t.Zone()
	lo := t.Truncate(time.Hour)
	if offsetAt(lo, t.Location()) == off {
		return lo.In(t.Location())
	}
	return firstOfSide(lo, t, t.Location(), off)
}

// firstOfSide bisects (lo, hi], across which the offset changes once, for
// the first instant whose offset is on hi's side: equal to off or not, as
// hi's is.
func firstOfSide(lo, hi time.Time, loc *time.Location, off int) time.Time {
	hiHasOff := offsetAt(hi, loc) == off
	for hi.Sub(lo) > 1 {
		mid := lo.Add(hi.Sub(lo) / 2)
		if (offsetAt(mid, loc) == off) == hiHasOff {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi.In(loc)
}

func offsetAt(t time.Time, loc *time.Location) int {
	_, off := t.In(loc).Zone()
	return off
}

// FirstInstant returns the first instant in loc whose wall clock reads the
// given date and time or later. That is the instant time.Date gives, except
// where the zone's clock skipped that wall time (America/Sao_Paulo
// 2018-11-04 00:00 never happened: the day began at 01:00, and time.Date
// answers 2018-11-03 23:00 of the old offset), where it is the instant the
// clock jumped past it; and where the wall time happened twice, where it is
// the first. Every conversion of a date or a wall-clock time of a query's
// zone into an instant uses it, so that a date means one instant everywhere.
func FirstInstant(y int, m time.Month, d, hh, mm, ss, ns int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, hh, mm, ss, ns, loc)
	if ty, tm, td := t.Date(); ty == y && tm == m && td == d {
		if th, tmi, ts := t.Clock(); th == hh && tmi == mm && ts == ss && t.Nanosecond() == ns {
			// The wall time exists. Unless the offset changed in the two days
			// before it, no earlier instant can show a wall clock at or past
			// it (offsets stay within ±26 hours of each other).
			if start, _ := OffsetPeriod(t); start.IsZero() || t.Sub(start) >= 48*time.Hour {
				return t
			}
		}
	}
	// Walk the zone's periods of constant offset from well before that wall
	// time; the first period whose wall clock reaches it holds the answer.
	// Each step moves to a later period, and the wall clock reaches any
	// wall time within 48 hours plus the zone's changes in between.
	w := time.Date(y, m, d, hh, mm, ss, ns, time.UTC) // the wall time, read as UTC
	u := w.Add(-48 * time.Hour).In(loc)
	for {
		_, off := u.Zone()
		_, end := OffsetPeriod(u)
		c := w.Add(-time.Duration(off) * time.Second) // the instant this period's clock reads w
		if c.Before(u) {
			c = u // the period begins past w
		}
		if end.IsZero() || c.Before(end) {
			return c.In(loc)
		}
		u = end
	}
}
