package ingest

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestFirstLinesAgreesWithAMap checks firstLines against a map of each
// ID's first line, on IDs that repeat: with the table grown from nothing,
// and sized ahead with hashes cut to a few bits, so that tags and first
// slots agree for IDs that differ. (Growing hashes the IDs again with the
// table's own hash, which the workers use: cut hashes are for a table
// that does not grow.)
func TestFirstLinesAgreesWithAMap(t *testing.T) {
	for _, c := range []struct {
		expect int
		bits   uint
	}{{0, 64}, {5000, 64}, {5000, 3}, {5000, 1}} {
		expect, bits := c.expect, c.bits
		rng := rand.New(rand.NewPCG(uint64(expect), uint64(bits)))
		f := newFirstLines(expect)
		want := map[string]int{}
		hashOf := func(id string) uint64 {
			h := f.hash(id)
			if bits < 64 {
				// Few distinct hashes: many IDs share a tag and a
				// first slot.
				h &= 1<<bits - 1
				h |= h << 32
			}
			return h
		}
		for line := 1; line <= 5000; line++ {
			id := fmt.Sprint("c-", rng.IntN(2500))
			first, dup := f.first(id, hashOf(id), line)
			w, wdup := want[id]
			if !wdup {
				want[id] = line
			}
			if dup != wdup || first != w {
				t.Fatalf("expect %d, %d-bit hashes: line %d, ID %q: got (%d, %v), want (%d, %v)", expect, bits, line, id, first, dup, w, wdup)
			}
		}
	}
}
