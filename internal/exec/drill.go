package exec

import (
	"context"
	mbits "math/bits"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/filter"
)

// RowRef is one row of a table: its segment and its position there.
type RowRef struct{ Seg, Row int32 }

// Selection is the rows of a drill-down, in creation order (ties by ID).
// Select counts them chunk by chunk and keeps only the counts; a page
// evaluates again the few chunks that hold its rows. A drill-down usually
// shows its count and first page, and writing down tens of thousands of
// rows costs more than finding them. A Selection is not changed after
// Select returns it, and is safe for concurrent use; a nil one selects
// nothing.
type Selection struct {
	items []selItem // the chunks of the rows in play, in order
	// before[k] is how many rows the chunks before items[k] select;
	// before[len(items)] is the total.
	before []int
	total  int
	refs   []RowRef // the whole list, when the table has several segments
	// rows sets the bits of chunk k's selected rows in m.
	rows func(lc *LeafCache, k int, m *colstore.Mask) error
	ec   *Ctx // for rows, not cancelled with the context Select ran under
}

// selItem is a chunk of rows to evaluate: its segment and first row.
// Items and counts are kept for pages, and are small on purpose: in a
// heap that grows, each new page of memory a drill-down writes costs a
// page fault, several microseconds on a virtual machine.
type selItem struct{ seg, base int32 }

// Len returns the number of rows selected.
func (s *Selection) Len() int {
	if s == nil {
		return 0
	}
	return s.total
}

// Refs returns every row, in order, as a new slice.
func (s *Selection) Refs() ([]RowRef, error) {
	if s == nil {
		return nil, nil
	}
	return s.Slice(0, s.total)
}

// Slice returns at most limit rows from offset, in order, as a new slice;
// it evaluates only the chunks that hold them. It fails only as the
// Select that made s would have.
func (s *Selection) Slice(offset, limit int) ([]RowRef, error) {
	if s == nil || offset < 0 || limit <= 0 || offset >= s.total {
		return nil, nil
	}
	end := min(s.total, offset+limit)
	if s.refs != nil {
		return slices.Clone(s.refs[offset:end]), nil
	}
	out := make([]RowRef, 0, end-offset)
	lc := newDirect()
	// The chunk holding row offset: the first whose rows reach past it.
	k := sort.Search(len(s.items), func(k int) bool { return s.before[k+1] > offset })
	skip := offset - s.before[k]
	var m colstore.Mask
	for ; k < len(s.items) && len(out) < end-offset; k++ {
		if s.before[k+1] == s.before[k] {
			continue // none selected
		}
		if err := s.rows(lc, k, &m); err != nil {
			return nil, err
		}
		it := s.items[k]
		for w, b := range m {
			for ; b != 0 && len(out) < end-offset; b &= b - 1 {
				if skip > 0 {
					skip--
					continue
				}
				out = append(out, RowRef{it.seg, it.base + int32(w*64+mbits.TrailingZeros64(b))})
			}
		}
	}
	return out, nil
}

// plainChunksPerWorker is how many chunks a plain selection (one that
// tests column values only) takes before each further worker joins it.
// Such a selection reads a byte or two a row and is bound by memory,
// which a second core barely widens: over 10M rows two workers took
// 0.94 ms against one's 1.01 ms. Waking a thread costs more than that
// gains below a few million rows: over 1M rows, after a collection, one
// worker took 136–203 µs and two 185–264 µs, in runs where one was the
// faster by a quarter each time.
const plainChunksPerWorker = 4096

// selectWorkers returns how many workers a selection of chunks chunks
// takes, at most workers and at least one: a selection that tests each
// passing row's group key or breach is bound by that work, and takes a
// worker for every batch of chunks a worker takes at once.
func selectWorkers(workers, chunks int, perRow bool) int {
	per := plainChunksPerWorker
	if perRow {
		per = selectTake
	}
	return max(1, min(workers, (chunks+per-1)/per))
}

// selectTake is how many chunks a selection's worker takes at a time, so
// that workers seldom meet on the counter or write counts on one cache
// line.
const selectTake = 8

// Select returns the rows behind a point of plan p: those within p's date
// range that pass where, whose group key keep accepts (nil accepts every
// key), and, for an SLA plan, that breached the target. Chunks are shared
// out among the workers.
func Select(ctx context.Context, t *Table, p *Plan, where *filter.Pred, env filter.Env, l Layout, keep func(key uint64) bool, workers int) (*Selection, error) {
	// An item is a chunk of the rows to evaluate; its segment's row range
	// is in ranges.
	segs := t.Store.Segments()
	ranges := make([][2]int, len(segs))
	chunks := 0
	for si, seg := range segs {
		lo, hi := p.RowRange(seg)
		ranges[si] = [2]int{lo, hi}
		if lo < hi {
			chunks += (hi-1)/colstore.ChunkRows - lo/colstore.ChunkRows + 1
		}
	}
	order, inOrder := creationOrder(segs)
	items := make([]selItem, 0, chunks)
	for _, si := range order {
		lo, hi := ranges[si][0], ranges[si][1]
		for base := lo - lo%colstore.ChunkRows; base < hi; base += colstore.ChunkRows {
			items = append(items, selItem{int32(si), int32(base)})
		}
	}
	// The evaluation is kept for pages, and so runs under a context that a
	// finished request does not cancel; the workers check ctx themselves.
	ec := newDirectCtx(context.WithoutCancel(ctx), t)
	cp := ec.Prepare(where, env)
	rows := func(lc *LeafCache, k int, m *colstore.Mask) error {
		si, base := int(items[k].seg), int(items[k].base)
		seg := segs[si]
		n := min(colstore.ChunkRows, seg.N-base)
		*m = t.Store.Live(si, base, n)
		ClipRange(m, base, n, ranges[si][0], ranges[si][1])
		lc.Reset()
		if err := cp.Eval(ec, lc, seg, base, n, m, m); err != nil {
			return err
		}
		if keep == nil && p.SLA == nil {
			return nil
		}
		for w := range (n + 63) / 64 {
			for b := m[w]; b != 0; b &= b - 1 {
				j := mbits.TrailingZeros64(b)
				r := base + w*64 + j
				if (keep != nil && !keep(p.RowKey(seg, r, l))) ||
					(p.SLA != nil && !p.SLA.Breached(ec, seg, r)) { // an SLA point lists its breaches
					m[w] &^= 1 << j
				}
			}
		}
		return nil
	}
	// counts[k] is chunk k's count, then, from the end of the scan, the
	// count of the chunks before it.
	counts := make([]int, len(items)+1)
	var next atomic.Int64
	var failed atomic.Pointer[error]
	// fail keeps the first error; taking the address of an err declared
	// in the loop would move every iteration's err to the heap.
	fail := func(err error) { failed.CompareAndSwap(nil, &err) }
	work := func() {
		lc := newDirect()
		var m colstore.Mask
		for failed.Load() == nil {
			k0 := int(next.Add(selectTake)) - selectTake
			if k0 >= len(items) {
				return
			}
			if err := ctx.Err(); err != nil {
				fail(err)
				return
			}
			for k := k0; k < min(k0+selectTake, len(items)); k++ {
				if err := rows(lc, k, &m); err != nil {
					fail(err)
					return
				}
				c := 0
				for _, w := range m {
					c += mbits.OnesCount64(w)
				}
				counts[k] = c
			}
		}
	}
	// The calling goroutine is one of the workers: a drill-down is short
	// enough that waking another thread for all of it shows.
	var wg sync.WaitGroup
	for range selectWorkers(workers, len(items), keep != nil || p.SLA != nil) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	if err := failed.Load(); err != nil {
		return nil, *err
	}
	sel := &Selection{items: items, before: counts, rows: rows, ec: ec}
	for k, c := range counts[:len(items)] {
		counts[k] = sel.total
		sel.total += c
	}
	counts[len(items)] = sel.total
	if !inOrder {
		// Each segment is in creation order; the list must be as a whole.
		refs, err := sel.Slice(0, sel.total)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(refs, func(a, b RowRef) int {
			if colstore.RowLess(segs[a.Seg], int(a.Row), segs[b.Seg], int(b.Row)) {
				return -1
			}
			return 1
		})
		sel.refs, sel.items, sel.before = refs, nil, nil
	}
	return sel, nil
}

// creationOrder returns the indexes of the non-empty segments, by their
// first rows, and whether their rows taken in that order are in creation
// order: each segment's last row comes before the next one's first, as
// when a file in creation order was loaded a batch at a time. The chunks
// of a selection are then listed in that order and need no sort.
func creationOrder(segs []*colstore.Segment) ([]int, bool) {
	order := make([]int, 0, len(segs))
	for si, seg := range segs {
		if seg.N > 0 {
			order = append(order, si)
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		if colstore.RowLess(segs[a], 0, segs[b], 0) {
			return -1
		}
		return 1
	})
	for k := 1; k < len(order); k++ {
		a, b := segs[order[k-1]], segs[order[k]]
		if !colstore.RowLess(a, a.N-1, b, 0) {
			return order, false
		}
	}
	return order, true
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
