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
