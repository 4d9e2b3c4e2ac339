package exec

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	mbits "math/bits"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/filter"
)

// Groups accumulates one report's measure per group. A group's key packs
// its dimension codes and bucket index; small key spaces index dense
// arrays directly, large ones find their slots in a slotTable.
type Groups struct {
	// Dense groups index their slots by key; others find them in slots.
	Dense bool
	slots slotTable
	Keys  []uint64 // by slot

	Count, Excluded []int64
	// Durations are summed in 128 bits, so no number of long durations
	// overflows.
	Sums     []Sum128
	Min, Max []int64
	Within   []int64
	// Values holds each slot's durations, for medians and percentiles
	// only: it reaches no further than the last slot given one (see
	// AddValues and ValuesAt), so that groups of other measures keep no
	// slice a slot, which a collection would scan.
	Values [][]int64

	// Matched and ExcludedAll are over every group: the rows the filter
	// kept, and those of them the metric does not apply to.
	Matched, ExcludedAll int64
}

const denseLimit = 1 << 16

// NewGroups returns empty groups for a key space of card keys.
func NewGroups(card uint64) *Groups {
	g := &Groups{Dense: card <= denseLimit}
	if g.Dense {
		g.grow(int(card))
		for i := range g.Keys {
			g.Keys[i] = uint64(i)
		}
	}
	return g
}

// grow appends n empty slots.
func (g *Groups) grow(n int) {
	g.Keys = append(g.Keys, make([]uint64, n)...)
	g.Count = append(g.Count, make([]int64, n)...)
	g.Excluded = append(g.Excluded, make([]int64, n)...)
	g.Sums = append(g.Sums, make([]Sum128, n)...)
	g.Min = append(g.Min, make([]int64, n)...)
	g.Max = append(g.Max, make([]int64, n)...)
	g.Within = append(g.Within, make([]int64, n)...)
}

// AddValues appends vs to slot s's values.
func (g *Groups) AddValues(s int, vs ...int64) {
	if s >= len(g.Values) {
		g.growValues()
	}
	g.Values[s] = append(g.Values[s], vs...)
}

// growValues extends Values to every slot.
func (g *Groups) growValues() {
	g.Values = append(g.Values, make([][]int64, len(g.Keys)-len(g.Values))...)
}

// ValuesAt returns slot s's values.
func (g *Groups) ValuesAt(s int) []int64 {
	if s >= len(g.Values) {
		return nil
	}
	return g.Values[s]
}

// Slot returns the slot of key, adding it when new.
func (g *Groups) Slot(key uint64) int {
	if g.Dense {
		return int(key)
	}
	if s := g.slots.find(key); s >= 0 {
		return s
	}
	s := len(g.Keys)
	g.grow(1)
	g.Keys[s] = key
	g.slots.add(key, s)
	return s
}

// Merge adds o's groups into g.
func (g *Groups) Merge(o *Groups) {
	g.Matched += o.Matched
	g.ExcludedAll += o.ExcludedAll
	for os := range o.Keys {
		if o.Count[os] == 0 && o.Excluded[os] == 0 {
			continue
		}
		s := g.Slot(o.Keys[os])
		g.Excluded[s] += o.Excluded[os]
		if o.Count[os] == 0 {
			continue
		}
		if g.Count[s] == 0 || o.Min[os] < g.Min[s] {
			g.Min[s] = o.Min[os]
		}
		if g.Count[s] == 0 || o.Max[os] > g.Max[s] {
			g.Max[s] = o.Max[os]
		}
		g.Count[s] += o.Count[os]
		g.Sums[s].AddSum(o.Sums[os])
		g.Within[s] += o.Within[os]
		if vs := o.ValuesAt(os); len(vs) > 0 {
			g.AddValues(s, vs...)
		}
	}
}

// Layout is how a plan packs group keys for one table: each dimension's
// code times its stride, plus the bucket index times StrideB.
type Layout struct {
	Cards   []uint64 // codes per dimension
	Strides []uint64
	Buckets uint64 // buckets, or 1
	StrideB uint64
	card    uint64 // keys
}

// NewLayout packs p's keys for t's dictionaries; an error when the key
// space passes 64 bits.
func NewLayout(t *Table, p *Plan) (Layout, error) {
	cards := make([]uint64, len(p.Dims))
	for j, c := range p.Dims {
		cards[j] = uint64(t.Store.Dict(c).Len())
	}
	buckets := uint64(1)
	if p.Starts != nil {
		buckets = uint64(len(p.Starts))
	}
	return LayoutOf(cards, buckets)
}

// LayoutOf packs keys of dimensions with the given numbers of codes and
// of buckets (1 when not over time); an error when they pass 64 bits.
func LayoutOf(cards []uint64, buckets uint64) (Layout, error) {
	l := Layout{Cards: cards, Buckets: buckets}
	stride := uint64(1)
	for _, card := range cards {
		l.Strides = append(l.Strides, stride)
		hi, lo := mbits.Mul64(stride, card)
		if hi != 0 {
			return l, errors.New("too many combinations of dimension values")
		}
		stride = lo
	}
	l.StrideB = stride
	hi, lo := mbits.Mul64(stride, buckets)
	if hi != 0 {
		return l, errors.New("too many combinations of dimension values and buckets")
	}
	l.card = lo
	return l, nil
}

// Keys returns the size of the key space.
func (l Layout) Keys() uint64 { return l.card }

// Decode splits a key into dimension codes and a bucket index.
func (l Layout) Decode(key uint64) (codes []uint32, bucket int) {
	codes = make([]uint32, len(l.Cards))
	return codes, l.DecodeTo(codes, key)
}

// DecodeTo is Decode writing the codes into dst, which holds one per
// dimension: a report of many groups decodes them all into one array.
func (l Layout) DecodeTo(dst []uint32, key uint64) (bucket int) {
	for j := range l.Cards {
		dst[j] = uint32(key / l.Strides[j] % l.Cards[j])
	}
	return int(key / l.StrideB)
}

// scanState is one worker's accumulators for every plan.
type scanState struct {
	groups []*Groups
	met    []seriesMet // by plan, for those with a seriesBound
}

// seriesBound counts the series a plan's workers have met with a counted
// row, for its StopSeries: each worker adds those new to it, so that the
// bound holds over the whole scan, not over each worker's share.
type seriesBound struct {
	stop int
	mu   sync.Mutex
	seen slotTable // series keys: a key without its bucket
}

// add records series key k and returns how many series it has met, and
// whether that reached the bound.
func (b *seriesBound) add(k uint64) (int, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seen.find(k) < 0 {
		b.seen.add(k, 0)
	}
	return b.seen.n, b.seen.n >= b.stop
}

// seriesMet is what one worker has told a seriesBound: the slots of its
// groups it has looked at, and the series among them it has added.
type seriesMet struct {
	checked int
	added   slotTable
}

// meet adds to b the series of g's slots new since the last call that
// have a counted row. A slot whose rows so far are all excluded is not
// looked at again, and its series may go uncounted here: the count is a
// lower bound, so the scan never stops for a report within its points,
// and the result's own count of its series decides the rest.
func (b *seriesBound) meet(g *Groups, l Layout, w *seriesMet) (int, bool) {
	for s := w.checked; s < len(g.Keys); s++ {
		if g.Count[s] == 0 {
			continue
		}
		k := g.Keys[s] % l.StrideB
		if w.added.find(k) >= 0 {
			continue
		}
		w.added.add(k, 0)
		if n, over := b.add(k); over {
			return n, true
		}
	}
	w.checked = len(g.Keys)
	return 0, false
}

// Scan runs every plan over t in one pass, split across workers, and
// returns each plan's merged Groups and key Layout.
func Scan(ctx context.Context, t *Table, plans []*Plan, env filter.Env, workers int) ([]*Groups, []Layout, error) {
	ec := NewCtx(ctx, t)
	layouts := make([]Layout, len(plans))
	for i, p := range plans {
		l, err := NewLayout(t, p)
		if err != nil {
			return nil, nil, &LayoutError{Plan: i, Err: err}
		}
		layouts[i] = l
	}
	// A count over the rows and keys of another plan is read from that
	// plan's groups after the scan, not scanned itself.
	from := countSources(plans)
	// A plan bounds its series only where it can meet that many: its
	// values' combinations (StrideB) reach the bound. Dense groups, at
	// most denseLimit slots, are made whole before the scan and hold no
	// more series than slots; the result counts theirs.
	bounds := make([]*seriesBound, len(plans))
	for i, p := range plans {
		if from[i] < 0 && p.StopSeries > 0 && layouts[i].StrideB >= uint64(p.StopSeries) && layouts[i].card > denseLimit {
			bounds[i] = &seriesBound{stop: p.StopSeries}
		}
	}
	// Plans with the same filter share one evaluation per chunk.
	var preds []*Pred
	predOf := make([]int, len(plans))
	seen := map[string]int{}
	for i, p := range plans {
		k, ok := seen[p.PredKey]
		if !ok {
			k = len(preds)
			seen[p.PredKey] = k
			preds = append(preds, ec.Prepare(p.Pred, env))
		}
		predOf[i] = k
	}

	// Work items: chunks of the rows any plan may need, per segment.
	type item struct {
		seg  int
		base int
		n    int
	}
	var items []item
	ranges := make([][][2]int, len(t.Store.Segments())) // [seg][plan] → [lo, hi)
	for si, seg := range t.Store.Segments() {
		lo, hi := seg.N, 0
		ranges[si] = make([][2]int, len(plans))
		for pi, p := range plans {
			l, h := p.RowRange(seg)
			ranges[si][pi] = [2]int{l, h}
			if l < h {
				lo, hi = min(lo, l), max(hi, h)
			}
		}
		// Chunks are aligned to the zone maps; rows before lo are clipped
		// by every plan's own range.
		for b := lo - lo%colstore.ChunkRows; b < hi; b += colstore.ChunkRows {
			items = append(items, item{si, b, min(colstore.ChunkRows, seg.N-b)})
		}
	}

	workers = max(1, min(workers, len(items)))
	states := make([]scanState, workers)
	var next atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		states[w].groups = make([]*Groups, len(plans))
		states[w].met = make([]seriesMet, len(plans))
		for i := range plans {
			if from[i] < 0 {
				states[w].groups[i] = NewGroups(layouts[i].card)
			}
		}
		wg.Add(1)
		go func(st *scanState) {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("convreport: internal error during scan: %v", r) })
					stop.Store(true)
				}
			}()
			predMasks := make([]colstore.Mask, len(preds))
			lc := NewLeafCache(ec)
			sc := new(scratch)
			done := make([]bool, len(preds))
			for !stop.Load() {
				k := int(next.Add(1)) - 1
				if k >= len(items) {
					return
				}
				if err := ctx.Err(); err != nil {
					errOnce.Do(func() { firstErr = err })
					stop.Store(true)
					return
				}
				it := items[k]
				seg := t.Store.Segments()[it.seg]
				ones := t.Store.Live(it.seg, it.base, it.n)
				clear(done)
				lc.Reset()
				for pi, p := range plans {
					rg := ranges[it.seg][pi]
					if from[pi] >= 0 || rg[0] >= it.base+it.n || rg[1] <= it.base {
						continue
					}
					k := predOf[pi]
					if !done[k] {
						if err := preds[k].Eval(ec, lc, seg, it.base, it.n, &ones, &predMasks[k]); err != nil {
							errOnce.Do(func() { firstErr = err })
							stop.Store(true)
							return
						}
						done[k] = true
					}
					m := predMasks[k]
					ClipRange(&m, it.base, it.n, rg[0], rg[1])
					accumulate(ec, seg, it.base, it.n, &m, p, layouts[pi], st.groups[pi], p.Hours, sc)
					if b := bounds[pi]; b != nil {
						if n, over := b.meet(st.groups[pi], layouts[pi], &st.met[pi]); over {
							errOnce.Do(func() { firstErr = &SeriesError{Plan: pi, Series: n} })
							stop.Store(true)
							return
						}
					}
				}
			}
		}(&states[w])
	}
	wg.Wait()
	if firstErr != nil {
		return nil, nil, firstErr
	}
	out := states[0].groups
	for w := 1; w < workers; w++ {
		for i := range plans {
			if from[i] < 0 {
				out[i].Merge(states[w].groups[i])
			}
		}
	}
	for i, d := range from {
		if d >= 0 {
			out[i] = out[d].rowCounts()
		}
	}
	return out, layouts, nil
}

// countSources returns, for each plan, the plan whose groups give its
// counts, or -1 when it is scanned itself. A plain count can be read
// from any plan that keeps the same rows under the same keys: a measured
// plan counts each row either as measured or as excluded. Counts are
// read from measured plans first, then from the first of equal counts.
func countSources(plans []*Plan) []int {
	from := make([]int, len(plans))
	for i := range from {
		from[i] = -1
	}
	count := func(p *Plan) bool { return p.Metric == NoMetric && p.SLA == nil }
	for i, q := range plans {
		if !count(q) {
			continue
		}
		for j, p := range plans {
			if !count(p) && p.SLA == nil && sameRowsAndKeys(p, q) {
				from[i] = j
				break
			}
		}
		if from[i] >= 0 {
			continue
		}
		for j, p := range plans[:i] {
			if from[j] < 0 && count(p) && sameRowsAndKeys(p, q) {
				from[i] = j
				break
			}
		}
	}
	return from
}

// sameRowsAndKeys says whether p and q keep the same rows (filter and
// date range) and group them under the same keys.
func sameRowsAndKeys(p, q *Plan) bool {
	return p.PredKey == q.PredKey && p.DateCol == q.DateCol && p.DateCreated == q.DateCreated &&
		p.DateAfterNew == q.DateAfterNew && p.From == q.From && p.To == q.To && p.Now == q.Now &&
		p.Snapshot == q.Snapshot && slices.Equal(p.Dims, q.Dims) &&
		(p.Starts == nil) == (q.Starts == nil) && slices.Equal(p.Starts, q.Starts)
}

// rowCounts returns the groups of a plain count over g's rows and keys:
// each group's count is its rows, measured or excluded.
func (g *Groups) rowCounts() *Groups {
	c := &Groups{Dense: g.Dense, slots: g.slots.clone(), Matched: g.Matched}
	c.grow(len(g.Keys))
	copy(c.Keys, g.Keys)
	for s := range c.Count {
		c.Count[s] = g.Count[s] + g.Excluded[s]
	}
	return c
}

// ClipRange clears the bits of rows outside [lo, hi).
func ClipRange(m *colstore.Mask, base, n, lo, hi int) {
	if lo > base {
		k := min(lo-base, n)
		for j := 0; j < k/64; j++ {
			m[j] = 0
		}
		if k%64 != 0 {
			m[k/64] &^= 1<<(k%64) - 1
		}
	}
	if hi < base+n {
		k := max(hi-base, 0) // first row to clear
		if k%64 != 0 {
			m[k/64] &= 1<<(k%64) - 1
			k += 64 - k%64
		}
		for j := k / 64; j < colstore.ChunkWords; j++ {
			m[j] = 0
		}
	}
}

// accumulate adds the selected rows of a chunk (filter and date
// conditions already applied) to a plan's Groups. It works a column at a
// time: group keys and metric values for the chunk, then the additions.
// scratch holds a worker's reusable buffers.
func accumulate(ec *Ctx, seg *colstore.Segment, base, n int, m *colstore.Mask, p *Plan, l Layout, g *Groups, cal Hours, scratch *scratch) {
	words := (n + 63) / 64
	var any uint64
	for w := 0; w < words; w++ {
		any |= m[w]
		g.Matched += int64(mbits.OnesCount64(m[w]))
	}
	if any == 0 {
		return
	}
	// With one dimension and no bucket a row's group key is its dictionary
	// code; otherwise the keys are packed into scratch.keys.
	switch {
	case len(p.Dims) == 1 && p.Starts == nil:
		codes := seg.Cols[p.Dims[0]].Codes
		switch {
		case codes.W8 != nil:
			addRows(ec, seg, base, n, m, p, g, cal, scratch, codes.W8[base:base+n])
		case codes.W16 != nil:
			addRows(ec, seg, base, n, m, p, g, cal, scratch, codes.W16[base:base+n])
		default:
			addRows(ec, seg, base, n, m, p, g, cal, scratch, codes.W32[base:base+n])
		}
		return
	case len(p.Dims) == 0 && p.Starts == nil:
		addRows(ec, seg, base, n, m, p, g, cal, scratch, zeroCodes[:n])
		return
	}
	keys := scratch.keys[:n]
	clear(keys)
	for j, c := range p.Dims {
		codes := seg.Cols[c].Codes
		switch {
		case codes.W8 != nil:
			colstore.AddKeys(keys, codes.W8[base:base+n], l.Strides[j])
		case codes.W16 != nil:
			colstore.AddKeys(keys, codes.W16[base:base+n], l.Strides[j])
		default:
			colstore.AddKeys(keys, codes.W32[base:base+n], l.Strides[j])
		}
	}
	if p.Starts != nil {
		dates := seg.Created[base : base+n]
		if !p.DateCreated {
			dates = seg.IntsAt(p.DateCol, base, n, &scratch.dates)
		}
		if p.DateCreated {
			// Rows are in creation order, so a creation-date bucket is a
			// run of rows: found by search, keyed without reading the mask.
			// A count over time alone adds each run's selected rows at once.
			countOnly := len(p.Dims) == 0 && p.Metric == NoMetric && p.SLA == nil && g.Dense
			lo, hi := span(m, words)
			for i := lo; i < hi; {
				bi := civil.IndexNanos(p.Starts, dates[i])
				j := hi
				if bi+1 < len(p.Starts) {
					// Row i is before the next start, so the run holds it
					// at least: i advances.
					j = i + 1 + searchFrom(dates[i+1:hi], p.Starts[bi+1])
				}
				add := uint64(bi) * l.StrideB
				if countOnly {
					if k := onesIn(m, i, j); k > 0 {
						g.Count[add] += int64(k)
					}
				} else {
					for k := i; k < j; k++ {
						keys[k] += add
					}
				}
				i = j
			}
			if countOnly {
				return
			}
		} else {
			for w := 0; w < words; w++ {
				for b := m[w]; b != 0; b &= b - 1 {
					i := w*64 + mbits.TrailingZeros64(b)
					keys[i] += uint64(civil.IndexNanos(p.Starts, dates[i])) * l.StrideB
				}
			}
		}
	}
	addRows(ec, seg, base, n, m, p, g, cal, scratch, keys)
}

// span returns the rows from m's first set bit to its last, [lo, hi).
func span(m *colstore.Mask, words int) (lo, hi int) {
	for w := 0; w < words; w++ {
		if m[w] != 0 {
			lo = w*64 + mbits.TrailingZeros64(m[w])
			break
		}
	}
	for w := words - 1; w >= 0; w-- {
		if m[w] != 0 {
			return lo, w*64 + 64 - mbits.LeadingZeros64(m[w])
		}
	}
	return 0, 0
}

// onesIn returns how many of rows [i, j) m selects.
func onesIn(m *colstore.Mask, i, j int) int {
	if i >= j {
		return 0
	}
	wi, wj := i/64, (j-1)/64
	first := m[wi] &^ (1<<(i%64) - 1)
	last := ^uint64(0) >> (63 - (j-1)%64)
	if wi == wj {
		return mbits.OnesCount64(first & last)
	}
	k := mbits.OnesCount64(first) + mbits.OnesCount64(m[wj]&last)
	for w := wi + 1; w < wj; w++ {
		k += mbits.OnesCount64(m[w])
	}
	return k
}

// scratch is a worker's per-chunk buffers: group keys, metric values,
// and a date column decoded from offsets.
type scratch struct {
	keys  [colstore.ChunkRows]uint64
	vals  [colstore.ChunkRows]int64
	dates [colstore.ChunkRows]int64
}

// addRows adds the rows of m, keyed by keys, to g. It is generic so the
// common case, keys that are a column's dictionary codes, reads the column
// directly.
func addRows[K uint8 | uint16 | uint32 | uint64](ec *Ctx, seg *colstore.Segment, base, n int, m *colstore.Mask, p *Plan, g *Groups, cal Hours, scratch *scratch, keys []K) {
	words := (n + 63) / 64
	slot := func(k K) int {
		if g.Dense {
			return int(k)
		}
		return g.Slot(uint64(k))
	}
	if p.SLA != nil {
		addSLARows(ec, seg, base, n, m, p.SLA, g, keys)
		return
	}
	if p.Metric == NoMetric {
		if g.Dense {
			count := g.Count
			for w := 0; w < words; w++ {
				for b := m[w]; b != 0; b &= b - 1 {
					count[keys[w*64+mbits.TrailingZeros64(b)]]++
				}
			}
			return
		}
		for w := 0; w < words; w++ {
			for b := m[w]; b != 0; b &= b - 1 {
				g.Count[slot(keys[w*64+mbits.TrailingZeros64(b)])]++
			}
		}
		return
	}

	if p.Agg == Sum && g.Dense && cal == nil {
		if start, end := ec.metricTimes(seg, base, n, p.Metric); offsetsInOneUnit(p.Metric, start, end) {
			sumOffsets(m, (n+63)/64, keys, p.Metric == FirstResponse, start.offs, end.offs, end.unit, g)
			return
		}
	}

	// Metric values of the selected rows; rows the metric does not apply
	// to count as excluded.
	vals := &scratch.vals
	var has colstore.Mask
	ec.metricChunk(seg, base, n, m, p.Metric, cal, scratch, &has)
	for w := 0; w < words; w++ {
		for b := m[w] &^ has[w]; b != 0; b &= b - 1 {
			g.Excluded[slot(keys[w*64+mbits.TrailingZeros64(b)])]++
			g.ExcludedAll++
		}
	}
	switch p.Agg {
	case Sum:
		for w := 0; w < words; w++ {
			for b := has[w]; b != 0; b &= b - 1 {
				i := w*64 + mbits.TrailingZeros64(b)
				s := slot(keys[i])
				g.Count[s]++
				g.Sums[s].Add(vals[i])
			}
		}
	case Within:
		th := p.Threshold
		for w := 0; w < words; w++ {
			for b := has[w]; b != 0; b &= b - 1 {
				i := w*64 + mbits.TrailingZeros64(b)
				s := slot(keys[i])
				g.Count[s]++
				g.Within[s] += int64(colstore.B2U(vals[i] <= th))
			}
		}
	case Extremes:
		for w := 0; w < words; w++ {
			for b := has[w]; b != 0; b &= b - 1 {
				i := w*64 + mbits.TrailingZeros64(b)
				s, v := slot(keys[i]), vals[i]
				if g.Count[s] == 0 || v < g.Min[s] {
					g.Min[s] = v
				}
				if g.Count[s] == 0 || v > g.Max[s] {
					g.Max[s] = v
				}
				g.Count[s]++
			}
		}
	default: // median, percentile
		for w := 0; w < words; w++ {
			for b := has[w]; b != 0; b &= b - 1 {
				i := w*64 + mbits.TrailingZeros64(b)
				s := slot(keys[i])
				g.Count[s]++
				if s >= len(g.Values) {
					g.growValues()
				}
				g.Values[s] = append(g.Values[s], vals[i])
			}
		}
	}
}

// sumOffsets adds the rows of m to the dense groups of an average whose
// end times (and, for the first response, start times) are offsets from
// creation in one unit: each duration is added as it is computed, with
// no values kept between. As in metricChunk, a row without an end is
// excluded.
func sumOffsets[K uint8 | uint16 | uint32 | uint64](m *colstore.Mask, words int, keys []K, first bool, starts, ends []uint32, unit int64, g *Groups) {
	count, excluded, sums := g.Count, g.Excluded, g.Sums
	var excludedAll int64
	for w := 0; w < words; w++ {
		for b := m[w]; b != 0; b &= b - 1 {
			i := w*64 + mbits.TrailingZeros64(b)
			k, e := keys[i], ends[i]
			if e == 0 {
				excluded[k]++
				excludedAll++
				continue
			}
			count[k]++
			sums[k].Add(int64(offsetSpan(first, starts, i, e)) * unit)
		}
	}
	g.ExcludedAll += excludedAll
}

// zeroCodes keys every row of a report without dimensions to group 0.
var zeroCodes [colstore.ChunkRows]uint8

// Sum128 is a two's-complement 128-bit integer.
type Sum128 struct {
	hi int64
	lo uint64
}

// Add adds v.
func (s *Sum128) Add(v int64) {
	lo, carry := mbits.Add64(s.lo, uint64(v), 0)
	s.lo = lo
	s.hi += int64(carry) + v>>63 // v>>63 sign-extends v into the high word
}

// AddSum adds another sum.
func (s *Sum128) AddSum(o Sum128) {
	lo, carry := mbits.Add64(s.lo, o.lo, 0)
	s.lo = lo
	s.hi += o.hi + int64(carry)
}

// Big returns the sum.
func (s Sum128) Big() *big.Int {
	b := new(big.Int).Lsh(big.NewInt(s.hi), 64)
	return b.Add(b, new(big.Int).SetUint64(s.lo))
}

func Sum128Of(b *big.Int) (Sum128, bool) {
	if b.BitLen() > 126 {
		return Sum128{}, false
	}
	lo := new(big.Int).And(b, new(big.Int).SetUint64(^uint64(0)))
	hi := new(big.Int).Rsh(b, 64) // arithmetic shift: floor division
	return Sum128{hi: hi.Int64(), lo: lo.Uint64()}, true
}
