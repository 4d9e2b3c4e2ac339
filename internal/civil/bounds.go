package civil

import (
	"fmt"
	"math"
	"time"
)

// MinTime and MaxTime bound the instants a conversation may hold: the
// column store keeps times as nanoseconds since 1970 in 64 bits, which
// reach from 1677-09-21 to 2262-04-11. The zero time.Time, which means
// "unknown", lies outside, so a time that was given is never mistaken for
// a missing one. They are variables only because Go has no time constants;
// nothing changes them.
var (
	MinTime = time.Unix(0, math.MinInt64+1).UTC()
	MaxTime = time.Unix(0, math.MaxInt64).UTC()
)

// MinSec and MaxSec are the Unix seconds of MinTime and MaxTime, as
// constants: a check of every loaded time compares with them.
const (
	MinSec = math.MinInt64/1_000_000_000 - 1 // MinTime is 145224193 ns into it
	MaxSec = math.MaxInt64 / 1_000_000_000
)

// MaxSpanSec is the whole seconds of the longest span from a
// conversation's creation to another of its times: math.MaxInt64
// nanoseconds, the longest time.Duration (292 years), which every
// duration measured to that time must fit. The supported times span
// twice that, so a close in 2200 of a conversation created in 1700
// would overflow its time to close.
const MaxSpanSec = math.MaxInt64 / 1_000_000_000

// SpanFits reports whether to lies at most math.MaxInt64 nanoseconds
// after from (or before it): whether to.Sub(from) is exact.
func SpanFits(from, to time.Time) bool {
	d, n := to.Unix()-from.Unix(), to.Nanosecond()-from.Nanosecond()
	if n < 0 { // the span as whole seconds and a nanosecond part ≥ 0
		d, n = d-1, n+1_000_000_000
	}
	if d != MaxSpanSec {
		return d < MaxSpanSec
	}
	return n <= math.MaxInt64%1_000_000_000
}

// InRange reports whether t lies within [MinTime, MaxTime]. A time whose
// second lies strictly between theirs, nearly every time, is decided by
// its second alone: every loaded conversation asks it of four times.
func InRange(t time.Time) bool {
	if s := t.Unix(); s > MinSec && s < MaxSec {
		return true
	}
	return !t.Before(MinTime) && !t.After(MaxTime)
}

// RangeReason says why a time outside [MinTime, MaxTime] is refused,
// quoting it as written: the one message every reader and writer gives.
func RangeReason(t string) string {
	return fmt.Sprintf("%q is outside the supported times, %s to %s", t, MinTime.Format(time.RFC3339Nano), MaxTime.Format(time.RFC3339Nano))
}
