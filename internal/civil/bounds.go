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

// minSec and maxSec are the Unix seconds of MinTime and MaxTime.
var minSec, maxSec = MinTime.Unix(), MaxTime.Unix()

// InRange reports whether t lies within [MinTime, MaxTime]. A time whose
// second lies strictly between theirs, nearly every time, is decided by
// its second alone: every loaded conversation asks it of four times.
func InRange(t time.Time) bool {
	if s := t.Unix(); s > minSec && s < maxSec {
		return true
	}
	return !t.Before(MinTime) && !t.After(MaxTime)
}

// BeforeEnd reports whether Unix second s comes before MaxTime's: a time
// in that second or later may be past MaxTime.
func BeforeEnd(s int64) bool { return s < maxSec }

// RangeReason says why a time outside [MinTime, MaxTime] is refused,
// quoting it as written: the one message every reader and writer gives.
func RangeReason(t string) string {
	return fmt.Sprintf("%q is outside the supported times, %s to %s", t, MinTime.Format(time.RFC3339Nano), MaxTime.Format(time.RFC3339Nano))
}
