package exec

import (
	"context"
	mbits "math/bits"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/filter"
)

// RowRef is one row of a table: its segment and its position there.
type RowRef struct{ Seg, Row int32 }

// Select returns the rows behind a point of plan p, in creation order
// (ties by ID): those within p's date range that pass where, whose group
// key keep accepts (nil accepts every key), and, for an SLA plan, that
// breached the target. Chunks are shared out among the workers; each
// chunk's rows are kept apart and joined in order.
func Select(ctx context.Context, t *Table, p *Plan, where *filter.Pred, env filter.Env, l Layout, keep func(key uint64) bool, workers int) ([]RowRef, error) {
	ec := NewCtx(ctx, t)
	cp := ec.Prepare(where, env)
	type item struct{ seg, base, lo, hi int }
	var items []item
	segs := t.Store.Segments()
	for si, seg := range segs {
		lo, hi := p.RowRange(seg)
		for base := lo - lo%colstore.ChunkRows; base < hi; base += colstore.ChunkRows {
			items = append(items, item{si, base, lo, hi})
		}
	}
	found := make([][]RowRef, len(items))
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	for range max(1, min(workers, len(items))) {
		wg.Go(func() {
			lc := NewLeafCache(ec)
			for failed.Load() == nil {
				k := int(next.Add(1)) - 1
				if k >= len(items) {
					return
				}
				if err := ctx.Err(); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				it := items[k]
				seg := segs[it.seg]
				n := min(colstore.ChunkRows, seg.N-it.base)
				m := t.Store.Live(it.seg, it.base, n)
				ClipRange(&m, it.base, n, it.lo, it.hi)
				lc.Reset()
				if err := cp.Eval(ec, lc, seg, it.base, n, &m, &m); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				for w := 0; w < (n+63)/64; w++ {
					for b := m[w]; b != 0; b &= b - 1 {
						r := it.base + w*64 + mbits.TrailingZeros64(b)
						if keep != nil && !keep(p.RowKey(seg, r, l)) {
							continue
						}
						if p.SLA != nil && !p.SLA.Breached(ec, seg, r) {
							continue // an SLA point lists its breaches
						}
						found[k] = append(found[k], RowRef{int32(it.seg), int32(r)})
					}
				}
			}
		})
	}
	wg.Wait()
	if err := failed.Load(); err != nil {
		return nil, *err
	}
	var refs []RowRef
	for _, f := range found {
		refs = append(refs, f...)
	}
	if len(segs) > 1 {
		// Each segment is in creation order; the list must be as a whole.
		slices.SortFunc(refs, func(a, b RowRef) int {
			if colstore.RowLess(segs[a.Seg], int(a.Row), segs[b.Seg], int(b.Row)) {
				return -1
			}
			return 1
		})
	}
	return refs, nil
}

// RowKey returns the group key of row r, which passed the plan's filter
// (date conditions included).
func (p *Plan) RowKey(seg *colstore.Segment, r int, l Layout) uint64 {
	var key uint64
	for j, c := range p.Dims {
		key += uint64(seg.Cols[c].Codes.At(r)) * l.Strides[j]
	}
	if p.Starts != nil {
		date := seg.Created[r]
		if !p.DateCreated {
			date = seg.Int(p.DateCol, r)
		}
		key += uint64(civil.IndexNanos(p.Starts, date)) * l.StrideB
	}
	return key
}
