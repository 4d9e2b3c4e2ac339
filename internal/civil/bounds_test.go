package civil

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestInRangeAtTheEdges checks InRange, whose fast path decides by the
// second, against its definition at each edge of the range and across it.
func TestInRangeAtTheEdges(t *testing.T) {
	def := func(t time.Time) bool { return !t.Before(MinTime) && !t.After(MaxTime) }
	for _, c := range []struct {
		t    time.Time
		want bool
	}{
		{MinTime, true},
		{MinTime.Add(-time.Nanosecond), false},
		{MinTime.Add(time.Nanosecond), true},
		{MinTime.Add(-time.Second), false},
		{MinTime.Add(time.Second), true},
		{MaxTime, true},
		{MaxTime.Add(time.Nanosecond), false},
		{MaxTime.Add(-time.Nanosecond), true},
		{MaxTime.Add(time.Second), false},
		{MaxTime.Add(-time.Second), true},
		{time.Time{}, false},
		{time.Unix(0, 0), true},
		{time.Now(), true}, // a monotonic reading
		{time.Date(9999, 12, 31, 0, 0, 0, 0, time.FixedZone("x", 3600)), false},
	} {
		if got := InRange(c.t); got != c.want {
			t.Errorf("InRange(%s) = %v, want %v", c.t.Format(time.RFC3339Nano), got, c.want)
		}
	}
	r := rand.New(rand.NewPCG(3, 5))
	for range 100_000 {
		// Seconds spread over and past the range, nanoseconds anywhere.
		x := time.Unix(r.Int64N(40_000_000_000)-20_000_000_000, r.Int64N(1e9))
		if r.IntN(4) == 0 { // near an edge
			edge := MinTime
			if r.IntN(2) == 0 {
				edge = MaxTime
			}
			x = edge.Add(time.Duration(r.Int64N(4e9) - 2e9))
		}
		if InRange(x) != def(x) {
			t.Fatalf("InRange(%s) = %v, its definition says %v", x.Format(time.RFC3339Nano), InRange(x), def(x))
		}
	}
}

// TestEdgeSeconds checks the constants against the times they are the
// seconds of.
func TestEdgeSeconds(t *testing.T) {
	if MinTime.Unix() != MinSec || MaxTime.Unix() != MaxSec {
		t.Errorf("MinSec, MaxSec = %d, %d; want %d, %d", MinSec, MaxSec, MinTime.Unix(), MaxTime.Unix())
	}
}
