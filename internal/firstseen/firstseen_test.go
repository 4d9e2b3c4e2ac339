package firstseen

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestAgreesWithAMap checks a Table against a map of each
// ID's first line, on IDs that repeat: with the table grown from nothing,
// and sized ahead with hashes cut to a few bits, so that tags and first
// slots agree for IDs that differ. (Growing hashes the IDs again with the
// table's own hash, which callers use: cut hashes are for a table
// that does not grow.)
func TestAgreesWithAMap(t *testing.T) {
	for _, c := range []struct {
		expect, lines, ids int
		bits               uint
	}{
		// More IDs than a block holds, grown and sized ahead.
		{0, 3 * blockLen, 2 * blockLen, 64},
		{3 * blockLen, 3 * blockLen, 2 * blockLen, 64},
		{5000, 5000, 2500, 64},
		{5000, 5000, 2500, 3},
		{5000, 5000, 2500, 1},
	} {
		expect, bits := c.expect, c.bits
		rng := rand.New(rand.NewPCG(uint64(expect), uint64(bits)))
		f := New(expect)
		want := map[string]int{}
		hashOf := func(id string) uint64 {
			h := f.Hash(id)
			if bits < 64 {
				// Few distinct hashes: many IDs share a tag and a
				// first slot.
				h &= 1<<bits - 1
				h |= h << 32
			}
			return h
		}
		for line := 1; line <= c.lines; line++ {
			id := fmt.Sprint("c-", rng.IntN(c.ids))
			first, dup := f.First(id, hashOf(id), line)
			w, wdup := want[id]
			if !wdup {
				want[id] = line
			}
			if dup != wdup || first != w {
				t.Fatalf("expect %d, %d lines, %d-bit hashes: line %d, ID %q: got (%d, %v), want (%d, %v)", expect, c.lines, bits, line, id, first, dup, w, wdup)
			}
		}
		if f.Len() != len(want) {
			t.Fatalf("expect %d, %d lines: Len %d, want %d", expect, c.lines, f.Len(), len(want))
		}
	}
}

// TestFewIDsAllocateLittle checks that a table for a few IDs (a small
// import, a short file) allocates a few kilobytes, not a block sized for
// a large read.
func TestFewIDsAllocateLittle(t *testing.T) {
	ids := make([]string, 10)
	for i := range ids {
		ids[i] = fmt.Sprint("c-", i)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const tables = 100
	for range tables {
		f := New(len(ids))
		for i, id := range ids {
			if _, dup := f.First(id, f.Hash(id), i); dup {
				t.Fatalf("%q seen twice", id)
			}
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / tables; per > 4<<10 {
		t.Fatalf("a table of %d IDs allocated %d bytes", len(ids), per)
	}
}

// BenchmarkFirst puts 1M distinct IDs into a table grown from nothing,
// then looks each up again, as a read of a file with no repeats does and
// then a rerun's check would.
func BenchmarkFirst(b *testing.B) {
	ids := make([]string, 1_000_000)
	for i := range ids {
		ids[i] = fmt.Sprintf("c-%09d", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		f := New(0)
		for i, id := range ids {
			f.First(id, f.Hash(id), i)
		}
		for i, id := range ids {
			if _, dup := f.First(id, f.Hash(id), i); !dup {
				b.Fatal(id)
			}
		}
	}
}
