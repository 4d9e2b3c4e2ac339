package convreport

import (
	"bytes"
	"cmp"
	"math/big"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/exec"
)

// finalize turns a plan's groups into a Result: values computed exactly,
// empty buckets filled, points sorted, the tail folded into "Other".
// dicts[j] is the dictionary of dimension j (code 0 = no value). A time
// series over the engine's MaxPoints is refused before its points are
// made (see compiled.pointsError).
func finalize(dicts []*colstore.Strs, p *compiled, g *exec.Groups, l exec.Layout, rq resolved) (Result, error) {
	res := Result{Report: p.r.Clone(), From: rq.from.In(rq.loc), To: rq.to.In(rq.loc), Zone: rq.loc, Matched: g.Matched, Excluded: g.ExcludedAll}
	var gs []grp
	if p.bucket == NoBucket {
		n := 0
		for _, c := range g.Count {
			n += min(int(c), 1)
		}
		gs = make([]grp, 0, n)
		for s, key := range g.Keys {
			if g.Count[s] == 0 {
				if rq.leftOut && g.Excluded[s] > 0 {
					res.leftOut = append(res.leftOut, leftOutPoint(p, dicts, g, l, s, key))
				}
				continue
			}
			gs = append(gs, grp{key: key, slot: s})
		}
	} else {
		var err error
		if gs, res.Folded, err = seriesGroups(dicts, p, g, l); err != nil {
			return Result{}, err
		}
	}
	// A report that keeps few of many groups apart from Other builds
	// points only for the groups that can be kept: ranked by value, those
	// whose value is at least the lim-th best; by label, the first lim.
	// A report by contact has hundreds of thousands of groups, each point
	// with its dimension values about 250 bytes, and keeps a few thousand.
	nd := len(p.Dims)
	lim := 0
	if p.bucket == NoBucket {
		lim = p.limit(len(gs))
	}
	limited := lim > 0 && len(gs) > lim
	var vals []decimal.NullDecimal // every group's value, when computed first
	var build []int                // the groups given a point; nil for all
	if limited && rankedByValue(p) {
		var order func(i, j int) int
		if p.measure.agg() == Count {
			// A count is its group's count: ranked without a decimal
			// each.
			order = func(i, j int) int {
				c := cmp.Compare(g.Count[gs[i].slot], g.Count[gs[j].slot])
				if p.descending() {
					c = -c
				}
				return c
			}
		} else {
			vals = make([]decimal.NullDecimal, len(gs))
			for i, x := range gs {
				vals[i] = measureValue(p.measure, g, []int{x.slot})
			}
			byValue := valueCmp(p)
			order = func(i, j int) int { return byValue(vals[i], vals[j]) }
		}
		build = contenders(len(gs), lim, order)
	} else if limited {
		// Ranked by label: the groups kept are found by their codes,
		// each group's decoded once, and only they get points.
		build = firstK(len(gs), lim, labelOrder(p, dicts, l, gs))
		slices.Sort(build) // the groups' order, by which pointOrder breaks a tie
	}
	n := len(gs)
	if build != nil {
		n = len(build)
	}
	group := func(k int) int {
		if build == nil {
			return k
		}
		return build[k]
	}
	pts := make([]Point, n)
	// The points' dimension values share one array, each point's slice
	// capped at its own.
	dims := make([]DimensionValue, n*nd)
	codes := make([]uint32, len(l.Cards))
	for k := range pts {
		x, pt := &gs[group(k)], &pts[k]
		if p.bucket != NoBucket {
			pt.Bucket = p.starts[x.bucket]
		}
		if x.other != nil {
			*pt = otherPoint(p, g, x.other)
			pt.Bucket = p.starts[x.bucket]
			continue
		}
		if nd > 0 {
			pt.Dimensions = dims[k*nd : (k+1)*nd : (k+1)*nd]
			l.DecodeTo(codes, x.key)
			for j := range nd {
				pt.Dimensions[j] = dimValue(p, dicts, j, codes[j])
			}
		}
		switch {
		case x.slot < 0:
			pt.Value = measureValue(p.measure, g, nil)
		case vals != nil:
			pt.Value = vals[group(k)]
		default:
			pt.Value = measureValue(p.measure, g, []int{x.slot})
		}
		if x.slot >= 0 {
			pt.Count = g.Count[x.slot]
			pt.Excluded = g.Excluded[x.slot]
			if p.sla != nil {
				pt.Breaches = g.Count[x.slot] - g.Within[x.slot]
			}
		}
	}
	// Only the points kept apart from Other are ordered; the rest fold
	// into it, in the groups' order.
	if limited {
		kept := make([]bool, len(gs))
		out := make([]Point, 0, lim+1)
		// The kept points' values move to an array of their own, so that
		// the result does not hold every group's.
		keptDims := make([]DimensionValue, 0, lim*nd)
		for _, k := range pointOrder(p, pts, lim) {
			kept[group(k)] = true
			pt := pts[k]
			if nd > 0 {
				keptDims = append(keptDims, pt.Dimensions...)
				pt.Dimensions = keptDims[len(keptDims)-nd : len(keptDims) : len(keptDims)]
			}
			out = append(out, pt)
		}
		slots := make([]int, 0, len(gs)-lim)
		for i, x := range gs {
			if !kept[i] {
				slots = append(slots, x.slot)
			}
		}
		res.Folded = len(gs) - lim
		pts = append(out, otherPoint(p, g, slots))
	} else {
		sorted := make([]Point, len(pts))
		for k, i := range pointOrder(p, pts, 0) {
			sorted[k] = pts[i]
		}
		pts = sorted
	}
	res.Points = pts
	return res, nil
}

// grp is a group on its way to a point.
type grp struct {
	key    uint64 // its dimension values' codes, decoded by l
	bucket int
	slot   int   // -1 for an empty bucket
	other  []int // the folded series' slots, for an "Other" series point
}

// seriesGroups lists the groups of a report over time: every bucket of
// the range for each series with data, and, when the Limit folds series,
// each bucket's "Other" point. It returns how many series were folded,
// or, when the series shown times the buckets are over the report's
// points, its refusal.
func seriesGroups(dicts []*colstore.Strs, p *compiled, g *exec.Groups, l exec.Layout) ([]grp, int, error) {
	var gs []grp
	// Every series with data gets every bucket of the range. A series'
	// slots are found through the slots with data, not through an array
	// of every bucket: a report by contact and hour has hundreds of
	// thousands of series, most in one or two of hundreds of buckets.
	index := map[uint64]int{} // series key → series
	var keys []uint64         // by series
	var cells, cellOf []int   // the slots with data, and their series
	for s, key := range g.Keys {
		if g.Count[s] == 0 && g.Excluded[s] == 0 {
			continue
		}
		sk := key % l.StrideB
		i, ok := index[sk]
		if !ok {
			i = len(keys)
			index[sk] = i
			keys = append(keys, sk)
		}
		cells = append(cells, s)
		cellOf = append(cellOf, i)
	}
	if len(p.Dims) == 0 && len(keys) == 0 {
		keys = append(keys, 0)
	}
	// Series i's slots are bySeries[first[i]:first[i+1]].
	first := make([]int, len(keys)+1)
	for _, i := range cellOf {
		first[i+1]++
	}
	for i := range keys {
		first[i+1] += first[i]
	}
	bySeries := make([]int, len(cells))
	next := slices.Clone(first[:len(keys)])
	for c, i := range cellOf {
		bySeries[next[i]] = cells[c]
		next[i]++
	}
	slotsOf := func(i int) []int { return bySeries[first[i]:first[i+1]] }
	var live []int     // series
	var totals []int64 // by live series
	for i := range keys {
		// A series of a grouped report exists only if some bucket has a
		// conversation counted in its measure.
		var total int64
		for _, s := range slotsOf(i) {
			total += g.Count[s]
		}
		if len(p.Dims) == 0 || total > 0 {
			live = append(live, i)
			totals = append(totals, total)
		}
	}
	// The scan stops early at too many series when it can tell; here
	// every series is known, before a point is made.
	if p.maxPoints > 0 && int64(p.shownSeries(len(live)))*int64(l.Buckets) > int64(p.maxPoints) {
		return nil, 0, p.pointsError(len(live))
	}
	// Series beyond the Limit, ranked by conversations, then by label,
	// fold into one "Other" series. Only the series that can be kept
	// have their labels decoded: a report by contact and day has
	// hundreds of thousands of series, most with a conversation or
	// two.
	var folded []int
	if lim := p.limit(len(live)); lim > 0 && len(p.Dims) > 0 && len(live) > lim {
		byTotal := func(i, j int) int { return cmp.Compare(totals[j], totals[i]) }
		cand := contenders(len(live), lim, byTotal)
		labels := make([][]DimensionValue, len(cand))
		codes := make([]uint32, len(l.Cards))
		for k, i := range cand {
			l.DecodeTo(codes, keys[live[i]])
			labels[k] = make([]DimensionValue, len(codes))
			for j, c := range codes {
				labels[k][j] = dimValue(p, dicts, j, c)
			}
		}
		kept := make([]bool, len(live))
		for _, k := range firstK(len(cand), lim, func(a, b int) int {
			if c := byTotal(cand[a], cand[b]); c != 0 {
				return c
			}
			return compareDims(labels[a], labels[b])
		}) {
			kept[cand[k]] = true
		}
		var keep []int
		for i, x := range live {
			if kept[i] {
				keep = append(keep, x)
			} else {
				folded = append(folded, x)
			}
		}
		live = keep
	}
	bucket := func(s int) uint64 { return g.Keys[s] / l.StrideB }
	slots := make([]int, l.Buckets)
	for _, i := range live {
		for b := range slots {
			slots[b] = -1
		}
		for _, s := range slotsOf(i) {
			slots[bucket(s)] = s
		}
		for b, s := range slots {
			gs = append(gs, grp{key: keys[i], bucket: b, slot: s})
		}
	}
	if len(folded) > 0 {
		other := make([][]int, l.Buckets)
		for b := range other {
			other[b] = []int{}
		}
		for _, i := range folded {
			for _, s := range slotsOf(i) {
				other[bucket(s)] = append(other[bucket(s)], s)
			}
		}
		for b := range other {
			gs = append(gs, grp{bucket: b, slot: -1, other: other[b]})
		}
	}
	return gs, len(folded), nil
}

// limit is how many of n groups (or series) a report keeps apart from
// Other: its own Limit, or, past the engine's MaxGroups, one fewer than
// that so the result holds MaxGroups points; zero keeps all.
func (p *compiled) limit(n int) int {
	switch {
	case p.r.Limit > 0:
		return p.r.Limit
	case p.maxGroups > 0 && n > p.maxGroups:
		return p.maxGroups - 1
	}
	return 0
}

// leftOutPoint is the point of a group whose conversations the measure
// all leaves out: no value, and only Excluded.
func leftOutPoint(p *compiled, dicts []*colstore.Strs, g *exec.Groups, l exec.Layout, s int, key uint64) Point {
	pt := Point{Excluded: g.Excluded[s], Value: measureValue(p.measure, g, nil)}
	codes := make([]uint32, len(l.Cards))
	l.DecodeTo(codes, key)
	for j := range p.Dims {
		pt.Dimensions = append(pt.Dimensions, dimValue(p, dicts, j, codes[j]))
	}
	return pt
}

// otherPoint folds the groups of slots into one "Other" point.
func otherPoint(p *compiled, g *exec.Groups, slots []int) Point {
	other := Point{Other: true}
	for _, s := range slots {
		other.Count += g.Count[s]
		other.Excluded += g.Excluded[s]
		if p.sla != nil {
			other.Breaches += g.Count[s] - g.Within[s]
		}
	}
	for _, prop := range p.dimProps {
		other.Dimensions = append(other.Dimensions, DimensionValue{Property: prop.Name, Value: "Other", Known: true})
	}
	other.Value = measureValue(p.measure, g, slots)
	return other
}

func dimValue(p *compiled, dicts []*colstore.Strs, j int, code uint32) DimensionValue {
	return DimensionValue{Property: p.dimProps[j].Name, Value: dicts[j].At(int(code)), Known: code != 0}
}

// tableDicts returns the dictionaries of a plan's dimensions in t.
func tableDicts(t *table, p *compiled) []*colstore.Strs {
	out := make([]*colstore.Strs, len(p.Dims))
	for j, c := range p.Dims {
		out[j] = t.cols.Dict(c)
	}
	return out
}

// labelOrder returns the order of gs by label, as compareDims orders
// their points, in the report's direction, read from the groups' codes:
// a group of the same code as another in a dimension has the same value
// there, and the other strings are read from the dictionaries as needed.
func labelOrder(p *compiled, dicts []*colstore.Strs, l exec.Layout, gs []grp) func(i, j int) int {
	nd, nc := len(p.Dims), len(l.Cards)
	codes := make([]uint32, len(gs)*nc)
	for i, x := range gs {
		l.DecodeTo(codes[i*nc:(i+1)*nc], x.key)
	}
	sign := 1
	if p.r.Sort == ByLabelDesc {
		sign = -1
	}
	// The values are written into two buffers, not read with At, which
	// allocates for a dictionary that keeps its values as numbers (contact
	// IDs).
	var va, vb []byte
	return func(i, j int) int {
		a, b := codes[i*nc:i*nc+nd], codes[j*nc:j*nc+nd]
		for d := range nd {
			switch {
			case a[d] == b[d]:
			case a[d] == 0: // no value sorts after every named one
				return sign
			case b[d] == 0:
				return -sign
			default:
				va, vb = dicts[d].AppendAt(va[:0], int(a[d])), dicts[d].AppendAt(vb[:0], int(b[d]))
				if c := bytes.Compare(va, vb); c != 0 {
					return sign * c
				}
			}
		}
		return 0
	}
}

// compareDims orders groups by their dimension values; the group with no
// value sorts after every named one.
func compareDims(a, b []DimensionValue) int {
	for i := range a {
		da, db := a[i], b[i]
		if da.Known != db.Known {
			if da.Known {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(da.Value, db.Value); c != 0 {
			return c
		}
	}
	return 0
}

// pointOrder returns the indexes of the first k points of pts in the
// report's order, or of every point when k <= 0 or k >= len(pts). Points
// that compare equal keep their order in pts, as in a stable sort. Only
// indexes move, not Points, which are large.
func pointOrder(p *compiled, pts []Point, k int) []int {
	order := pointCmp(p)
	return firstK(len(pts), k, func(i, j int) int { return order(&pts[i], &pts[j]) })
}

// firstK returns the first k of n items in the given order, or all n
// when k <= 0 or k >= n; items that compare equal keep their order, as in
// a stable sort. With a k of a few thousand and n of hundreds of
// thousands, only k items are ranked: the others each cost a comparison
// or two.
func firstK(n, k int, order func(i, j int) int) []int {
	cmpAt := func(i, j int) int {
		if c := order(i, j); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	}
	if k <= 0 || k >= n {
		ord := make([]int, n)
		for i := range ord {
			ord[i] = i
		}
		slices.SortFunc(ord, cmpAt)
		return ord
	}
	// h is a heap of the first k items so far, the last of them at the
	// root: a later item enters only if it comes before the root.
	h := make([]int, k)
	for i := range h {
		h[i] = i
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= k {
				return
			}
			w := l
			if r := l + 1; r < k && cmpAt(h[r], h[l]) > 0 {
				w = r
			}
			if cmpAt(h[w], h[i]) <= 0 {
				return
			}
			h[i], h[w] = h[w], h[i]
			i = w
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for i := k; i < n; i++ {
		if cmpAt(i, h[0]) < 0 {
			h[0] = i
			down(0)
		}
	}
	slices.SortFunc(h, cmpAt)
	return h
}

// rankedByValue reports whether a report's points are ordered by their
// values first.
func rankedByValue(p *compiled) bool {
	return p.bucket == NoBucket && p.r.Sort != ByLabelAsc && p.r.Sort != ByLabelDesc
}

// contenders returns, in order, those of n items that can be among the
// first k in the given order of their values (then labels, then index):
// those whose value comes no later than the k-th. Every item before it
// is among the first k; those equal to it are decided by their labels.
func contenders(n, k int, order func(i, j int) int) []int {
	first := firstK(n, k, order)
	kth := first[len(first)-1]
	var out []int
	for i := range n {
		if order(i, kth) <= 0 {
			out = append(out, i)
		}
	}
	return out
}

// pointCmp returns the order of a report's points: by bucket, the Other
// series last within one, then by label, for a report over time; else by
// the report's Sort, points without a value last, ties by label.
func pointCmp(p *compiled) func(a, b *Point) int {
	byLabel := func(a, b *Point) int { return compareDims(a.Dimensions, b.Dimensions) }
	if p.bucket != NoBucket {
		return func(a, b *Point) int {
			if c := a.Bucket.Compare(b.Bucket); c != 0 {
				return c
			}
			if a.Other != b.Other { // the Other series comes last
				if a.Other {
					return 1
				}
				return -1
			}
			return byLabel(a, b)
		}
	}
	switch p.r.Sort {
	case ByLabelAsc:
		return byLabel
	case ByLabelDesc:
		return func(a, b *Point) int { return -byLabel(a, b) }
	}
	byValue := valueCmp(p)
	return func(a, b *Point) int {
		if c := byValue(a.Value, b.Value); c != 0 {
			return c
		}
		return byLabel(a, b)
	}
}

// descending reports whether a report sorted by value puts the largest
// first.
func (p *compiled) descending() bool { return p.r.Sort != ByValueAsc }

// valueCmp returns the order of values in a report sorted by value: by
// its Sort, values before no value.
func valueCmp(p *compiled) func(a, b decimal.NullDecimal) int {
	desc := p.descending()
	return func(a, b decimal.NullDecimal) int {
		if a.Valid != b.Valid {
			if a.Valid {
				return -1
			}
			return 1
		}
		c := a.Decimal.Cmp(b.Decimal)
		if desc {
			c = -c
		}
		return c
	}
}

var (
	big1e9 = big.NewInt(1e9)
	big1e6 = big.NewInt(1e6)
)

// measureValue computes a measure over the union of some groups' slots.
// Durations come out in seconds rounded half away from zero to
// milliseconds; shares in percent, rounded the same way.
func measureValue(m Measure, g *exec.Groups, slots []int) decimal.NullDecimal {
	var n, within int64
	var sum exec.Sum128
	var mn, mx int64
	for _, s := range slots {
		c := g.Count[s]
		if c == 0 {
			continue
		}
		if n == 0 || g.Min[s] < mn {
			mn = g.Min[s]
		}
		if n == 0 || g.Max[s] > mx {
			mx = g.Max[s]
		}
		n += c
		within += g.Within[s]
		sum.AddSum(g.Sums[s])
	}
	if m.agg() == Count {
		return decimal.NewNullDecimal(decimal.NewFromInt(n))
	}
	if v, ok := slaValue(m, n, within, sum); ok {
		return v
	}
	if n == 0 {
		return decimal.NullDecimal{}
	}
	switch m.agg() {
	case Average:
		total := sum.Big()
		// milliseconds = total ns / (n × 1e6), rounded half away from zero.
		return valid(divRound(total, new(big.Int).Mul(big.NewInt(n), big1e6)))
	case Min:
		return valid(nsToMillis(mn))
	case Max:
		return valid(nsToMillis(mx))
	case Median, Percentile:
		var vals []int64
		for _, s := range slots {
			vals = append(vals, g.ValuesAt(s)...)
		}
		slices.Sort(vals)
		p := 50.0
		if m.agg() == Percentile {
			p = m.P
		}
		return valid(nsToMillis(vals[nearestRank(p, len(vals))-1]))
	case ShareWithin:
		// percent with 3 decimals = within × 100 000 / n, rounded.
		return valid(divRound(new(big.Int).Mul(big.NewInt(within), big.NewInt(100_000)), big.NewInt(n)))
	}
	return decimal.NullDecimal{}
}

// nearestRank is the 1-based rank of the p-th percentile among n sorted
// values: the smallest rank r with r/n ≥ p/100.
func nearestRank(p float64, n int) int {
	// Work in integers on p×1e6 to avoid float rounding at exact ranks.
	pp := int64(p*1e6 + 0.5)
	r := int((pp*int64(n) + 100e6 - 1) / 100e6)
	return max(1, min(r, n))
}

func valid(d decimal.Decimal) decimal.NullDecimal { return decimal.NewNullDecimal(d) }

// divRound returns num/den rounded half away from zero, as thousandths.
func divRound(num, den *big.Int) decimal.Decimal {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(new(big.Int).Abs(den)) >= 0 {
		if num.Sign()*den.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return decimal.NewFromBigInt(q, -3)
}

func nsToMillis(ns int64) decimal.Decimal {
	return divRound(big.NewInt(ns), big1e6)
}
