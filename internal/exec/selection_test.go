package exec

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/convreport/convreport/internal/colstore"
)

// TestSelectionSliceListsRowsInOrder builds selections of random chunk
// masks, many empty, in runs of several segments long enough to span
// several sums of counts, and checks every page of each against the rows
// listed one bit at a time.
func TestSelectionSliceListsRowsInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 60 {
		masks := map[[2]int]*colstore.Mask{}
		sel := &Selection{ev: selEval{masks: masks}}
		var want []RowRef
		chunks := 0
		for _, seg := range rng.Perm(4)[:1+rng.IntN(4)] {
			first := rng.IntN(3) * colstore.ChunkRows
			sel.runs = append(sel.runs, selRun{int32(seg), int32(first), 0, 0, chunks})
			for k := range 1 + rng.IntN(3*sumEvery) {
				m := new(colstore.Mask)
				if rng.IntN(4) > 0 { // a quarter of the chunks select nothing
					for w := range m {
						switch rng.IntN(3) {
						case 0:
						case 1:
							m[w] = rng.Uint64() & rng.Uint64()
						default:
							m[w] = ^uint64(0)
						}
					}
				}
				base := first + k*colstore.ChunkRows
				n := 0
				for r := range colstore.ChunkRows {
					if m[r/64]>>(r%64)&1 == 1 {
						want = append(want, RowRef{int32(seg), int32(base + r)})
						n++
					}
				}
				masks[[2]int{seg, base}] = m
				sel.counts = append(sel.counts, uint16(n))
				chunks++
			}
		}
		sel.sum()
		if sel.Len() != len(want) {
			t.Fatalf("trial %d: Len %d, want %d", trial, sel.Len(), len(want))
		}
		if got, err := sel.Refs(); err != nil || !slices.Equal(got, want) {
			t.Fatalf("trial %d: Refs differ (%v)", trial, err)
		}
		for range 40 {
			off, lim := rng.IntN(len(want)+10), rng.IntN(3000)
			if rng.IntN(4) == 0 { // a page at the end
				off = max(0, len(want)-1-rng.IntN(5))
			}
			got, err := sel.Slice(off, lim)
			if err != nil {
				t.Fatal(err)
			}
			var exp []RowRef
			if off < len(want) {
				exp = want[off:min(len(want), off+lim)]
			}
			if !slices.Equal(got, exp) {
				t.Fatalf("trial %d: Slice(%d, %d): got %d rows, want %d (first %v, want %v)", trial, off, lim, len(got), len(exp), got[:min(1, len(got))], exp[:min(1, len(exp))])
			}
		}
	}
}

// TestSelectWorkers holds the rule for a selection's workers: a plain
// selection (column tests only) gains a worker per plainChunksPerWorker
// chunks, one that tests rows one by one a worker per batch taken, and
// neither takes fewer than one worker or more than it was given.
func TestSelectWorkers(t *testing.T) {
	for _, c := range []struct {
		workers, chunks int
		perRow          bool
		want            int
	}{
		{2, 0, false, 1},
		{2, 977, false, 1}, // 1M rows
		{2, plainChunksPerWorker, false, 1},
		{2, plainChunksPerWorker + 1, false, 2},
		{8, 9766, false, 3}, // 10M rows
		{2, 97657, false, 2},
		{1, 97657, false, 1},
		{0, 97657, false, 1},
		{2, 0, true, 1},
		{2, selectTake, true, 1},
		{2, selectTake + 1, true, 2},
		{8, 977, true, 8},
	} {
		if got := selectWorkers(c.workers, c.chunks, c.perRow); got != c.want {
			t.Errorf("selectWorkers(%d, %d, %v) = %d, want %d", c.workers, c.chunks, c.perRow, got, c.want)
		}
	}
}
