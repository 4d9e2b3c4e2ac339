package convreport

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	mbits "math/bits"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/colstore"
)

// groups accumulates one report's measure per group. A group's key packs
// its dimension codes and bucket index; small key spaces index dense
// arrays directly, large ones go through a map.
type groups struct {
	dense  bool
	slotOf map[uint64]int32
	keys   []uint64

	count, excluded []int64
	// Durations are summed in 128 bits, so no number of long durations
	// overflows.
	sums     []sum128
	min, max []int64
	within   []int64
	values   [][]int64

	matched, excludedAll int64
}

const denseLimit = 1 << 16

func newGroups(p *compiled, card uint64) *groups {
	g := &groups{dense: card <= denseLimit}
	if g.dense {
		g.grow(int(card))
		for i := range g.keys {
			g.keys[i] = uint64(i)
		}
	} else {
		g.slotOf = map[uint64]int32{}
	}
	return g
}

// grow appends n empty slots.
func (g *groups) grow(n int) {
	for range n {
		g.keys = append(g.keys, 0)
		g.count = append(g.count, 0)
		g.excluded = append(g.excluded, 0)
		g.sums = append(g.sums, sum128{})
		g.min = append(g.min, 0)
		g.max = append(g.max, 0)
		g.within = append(g.within, 0)
		g.values = append(g.values, nil)
	}
}

func (g *groups) slot(key uint64) int {
	if g.dense {
		return int(key)
	}
	if s, ok := g.slotOf[key]; ok {
		return int(s)
	}
	s := len(g.keys)
	g.grow(1)
	g.keys[s] = key
	g.slotOf[key] = int32(s)
	return s
}

// merge adds o's groups into g.
func (g *groups) merge(o *groups) {
	g.matched += o.matched
	g.excludedAll += o.excludedAll
	for os := range o.keys {
		if o.count[os] == 0 && o.excluded[os] == 0 {
			continue
		}
		s := g.slot(o.keys[os])
		g.excluded[s] += o.excluded[os]
		if o.count[os] == 0 {
			continue
		}
		if g.count[s] == 0 || o.min[os] < g.min[s] {
			g.min[s] = o.min[os]
		}
		if g.count[s] == 0 || o.max[os] > g.max[s] {
			g.max[s] = o.max[os]
		}
		g.count[s] += o.count[os]
		g.sums[s].addSum(o.sums[os])
		g.within[s] += o.within[os]
		g.values[s] = append(g.values[s], o.values[os]...)
	}
}

// layout is how a plan packs group keys for one table.
type layout struct {
	cards   []uint64 // per dimension
	strides []uint64
	nb      uint64 // buckets, or 1
	strideB uint64
	card    uint64
}

func newLayout(t *Table, p *compiled) (layout, error) {
	var l layout
	stride := uint64(1)
	for _, c := range p.dims {
		card := uint64(len(t.cols.Dict(c)))
		l.cards = append(l.cards, card)
		l.strides = append(l.strides, stride)
		hi, lo := mbits.Mul64(stride, card)
		if hi != 0 {
			return l, &ReportError{Report: p.r.Name, Field: "dimensions", Err: errors.New("too many combinations of dimension values")}
		}
		stride = lo
	}
	l.nb = 1
	if p.bucket != NoBucket {
		l.nb = uint64(len(p.starts))
	}
	l.strideB = stride
	hi, lo := mbits.Mul64(stride, l.nb)
	if hi != 0 {
		return l, &ReportError{Report: p.r.Name, Field: "dimensions", Err: errors.New("too many combinations of dimension values and buckets")}
	}
	l.card = lo
	return l, nil
}

// decode splits a key into dimension codes and a bucket index.
func (l layout) decode(key uint64) (codes []uint32, bucket int) {
	codes = make([]uint32, len(l.cards))
	for j := range l.cards {
		codes[j] = uint32(key / l.strides[j] % l.cards[j])
	}
	return codes, int(key / l.strideB)
}

// scanState is one worker's accumulators for every plan.
type scanState struct {
	groups []*groups
}

// scanTable runs every plan over t in one pass, split across workers, and
// returns each plan's merged groups and key layout.
func scanTable(ctx context.Context, t *Table, plans []*compiled, env FilterEnv, workers int) ([]*groups, []layout, error) {
	ec := newEvalCtx(ctx, t)
	layouts := make([]layout, len(plans))
	for i, p := range plans {
		l, err := newLayout(t, p)
		if err != nil {
			return nil, nil, err
		}
		layouts[i] = l
	}
	// Plans with the same filter share one evaluation per chunk.
	var preds []*colPred
	predOf := make([]int, len(plans))
	seen := map[string]int{}
	for i, p := range plans {
		k, ok := seen[p.predKey]
		if !ok {
			k = len(preds)
			seen[p.predKey] = k
			preds = append(preds, prepare(ec, p.pred, env))
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
	ranges := make([][][2]int, len(t.cols.Segments())) // [seg][plan] → [lo, hi)
	for si, seg := range t.cols.Segments() {
		lo, hi := seg.N, 0
		ranges[si] = make([][2]int, len(plans))
		for pi, p := range plans {
			l, h := p.rowRange(seg)
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
		states[w].groups = make([]*groups, len(plans))
		for i, p := range plans {
			states[w].groups[i] = newGroups(p, layouts[i].card)
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
			lc := newLeafCache(ec)
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
				seg := t.cols.Segments()[it.seg]
				ones := t.cols.Live(it.seg, it.base, it.n)
				clear(done)
				lc.reset()
				for pi, p := range plans {
					rg := ranges[it.seg][pi]
					if rg[0] >= it.base+it.n || rg[1] <= it.base {
						continue
					}
					k := predOf[pi]
					if !done[k] {
						if err := preds[k].eval(ec, lc, seg, it.base, it.n, &ones, &predMasks[k]); err != nil {
							errOnce.Do(func() { firstErr = err })
							stop.Store(true)
							return
						}
						done[k] = true
					}
					m := predMasks[k]
					clipRange(&m, it.base, it.n, rg[0], rg[1])
					accumulate(ec, seg, it.base, it.n, &m, p, layouts[pi], st.groups[pi], p.biz, sc)
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
			out[i].merge(states[w].groups[i])
		}
	}
	return out, layouts, nil
}

// clipRange clears the bits of rows outside [lo, hi).
func clipRange(m *colstore.Mask, base, n, lo, hi int) {
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
// conditions already applied) to a plan's groups. It works a column at a
// time: group keys and metric values for the chunk, then the additions.
// scratch holds a worker's reusable buffers.
func accumulate(ec *evalCtx, seg *colstore.Segment, base, n int, m *colstore.Mask, p *compiled, l layout, g *groups, cal *bizHours, scratch *scratch) {
	words := (n + 63) / 64
	var any uint64
	for w := 0; w < words; w++ {
		any |= m[w]
		g.matched += int64(mbits.OnesCount64(m[w]))
	}
	if any == 0 {
		return
	}
	// With one dimension and no bucket a row's group key is its dictionary
	// code; otherwise the keys are packed into scratch.keys.
	switch {
	case len(p.dims) == 1 && p.startsNano == nil:
		codes := seg.Cols[p.dims[0]].Codes
		switch {
		case codes.W8 != nil:
			addRows(ec, seg, base, n, m, p, g, cal, scratch, codes.W8[base:base+n])
		case codes.W16 != nil:
			addRows(ec, seg, base, n, m, p, g, cal, scratch, codes.W16[base:base+n])
		default:
			addRows(ec, seg, base, n, m, p, g, cal, scratch, codes.W32[base:base+n])
		}
		return
	case len(p.dims) == 0 && p.startsNano == nil:
		addRows(ec, seg, base, n, m, p, g, cal, scratch, zeroCodes[:n])
		return
	}
	keys := scratch.keys[:n]
	clear(keys)
	for j, c := range p.dims {
		codes := seg.Cols[c].Codes
		switch {
		case codes.W8 != nil:
			colstore.AddKeys(keys, codes.W8[base:base+n], l.strides[j])
		case codes.W16 != nil:
			colstore.AddKeys(keys, codes.W16[base:base+n], l.strides[j])
		default:
			colstore.AddKeys(keys, codes.W32[base:base+n], l.strides[j])
		}
	}
	if p.startsNano != nil {
		dates := seg.Created[base : base+n]
		if !p.dateCreated {
			dates = seg.Cols[p.dateCol].Ints[base : base+n]
		}
		// Rows are in creation order: for a creation-date series the
		// bucket only moves forward, so a cursor replaces the search.
		bi := -1
		for w := 0; w < words; w++ {
			for b := m[w]; b != 0; b &= b - 1 {
				i := w*64 + mbits.TrailingZeros64(b)
				v := dates[i]
				if !p.dateCreated || bi < 0 || v < p.startsNano[bi] {
					bi = civil.IndexNanos(p.startsNano, v)
				}
				for bi+1 < len(p.startsNano) && v >= p.startsNano[bi+1] {
					bi++
				}
				keys[i] += uint64(bi) * l.strideB
			}
		}
	}
	addRows(ec, seg, base, n, m, p, g, cal, scratch, keys)
}

// scratch is a worker's per-chunk buffers.
type scratch struct {
	keys [colstore.ChunkRows]uint64
	vals [colstore.ChunkRows]int64
}

// addRows adds the rows of m, keyed by keys, to g. It is generic so the
// common case, keys that are a column's dictionary codes, reads the column
// directly.
func addRows[K uint8 | uint16 | uint32 | uint64](ec *evalCtx, seg *colstore.Segment, base, n int, m *colstore.Mask, p *compiled, g *groups, cal *bizHours, scratch *scratch, keys []K) {
	words := (n + 63) / 64
	slot := func(k K) int {
		if g.dense {
			return int(k)
		}
		return g.slot(uint64(k))
	}
	if p.sla != nil {
		addSLARows(ec, seg, base, n, m, p.sla, g, keys)
		return
	}
	if p.metric == metricNone {
		if g.dense {
			count := g.count
			for w := 0; w < words; w++ {
				for b := m[w]; b != 0; b &= b - 1 {
					count[keys[w*64+mbits.TrailingZeros64(b)]]++
				}
			}
			return
		}
		for w := 0; w < words; w++ {
			for b := m[w]; b != 0; b &= b - 1 {
				g.count[slot(keys[w*64+mbits.TrailingZeros64(b)])]++
			}
		}
		return
	}

	// Metric values of the selected rows; rows the metric does not apply
	// to count as excluded.
	vals := &scratch.vals
	var has colstore.Mask
	ec.metricChunk(seg, base, n, m, p.metric, cal, vals, &has)
	for w := 0; w < words; w++ {
		for b := m[w] &^ has[w]; b != 0; b &= b - 1 {
			g.excluded[slot(keys[w*64+mbits.TrailingZeros64(b)])]++
			g.excludedAll++
		}
	}
	switch p.measure.agg() {
	case Average:
		for w := 0; w < words; w++ {
			for b := has[w]; b != 0; b &= b - 1 {
				i := w*64 + mbits.TrailingZeros64(b)
				s := slot(keys[i])
				g.count[s]++
				g.sums[s].add(vals[i])
			}
		}
	case ShareWithin:
		th := int64(p.measure.Threshold)
		for w := 0; w < words; w++ {
			for b := has[w]; b != 0; b &= b - 1 {
				i := w*64 + mbits.TrailingZeros64(b)
				s := slot(keys[i])
				g.count[s]++
				g.within[s] += int64(colstore.B2U(vals[i] <= th))
			}
		}
	case Min, Max:
		for w := 0; w < words; w++ {
			for b := has[w]; b != 0; b &= b - 1 {
				i := w*64 + mbits.TrailingZeros64(b)
				s, v := slot(keys[i]), vals[i]
				if g.count[s] == 0 || v < g.min[s] {
					g.min[s] = v
				}
				if g.count[s] == 0 || v > g.max[s] {
					g.max[s] = v
				}
				g.count[s]++
			}
		}
	default: // median, percentile
		for w := 0; w < words; w++ {
			for b := has[w]; b != 0; b &= b - 1 {
				i := w*64 + mbits.TrailingZeros64(b)
				s := slot(keys[i])
				g.count[s]++
				g.values[s] = append(g.values[s], vals[i])
			}
		}
	}
}

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

// zeroCodes keys every row of a report without dimensions to group 0.
var zeroCodes [colstore.ChunkRows]uint8

// sum128 is a two's-complement 128-bit integer.
type sum128 struct {
	hi int64
	lo uint64
}

func (s *sum128) add(v int64) {
	lo, carry := mbits.Add64(s.lo, uint64(v), 0)
	s.lo = lo
	s.hi += int64(carry) + v>>63 // v>>63 sign-extends v into the high word
}

func (s *sum128) addSum(o sum128) {
	lo, carry := mbits.Add64(s.lo, o.lo, 0)
	s.lo = lo
	s.hi += o.hi + int64(carry)
}

func (s sum128) big() *big.Int {
	b := new(big.Int).Lsh(big.NewInt(s.hi), 64)
	return b.Add(b, new(big.Int).SetUint64(s.lo))
}

func sum128Of(b *big.Int) (sum128, bool) {
	if b.BitLen() > 126 {
		return sum128{}, false
	}
	lo := new(big.Int).And(b, new(big.Int).SetUint64(^uint64(0)))
	hi := new(big.Int).Rsh(b, 64) // arithmetic shift: floor division
	return sum128{hi: hi.Int64(), lo: lo.Uint64()}, true
}
