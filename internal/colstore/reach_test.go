package colstore

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// upsert codes vals in column 0 of tab as an upsert of len(vals)
// conversations does: a batch of a row each, its codes read with Codes.
func upsert(t *testing.T, tab *Table, vals ...string) *Table {
	t.Helper()
	return tab.Change(nil, func(d *Dicts) *Segment {
		b := d.Batch(0, len(vals))
		for i, v := range vals {
			b.Set(i, v)
		}
		out := b.Codes(len(vals), 0, func(i int) string { return vals[i] })
		for i, v := range vals {
			require.Equal(t, v, d.vals[0].At(int(out[i])))
		}
		return nil
	})
}

// loadNumbers returns a table whose column 0 holds contact-lo to
// contact-hi, every step-th, loaded at once.
func loadNumbers(lo, hi, step int) *Table {
	vals := make([]string, 0, (hi-lo)/step+1)
	for i := lo; i <= hi; i += step {
		vals = append(vals, fmt.Sprintf("contact-%d", i))
	}
	return New([]Kind{Strings, Ints}, 1).Change(nil, func(d *Dicts) *Segment {
		d.CodeAll(0, vals, make([]uint32, len(vals)), 0)
		return nil
	})
}

// A run of upserts whose values each take the next number, or the one
// before the least, widens the direct index with room to spare, as place
// does, so that its slots are copied a few times over the run, not once
// an upsert; the room stays within twice the numbers' span (a load takes
// none), and a number far beyond them allocates nothing near the
// distance but turns the index to hashing.
func TestDirectIndexWidensAhead(t *testing.T) {
	const n = 50_000
	for _, tc := range []struct {
		name   string
		lo     int
		number func(i int) int
	}{
		{"up", 0, func(i int) int { return n + i }},
		{"down", 100_000, func(i int) int { return 100_000 - 1 - i }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := loadNumbers(tc.lo, tc.lo+n-1, 1)
			x := &tab.dicts.idx[0]
			require.True(t, x.direct)
			require.LessOrEqual(t, len(x.slots), n+1, "a load takes the slots its numbers need")
			slots, copies := unsafe.SliceData(x.slots), 0
			for i := range 1000 {
				tab = upsert(t, tab, fmt.Sprintf("contact-%d", tc.number(i)))
				if s := unsafe.SliceData(x.slots); s != slots {
					slots = s
					copies++
				}
			}
			require.True(t, x.direct)
			require.LessOrEqual(t, copies, 2, "slots copied across 1,000 upserts of next numbers")
			span := x.max - x.min + 1
			require.LessOrEqual(t, uint64(len(x.slots)), 2*span+1, "slots for %d numbers", span)
		})
	}

	t.Run("both sides", func(t *testing.T) {
		// Numbers three apart: room on both sides would pass the limit
		// of four slots a code, and is cut to it.
		const lo, hi = 10_000, 10_000 + 3*(n-1)
		tab := loadNumbers(lo, hi, 3)
		below, above := fmt.Sprintf("contact-%d", lo-1000), fmt.Sprintf("contact-%d", hi+1000)
		tab = upsert(t, tab, below, above)
		x := &tab.dicts.idx[0]
		require.True(t, x.direct)
		require.LessOrEqual(t, uint64(len(x.slots)), x.limit())
		require.Less(t, x.lo, x.min, "room below")
		require.Greater(t, x.lo+uint64(len(x.slots))-1, x.max, "room above")
		for _, v := range []string{below, above, fmt.Sprintf("contact-%d", lo), fmt.Sprintf("contact-%d", hi)} {
			_, ok := tab.Lookup(0, v)
			require.True(t, ok, v)
		}
	})

	t.Run("far", func(t *testing.T) {
		tab := loadNumbers(0, n-1, 1)
		tab = upsert(t, tab, "contact-999999999999")
		x := &tab.dicts.idx[0]
		require.False(t, x.direct, "hashed from a number far beyond the others")
		require.Less(t, len(x.slots), 8*(n+1), "slots after a far number")
		for _, v := range []string{"contact-0", fmt.Sprintf("contact-%d", n-1), "contact-999999999999"} {
			_, ok := tab.Lookup(0, v)
			require.True(t, ok, v)
		}
	})
}
