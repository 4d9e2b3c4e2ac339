package exec

import (
	"context"
	"fmt"
	"math"
	mbits "math/bits"
	"strings"
	"time"
	"unsafe"

	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/filter"
)

// Pred is a bound predicate prepared against one table: string
// constants are turned into dictionary codes, times into nanoseconds.
type Pred struct {
	op   filter.Op
	col  int
	kind int // how the leaf reads its column
	// string-like leaves: match[code] is 1 for a matching code; for a
	// single equality, eq holds the code (or -1 when no row has it).
	match []uint8
	eq    int64
	// ordered leaves
	i64  int64
	f64  float64
	iset map[int64]bool
	fset map[float64]bool
	kids []*Pred
	// id indexes the per-chunk cache of native leaves, so a leaf shared by
	// several reports (Channel == "chat", a date range) is computed once
	// per chunk; -1 for nodes that are not cached.
	id int
	hi int64 // upper bound of filter.Range
	// slow path: evaluate p on the rebuilt conversation.
	p   *filter.Pred
	env filter.Env
}

const (
	leafCodes = iota
	leafEqCode
	leafInts    // time or duration column
	leafDerived // derived duration, computed from time columns
	leafFloats
	leafRow // anything else: rebuild the row and evaluate
)

// Ctx is one run's evaluation over a table, shared by its workers: the
// leaves its predicates share, and the run's context.
type Ctx struct {
	// ctx is the run's: rows evaluated on the expr VM check done one by
	// one (a non-blocking receive, lock-free), as a costly expression can
	// make one chunk of rows take long.
	ctx     context.Context
	done    <-chan struct{}
	t       *Table
	leafIDs map[string]int
}

// NewCtx returns an evaluation context over t for a run.
func NewCtx(ctx context.Context, t *Table) *Ctx {
	return &Ctx{ctx: ctx, done: ctx.Done(), t: t, leafIDs: map[string]int{}}
}

// direct sets ec to an evaluation context for one predicate evaluated
// alone, as a drill-down's: its leaves are not numbered for a cache that
// would share them (see LeafCache.direct).
func (ec *Ctx) direct(ctx context.Context, t *Table) {
	*ec = Ctx{ctx: ctx, done: ctx.Done(), t: t}
}

// Prepare compiles p for the dictionaries of the context's table. Prepare
// every predicate of a run before its workers start.
func (ec *Ctx) Prepare(p *filter.Pred, env filter.Env) *Pred { return prepare(ec, p, env) }

func prepare(ec *Ctx, p *filter.Pred, env filter.Env) *Pred {
	cp := prepareNode(ec, p, env)
	cp.id = -1
	switch cp.op {
	case filter.True, filter.False, filter.And, filter.Or, filter.Not:
	default:
		if cp.kind != leafRow && ec.leafIDs != nil {
			k := p.Key()
			id, ok := ec.leafIDs[k]
			if !ok {
				id = len(ec.leafIDs)
				ec.leafIDs[k] = id
			}
			cp.id = id
		}
	}
	return cp
}

func prepareNode(ec *Ctx, p *filter.Pred, env filter.Env) *Pred {
	cp := &Pred{op: p.Op, p: p, env: env}
	switch p.Op {
	case filter.True, filter.False:
		return cp
	case filter.And, filter.Or, filter.Not:
		cp.kids = make([]*Pred, 0, len(p.Kids))
		for _, k := range p.Kids {
			cp.kids = append(cp.kids, prepare(ec, k, env))
		}
		return cp
	case filter.Expr:
		cp.kind = leafRow
		return cp
	}
	t := ec.t
	col, ok := t.Columns[p.Field.Name]
	if !ok {
		cp.kind = leafRow
		return cp
	}
	cp.col = col
	switch p.Field.Kind {
	case filter.KindString, filter.KindEnum, filter.KindBool:
		dict := t.Store.Dict(col)
		if p.Op == filter.Eq {
			cp.kind, cp.eq = leafEqCode, -1
			if k, found := t.Code(col, p.Vals[0]); found {
				cp.eq = int64(k)
			}
			return cp
		}
		cp.kind = leafCodes
		cp.match = make([]uint8, dict.Len())
		// Each value is written into buf, which evalLeaf does not keep: At
		// writes a string for each value a dictionary keeps as a number,
		// and a contact dictionary holds tens of millions.
		var buf []byte
		for code := range cp.match {
			buf = dict.AppendAt(buf[:0], code)
			s := unsafe.String(unsafe.SliceData(buf), len(buf))
			var v any = s
			if p.Field.Kind == filter.KindBool {
				v = s == "true"
			}
			cp.match[code] = uint8(colstore.B2U(evalLeaf(p, v, code != 0)))
		}
		return cp
	case filter.KindTime, filter.KindDuration:
		if p.Field.Derived {
			cp.kind = leafDerived
			m, ok := t.Metrics[p.Field.Name]
			if !ok {
				cp.kind = leafRow
				return cp
			}
			cp.col = int(m)
		} else {
			cp.kind = leafInts
		}
		switch p.Op {
		case filter.Lt, filter.Le, filter.Gt, filter.Ge:
			cp.i64 = nanos(p.Vals[0])
		case filter.Range:
			cp.i64, cp.hi = nanos(p.Vals[0]), nanos(p.Vals[1])
		case filter.Eq, filter.Ne, filter.In, filter.NotIn:
			cp.iset = map[int64]bool{}
			for _, v := range p.Vals {
				cp.iset[nanos(v)] = true
			}
		case filter.Known, filter.Unknown:
		default:
			cp.kind = leafRow
		}
		return cp
	case filter.KindNumber:
		cp.kind = leafFloats
		switch p.Op {
		case filter.Lt, filter.Le, filter.Gt, filter.Ge:
			cp.f64 = p.Vals[0].(float64)
		case filter.Eq, filter.Ne, filter.In, filter.NotIn:
			cp.fset = map[float64]bool{}
			for _, v := range p.Vals {
				cp.fset[v.(float64)] = true
			}
		case filter.Known, filter.Unknown:
		default:
			cp.kind = leafRow
			return cp
		}
		// A segment may hold the column as one-byte codes (a count plus
		// one, 0 unknown): the leaf's answer for each code, once.
		cp.match = make([]uint8, 256)
		cp.match[0] = uint8(colstore.B2U(cp.testFloat(math.NaN())))
		for k := 1; k < 256; k++ {
			cp.match[k] = uint8(colstore.B2U(cp.testFloat(float64(k - 1))))
		}
		return cp
	}
	cp.kind = leafRow
	return cp
}

func nanos(v any) int64 {
	switch v := v.(type) {
	case time.Time:
		return v.UnixNano()
	case time.Duration:
		return int64(v)
	}
	panic(fmt.Sprintf("convreport: internal: %T in a time comparison", v))
}

// evalLeaf applies a leaf operator to one known or unknown value, with the
// filter semantics: comparisons with an unknown value are false, except
// "not equal" and "not in", which are true.
func evalLeaf(p *filter.Pred, v any, known bool) bool {
	switch p.Op {
	case filter.Known:
		return known
	case filter.Unknown:
		return !known
	case filter.Ne, filter.NotIn:
		if !known {
			return true
		}
		for _, w := range p.Vals {
			if v == w {
				return false
			}
		}
		return true
	}
	if !known {
		return false
	}
	switch p.Op {
	case filter.Eq, filter.In:
		for _, w := range p.Vals {
			if v == w {
				return true
			}
		}
		return false
	case filter.Contains:
		return strings.Contains(v.(string), p.Vals[0].(string))
	case filter.Prefix:
		return strings.HasPrefix(v.(string), p.Vals[0].(string))
	case filter.Suffix:
		return strings.HasSuffix(v.(string), p.Vals[0].(string))
	}
	panic(fmt.Sprintf("convreport: internal: operator %d on a string column", p.Op))
}

// Eval sets out to in ∧ p for rows base … base+n-1 of seg (bit j ↔ row
// base+j). Rows not in in are never evaluated, so a costly residual
// expression runs only where the cheap conditions before it passed.
func (cp *Pred) Eval(ec *Ctx, lc *LeafCache, seg *colstore.Segment, base, n int, in *colstore.Mask, out *colstore.Mask) error {
	words := (n + 63) / 64
	if cp.id >= 0 && !lc.direct {
		// A native leaf costs the same on every row, so compute it once
		// for the whole chunk and share it.
		if !lc.valid[cp.id] {
			var all colstore.Mask
			for j := 0; j < n; j += 64 {
				all[j/64] = ^uint64(0)
				if rem := n - j; rem < 64 {
					all[j/64] = 1<<rem - 1
				}
			}
			if err := cp.evalLeaf(ec, lc, seg, base, n, &all, &lc.masks[cp.id]); err != nil {
				return err
			}
			lc.valid[cp.id] = true
		}
		for w := 0; w < words; w++ {
			out[w] = in[w] & lc.masks[cp.id][w]
		}
		return nil
	}
	switch cp.op {
	case filter.True:
		*out = *in
		return nil
	case filter.False:
		*out = colstore.Mask{}
		return nil
	case filter.And:
		cur := *in
		for _, k := range cp.kids {
			if err := k.Eval(ec, lc, seg, base, n, &cur, &cur); err != nil {
				return err
			}
		}
		*out = cur
		return nil
	case filter.Or:
		var acc colstore.Mask
		rest := *in
		for _, k := range cp.kids {
			var got colstore.Mask
			if err := k.Eval(ec, lc, seg, base, n, &rest, &got); err != nil {
				return err
			}
			for w := 0; w < words; w++ {
				acc[w] |= got[w]
				rest[w] &^= got[w]
			}
		}
		*out = acc
		return nil
	case filter.Not:
		var got colstore.Mask
		src := *in
		if err := cp.kids[0].Eval(ec, lc, seg, base, n, &src, &got); err != nil {
			return err
		}
		for w := 0; w < words; w++ {
			out[w] = src[w] &^ got[w]
		}
		return nil
	}
	return cp.evalLeaf(ec, lc, seg, base, n, in, out)
}

// LeafCache holds one chunk's native leaf results, per worker, and the
// buffer a time column's offsets are decoded into.
type LeafCache struct {
	masks []colstore.Mask
	valid []bool
	// ints is a chunk of times, made when a leaf first needs one: on a
	// drill-down's goroutine stack 8 KB would make the stack grow, a
	// copy that costs tens of microseconds after a collection shrank it.
	ints *[colstore.ChunkRows]int64
	// direct evaluates each leaf on the rows it is given, keeping
	// nothing: for a single predicate, which has no leaf to share.
	direct bool
}

// NewLeafCache returns a worker's cache of leaf results.
func NewLeafCache(ec *Ctx) *LeafCache {
	return &LeafCache{masks: make([]colstore.Mask, len(ec.leafIDs)), valid: make([]bool, len(ec.leafIDs))}
}

// Reset forgets the last chunk's leaves.
func (lc *LeafCache) Reset() { clear(lc.valid) }

// evalLeaf sets out to in ∧ leaf for one leaf node.
func (cp *Pred) evalLeaf(ec *Ctx, lc *LeafCache, seg *colstore.Segment, base, n int, in *colstore.Mask, out *colstore.Mask) error {
	words := (n + 63) / 64
	switch cp.kind {
	case leafEqCode:
		if cp.eq < 0 {
			*out = colstore.Mask{}
			return nil
		}
		codes := seg.Cols[cp.col].Codes
		switch {
		case codes.W8 != nil:
			colstore.EqBits(codes.W8[base:base+n], uint32(cp.eq), in, out)
		case codes.W16 != nil:
			colstore.EqBits(codes.W16[base:base+n], uint32(cp.eq), in, out)
		default:
			colstore.EqBits(codes.W32[base:base+n], uint32(cp.eq), in, out)
		}
	case leafCodes:
		codes := seg.Cols[cp.col].Codes
		switch {
		case codes.W8 != nil:
			colstore.MatchBits(codes.W8[base:base+n], cp.match, in, out)
		case codes.W16 != nil:
			colstore.MatchBits(codes.W16[base:base+n], cp.match, in, out)
		default:
			colstore.MatchBits(codes.W32[base:base+n], cp.match, in, out)
		}
	case leafInts:
		if lo, hi, ok := cp.interval(); ok {
			// Known values within [lo, hi]: one unsigned comparison a row,
			// and whole chunks decided from the column's zone map.
			if z, ok := seg.Zone(cp.col, base, n); ok {
				if z.Max < lo || z.Min > hi {
					*out = colstore.Mask{}
					return nil
				}
				if z.Min >= lo && z.Max <= hi {
					// Every known value passes: the known rows do.
					if !z.Nulls {
						*out = *in
					} else {
						knownRows(seg, cp.col, base, n, in, out)
					}
					return nil
				}
			}
			if hi < lo {
				*out = colstore.Mask{}
				return nil
			}
			span := uint64(hi - lo)
			if col := &seg.Cols[cp.col]; col.Offs != nil {
				// Offsets from creation: decoded and tested in one pass.
				offs, created, unit := col.Offs[base:base+n], seg.Created[base:base+n], col.Unit
				for w := 0; w < words; w++ {
					var b uint64
					for j, o := range offs[w*64 : min(w*64+64, n)] {
						v := created[w*64+j] + int64(o-1)*unit
						b |= colstore.B2U(o != 0) & colstore.B2U(uint64(v-lo) <= span) << j
					}
					out[w] = in[w] & b
				}
				return nil
			}
			vals := seg.Cols[cp.col].Ints[base : base+n]
			for w := 0; w < words; w++ {
				var b uint64
				for j, v := range vals[w*64 : min(w*64+64, n)] {
					b |= colstore.B2U(uint64(v-lo) <= span) << j
				}
				out[w] = in[w] & b
			}
			return nil
		}
		if lc.ints == nil {
			lc.ints = new([colstore.ChunkRows]int64)
		}
		vals := seg.IntsAt(cp.col, base, n, lc.ints)
		for w := 0; w < words; w++ {
			var b uint64
			for j, v := range vals[w*64 : min(w*64+64, n)] {
				b |= colstore.B2U(cp.testInt(v, v != colstore.Null)) << j
			}
			out[w] = in[w] & b
		}
	case leafDerived:
		for w := 0; w < words; w++ {
			var b uint64
			for j := 0; j < min(64, n-w*64); j++ {
				v, ok := ec.metric(seg, base+w*64+j, Metric(cp.col), nil)
				if cp.testInt(v, ok) {
					b |= 1 << j
				}
			}
			out[w] = in[w] & b
		}
	case leafFloats:
		col := &seg.Cols[cp.col]
		if col.Floats == nil {
			if col.Codes.W8 != nil {
				colstore.MatchBits(col.Codes.W8[base:base+n], cp.match, in, out)
				return nil
			}
			for w := 0; w < words; w++ {
				var b uint64
				for j := 0; j < min(64, n-w*64); j++ {
					b |= colstore.B2U(cp.testFloat(col.Number(base+w*64+j))) << j
				}
				out[w] = in[w] & b
			}
			return nil
		}
		vals := col.Floats[base : base+n]
		for w := 0; w < words; w++ {
			var b uint64
			for j, v := range vals[w*64 : min(w*64+64, n)] {
				if cp.testFloat(v) {
					b |= 1 << j
				}
			}
			out[w] = in[w] & b
		}
	case leafRow:
		for w := 0; w < words; w++ {
			var b uint64
			for m := in[w]; m != 0; m &= m - 1 {
				j := mbits.TrailingZeros64(m)
				select {
				case <-ec.done:
					return ec.ctx.Err()
				default:
				}
				row, id := ec.t.Row(seg, base+w*64+j)
				var ok bool
				var err error
				if cp.op == filter.Expr {
					ok, err = cp.p.Res.Match(row, cp.env)
				} else {
					ok, err = cp.p.Eval(row, cp.env)
				}
				if err != nil {
					return fmt.Errorf("convreport: filter on conversation %q: %w", id, err)
				}
				if ok {
					b |= 1 << j
				}
			}
			out[w] = in[w] & b
		}
	}
	return nil
}

// knownRows sets out to in ∧ "the value is known" for rows base … base+n-1
// of int column c, a chunk: a word of the column's known bits for 64 rows.
func knownRows(seg *colstore.Segment, c, base, n int, in, out *colstore.Mask) {
	known := seg.Known(c, base, n)
	if known == nil {
		*out = *in
		return
	}
	for w, k := range known {
		out[w] = in[w] & k
	}
}

// interval returns the closed interval of known values an ordered leaf on
// an int column accepts; false for other operators.
func (cp *Pred) interval() (lo, hi int64, ok bool) {
	const first = colstore.Null + 1 // the smallest known value
	switch cp.op {
	case filter.Lt:
		return first, cp.i64 - 1, cp.i64 > first
	case filter.Le:
		return first, cp.i64, true
	case filter.Gt:
		return cp.i64 + 1, math.MaxInt64, cp.i64 < math.MaxInt64
	case filter.Ge:
		return max(cp.i64, first), math.MaxInt64, true
	case filter.Range:
		return max(cp.i64, first), cp.hi - 1, cp.hi > math.MinInt64
	case filter.Known:
		return first, math.MaxInt64, true
	}
	return 0, 0, false
}

func (cp *Pred) testInt(v int64, known bool) bool {
	switch cp.op {
	case filter.Known:
		return known
	case filter.Unknown:
		return !known
	case filter.Ne, filter.NotIn:
		return !known || !cp.iset[v]
	}
	if !known {
		return false
	}
	switch cp.op {
	case filter.Lt:
		return v < cp.i64
	case filter.Le:
		return v <= cp.i64
	case filter.Gt:
		return v > cp.i64
	case filter.Ge:
		return v >= cp.i64
	case filter.Range:
		return v >= cp.i64 && v < cp.hi
	case filter.Eq, filter.In:
		return cp.iset[v]
	}
	return false
}

func (cp *Pred) testFloat(v float64) bool {
	known := !math.IsNaN(v)
	switch cp.op {
	case filter.Known:
		return known
	case filter.Unknown:
		return !known
	case filter.Ne, filter.NotIn:
		return !known || !cp.fset[v]
	}
	if !known {
		return false
	}
	switch cp.op {
	case filter.Lt:
		return v < cp.f64
	case filter.Le:
		return v <= cp.f64
	case filter.Gt:
		return v > cp.f64
	case filter.Ge:
		return v >= cp.f64
	case filter.Eq, filter.In:
		return cp.fset[v]
	}
	return false
}

// metric returns a duration metric of row r in nanoseconds, and false when
// it does not apply (no agent reply, not closed). With a calendar, only
// business time counts.
func (ec *Ctx) metric(seg *colstore.Segment, r int, metric Metric, cal Hours) (int64, bool) {
	created := seg.Created[r]
	var start, end int64
	switch metric {
	case FirstResponse:
		end = seg.Int(ec.t.Response, r)
		start = agentClockStart(created, seg.Int(ec.t.Assigned, r), end)
	case Wait:
		end, start = seg.Int(ec.t.Response, r), created
	case Close:
		end, start = seg.Int(ec.t.Closed, r), created
	default:
		return 0, false
	}
	if end == colstore.Null {
		return 0, false
	}
	if cal != nil {
		return cal.Between(ec.t, seg, r, start, end), true
	}
	return end - start, true
}

// agentClockStart is where the agent first response time starts: the first
// assignment if it came strictly before the reply, else creation (see
// convreport.Conversation.AgentFirstResponseTime). colstore.Null is the smallest int64, so
// an unknown assignment is never before a reply.
func agentClockStart(created, assigned, reply int64) int64 {
	if assigned != colstore.Null && assigned < reply {
		return assigned
	}
	return created
}

// metricChunk computes a duration metric for the rows of m in a chunk: the
// value in vals and a bit in has where the metric applies.
func (ec *Ctx) metricChunk(seg *colstore.Segment, base, n int, m *colstore.Mask, metric Metric, cal Hours, sc *scratch, has *colstore.Mask) {
	vals := &sc.vals
	*has = colstore.Mask{}
	created := seg.Created[base : base+n]
	// Durations are differences from creation, so the times are read as
	// offsets from it: a column kept as offsets needs no decoding.
	start, end := ec.metricTimes(seg, base, n, metric)
	first := metric == FirstResponse
	if cal == nil && offsetsInOneUnit(metric, start, end) {
		// Both kept as offsets in one unit: the duration is a difference
		// of offsets, with no decoding at all.
		eo, so, unit := end.offs, start.offs, end.unit
		for w := 0; w < (n+63)/64; w++ {
			var h uint64
			for b := m[w]; b != 0; b &= b - 1 {
				j := mbits.TrailingZeros64(b)
				i := w*64 + j
				e := eo[i]
				if e == 0 {
					continue
				}
				h |= 1 << j
				vals[i] = int64(offsetSpan(first, so, i, e)) * unit
			}
			has[w] = h
		}
		return
	}
	for w := 0; w < (n+63)/64; w++ {
		var h uint64
		for b := m[w]; b != 0; b &= b - 1 {
			j := mbits.TrailingZeros64(b)
			i := w*64 + j
			e, ok := end.at(i)
			if !ok {
				continue
			}
			var s int64 // the clock's start, from creation
			if first {
				// The agent's clock starts at the first assignment when it
				// came strictly before the reply (see agentClockStart).
				if a, ok := start.at(i); ok && a < e {
					s = a
				}
			}
			h |= 1 << j
			if cal != nil {
				vals[i] = cal.Between(ec.t, seg, base+i, created[i]+s, created[i]+e)
			} else {
				vals[i] = e - s
			}
		}
		has[w] = h
	}
}

// offsetSpan returns row i's duration in units, when its end is kept as
// the offset e (not 0: known) and, for the first response (first), its
// starts as offsets in the same unit: the agent's clock starts at an
// assignment strictly before the end, else at creation (offset 0, kept
// as 1), as agentClockStart.
func offsetSpan(first bool, starts []uint32, i int, e uint32) uint32 {
	var s uint32 = 1
	if first && starts[i] != 0 && starts[i] < e {
		s = starts[i]
	}
	return e - s
}

// offsetsInOneUnit says whether a metric's end (and, for the first
// response, its start) are kept as offsets from creation in one unit, so
// that its durations are differences of offsets.
func offsetsInOneUnit(metric Metric, start, end sinceCreated) bool {
	return end.offs != nil && (metric != FirstResponse || start.offs != nil && start.unit == end.unit)
}

// metricTimes returns a chunk's times of a duration metric: its end, and
// for the first response its start (the first assignment).
func (ec *Ctx) metricTimes(seg *colstore.Segment, base, n int, metric Metric) (start, end sinceCreated) {
	switch metric {
	case FirstResponse:
		start, end = since(seg, ec.t.Assigned, base, n), since(seg, ec.t.Response, base, n)
	case Wait:
		end = since(seg, ec.t.Response, base, n)
	case Close:
		end = since(seg, ec.t.Closed, base, n)
	}
	return start, end
}

// sinceCreated reads a chunk of a time column as offsets from each row's
// creation, in nanoseconds, whichever way the column is kept.
type sinceCreated struct {
	offs          []uint32
	unit          int64
	ints, created []int64
}

func since(seg *colstore.Segment, c, base, n int) sinceCreated {
	col := &seg.Cols[c]
	if col.Offs != nil {
		return sinceCreated{offs: col.Offs[base : base+n], unit: col.Unit}
	}
	return sinceCreated{ints: col.Ints[base : base+n], created: seg.Created[base : base+n]}
}

// at returns row i's offset from creation, and false when the time is
// unknown.
func (c sinceCreated) at(i int) (int64, bool) {
	if c.offs != nil {
		o := c.offs[i]
		return int64(o-1) * c.unit, o != 0
	}
	v := c.ints[i]
	return v - c.created[i], v != colstore.Null
}

// MetricOf returns metric m of row r in nanoseconds, in business time by
// h (nil counts calendar time), and false when it does not apply: what a
// drill-down sorts its rows by.
func (t *Table) MetricOf(seg *colstore.Segment, r int, m Metric, h Hours) (int64, bool) {
	ec := Ctx{t: t}
	return ec.metric(seg, r, m, h)
}
