package colstore

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// feeds are the orders a builder is fed rows in: increasing, decreasing
// and shuffled (a file not in creation order stores its rows by rank).
func feeds(n int) map[string][]int {
	up, down := make([]int, n), make([]int, n)
	for r := range n {
		up[r], down[r] = r, n-1-r
	}
	shuffled := rand.New(rand.NewPCG(3, 4)).Perm(n)
	return map[string][]int{"up": up, "down": down, "shuffled": shuffled}
}

// A TimeBuilder fed row by row, in any order, makes the column Times makes
// from all the values at once: the same unit, or the same int64s,
// whichever value first needs a finer unit or none, and every value reads
// back.
func TestTimeBuilderMatchesTimes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 3000
	created := make([]int64, n)
	for r := range created {
		created[r] = int64(1.7e18) + int64(r)*1e9 + rng.Int64N(1e9)
	}
	// Each kind of value, from the first row, the middle or the last on:
	// whole seconds after creation, milliseconds, nanoseconds, before
	// creation, too far for a second offset or a millisecond one.
	kinds := []func(r int) int64{
		func(r int) int64 { return created[r] + rng.Int64N(1e6)*1e9 },
		func(r int) int64 { return created[r] + rng.Int64N(1e9)*1e6 },
		func(r int) int64 { return created[r] + rng.Int64N(1e12) },
		func(r int) int64 { return created[r] - 1e9 },
		func(r int) int64 { return created[r] + (math.MaxUint32+5)*1e9 },
		func(r int) int64 { return created[r] + (math.MaxUint32+5)*1e6 },
	}
	for k0 := range 3 {
		for k1, later := range kinds {
			for _, from := range []int{0, n / 2, n - 1} {
				t.Run(fmt.Sprintf("%d then %d from row %d", k0, k1, from), func(t *testing.T) {
					vals := make([]int64, n)
					for r := range vals {
						switch {
						case r%7 == 0:
							vals[r] = Null
						case r < from:
							vals[r] = kinds[k0](r)
						default:
							vals[r] = later(r)
						}
					}
					want := Times(append([]int64(nil), vals...), created)
					check := func(t *testing.T, feed string, got Column) {
						require.Equal(t, want.Unit, got.Unit, feed)
						require.Equal(t, want.Offs, got.Offs, feed)
						require.Equal(t, want.Ints, got.Ints, feed)
						seg := &Segment{N: n, Created: created, Cols: []Column{got}}
						for r, v := range vals {
							require.Equal(t, v, seg.Int(0, r), "%s: row %d", feed, r)
						}
					}
					for feed, rows := range feeds(n) {
						b := NewTimeBuilder(created)
						for _, r := range rows {
							b.Set(r, vals[r])
						}
						check(t, feed, b.Column())
					}
				})
			}
		}
	}
}

// A NumberBuilder fed row by row, in any order, makes the column Numbers
// makes: codes at the same width, or float64s from whichever value first
// needs them.
func TestNumberBuilderMatchesNumbers(t *testing.T) {
	nan := math.NaN()
	kinds := []func(r int) float64{
		func(r int) float64 { return float64(r % 200) },
		func(r int) float64 { return float64(r * 40) },
		func(r int) float64 { return float64(r) * 1e5 },
		func(r int) float64 { return float64(r) + 0.5 },
		func(r int) float64 { return -float64(r) - 1 },
		func(r int) float64 { return math.MaxUint32 },
	}
	const n = 2000
	for k0 := range 3 {
		for k1, later := range kinds {
			for _, from := range []int{0, n / 2, n - 1} {
				t.Run(fmt.Sprintf("%d then %d from row %d", k0, k1, from), func(t *testing.T) {
					vals := make([]float64, n)
					for r := range vals {
						switch {
						case r%9 == 0:
							vals[r] = nan
						case r < from:
							vals[r] = kinds[k0](r)
						default:
							vals[r] = later(r)
						}
					}
					want := Numbers(append([]float64(nil), vals...))
					check := func(t *testing.T, feed string, got Column) {
						require.Equal(t, want.Codes, got.Codes, feed)
						require.Equal(t, len(want.Floats), len(got.Floats), feed)
						for r, v := range vals {
							g := got.Number(r)
							require.True(t, g == v || math.IsNaN(g) && math.IsNaN(v), "%s: row %d: %v, want %v", feed, r, g, v)
						}
					}
					for feed, rows := range feeds(n) {
						b := NewNumberBuilder(n)
						for _, r := range rows {
							b.Set(r, vals[r])
						}
						check(t, feed, b.Column())
					}
				})
			}
		}
	}
}
