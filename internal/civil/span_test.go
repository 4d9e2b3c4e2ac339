package civil

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"
)

// SpanFits agrees with the span computed in big integers, around its
// edge (math.MaxInt64 nanoseconds), where the nanosecond parts of the two
// times decide, and far from it.
func TestSpanFitsAtTheLongestDuration(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	limit := big.NewInt(math.MaxInt64)
	span := func(from, to time.Time) *big.Int {
		s := new(big.Int).Mul(big.NewInt(to.Unix()-from.Unix()), big.NewInt(1e9))
		return s.Add(s, big.NewInt(int64(to.Nanosecond()-from.Nanosecond())))
	}
	fits, not := 0, 0
	for range 200_000 {
		// from before 1970, so that from plus the longest duration is a
		// supported time; to within a few seconds of that, or anywhere.
		from := time.Unix(0, math.MinInt64+1+r.Int64N(math.MaxInt64-1e10))
		var to time.Time
		if r.IntN(4) == 0 {
			to = time.Unix(0, from.UnixNano()+r.Int64N(math.MaxInt64))
		} else {
			edge := from.UnixNano() + math.MaxInt64 - 3e9
			to = time.Unix(0, edge+r.Int64N(6e9))
		}
		want := span(from, to).Cmp(limit) <= 0
		if got := SpanFits(from, to); got != want {
			t.Fatalf("SpanFits(%s, %s) = %v, want %v (span %s ns)", from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano), got, want, span(from, to))
		}
		if want {
			fits++
		} else {
			not++
		}
	}
	if fits < 1000 || not < 1000 {
		t.Fatalf("%d spans fit and %d do not: the edge is not reached", fits, not)
	}
	// The exact edge, both ways, with the nanosecond parts that borrow.
	from := time.Date(1914, 11, 2, 23, 52, 47, 354563355, time.UTC)
	if at := from.Add(math.MaxInt64); !SpanFits(from, at) || SpanFits(from, at.Add(time.Nanosecond)) {
		t.Fatalf("the edge from %s: %v, %v", from, SpanFits(from, at), SpanFits(from, at.Add(time.Nanosecond)))
	}
}
