package exec

import (
	"cmp"
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
	runs []selRun // the chunks in play, in order, a run of a segment's at a time
	// counts[k] is how many rows chunk k selects, and sums[g] how many
	// the chunks before chunk g*sumEvery do; the last sum is the total.
	counts []uint16
	sums   []int
	total  int
	refs   []RowRef  // the whole list, when the table has several segments
	ev     selEval   // evaluates a chunk again for a page
	one    [1]selRun // runs' storage for a table of one segment
}

// selEval is what evaluates a selection's chunks. It lives in the
// Selection, as do the runs of a table of one segment: after a
// collection, each size of object a drill-down allocates first refills
// the processor's cache of that size, a few cold cache lines each.
type selEval struct {
	t    *Table
	p    *Plan
	cp   *Pred
	ec   Ctx // not cancelled with the context Select ran under
	keep func(key uint64) bool
	l    Layout
	// masks, in tests of Slice, stand in for the evaluation: the chunks'
	// selected rows by segment and first row.
	masks map[[2]int]*colstore.Mask
}

// selRun is consecutive chunks of one segment: the segment, the first row
// of its first chunk, the rows in play, and that chunk's index in the
// selection. A selection keeps a run per segment and two bytes a chunk,
// not a list of chunks: after a collection, each cache line a drill-down
// writes is a miss, and each new page of memory a page fault.
type selRun struct {
	seg, base int32
	lo, hi    int32 // the rows of the segment in play
	first     int
}

// sumEvery is how many chunks' counts a selection sums at a time, so that
// a page finds its first chunk by adding at most that many counts.
const sumEvery = 64

// runAt returns the index of the run that holds chunk k.
func (s *Selection) runAt(k int) int {
	return sort.Search(len(s.runs), func(i int) bool { return s.runs[i].first > k }) - 1
}

// chunkBase returns the first row of chunk k, held by run ri.
func (s *Selection) chunkBase(ri, k int) int {
	r := &s.runs[ri]
	return int(r.base) + (k-r.first)*colstore.ChunkRows
}

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
	lc := LeafCache{direct: true}
	// The chunk holding row offset: the first whose rows reach past it.
	g := sort.Search(len(s.sums), func(g int) bool { return s.sums[g] > offset }) - 1
	k, skip := g*sumEvery, offset-s.sums[g]
	for skip >= int(s.counts[k]) {
		skip -= int(s.counts[k])
		k++
	}
	ri := s.runAt(k)
	var m colstore.Mask
	for ; k < len(s.counts) && len(out) < end-offset; k++ {
		if ri+1 < len(s.runs) && s.runs[ri+1].first == k {
			ri++
		}
		if s.counts[k] == 0 {
			continue // none selected
		}
		base := s.chunkBase(ri, k)
		if err := s.ev.rows(&lc, &s.runs[ri], base, &m); err != nil {
			return nil, err
		}
		seg := s.runs[ri].seg
		for w, b := range m {
			for ; b != 0 && len(out) < end-offset; b &= b - 1 {
				if skip > 0 {
					skip--
					continue
				}
				out = append(out, RowRef{seg, int32(base + w*64 + mbits.TrailingZeros64(b))})
			}
		}
	}
	return out, nil
}

// sum sets s's sums and total from its counts.
func (s *Selection) sum() {
	s.sums = make([]int, 0, len(s.counts)/sumEvery+2)
	for k, c := range s.counts {
		if k%sumEvery == 0 {
			s.sums = append(s.sums, s.total)
		}
		s.total += int(c)
	}
	s.sums = append(s.sums, s.total)
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
	// The chunks to evaluate come a segment's run at a time.
	segs := t.Store.Segments()
	var buf [4]int
	order, inOrder := creationOrder(segs, buf[:0])
	sel := &Selection{}
	sel.runs = sel.one[:0]
	chunks := 0
	for _, si := range order {
		lo, hi := p.RowRange(segs[si])
		if lo < hi {
			sel.runs = append(sel.runs, selRun{int32(si), int32(lo - lo%colstore.ChunkRows), int32(lo), int32(hi), chunks})
			chunks += (hi-1)/colstore.ChunkRows - lo/colstore.ChunkRows + 1
		}
	}
	sel.counts = make([]uint16, chunks)
	// The evaluation is kept for pages, and so runs under a context that a
	// finished request does not cancel; the workers check ctx themselves.
	ev := &sel.ev
	*ev = selEval{t: t, p: p, keep: keep, l: l}
	ev.ec.direct(context.WithoutCancel(ctx), t)
	ev.cp = ev.ec.Prepare(where, env)
	// The calling goroutine is one of the workers: a drill-down is short
	// enough that waking another thread for all of it shows.
	if n := selectWorkers(workers, chunks, keep != nil || p.SLA != nil); n == 1 {
		var w selWork
		if err := w.work(ctx, sel); err != nil {
			return nil, err
		}
	} else {
		w := new(selWork)
		var mu sync.Mutex
		var first error
		var wg sync.WaitGroup
		do := func() {
			if err := w.work(ctx, sel); err != nil {
				mu.Lock()
				first = cmp.Or(first, err)
				mu.Unlock()
			}
		}
		for range n - 1 {
			wg.Go(do)
		}
		do()
		wg.Wait()
		if first != nil {
			return nil, first
		}
	}
	sel.sum()
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
		sel.refs, sel.runs, sel.counts, sel.sums = refs, nil, nil, nil
	}
	return sel, nil
}

// selWork shares a selection's chunks out among its workers.
type selWork struct {
	next atomic.Int64
	stop atomic.Bool // a worker failed
}

// work evaluates chunks of sel, selectTake at a time, and counts their
// rows, until none is left or a worker failed; it returns its error.
func (w *selWork) work(ctx context.Context, sel *Selection) error {
	lc := LeafCache{direct: true}
	var m colstore.Mask
	chunks := len(sel.counts)
	for !w.stop.Load() {
		k0 := int(w.next.Add(selectTake)) - selectTake
		if k0 >= chunks {
			return nil
		}
		if err := ctx.Err(); err != nil {
			w.stop.Store(true)
			return err
		}
		ri := sel.runAt(k0)
		for k := k0; k < min(k0+selectTake, chunks); k++ {
			if ri+1 < len(sel.runs) && sel.runs[ri+1].first == k {
				ri++
			}
			if err := sel.ev.rows(&lc, &sel.runs[ri], sel.chunkBase(ri, k), &m); err != nil {
				w.stop.Store(true)
				return err
			}
			c := 0
			for _, x := range m {
				c += mbits.OnesCount64(x)
			}
			sel.counts[k] = uint16(c)
		}
	}
	return nil
}

// rows sets in m the selected rows of the chunk of run r from row base.
func (ev *selEval) rows(lc *LeafCache, r *selRun, base int, m *colstore.Mask) error {
	if ev.masks != nil {
		*m = *ev.masks[[2]int{int(r.seg), base}]
		return nil
	}
	si := int(r.seg)
	seg := ev.t.Store.Segments()[si]
	n := min(colstore.ChunkRows, seg.N-base)
	ev.t.Store.LiveInto(m, si, base, n)
	ClipRange(m, base, n, int(r.lo), int(r.hi))
	lc.Reset()
	if err := ev.cp.Eval(&ev.ec, lc, seg, base, n, m, m); err != nil {
		return err
	}
	p := ev.p
	if ev.keep == nil && p.SLA == nil {
		return nil
	}
	for w := range (n + 63) / 64 {
		for b := m[w]; b != 0; b &= b - 1 {
			j := mbits.TrailingZeros64(b)
			r := base + w*64 + j
			if (ev.keep != nil && !ev.keep(p.RowKey(seg, r, ev.l))) ||
				(p.SLA != nil && !p.SLA.Listed(&ev.ec, seg, r)) { // an SLA point lists its breaches
				m[w] &^= 1 << j
			}
		}
	}
	return nil
}

// creationOrder returns the indexes of the non-empty segments, by their
// first rows, and whether their rows taken in that order are in creation
// order: each segment's last row comes before the next one's first, as
// when a file in creation order was loaded a batch at a time. The chunks
// of a selection are then listed in that order and need no sort.
// It appends them to order, which it returns.
func creationOrder(segs []*colstore.Segment, order []int) ([]int, bool) {
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
