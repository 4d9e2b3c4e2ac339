package colstore

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
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
					// Fed in order and sealed a chunk at a time, as a load
					// does: the zones of chunks sealed before a change of
					// unit still hold their values.
					b := NewTimeBuilder(created)
					for r, v := range vals {
						b.Set(r, v)
						if (r+1)%ChunkRows == 0 || r == n-1 {
							b.SealChunk(r / ChunkRows)
						}
					}
					got := b.Column()
					check(t, "sealed by chunk", got)
					requireZones(t, &Segment{N: n, Created: created, Cols: []Column{got}}, vals)
					// Put a run of rows at a time, as a load stores the
					// chunks of a file in order.
					b = NewTimeBuilder(created)
					for lo := 0; lo < n; {
						hi := min(n, lo+1+rng.IntN(700))
						b.Put(lo, vals[lo:hi])
						lo = hi
					}
					check(t, "put in runs", b.Column())
					// Put whole chunks at a time, sealed as they are put;
					// each put reports offsets while the rows so far fit
					// them, as Times of those rows decides.
					b = NewTimeBuilder(created)
					for lo := 0; lo < n; {
						hi := min(n, lo+ChunkRows*(1+rng.IntN(2)))
						offsets := b.PutSealed(lo, vals[lo:hi])
						so := Times(slices.Clone(vals[:hi]), created[:hi])
						require.Equal(t, so.Offs != nil, offsets, "rows to %d", hi)
						lo = hi
					}
					got = b.Column()
					check(t, "put sealed", got)
					requireZones(t, &Segment{N: n, Created: created, Cols: []Column{got}}, vals)
				})
			}
		}
	}
}

// requireZones checks column 0 of seg, sealed, against its values: each
// chunk's least and greatest known value and whether one is unknown, and
// a bit a row for the known ones, computed here row by row.
func requireZones(t *testing.T, seg *Segment, vals []int64) {
	t.Helper()
	known := make([]uint64, (len(vals)+63)/64)
	nulls := false
	for base := 0; base < len(vals); base += ChunkRows {
		n := min(ChunkRows, len(vals)-base)
		want := Zone{Min: math.MaxInt64, Max: math.MinInt64}
		for r := base; r < base+n; r++ {
			if vals[r] == Null {
				want.Nulls, nulls = true, true
				continue
			}
			known[r/64] |= 1 << (r % 64)
			want.Min, want.Max = min(want.Min, vals[r]), max(want.Max, vals[r])
		}
		got, ok := seg.Zone(0, base, n)
		require.True(t, ok, "chunk at row %d has no zone", base)
		require.Equal(t, want, got, "chunk at row %d", base)
	}
	if !nulls {
		known = nil
	}
	require.Equal(t, known, seg.Known(0, 0, len(vals)))
}

// PutSealedSeconds, given a chunk's values and creation times in whole
// seconds, makes the column and zones Times makes from the nanoseconds;
// where it declines (a value before its creation or too far after it for
// a second offset, or a column that has left seconds), the chunk put with
// PutSealed does, and so does every chunk after it.
func TestPutSealedSecondsMatchesTimes(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n = 5*ChunkRows + 300
	created := make([]int64, n)
	for r := range created {
		created[r] = (int64(1.7e9) + int64(r)*7 + rng.Int64N(5)) * 1e9
	}
	after := func(r int, secs int64) int64 { return created[r] + secs*1e9 }
	// Each kind of value, in a chunk of its own or from a row on: whole
	// seconds after creation, the furthest a second offset reaches, the
	// creation's second itself, a second before it, a second too far,
	// and a millisecond after the second (which takes the column to
	// milliseconds).
	kinds := []func(r int) int64{
		func(r int) int64 { return after(r, rng.Int64N(1e6)) },
		func(r int) int64 { return after(r, math.MaxUint32-1) },
		func(r int) int64 { return created[r] },
		func(r int) int64 { return after(r, -1) },
		func(r int) int64 { return after(r, math.MaxUint32) },
		func(r int) int64 { return after(r, 5) + 1e6 },
	}
	for k, later := range kinds {
		for _, from := range []int{0, 2*ChunkRows + 17, n - 1} {
			t.Run(fmt.Sprintf("kind %d from row %d", k, from), func(t *testing.T) {
				vals := make([]int64, n)
				for r := range vals {
					switch {
					case r%5 == 0:
						vals[r] = Null
					case r < from:
						vals[r] = kinds[0](r)
					default:
						vals[r] = later(r)
					}
				}
				want := Times(append([]int64(nil), vals...), created)
				b := NewTimeBuilder(created)
				secs, createdSecs := make([]int64, ChunkRows), make([]int64, ChunkRows)
				for lo := 0; lo < n; lo += ChunkRows {
					hi := min(n, lo+ChunkRows)
					whole := true
					for r := lo; r < hi; r++ {
						secs[r-lo], createdSecs[r-lo] = vals[r], created[r]/1e9
						if vals[r] != Null {
							secs[r-lo] = vals[r] / 1e9
							whole = whole && vals[r]%1e9 == 0
						}
					}
					if !whole || !b.PutSealedSeconds(lo, secs[:hi-lo], createdSecs[:hi-lo]) {
						b.PutSealed(lo, vals[lo:hi])
					}
				}
				got := b.Column()
				require.Equal(t, want.Unit, got.Unit)
				require.Equal(t, want.Offs, got.Offs)
				require.Equal(t, want.Ints, got.Ints)
				seg := &Segment{N: n, Created: created, Cols: []Column{got}}
				for r, v := range vals {
					require.Equal(t, v, seg.Int(0, r), "row %d", r)
				}
				requireZones(t, seg, vals)
			})
		}
	}
}

// PutSealedSeconds takes the seconds whose nanoseconds an int64 holds,
// and declines the first one past them, which PutSealed then stores.
func TestPutSealedSecondsAtTheLastSecond(t *testing.T) {
	const last = math.MaxInt64 / 1_000_000_000 // the last second whose nanoseconds an int64 holds, in part
	for _, tc := range []struct {
		v   int64 // a second
		put bool
	}{{last - 1, true}, {last, false}} {
		created := []int64{(last - 10) * 1e9, (last - 20) * 1e9}
		b := NewTimeBuilder(created)
		put := b.PutSealedSeconds(0, []int64{tc.v, Null}, []int64{last - 10, last - 20})
		require.Equal(t, tc.put, put, "second %d", tc.v)
		if !put {
			b.PutSealed(0, []int64{tc.v * 1e9, Null})
		}
		seg := &Segment{N: 2, Created: created, Cols: []Column{b.Column()}}
		require.Equal(t, tc.v*1e9, seg.Int(0, 0))
		require.Equal(t, int64(Null), seg.Int(0, 1))
		requireZones(t, seg, []int64{tc.v * 1e9, Null})
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
						b, bi := NewNumberBuilder(n), NewNumberBuilder(n)
						for _, r := range rows {
							b.Set(r, vals[r])
							// Whole numbers an int64 holds go through SetInt.
							if v := vals[r]; v == math.Trunc(v) && math.Abs(v) < 1<<62 {
								bi.SetInt(r, int64(v))
							} else {
								bi.Set(r, v)
							}
						}
						check(t, feed, b.Column())
						check(t, feed+", whole numbers by SetInt", bi.Column())
					}
				})
			}
		}
	}
}

// PutCounts, a run of rows at a time, makes the column SetInt makes a row
// at a time, an unknown count as 0: codes at the same width, or float64s
// from whichever count first needs them (one below 0 or past a code).
func TestPutCountsMatchesSetInt(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	kinds := []func() int64{
		func() int64 { return rng.Int64N(200) },
		func() int64 { return rng.Int64N(70_000) },
		func() int64 { return rng.Int64N(1 << 31) },
		func() int64 { return -1 - rng.Int64N(5) },
		func() int64 { return math.MaxUint32 + rng.Int64N(5) },
	}
	const n = 2000
	for k0 := range 3 {
		for k1, later := range kinds {
			for _, from := range []int{0, n / 2, n - 1} {
				t.Run(fmt.Sprintf("%d then %d from row %d", k0, k1, from), func(t *testing.T) {
					counts := make([]int64, n)
					for r := range counts {
						switch {
						case r%9 == 0:
							counts[r] = Null
						case r < from:
							counts[r] = kinds[k0]()
						default:
							counts[r] = later()
						}
					}
					want := NewNumberBuilder(n)
					for r, v := range counts {
						if v == Null {
							v = 0
						}
						want.SetInt(r, v)
					}
					got := NewNumberBuilder(n)
					buf := make([]uint32, 700)
					for lo := 0; lo < n; {
						hi := min(n, lo+1+rng.IntN(700))
						got.PutCounts(lo, counts[lo:hi], buf)
						lo = hi
					}
					require.Equal(t, want.Column(), got.Column())
				})
			}
		}
	}
}

// offset agrees with exact division (math/big) for every unit, at the
// edges of what fits a slot, near whole units and across the int64s.
func TestOffsetAgreesWithDivision(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 13))
	for _, unit := range []int64{1e9, 1e6, 1, 7} {
		edge := (math.MaxUint32 - 1) * unit // the last offset that fits
		ds := []int64{0, 1, -1, unit, -unit, unit - 1, unit + 1, edge, edge - unit, edge + unit, edge + 1, math.MaxInt64, math.MinInt64}
		for range 20_000 {
			switch r.IntN(4) {
			case 3:
				ds = append(ds, unit*r.Int64N(1<<30)+unit/10*r.Int64N(10)) // whole tenths of a unit
			case 0:
				ds = append(ds, r.Int64()-r.Int64())
			case 1:
				ds = append(ds, unit*r.Int64N(math.MaxInt64/unit)) // a whole number of units
			default:
				ds = append(ds, unit*r.Int64N(1<<33)+r.Int64N(2)) // near the slots' reach
			}
		}
		for _, d := range ds {
			q, m := new(big.Int).QuoRem(big.NewInt(d), big.NewInt(unit), new(big.Int))
			fits := d >= 0 && m.Sign() == 0 && q.Cmp(big.NewInt(math.MaxUint32-1)) <= 0
			got, ok := offset(d, unit)
			if ok != fits || ok && uint64(got) != q.Uint64()+1 {
				t.Fatalf("offset(%d, %d) = %d, %v; want %v, %v", d, unit, got, ok, q.Uint64()+1, fits)
			}
		}
	}
}
