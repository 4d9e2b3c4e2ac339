package colstore

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// Whole numbers are kept as codes at the narrowest width, anything else as
// float64s, and Number reads back what went in, unknowns included.
func TestNumbersKeepEveryValue(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		in   []float64
		form string
	}{
		{"counts", []float64{0, 1, 7, 254, nan}, "w8"},
		{"past a byte", []float64{0, 255, 1000, nan}, "w16"},
		{"past two bytes", []float64{70000, 3}, "w32"},
		{"a fraction", []float64{1, 2.5}, "floats"},
		{"negative", []float64{-1, 2}, "floats"},
		{"too large", []float64{math.MaxUint32, 2}, "floats"},
		{"unknown only", []float64{nan, nan}, "w8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Numbers(append([]float64(nil), tc.in...))
			form := "floats"
			switch {
			case c.Codes.W8 != nil:
				form = "w8"
			case c.Codes.W16 != nil:
				form = "w16"
			case c.Codes.W32 != nil:
				form = "w32"
			}
			require.Equal(t, tc.form, form)
			for r, want := range tc.in {
				got := c.Number(r)
				if math.IsNaN(want) {
					require.True(t, math.IsNaN(got), "row %d", r)
					continue
				}
				require.Equal(t, want, got, "row %d", r)
			}
		})
	}
}

// Time columns are kept as offsets from each row's creation in the
// coarsest unit every value is a whole number of, and as int64s when no
// unit fits; both read back exactly, unknowns included.
func TestTimesKeepEveryInstant(t *testing.T) {
	const sec, ms = int64(1e9), int64(1e6)
	created := []int64{1_700_000_000 * sec, 1_700_000_100 * sec, 1_700_000_200*sec + 5}
	for _, tc := range []struct {
		name string
		vals []int64
		unit int64 // 0: kept as int64s
	}{
		{"seconds after creation", []int64{created[0] + 60*sec, Null, created[2] + 3600*sec}, sec},
		{"milliseconds after creation", []int64{created[0] + 1500*ms, created[1], Null}, ms},
		{"unknown only", []int64{Null, Null, Null}, sec},
		{"before creation", []int64{created[0] - sec, Null, Null}, 0},
		{"nanoseconds", []int64{created[0] + 7, Null, Null}, 0},
		{"past 136 years of seconds", []int64{created[0] + (1<<32)*sec, Null, Null}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seg := NewSegment(len(created), 1)
			seg.Created = created
			seg.Cols[0] = Times(append([]int64(nil), tc.vals...), created)
			seg.Seal()
			if tc.unit == 0 {
				require.NotNil(t, seg.Cols[0].Ints)
				require.Nil(t, seg.Cols[0].Offs)
			} else {
				require.Nil(t, seg.Cols[0].Ints)
				require.Equal(t, tc.unit, seg.Cols[0].Unit)
			}
			var buf [ChunkRows]int64
			got := seg.IntsAt(0, 0, len(created), &buf)
			for r, want := range tc.vals {
				require.Equal(t, want, seg.Int(0, r), "row %d", r)
				require.Equal(t, want, got[r], "row %d", r)
			}
			// The zone map is of the values, not of the offsets.
			z, ok := seg.Zone(0, 0, len(created))
			require.True(t, ok)
			lo, hi, nulls := int64(math.MaxInt64), int64(math.MinInt64), false
			for _, v := range tc.vals {
				if v == Null {
					nulls = true
					continue
				}
				lo, hi = min(lo, v), max(hi, v)
			}
			require.Equal(t, Zone{Min: lo, Max: hi, Nulls: nulls}, z)
		})
	}
}

// A code builder keeps every code it was given as it widens from a byte to
// two and to four, and ends at the width Narrow would choose.
func TestCodeBuilderWidens(t *testing.T) {
	for _, top := range []uint32{200, 300, 70000} {
		codes := make([]uint32, 1000)
		for i := range codes {
			codes[i] = uint32(i*7919) % (top + 1)
		}
		codes[len(codes)/2] = top
		b := NewCodeBuilder(len(codes))
		for r, c := range codes {
			b.Set(r, c)
		}
		want := Narrow(append([]uint32(nil), codes...))
		// Put, a run of rows at a time, widens as Set does.
		p := NewCodeBuilder(len(codes))
		for lo := 0; lo < len(codes); lo += 97 {
			p.Put(lo, codes[lo:min(lo+97, len(codes))])
		}
		for how, got := range map[string]Codes{"Set": b.Codes(), "Put": p.Codes()} {
			require.Equal(t, want.W8 != nil, got.W8 != nil, "%s, top %d", how, top)
			require.Equal(t, want.W16 != nil, got.W16 != nil, "%s, top %d", how, top)
			for r, c := range codes {
				require.Equal(t, c, got.At(r), "%s, top %d, row %d", how, top, r)
			}
		}
	}
}

// PutWithin keeps every code at the width of the dictionary's greatest,
// a run of rows at a time as the dictionary grows, and refuses a code
// past it wherever it lies, at each width.
func TestPutWithin(t *testing.T) {
	for _, top := range []uint32{0, 200, 300, 70000} {
		codes := make([]uint32, 1000)
		for i := range codes {
			codes[i] = uint32(i*7919) % (top + 1)
		}
		codes[len(codes)-1] = top
		b := NewCodeBuilder(len(codes))
		// The dictionary grows with the runs: each run's last is the
		// greatest code so far.
		var last uint32
		for lo := 0; lo < len(codes); lo += 97 {
			run := codes[lo:min(lo+97, len(codes))]
			last = max(last, slices.Max(run))
			require.True(t, b.PutWithin(lo, run, last), "top %d, run at %d", top, lo)
		}
		got, want := b.Codes(), Narrow(slices.Clone(codes))
		require.Equal(t, want.W8 != nil, got.W8 != nil, "top %d", top)
		require.Equal(t, want.W16 != nil, got.W16 != nil, "top %d", top)
		for r, c := range codes {
			require.Equal(t, c, got.At(r), "top %d, row %d", top, r)
		}
		for _, at := range []int{0, 5, 96} {
			run := slices.Clone(codes[:97])
			run[at] = top + 1
			require.False(t, NewCodeBuilder(len(run)).PutWithin(0, run, top), "top %d, code past it at %d", top, at)
			run[at] = math.MaxUint32
			require.False(t, NewCodeBuilder(len(run)).PutWithin(0, run, top), "top %d, greatest code at %d", top, at)
		}
	}
}

// Known's bits are the rows whose value is known, chunk by chunk, for
// times kept as offsets and as they are, with unknowns sparse, dense or
// absent (then Known is nil); each chunk's zone holds the least and
// greatest known value and whether any is unknown.
func TestKnownBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	n := 3*ChunkRows + 77 // a last chunk shorter than the others
	created := make([]int64, n)
	for r := range created {
		created[r] = 1_700_000_000e9 + int64(r)*1e9
	}
	for _, tc := range []struct {
		name    string
		unknown int // one row in unknown is unknown; 0: none
		subSec  bool
	}{
		{"offsets, sparse unknowns", 50, false},
		{"offsets, dense unknowns", 2, false},
		{"as they are, some unknowns", 3, true},
		{"offsets, none unknown", 0, false},
		{"as they are, none unknown", 0, true},
		{"offsets, all unknown", 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vals := make([]int64, n)
			for r := range vals {
				vals[r] = created[r] + rng.Int64N(1000)*1e9
				if tc.subSec {
					vals[r] += rng.Int64N(1e9)
				}
				if tc.unknown > 0 && rng.IntN(tc.unknown) == 0 {
					vals[r] = Null
				}
			}
			seg := NewSegment(n, 1)
			seg.Created = created
			seg.Cols[0] = Times(slices.Clone(vals), created)
			require.Equal(t, tc.subSec, seg.Cols[0].Offs == nil)
			seg.Seal()
			for base := 0; base < n; base += ChunkRows {
				rows := min(ChunkRows, n-base)
				want := Zone{Min: math.MaxInt64, Max: math.MinInt64}
				for _, v := range vals[base : base+rows] {
					if v == Null {
						want.Nulls = true
					} else {
						want.Min, want.Max = min(want.Min, v), max(want.Max, v)
					}
				}
				z, ok := seg.Zone(0, base, rows)
				require.True(t, ok)
				require.Equal(t, want, z, "zone of rows from %d", base)
				known := seg.Known(0, base, rows)
				if tc.unknown == 0 {
					require.Nil(t, known)
					continue
				}
				require.Len(t, known, (rows+63)/64)
				for i := range rows {
					require.Equal(t, vals[base+i] != Null, known[i/64]>>(i%64)&1 == 1, "row %d", base+i)
				}
			}
		})
	}
}
