package convreport

import (
	"cmp"
	"math"
	"slices"

	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/tables"
)

// A columnar file (Parquet) is decoded column by column into a
// tables.Columns and built into a Table here, without a Conversation per
// row: writing each column into a slice of structs touches a row's cache
// line per value, and most of a load's time went there.
func init() {
	tables.Build = func(s any, base any, in *tables.Columns) (any, error) {
		sc, _ := s.(*Schema)
		bt, _ := base.(*Table)
		return tableFromColumns(sc, bt, in)
	}
}

// columnField is one stored property and the input column that holds
// it: a built-in field (f) or a custom property (p).
type columnField struct {
	f      *Field
	p      Property
	col    int // its column in the schema
	strs   *tables.Strings
	times  []int64
	counts []int64
	durs   []int64
	nums   []float64
	bools  []uint8
}

// sized reports whether every column cf has holds n values.
func (cf columnField) sized(n int) bool {
	ok := func(l int, has bool) bool { return !has || l == n }
	st := cf.strs
	return ok(len(cf.times), cf.times != nil) && ok(len(cf.counts), cf.counts != nil) && ok(len(cf.durs), cf.durs != nil) &&
		ok(len(cf.nums), cf.nums != nil) && ok(len(cf.bools), cf.bools != nil) &&
		(st == nil || (st.Vals != nil && len(st.Vals) == n) || (st.Vals == nil && len(st.Idx) == n && validIdx(st)))
}

// validIdx reports whether every index of st is within its dictionary.
func validIdx(st *tables.Strings) bool {
	for _, k := range st.Idx {
		if int(k) > len(st.Dict) {
			return false
		}
	}
	return true
}

// customValid reports whether every value of a custom property's column
// is one Validate accepts: an enum's values are among the property's,
// and the kind of every other is the column's own.
func (cf columnField) customValid() bool {
	if cf.p.Kind != KindEnum || cf.strs == nil {
		return true
	}
	if cf.strs.Vals == nil {
		for _, v := range cf.strs.Dict {
			if !slices.Contains(cf.p.Values, v) {
				return false
			}
		}
		return true
	}
	for _, v := range cf.strs.Vals {
		if v != "" && !slices.Contains(cf.p.Values, v) {
			return false
		}
	}
	return true
}

// tableFromColumns validates in's rows as Conversation.Validate does and
// returns them as a Table: a new one, or base with them appended. Any
// invalid row, and an ID repeated in the batch or found in base, is
// tables.ErrNotClean: the row-wise path names each problem (and may skip
// the rows) as every reader does.
func tableFromColumns(s *Schema, base *Table, in *tables.Columns) (*Table, error) {
	if base != nil {
		s = base.schema
	}
	if s == nil {
		s = DefaultSchema()
	}
	n := in.N
	var fs []columnField
	for _, p := range s.props {
		if p.Derived {
			continue
		}
		cf := columnField{f: storedField(p), p: p, col: s.index[p.Name], strs: in.Strings[p.Name], times: in.Times[p.Name],
			counts: in.Counts[p.Name], durs: in.Durations[p.Name], nums: in.Numbers[p.Name], bools: in.Bools[p.Name]}
		if !cf.sized(n) || (cf.f == nil && !cf.customValid()) {
			return nil, tables.ErrNotClean
		}
		fs = append(fs, cf)
	}
	ids, created := in.Strings["ID"], in.Times["CreatedAt"]
	if ids == nil || created == nil {
		return nil, tables.ErrNotClean
	}
	// fill sets the built-in fields of row i; custom properties are
	// checked column by column above.
	fill := func(cv *Conversation, i int) {
		*cv = Conversation{}
		for _, cf := range fs {
			switch {
			case cf.f == nil:
			case cf.strs != nil && cf.f.str != nil:
				*cf.f.str(cv) = cf.strs.At(i)
			case cf.times != nil && cf.f.time != nil:
				if v := cf.times[i]; v != tables.Unknown {
					*cf.f.time(cv) = unixTime(v)
				}
			case cf.counts != nil && cf.f.count != nil:
				if v := cf.counts[i]; v != tables.Unknown {
					*cf.f.count(cv) = int(v)
				}
			}
		}
	}

	// Every row, through the one scratch Conversation of its worker: the
	// rules are Validate's own.
	const run = 16 << 10
	bad := make([]bool, (n+run-1)/run)
	jobs := make([]func(), len(bad))
	for k := range jobs {
		jobs[k] = func() {
			var cv Conversation
			for i := k * run; i < min(n, (k+1)*run); i++ {
				fill(&cv, i)
				if s.Validate(&cv) != nil {
					bad[k] = true
					return
				}
			}
		}
	}
	colstore.Parallel(jobs)
	if slices.Contains(bad, true) {
		return nil, tables.ErrNotClean
	}
	t := base
	if t == nil {
		kinds := make([]colstore.Kind, len(s.props))
		for i, p := range s.props {
			kinds[i] = storage(p)
		}
		t = newTable(s, colstore.New(kinds, s.index["CreatedAt"]))
	}
	// The IDs are hashed once: for repeats within the batch, for those of
	// rows already in the table and for the new segment's index.
	keys := t.cols.HashIDs(n, ids.At)
	for i, f := range keys.FirstOfEach(ids.At) {
		if int(f) != i {
			return nil, tables.ErrNotClean
		}
	}
	if len(t.cols.PresentKeys(keys, ids.At)) > 0 {
		return nil, tables.ErrNotClean
	}

	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	byCreation := func(a, b int32) int {
		if c := cmp.Compare(created[a], created[b]); c != 0 {
			return c
		}
		return cmp.Compare(ids.At(int(a)), ids.At(int(b)))
	}
	// Input in creation order (an export, a file written from a source)
	// keeps its time columns: the rows need no copy in another order.
	inOrder := slices.IsSortedFunc(order, byCreation)
	if !inOrder {
		slices.SortFunc(order, byCreation)
	}
	cols := t.cols.Change(nil, func(d *colstore.Dicts) *colstore.Segment {
		if n == 0 {
			return nil
		}
		return encodeColumns(s, d, fs, fill, ids, keys, created, order, inOrder)
	})
	return newTable(s, cols), nil
}

// encodeColumns is Table.encode over columns: rows in order, the columns
// encoded in parallel alongside the ID index (from keys, the IDs hashed).
// When inOrder (order is the input's), the segment keeps the input's time
// slices.
func encodeColumns(s *Schema, d *colstore.Dicts, fs []columnField, fill func(*Conversation, int), ids *tables.Strings, keys colstore.IDKeys, created []int64, order []int32, inOrder bool) *colstore.Segment {
	n := len(order)
	seg := colstore.NewSegment(n, len(s.props))
	seg.Created = created
	if !inOrder {
		seg.Created = make([]int64, n)
	}
	idBytes := 0
	for i := range n {
		idBytes += len(ids.At(i))
	}
	b := colstore.NewStrs(n, idBytes)
	for r, i := range order {
		b.Add(ids.At(int(i)))
		seg.Created[r] = created[i] // a no-op when inOrder
	}
	seg.IDs = b
	jobs := []func(){func() {
		if inOrder {
			seg.IndexIDKeys(keys, nil)
		} else {
			seg.IndexIDKeys(keys, order)
		}
	}}
	for _, cf := range fs {
		if cf.p.Name == "ID" || cf.p.Name == "CreatedAt" {
			continue
		}
		jobs = append(jobs, func() { encodeInputColumn(d, seg, cf, fill, order, inOrder) })
	}
	seg.Cols[s.index["CreatedAt"]].Ints = seg.Created
	colstore.Parallel(jobs)
	seg.Seal()
	return seg
}

// encodeInputColumn stores one input column in seg, in order. A string
// column given as a dictionary is coded once per distinct value. A field
// whose reported value differs from the stored one where it is empty (a
// default channel, a status implied by ClosedAt) is asked of the row.
func encodeInputColumn(d *colstore.Dicts, seg *colstore.Segment, cf columnField, fill func(*Conversation, int), order []int32, inOrder bool) {
	n, c := seg.N, cf.col
	col := &seg.Cols[c]
	if cf.f == nil {
		encodeCustomColumn(d, seg, cf, order, inOrder)
		return
	}
	switch {
	case cf.f.str != nil:
		codes := colstore.NewCodeBuilder(n)
		var cv Conversation
		empty := func(i int32) uint32 {
			if cf.f.shown == nil {
				return 0
			}
			fill(&cv, int(i))
			return d.Code(c, cf.f.shown(&cv))
		}
		switch st := cf.strs; {
		case st == nil:
			for r, i := range order {
				codes.Set(r, empty(i))
			}
		case st.Vals != nil:
			// Values that do not repeat (a contact ID): coded in the
			// index's order, not the rows'; in input order, as codes do
			// not depend on it.
			ks := make([]uint32, n)
			d.CodeAll(c, st.Vals, ks)
			for r, i := range order {
				k := ks[i]
				if k == 0 {
					k = empty(i)
				}
				codes.Set(r, k)
			}
		default:
			global := make([]uint32, len(st.Dict)+1)
			for k, v := range st.Dict {
				global[k+1] = d.Code(c, v)
			}
			for r, i := range order {
				if k := st.Idx[i]; k != 0 {
					codes.Set(r, global[k])
				} else {
					codes.Set(r, empty(i))
				}
			}
		}
		col.Codes = codes.Codes()
	case cf.f.time != nil:
		*col = colstore.Times(inputTimes(cf.times, n, order, inOrder), seg.Created)
	case cf.f.count != nil:
		// A count is always known: a missing one is 0, as in a
		// Conversation.
		vals := make([]float64, n)
		for r, i := range order {
			if cf.counts != nil && cf.counts[i] != tables.Unknown {
				vals[r] = float64(cf.counts[i])
			}
		}
		*col = colstore.Numbers(vals)
	}
}

// An unknown input time is already the column store's unknown: this does
// not compile if they differ (one difference would be negative).
const _ = uint64(tables.Unknown-colstore.Null) + uint64(colstore.Null-tables.Unknown)

// inputTimes returns an input column of times or durations in order,
// unknown values as colstore.Null (which tables.Unknown is): the input
// itself when it is in order, else a copy in order.
func inputTimes(in []int64, n int, order []int32, inOrder bool) []int64 {
	if in != nil && inOrder {
		return in
	}
	vals := make([]int64, n)
	for r, i := range order {
		vals[r] = colstore.Null
		if in != nil {
			vals[r] = in[i]
		}
	}
	return vals
}

// encodeCustomColumn stores a custom property's input column in seg, in
// order, as encodeColumn stores its values.
func encodeCustomColumn(d *colstore.Dicts, seg *colstore.Segment, cf columnField, order []int32, inOrder bool) {
	n, c := seg.N, cf.col
	col := &seg.Cols[c]
	switch cf.p.Kind {
	case KindString, KindEnum:
		codes := colstore.NewCodeBuilder(n)
		if st := cf.strs; st != nil && st.Vals != nil {
			for r, i := range order {
				codes.Set(r, d.Code(c, st.Vals[i]))
			}
		} else if st != nil {
			global := make([]uint32, len(st.Dict)+1)
			for k, v := range st.Dict {
				global[k+1] = d.Code(c, v)
			}
			for r, i := range order {
				codes.Set(r, global[st.Idx[i]])
			}
		}
		col.Codes = codes.Codes()
	case KindBool:
		codes := colstore.NewCodeBuilder(n)
		if cf.bools != nil {
			for r, i := range order {
				codes.Set(r, uint32(cf.bools[i]))
			}
		}
		col.Codes = codes.Codes()
	case KindTime:
		*col = colstore.Times(inputTimes(cf.times, n, order, inOrder), seg.Created)
	case KindDuration:
		col.Ints = inputTimes(cf.durs, n, order, inOrder)
	case KindNumber:
		vals := make([]float64, n)
		for r, i := range order {
			vals[r] = math.NaN()
			if cf.nums != nil {
				vals[r] = cf.nums[i]
			}
		}
		*col = colstore.Numbers(vals)
	}
}
