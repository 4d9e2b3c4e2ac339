package convreport

import (
	"cmp"
	"math"
	"slices"

	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/tables"
)

// A columnar file (Parquet) is decoded column by column and built into a
// table here, without a Conversation per row: writing each column into a
// slice of structs touches a row's cache line per value, and most of a
// load's time went there. The rows come a chunk at a time (see
// tables.Batch), each stored at once in its final, narrow form: a load
// that first decoded a whole batch spent a third of its time faulting in
// the fresh memory of columns it then threw away.
func init() {
	tables.Build = func(s any, base any, b *tables.Batch) (any, error) {
		sc, _ := s.(*Schema)
		bt, _ := base.(*table)
		return tableFromBatch(sc, bt, b)
	}
}

// columnField is one stored property and the input column that holds
// it: a built-in field (f) or a custom property (p), and the column's
// values in the current chunk.
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

// bind returns cf with the values of chunk c.
func (cf columnField) bind(c *tables.Columns) columnField {
	name := cf.p.Name
	cf.strs, cf.times, cf.counts, cf.durs, cf.nums, cf.bools = c.Strings[name], c.Times[name], c.Counts[name], c.Durations[name], c.Numbers[name], c.Bools[name]
	return cf
}

// sized reports whether every column cf has holds n values. Unless
// indexes is false, each dictionary index is checked to be within its
// dictionary too; a column's store checks its own (columnSink.store), in
// its job, where the columns no other job reads need no pass of their
// own.
func (cf columnField) sized(n int, indexes bool) bool {
	ok := func(l int, has bool) bool { return !has || l == n }
	st := cf.strs
	return ok(len(cf.times), cf.times != nil) && ok(len(cf.counts), cf.counts != nil) && ok(len(cf.durs), cf.durs != nil) &&
		ok(len(cf.nums), cf.nums != nil) && ok(len(cf.bools), cf.bools != nil) &&
		(st == nil || stringsSized(st, n, indexes))
}

// stringsSized reports whether st holds n values, each end after the one
// before and within the bytes, and, when indexes is set, each index within
// its dictionary.
func stringsSized(st *tables.Strings, n int, indexes bool) bool {
	if st.Ends != nil {
		if len(st.Ends) != n {
			return false
		}
		prev := uint32(0)
		for _, e := range st.Ends {
			if e < prev {
				return false
			}
			prev = e
		}
		return int64(prev) <= int64(len(st.Bytes))
	}
	if st.Vals != nil {
		return len(st.Vals) == n
	}
	if len(st.Idx) != n {
		return false
	}
	if !indexes {
		return true
	}
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

// tableFromBatch validates b's rows as Conversation.Validate does and
// returns them as a table: a new one, or base with them appended as a
// segment. Any invalid row, and an ID repeated in the batch or found in
// base, is tables.ErrNotClean: the row-wise path names each problem (and
// may skip the rows) as every reader does.
func tableFromBatch(s *Schema, base *table, b *tables.Batch) (*table, error) {
	if base != nil {
		s = base.schema
	}
	if s == nil {
		s = DefaultSchema()
	}
	n := b.N
	ids, created := b.IDs, b.Created
	if ids == nil || created == nil || len(created) != n || !stringsSized(ids, n, true) {
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
	// rows already in the table and for the new segment's index. The
	// buffers are those of the load's batch before, when it had one.
	prior, _ := b.Load.(*loadedIDs)
	sc := new(colstore.SortScratch)
	if prior != nil {
		sc = prior.scratch
	}
	byCreation := func(a, b int32) int {
		if c := cmp.Compare(created[a], created[b]); c != 0 {
			return c
		}
		return cmp.Compare(ids.At(int(a)), ids.At(int(b)))
	}
	// Input in creation order (an export, a file written from a source)
	// is stored as it comes: its creation times are the segment's. It is
	// checked without an order to check, which a 16M-row batch would
	// allocate (64 MB) only to drop.
	inOrder := true
	for i := 1; i < n && inOrder; i++ {
		// Equal times are rare: their IDs are compared only then.
		inOrder = created[i-1] < created[i] || created[i-1] == created[i] && ids.At(i-1) <= ids.At(i)
	}
	// IDs numbered in creation order, apart from the table's, are new
	// and distinct by their numbers alone: no hashing, and the segment
	// needs no index (see colstore.Segment.IndexNumbered).
	var kept *colstore.Strs // the IDs as the segment keeps them, made once
	numbered := false
	if inOrder && ids.Ends != nil {
		strs := colstore.StrsOf(ids.Bytes, ids.Ends)
		kept, numbered = &strs, strs.Rising() && t.cols.ApartFrom(&strs)
	}
	var keys colstore.IDKeys
	if !numbered {
		keys = t.cols.HashIDs(n, ids.At, sc)
		if keys.Repeated(ids.At) {
			return nil, tables.ErrNotClean
		}
		// IDs the table holds already: found by merging hashes when the
		// table is the one the load's earlier batches made, and each of
		// them was hashed.
		var present []int
		if prior != nil && prior.table == base && !slices.ContainsFunc(prior.hashes, func(h []uint32) bool { return h == nil }) {
			present = t.cols.PresentAmong(prior.hashes, keys, ids.At)
		} else {
			present = t.cols.PresentKeys(keys, ids.At)
		}
		if len(present) > 0 {
			return nil, tables.ErrNotClean
		}
	}
	var order, rank []int32 // the input rows in segment order, and each one's row in it: nil when in order
	if !inOrder {
		order = make([]int32, n)
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, byCreation)
		rank = make([]int32, n)
		for r, i := range order {
			rank[i] = int32(r)
		}
	}
	var err error
	cols := t.cols.Change(nil, func(d *colstore.Dicts) *colstore.Segment {
		if n == 0 {
			return nil
		}
		if b.Last {
			d.Last()
		}
		var seg *colstore.Segment
		seg, err = buildSegment(s, d, b, keys, kept, numbered, order, rank)
		return seg
	})
	if err != nil {
		return nil, err
	}
	nt := newTable(s, cols)
	sc.Give(nil, keys.Positions()) // the segment's index is built
	// A numbered batch's hashes are nil: a later batch that hashes its
	// IDs probes its segment instead.
	next := &loadedIDs{table: nt, hashes: []([]uint32){keys.Hashes()}, scratch: sc}
	if prior != nil && prior.table == base {
		next.hashes = append(slices.Clip(prior.hashes), keys.Hashes())
	}
	b.Load = next
	return nt, nil
}

// loadedIDs is what a load keeps of its batches between them: the hashes
// of the IDs of table, each batch's in ascending order, and the buffers
// they were sorted in.
type loadedIDs struct {
	table   *table
	hashes  [][]uint32
	scratch *colstore.SortScratch
}

// buildSegment stores b's rows as a segment, in creation order: order
// lists the input rows in it and rank is its inverse (both nil when the
// input is in order). Each chunk is checked row by row and stored column
// by column, the columns in parallel; the ID index is built beside them,
// from keys, unless the IDs are numbered in order. kept, when not nil, is
// the batch's IDs as the segment keeps them (the batch is in order).
func buildSegment(s *Schema, d *colstore.Dicts, b *tables.Batch, keys colstore.IDKeys, kept *colstore.Strs, numbered bool, order, rank []int32) (*colstore.Segment, error) {
	n := b.N
	ids, created := b.IDs, b.Created
	seg := colstore.NewSegment(n, len(s.props))
	seg.Created = created
	if order != nil {
		seg.Created = make([]int64, n)
	}
	switch {
	case kept != nil:
		seg.IDs = *kept
	case order == nil && ids.Ends != nil:
		seg.IDs = colstore.StrsOf(ids.Bytes, ids.Ends) // in order: kept as read
	default:
		idBytes := 0
		for i := range n {
			idBytes += len(ids.At(i))
		}
		strs := colstore.NewStrs(n, idBytes)
		for r := range n {
			i := r
			if order != nil {
				i = int(order[r])
				seg.Created[r] = created[i]
			}
			strs.Add(ids.At(i))
		}
		seg.IDs = strs
	}
	seg.Cols[s.index["CreatedAt"]].Ints = seg.Created
	indexed := make(chan struct{})
	go func() {
		defer close(indexed)
		if numbered {
			seg.IndexNumbered() // true: its IDs are kept's, rising
		} else {
			seg.IndexIDKeys(keys, order)
		}
	}()
	defer func() { <-indexed }()

	var sinks []*columnSink
	for _, p := range s.props {
		if p.Derived || p.Name == "ID" || p.Name == "CreatedAt" {
			continue
		}
		sinks = append(sinks, newColumnSink(columnField{f: storedField(p), p: p, col: s.index[p.Name]}, seg, rank))
	}
	at := 0 // the input row the chunk starts at
	for {
		c, err := b.Next()
		if err != nil {
			return nil, err
		}
		if c == nil {
			break
		}
		m := c.N
		if m < 0 || at+m > n {
			return nil, tables.ErrNotClean
		}
		fs := make([]columnField, len(sinks))
		var checked []columnField // the built-in fields Validate reads
		for k, sk := range sinks {
			// The indexes of the columns other jobs read (cleanRows, fill)
			// are checked first; the others by their stores.
			f := sk.cf.f
			read := f == nil || !f.freeText()
			if fs[k] = sk.cf.bind(c); !fs[k].sized(m, read) || (f == nil && !fs[k].customValid()) {
				return nil, tables.ErrNotClean
			}
			if f := fs[k].f; f != nil && !f.freeText() {
				checked = append(checked, fs[k])
			}
		}
		// fill sets the built-in fields of the chunk's row j that
		// Validate reads, for a shown value to read where a stored one is
		// empty (a default channel, a status implied by ClosedAt); rows
		// are checked by cleanRows, custom properties column by column
		// above.
		fill := func(cv *Conversation, j int) {
			*cv = Conversation{ID: ids.At(at + j)}
			if v := created[at+j]; v != tables.Unknown {
				cv.CreatedAt = unixTime(v)
			}
			for _, cf := range checked {
				switch {
				case cf.strs != nil && cf.f.str != nil:
					*cf.f.str(cv) = cf.strs.At(j)
				case cf.times != nil && cf.f.time != nil:
					if v := cf.times[j]; v != tables.Unknown {
						*cf.f.time(cv) = unixTime(v)
					}
				case cf.counts != nil && cf.f.count != nil:
					if v := cf.counts[j]; v != tables.Unknown {
						*cf.f.count(cv) = int(v)
					}
				}
			}
		}
		// Each column stored and, beside them, every row checked, a run
		// of rows at a time, column by column (cleanRows). The columns go
		// first: coding a column of near-unique strings (a contact ID) is
		// the longest job, and must not start last.
		var jobs []func()
		stored := make([]bool, len(sinks))
		for k, sk := range sinks {
			jobs = append(jobs, func() { stored[k] = sk.store(d, fs[k], fill, at, m) })
		}
		if at == 0 {
			// The creation times are all in: sealed beside the first
			// chunk's columns, not after the last.
			jobs = append(jobs, func() { seg.SealColumn(s.index["CreatedAt"]) })
		}
		const run = 16 << 10
		bad := make([]bool, (m+run-1)/run)
		for k := range bad {
			jobs = append(jobs, func() {
				bad[k] = !cleanRows(ids, created, at, checked, k*run, min(m, (k+1)*run))
			})
		}
		colstore.Parallel(jobs)
		if slices.Contains(bad, true) || slices.Contains(stored, false) {
			return nil, tables.ErrNotClean
		}
		at += m
	}
	if at != n {
		return nil, tables.ErrNotClean
	}
	for _, sk := range sinks {
		seg.Cols[sk.cf.col] = sk.column()
	}
	<-indexed
	seg.Seal()
	return seg, nil
}

// cleanRows reports whether rows lo to hi of a chunk pass
// [Conversation.Validate]. ids and created are the batch's IDs and
// creation times, whose row at is the chunk's first; checked are the
// chunk's columns of the built-in fields Validate reads. It reads the
// columns as they are, where building each row as a Conversation for
// Validate was a fifth of a Parquet load. It may refuse a row Validate
// accepts, which only sends the load down the row-wise path, never the
// reverse; TestCleanRowsAgreesWithValidate holds the two to the same
// answers.
func cleanRows(ids *tables.Strings, created []int64, at int, checked []columnField, lo, hi int) bool {
	for j := lo; j < hi; j++ {
		// Any other int64 is a supported time (see civil.MinTime).
		if created[at+j] == tables.Unknown || ids.At(at+j) == "" {
			return false
		}
	}
	var status []uint8 // an explicit status a row: 0 none, 1 open, 2 closed
	var closed []int64 // ClosedAt, when the chunk has the column
	for _, cf := range checked {
		switch {
		case cf.strs != nil:
			// A channel or status: empty takes the default, anything
			// else must be one of the property's values. A status is
			// kept a row, for the check against ClosedAt below.
			const invalid = 0xff
			isStatus := cf.f.Name == "Status"
			class := func(v string) uint8 {
				switch {
				case v == "":
					return 0
				case !slices.Contains(cf.p.Values, v):
					return invalid
				case isStatus && Status(v) == Open:
					return 1
				case isStatus:
					return 2
				}
				return 0
			}
			if isStatus {
				status = make([]uint8, hi-lo)
			}
			st := cf.strs
			var dict []uint8 // each dictionary entry's class, after 0 for unknown
			if st.Idx != nil {
				dict = make([]uint8, len(st.Dict)+1)
				for k, v := range st.Dict {
					dict[k+1] = class(v)
				}
			}
			for j := lo; j < hi; j++ {
				var c uint8
				if dict != nil {
					c = dict[st.Idx[j]]
				} else {
					c = class(st.At(j))
				}
				if c == invalid {
					return false
				}
				if isStatus {
					status[j-lo] = c
				}
			}
		case cf.times != nil:
			// Known times come at random (a close, a first response):
			// tested without a branch on each. Only Unknown, the least
			// int64, wraps to the greatest when 1 is taken from it, and
			// the creation times are known. A known time not before its
			// creation is more than the longest duration after it when
			// their difference wraps.
			var early uint64
			for j, v := range cf.times[lo:hi] {
				c := created[at+lo+j]
				early |= colstore.B2U(v-1 < c-1) | colstore.B2U(v-c < 0)&colstore.B2U(v != tables.Unknown)
			}
			if early != 0 {
				return false
			}
			if cf.f.Name == "ClosedAt" {
				closed = cf.times
			}
		case cf.counts != nil:
			for j := lo; j < hi; j++ {
				if v := cf.counts[j]; v != tables.Unknown && v < 0 {
					return false
				}
			}
		}
	}
	// An open conversation has no ClosedAt, a closed one has one; an
	// empty status is whichever ClosedAt says.
	if status == nil {
		return true
	}
	var wrong uint64
	for j, s := range status {
		known := closed != nil && closed[lo+j] != tables.Unknown
		wrong |= colstore.B2U(s != 0) & colstore.B2U((s == 2) != known)
	}
	return wrong == 0
}

// columnSink builds one column of a segment from the chunks of its input
// column, each row stored at its rank.
type columnSink struct {
	cf    columnField
	n     int     // the segment's rows
	rank  []int32 // nil: in order
	codes *colstore.CodeBuilder
	times *colstore.TimeBuilder
	nums  *colstore.NumberBuilder
	ints  []int64
	// global maps an input dictionary's positions (plus one) to codes:
	// the dictionary grows from chunk to chunk, and so does global.
	global []uint32
	// mapped is set once global is not the identity: a new table's
	// dictionary gives the values of a reader's dictionary, met in the
	// same order, the same codes, and then the indexes are the codes.
	mapped bool
	ks     []uint32 // the codes of a chunk's values
	// A built-in string column's values are coded by where their bytes
	// are when its first chunk's repeat (see repeats).
	repeat int8 // 0 not yet decided, 1 they repeat, -1 they do not
	cache  *codeCache
	sealed int // a time column's chunks sealed so far, when in order
}

// repeats reports whether the values of a built-in string column repeat,
// as [colstore.Repeats] decides on the first rows of its first chunk
// that has any, vals.
func (sk *columnSink) repeats(vals []string) bool {
	if sk.repeat == 0 && len(vals) > 0 {
		sk.repeat = -1
		if colstore.Repeats(vals) {
			sk.repeat, sk.cache = 1, new(codeCache)
		}
	}
	return sk.repeat > 0
}

func newColumnSink(cf columnField, seg *colstore.Segment, rank []int32) *columnSink {
	sk := &columnSink{cf: cf, n: seg.N, rank: rank, global: []uint32{0}}
	n := seg.N
	kind := cf.p.Kind
	switch {
	case cf.f != nil && cf.f.str != nil, cf.f == nil && (kind == KindString || kind == KindEnum || kind == KindBool):
		sk.codes = colstore.NewCodeBuilder(n)
	case cf.f != nil && cf.f.time != nil, cf.f == nil && kind == KindTime:
		sk.times = colstore.NewTimeBuilder(seg.Created)
	case cf.f != nil && cf.f.count != nil, cf.f == nil && kind == KindNumber:
		sk.nums = colstore.NewNumberBuilder(n)
	case cf.f == nil && kind == KindDuration:
		sk.ints = make([]int64, n)
	}
	return sk
}

// row returns the segment row of input row i.
func (sk *columnSink) row(i int) int {
	if sk.rank == nil {
		return i
	}
	return int(sk.rank[i])
}

// put sets the codes of input rows at, at+1, … to ks.
func (sk *columnSink) put(at int, ks []uint32) {
	if sk.rank == nil {
		sk.codes.Put(at, ks)
		return
	}
	for j, k := range ks {
		sk.codes.Set(int(sk.rank[at+j]), k)
	}
}

// column returns the built column.
func (sk *columnSink) column() colstore.Column {
	switch {
	case sk.codes != nil:
		return colstore.Column{Codes: sk.codes.Codes()}
	case sk.times != nil:
		return sk.times.Column()
	case sk.nums != nil:
		return sk.nums.Column()
	}
	return colstore.Column{Ints: sk.ints}
}

// codeDict extends global to the codes of every value of st's dictionary.
func (sk *columnSink) codeDict(d *colstore.Dicts, st *tables.Strings) {
	for _, v := range st.Dict[len(sk.global)-1:] {
		k := d.Code(sk.cf.col, v)
		sk.mapped = sk.mapped || k != uint32(len(sk.global))
		sk.global = append(sk.global, k)
	}
}

// store stores the m rows of cf, the chunk of input rows from at. A
// built-in string whose reported value differs from the stored one where
// it is empty (a default channel, a status implied by ClosedAt) is asked
// of the row. It is false when an index is past its dictionary: the
// chunk is then not clean, and the column is left part stored.
func (sk *columnSink) store(d *colstore.Dicts, cf columnField, fill func(*Conversation, int), at, m int) bool {
	c := cf.col
	switch {
	case sk.codes != nil && cf.f == nil && cf.p.Kind == KindBool:
		for j := range m {
			if cf.bools != nil {
				sk.codes.Set(sk.row(at+j), uint32(cf.bools[j]))
			}
		}
	case sk.codes != nil:
		var cv Conversation
		shown := cf.f != nil && cf.f.shown != nil
		empty := func(j int) uint32 {
			if !shown {
				return 0
			}
			fill(&cv, j)
			return d.Code(c, cf.f.shown(&cv))
		}
		switch st := cf.strs; {
		case st == nil:
			for j := range m {
				if k := empty(j); k != 0 {
					sk.codes.Set(sk.row(at+j), k)
				}
			}
		case st.Vals != nil:
			sk.ks = slices.Grow(sk.ks[:0], m)[:m]
			switch {
			case cf.f == nil:
				for j, v := range st.Vals {
					sk.ks[j] = d.Code(c, v)
				}
			case sk.repeats(st.Vals):
				// Values that repeat (subjects) come from a page's
				// dictionary, the same string for the same value: most
				// are found by where their bytes are.
				for j, v := range st.Vals {
					sk.ks[j] = sk.cache.code(d, c, v)
				}
			default:
				// Values that do not repeat (a contact ID): coded in the
				// index's order, not the rows'.
				d.CodeAll(c, st.Vals, sk.ks, sk.n-at-m)
			}
			if shown {
				for j, k := range sk.ks {
					if k == 0 {
						sk.ks[j] = empty(j)
					}
				}
			}
			sk.put(at, sk.ks)
		default:
			sk.codeDict(d, st)
			// A block at a time, its codes in the first-level cache.
			const block = 4096
			ks := slices.Grow(sk.ks[:0], block)[:block]
			last := uint32(len(sk.global) - 1)
			if !sk.mapped && !shown && sk.rank == nil {
				if !sk.codes.PutWithin(at, st.Idx[:m], last) {
					return false
				}
				break
			}
			for lo := 0; lo < m; lo += block {
				idx := st.Idx[lo:min(lo+block, m)]
				ks := ks[:len(idx)]
				var past uint32 // not 0 when an index is past the dictionary
				for j, k := range idx {
					in := min(k, last)
					past |= k - in
					ks[j] = sk.global[in]
				}
				if past != 0 {
					return false
				}
				if shown {
					for j, k := range idx {
						if k == 0 {
							ks[j] = empty(lo + j)
						}
					}
				}
				sk.put(at+lo, ks)
			}
			sk.ks = ks
		}
	case sk.times != nil:
		vals := cf.times
		switch {
		case vals == nil:
			for j := range m {
				sk.times.Set(sk.row(at+j), colstore.Null)
			}
		case sk.rank == nil && at%colstore.ChunkRows == 0 && (m%colstore.ChunkRows == 0 || at+m == sk.n):
			// Whole chunks, as a file's row groups are: their zones
			// are taken as they are put.
			sk.times.PutSealed(at, vals[:m])
			sk.sealed = (at + m + colstore.ChunkRows - 1) / colstore.ChunkRows
		case sk.rank == nil:
			sk.times.Put(at, vals[:m])
		default:
			for j, v := range vals[:m] {
				sk.times.Set(sk.row(at+j), v)
			}
		}
		if sk.rank == nil {
			// In order, the chunks of the column this fills are sealed
			// now, while in cache, not in a pass at the end.
			for end := at + m; (sk.sealed+1)*colstore.ChunkRows <= end || end == sk.n && sk.sealed*colstore.ChunkRows < end; sk.sealed++ {
				sk.times.SealChunk(sk.sealed)
			}
		}
	case sk.nums != nil && cf.f != nil:
		// A count is always known: a missing one is 0, as in a
		// Conversation.
		if sk.rank == nil && cf.counts != nil {
			sk.ks = slices.Grow(sk.ks[:0], m)
			sk.nums.PutCounts(at, cf.counts[:m], sk.ks[:m])
			break
		}
		for j := range m {
			v := int64(0)
			if cf.counts != nil && cf.counts[j] != tables.Unknown {
				v = cf.counts[j]
			}
			sk.nums.SetInt(sk.row(at+j), v)
		}
	case sk.nums != nil:
		for j := range m {
			v := math.NaN()
			if cf.nums != nil {
				v = cf.nums[j]
			}
			sk.nums.Set(sk.row(at+j), v)
		}
	default:
		for j := range m {
			v := int64(colstore.Null)
			if cf.durs != nil {
				v = cf.durs[j]
			}
			sk.ints[sk.row(at+j)] = v
		}
	}
	return true
}

// An unknown input time is already the column store's unknown: this does
// not compile if they differ (one difference would be negative).
const _ = uint64(tables.Unknown-colstore.Null) + uint64(colstore.Null-tables.Unknown)
