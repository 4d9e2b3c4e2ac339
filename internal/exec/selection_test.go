package exec

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/convreport/convreport/internal/colstore"
)

// TestSelectionSliceListsRowsInOrder builds selections of random chunk
// masks, some empty, and checks every page of each against the rows listed one bit at
// a time.
func TestSelectionSliceListsRowsInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 50 {
		var masks []*colstore.Mask
		sel := &Selection{ec: NewCtx(context.Background(), nil), rows: func(_ *LeafCache, k int, m *colstore.Mask) error {
			*m = *masks[k]
			return nil
		}}
		var want []RowRef
		for k := range rng.IntN(6) {
			m := new(colstore.Mask)
			for w := range m {
				switch rng.IntN(3) {
				case 0:
				case 1:
					m[w] = rng.Uint64() & rng.Uint64()
				default:
					m[w] = ^uint64(0)
				}
			}
			base := k * colstore.ChunkRows
			n := 0
			for r := range colstore.ChunkRows {
				if m[r/64]>>(r%64)&1 == 1 {
					want = append(want, RowRef{0, int32(base + r)})
					n++
				}
			}
			masks = append(masks, m)
			sel.items = append(sel.items, selItem{0, int32(base)})
			sel.before = append(sel.before, sel.total)
			sel.total += n
		}
		sel.before = append(sel.before, sel.total)
		if sel.Len() != len(want) {
			t.Fatalf("trial %d: Len %d, want %d", trial, sel.Len(), len(want))
		}
		if got, err := sel.Refs(); err != nil || (!slices.Equal(got, want) && len(want) > 0) {
			t.Fatalf("trial %d: Refs differ (%v)", trial, err)
		}
		for range 20 {
			off, lim := rng.IntN(len(want)+10), rng.IntN(300)
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
