package convreport

import (
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"sync"
	"time"
)

// nullTime marks an unknown time or duration in a column.
const nullTime = math.MinInt64

// Table is an immutable, columnar snapshot of conversations: strings are
// dictionary codes, times are Unix nanoseconds, and rows are ordered by
// creation time so a date range reads only the rows it needs. It is the
// form the engine scans fastest; memory.Source is built on it.
//
// A Table is safe for concurrent use. Append returns a new Table and
// leaves the receiver unchanged.
type Table struct {
	schema *Schema
	dicts  *dicts
	// views[c] is column c's dictionary as of this snapshot.
	views [][]string
	segs  []*segment
	// dead[i] marks the rows of segs[i] removed in this snapshot (nil: none).
	dead []*tombs
	n    int // live rows
}

// segment is a run of rows sorted by CreatedAt.
type segment struct {
	n   int
	ids idColumn
	// idHash and idRow index the IDs by hash, sorted, to find duplicates.
	idHash []uint64
	idRow  []int32
	cols   []column // by schema property index; derived properties have none
	// created is the CreatedAt column, kept apart as every scan reads it.
	created []int64
}

type column struct {
	codes  codeVec   // string, enum and bool kinds: dictionary codes, 0 = unknown
	ints   []int64   // time (Unix ns) and duration (ns) kinds; nullTime = unknown
	floats []float64 // number kind; NaN = unknown
	// zones summarises ints per chunk of chunkRows rows (from row 0), so a
	// range test can decide a whole chunk at once.
	zones []zone
}

// zone is the range of known values of a chunk of an int column.
type zone struct {
	min, max int64 // of known values; min > max when there are none
	nulls    bool
}

// zoneMaps fills the zone maps of a segment's int columns.
func (s *segment) zoneMaps() {
	for c := range s.cols {
		col := &s.cols[c]
		if col.ints == nil {
			continue
		}
		col.zones = make([]zone, (s.n+chunkRows-1)/chunkRows)
		for k := range col.zones {
			z := zone{min: math.MaxInt64, max: math.MinInt64}
			for _, v := range col.ints[k*chunkRows : min(k*chunkRows+chunkRows, s.n)] {
				if v == nullTime {
					z.nulls = true
					continue
				}
				z.min, z.max = min(z.min, v), max(z.max, v)
			}
			col.zones[k] = z
		}
	}
}

// zone returns the zone map of rows [base, base+n) of column c, when they
// are exactly one chunk.
func (s *segment) zone(c, base, n int) (zone, bool) {
	zs := s.cols[c].zones
	if base%chunkRows != 0 || (n != chunkRows && base+n != s.n) || base/chunkRows >= len(zs) {
		return zone{}, false
	}
	return zs[base/chunkRows], true
}

// dicts holds the dictionaries of every string-like column of a table and
// of the tables appended from it. Codes are never reassigned, so segments
// of different snapshots share them.
type dicts struct {
	mu   sync.Mutex
	vals [][]string
	idx  []map[string]uint32
	// seed hashes IDs for the segments' ID indexes.
	seed maphash.Seed
}

func (d *dicts) code(c int, s string) uint32 {
	if s == "" {
		return 0
	}
	if k, ok := d.idx[c][s]; ok {
		return k
	}
	k := uint32(len(d.vals[c]))
	d.vals[c] = append(d.vals[c], s)
	d.idx[c][s] = k
	return k
}

var boolDict = []string{"", "false", "true"}

// NewTable checks every conversation against the schema (nil means
// [DefaultSchema]) and returns them as a Table. Invalid conversations are
// rejected with every error joined, each a *[ValidationError] naming the
// conversation's position; nothing is dropped silently.
func NewTable(s *Schema, cs []Conversation) (*Table, error) {
	if s == nil {
		s = DefaultSchema()
	}
	d := &dicts{vals: make([][]string, len(s.props)), idx: make([]map[string]uint32, len(s.props)), seed: maphash.MakeSeed()}
	for i, p := range s.props {
		switch p.Kind {
		case KindString, KindEnum:
			d.vals[i] = []string{""}
			d.idx[i] = map[string]uint32{}
		case KindBool:
			d.vals[i] = boolDict
			d.idx[i] = map[string]uint32{"false": 1, "true": 2}
		}
	}
	t := &Table{schema: s, dicts: d}
	return t.Append(cs)
}

// Schema returns the table's schema.
func (t *Table) Schema() *Schema { return t.schema }

// Len returns the number of conversations.
func (t *Table) Len() int { return t.n }

// Append returns a new Table holding t's conversations and cs. IDs must be
// unique across both; on any error nothing is appended.
func (t *Table) Append(cs []Conversation) (*Table, error) {
	return t.apply(cs, nil, false)
}

// Apply returns a new Table in which the conversations of upserts are
// added, each replacing the one with its ID if any, and the conversations
// with the IDs of deletes are removed (unknown IDs are ignored). Within
// upserts, a later conversation with an ID replaces an earlier one. Every
// conversation is validated first; on any error, or an ID both upserted
// and deleted, nothing changes.
//
// The cost is about that of the batch: each ID is found through the
// segments' hash indexes, replaced rows are marked dead in a copy of the
// few chunks they are in, and the new rows form a segment of their own.
// Segments are merged as they grow (each into one at least twice its
// size), which drops dead rows; so every row is copied O(log n) times over
// its life, and a segment more than half dead is rewritten.
func (t *Table) Apply(upserts []Conversation, deletes []string) (*Table, error) {
	return t.apply(upserts, deletes, true)
}

func (t *Table) apply(cs []Conversation, deletes []string, replace bool) (*Table, error) {
	t.dicts.mu.Lock()
	defer t.dicts.mu.Unlock()
	if err := t.check(cs, replace); err != nil {
		return nil, err
	}
	if replace {
		cs = lastOfEachID(cs)
		ups := make(map[string]bool, len(cs))
		for i := range cs {
			ups[cs[i].ID] = true
		}
		for _, id := range deletes {
			if ups[id] {
				return nil, &ValidationError{ID: id, Index: -1, Field: "id", Reason: "is both upserted and deleted in one batch"}
			}
		}
	}
	nt := &Table{schema: t.schema, dicts: t.dicts, segs: slices.Clone(t.segs), dead: slices.Clone(t.dead), n: t.n}
	if replace {
		k := killer{t: nt, own: map[*mask]bool{}, ownTombs: map[*tombs]bool{}}
		for i := range cs {
			k.kill(cs[i].ID)
		}
		for _, id := range deletes {
			k.kill(id)
		}
	}
	if len(cs) > 0 {
		nt.segs = append(nt.segs, t.encode(cs))
		nt.dead = append(nt.dead, nil)
		nt.n += len(cs)
	}
	nt.compact()
	nt.views = make([][]string, len(t.dicts.vals))
	copy(nt.views, t.dicts.vals)
	return nt, nil
}

// lastOfEachID keeps, for each ID, its last conversation, in batch order.
func lastOfEachID(cs []Conversation) []Conversation {
	last := make(map[string]int, len(cs))
	for i := range cs {
		last[cs[i].ID] = i
	}
	if len(last) == len(cs) {
		return cs
	}
	out := make([]Conversation, 0, len(last))
	for i := range cs {
		if last[cs[i].ID] == i {
			out = append(out, cs[i])
		}
	}
	return out
}

// tombs marks the dead rows of a segment in one snapshot, a bitmap per
// chunk of chunkRows rows (nil where none is dead). Snapshots share
// unchanged chunks: a change copies only the chunks it touches.
type tombs struct {
	chunks []*mask
	n      int // dead rows
}

// killer marks rows dead in a fresh snapshot t, whose dead slice is its
// own while its tombs and their chunks are shared with older snapshots
// until copied. It copies each only once per batch: own holds what this
// batch made.
type killer struct {
	t        *Table
	own      map[*mask]bool
	ownTombs map[*tombs]bool
}

// kill marks the live row with id dead, if there is one.
func (k *killer) kill(id string) {
	t := k.t
	si, r, ok := t.find(id)
	if !ok {
		return
	}
	d := t.dead[si]
	switch {
	case d == nil:
		d = &tombs{chunks: make([]*mask, (t.segs[si].n+chunkRows-1)/chunkRows)}
	case !k.ownTombs[d]:
		d = &tombs{chunks: slices.Clone(d.chunks), n: d.n}
	}
	k.ownTombs[d] = true
	t.dead[si] = d
	c := r / chunkRows
	m := d.chunks[c]
	if !k.own[m] {
		nm := new(mask)
		if m != nil {
			*nm = *m
		}
		m = nm
		k.own[m] = true
		d.chunks[c] = m
	}
	m[(r%chunkRows)/64] |= 1 << (r % 64)
	d.n++
	t.n--
}

// has reports whether row r is dead; a nil tombs has none.
func (d *tombs) has(r int) bool {
	if d == nil {
		return false
	}
	m := d.chunks[r/chunkRows]
	return m != nil && m[(r%chunkRows)/64]&(1<<(r%64)) != 0
}

// isDead reports whether row r of segment si is dead in this snapshot.
func (t *Table) isDead(si, r int) bool { return t.dead[si].has(r) }

// live returns the mask of the live rows of the chunk of segment si that
// starts at base and holds n rows.
func (t *Table) live(si, base, n int) mask {
	var m mask
	for j := 0; j < n; j += 64 {
		m[j/64] = ^uint64(0)
		if rem := n - j; rem < 64 {
			m[j/64] = 1<<rem - 1
		}
	}
	if d := t.dead[si]; d != nil {
		if dm := d.chunks[base/chunkRows]; dm != nil {
			for w := range m {
				m[w] &^= dm[w]
			}
		}
	}
	return m
}

// compact merges segments so that each is at least twice the size of the
// next (in live rows), and rewrites a segment more than half dead. Rows
// are copied only when their segment merges into a larger one, so a row
// moves O(log n) times before it stays in the largest segment.
func (t *Table) compact() {
	size := func(i int) int {
		if t.dead[i] == nil {
			return t.segs[i].n
		}
		return t.segs[i].n - t.dead[i].n
	}
	for i := range t.segs {
		if d := t.dead[i]; d != nil && 2*d.n > t.segs[i].n {
			t.segs[i], t.dead[i] = t.merge(t.segs[i:i+1], t.dead[i:i+1]), nil
		}
	}
	for len(t.segs) > 1 {
		k := len(t.segs) - 1
		if 2*size(k) < size(k-1) {
			break
		}
		t.segs[k-1] = t.merge(t.segs[k-1:], t.dead[k-1:])
		t.dead[k-1] = nil
		t.segs, t.dead = t.segs[:k], t.dead[:k]
	}
	// Segments emptied by deletes go.
	for i := len(t.segs) - 1; i >= 0; i-- {
		if t.segs[i].n == 0 {
			t.segs, t.dead = slices.Delete(t.segs, i, i+1), slices.Delete(t.dead, i, i+1)
		}
	}
}

// check validates a batch: each conversation against the schema, and its
// IDs, which must be new to the table and to the batch unless replace.
func (t *Table) check(cs []Conversation, replace bool) error {
	valid := make([]bool, len(cs))
	// Conversations are validated in parallel, in runs of rows whose
	// errors are then joined in row order.
	const run = 16 << 10
	runErrs := make([][]error, (len(cs)+run-1)/run)
	jobs := make([]func(), len(runErrs))
	for k := range jobs {
		jobs[k] = func() {
			for i := k * run; i < min(len(cs), (k+1)*run); i++ {
				if err := t.schema.Validate(&cs[i]); err != nil {
					if ve, ok := err.(*ValidationError); ok {
						ve.Index = i
					}
					runErrs[k] = append(runErrs[k], err)
					continue
				}
				valid[i] = true
			}
		}
	}
	runJobs(jobs)
	var errs []error
	for _, e := range runErrs {
		errs = append(errs, e...)
	}
	if replace {
		return joinValidation(errs)
	}
	// Duplicates within the batch: sort positions by ID, compare neighbours.
	order := make([]int32, 0, len(cs))
	for i := range cs {
		if valid[i] {
			order = append(order, int32(i))
		}
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(cs[a].ID, cs[b].ID) })
	for k := 1; k < len(order); k++ {
		i, prev := order[k], order[k-1]
		if cs[i].ID == cs[prev].ID {
			first := prev
			for k2 := k - 1; k2 > 0 && cs[order[k2-1]].ID == cs[i].ID; k2-- {
				first = order[k2-1]
			}
			errs = append(errs, &ValidationError{ID: cs[i].ID, Index: int(i), Field: "id", Reason: fmt.Sprintf("duplicates conversation #%d", first)})
		}
	}
	// Duplicates of rows already in the table, through each segment's
	// index of ID hashes.
	for i := range cs {
		if valid[i] && t.hasID(cs[i].ID) {
			errs = append(errs, &ValidationError{ID: cs[i].ID, Index: i, Field: "id", Reason: "already in the table"})
		}
	}
	return joinValidation(errs)
}

// joinValidation joins a batch's errors in batch order, the first 20 of
// them.
func joinValidation(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b error) int { return cmp.Compare(errIndex(a), errIndex(b)) })
	if len(errs) > 20 {
		n := len(errs)
		errs = append(errs[:20], fmt.Errorf("convreport: … and %d more invalid conversations", n-20))
	}
	return errors.Join(errs...)
}

func errIndex(err error) int {
	if ve, ok := err.(*ValidationError); ok {
		return ve.Index
	}
	return -1
}

// hasID reports whether a live row holds id.
func (t *Table) hasID(id string) bool {
	_, _, ok := t.find(id)
	return ok
}

// find returns the segment and row of the live row with id.
func (t *Table) find(id string) (si, r int, ok bool) {
	h := maphash.String(t.dicts.seed, id)
	for si, seg := range t.segs {
		k, _ := slices.BinarySearch(seg.idHash, h)
		for ; k < len(seg.idHash) && seg.idHash[k] == h; k++ {
			if r := int(seg.idRow[k]); seg.ids.at(r) == id && !t.isDead(si, r) {
				return si, r, true
			}
		}
	}
	return 0, 0, false
}

// indexIDs builds the segment's index of ID hashes.
func (s *segment) indexIDs(seed maphash.Seed) {
	type entry struct {
		h uint64
		r int32
	}
	es := make([]entry, s.n)
	for r := range es {
		es[r] = entry{maphash.String(seed, s.ids.at(r)), int32(r)}
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.h, b.h) })
	s.idHash = make([]uint64, s.n)
	s.idRow = make([]int32, s.n)
	for k, e := range es {
		s.idHash[k], s.idRow[k] = e.h, e.r
	}
}

// encode turns cs into a segment sorted by creation time. The caller holds
// the dictionary lock.
func (t *Table) encode(cs []Conversation) *segment {
	n := len(cs)
	created := make([]int64, n)
	order := make([]int32, n)
	for i := range cs {
		created[i] = cs[i].CreatedAt.UnixNano()
		order[i] = int32(i)
	}
	byCreation := func(a, b int32) int {
		if c := cmp.Compare(created[a], created[b]); c != 0 {
			return c
		}
		return cmp.Compare(cs[a].ID, cs[b].ID)
	}
	// Conversations usually arrive in creation order (an export, a log):
	// checking costs one pass, sorting n log n comparisons.
	if !slices.IsSortedFunc(order, byCreation) {
		slices.SortFunc(order, byCreation)
	}
	s := t.schema
	seg := &segment{n: n, cols: make([]column, len(s.props)), created: make([]int64, n)}
	idBytes := 0
	for i := range cs {
		idBytes += len(cs[i].ID)
	}
	ids := newIDBuilder(n, idBytes)
	for r, i := range order {
		ids.add(cs[i].ID)
		seg.created[r] = created[i]
	}
	seg.ids = ids.done()
	d := t.dicts
	// Columns are independent (each has its own dictionary), so they are
	// encoded in parallel, the ID index alongside them.
	jobs := []func(){func() { seg.indexIDs(d.seed) }}
	for c, p := range s.props {
		if p.Derived || p.Name == "ID" || p.Name == "CreatedAt" {
			continue
		}
		jobs = append(jobs, func() { encodeColumn(d, seg, c, p, cs, order) })
	}
	seg.cols[s.index["CreatedAt"]].ints = seg.created // kept once: every scan reads it
	runJobs(jobs)
	seg.zoneMaps()
	return seg
}

// runJobs runs fns on up to GOMAXPROCS goroutines and waits for them.
func runJobs(fns []func()) {
	workers := min(defaultWorkers(), len(fns))
	if workers <= 1 {
		for _, f := range fns {
			f()
		}
		return
	}
	next := make(chan func())
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for f := range next {
				f()
			}
		})
	}
	for _, f := range fns {
		next <- f
	}
	close(next)
	wg.Wait()
}

// encodeColumn fills column c (property p) of seg from cs in the given
// row order. It touches only column c's dictionary, so columns may be
// encoded concurrently.
func encodeColumn(d *dicts, seg *segment, c int, p Property, cs []Conversation, order []int32) {
	n := seg.n
	col := &seg.cols[c]
	switch p.Kind {
	case KindString, KindEnum:
		codes := make([]uint32, n)
		get := stringField(p)
		for r, i := range order {
			if get != nil {
				codes[r] = d.code(c, get(&cs[i]))
			} else if v, ok := propertyValue(&cs[i], p); ok {
				codes[r] = d.code(c, v.(string))
			}
		}
		col.codes = narrow(codes)
	case KindBool:
		codes := make([]uint32, n)
		for r, i := range order {
			if v, ok := propertyValue(&cs[i], p); ok {
				codes[r] = 1
				if v.(bool) {
					codes[r] = 2
				}
			}
		}
		col.codes = narrow(codes)
	case KindTime:
		col.ints = make([]int64, n)
		get := timeField(p)
		for r, i := range order {
			var v time.Time
			if get != nil {
				v = get(&cs[i])
			} else if x, ok := propertyValue(&cs[i], p); ok {
				v = x.(time.Time)
			}
			col.ints[r] = nullTime
			if !v.IsZero() {
				col.ints[r] = v.UnixNano()
			}
		}
	case KindDuration:
		col.ints = make([]int64, n)
		for r, i := range order {
			col.ints[r] = nullTime
			if v, ok := propertyValue(&cs[i], p); ok {
				col.ints[r] = int64(v.(time.Duration))
			}
		}
	case KindNumber:
		col.floats = make([]float64, n)
		for r, i := range order {
			col.floats[r] = math.NaN()
			if v, ok := propertyValue(&cs[i], p); ok {
				col.floats[r] = v.(float64)
			}
		}
	}
}

// stringField reads a built-in string field without boxing it; nil for
// custom properties.
func stringField(p Property) func(*Conversation) string {
	if p.Custom {
		return nil
	}
	switch p.Name {
	case "Channel":
		return func(c *Conversation) string { return string(c.channel()) }
	case "Inbox":
		return func(c *Conversation) string { return c.Inbox }
	case "Assignee":
		return func(c *Conversation) string { return c.Assignee }
	case "Team":
		return func(c *Conversation) string { return c.Team }
	case "Status":
		return func(c *Conversation) string { return string(c.status()) }
	case "ClosedBy":
		return func(c *Conversation) string { return c.ClosedBy }
	case "OriginURL":
		return func(c *Conversation) string { return c.OriginURL }
	case "Chatflow":
		return func(c *Conversation) string { return c.Chatflow }
	case "Source":
		return func(c *Conversation) string { return c.Source }
	case "ContactID":
		return func(c *Conversation) string { return c.ContactID }
	case "Subject":
		return func(c *Conversation) string { return c.Subject }
	}
	return nil
}

// timeField reads a built-in time field; nil for custom properties.
func timeField(p Property) func(*Conversation) time.Time {
	if p.Custom {
		return nil
	}
	switch p.Name {
	case "CreatedAt":
		return func(c *Conversation) time.Time { return c.CreatedAt }
	case "FirstAssignedAt":
		return func(c *Conversation) time.Time { return c.FirstAssignedAt }
	case "FirstResponseAt":
		return func(c *Conversation) time.Time { return c.FirstResponseAt }
	case "ClosedAt":
		return func(c *Conversation) time.Time { return c.ClosedAt }
	}
	return nil
}

// merge joins segments into one, keeping rows ordered by creation time
// and leaving out the rows dead marks (dead[i] for segs[i], nil or short
// for none).
func (t *Table) merge(segs []*segment, dead []*tombs) *segment {
	type ref struct{ s, r int }
	var refs []ref
	for si, s := range segs {
		var d *tombs
		if si < len(dead) {
			d = dead[si]
		}
		for r := 0; r < s.n; r++ {
			if !d.has(r) {
				refs = append(refs, ref{si, r})
			}
		}
	}
	slices.SortStableFunc(refs, func(a, b ref) int {
		if c := cmp.Compare(segs[a.s].created[a.r], segs[b.s].created[b.r]); c != 0 {
			return c
		}
		return cmp.Compare(segs[a.s].ids.at(a.r), segs[b.s].ids.at(b.r))
	})
	n := len(refs)
	out := &segment{n: n, created: make([]int64, n), cols: make([]column, len(t.schema.props))}
	idBytes := 0
	for _, rf := range refs {
		idBytes += len(segs[rf.s].ids.at(rf.r))
	}
	ids := newIDBuilder(n, idBytes)
	wide := make([][]uint32, len(out.cols))
	for c := range out.cols {
		src := segs[0].cols[c]
		if src.codes.ok() {
			wide[c] = make([]uint32, n)
		}
		if src.ints != nil {
			out.cols[c].ints = make([]int64, n)
		}
		if src.floats != nil {
			out.cols[c].floats = make([]float64, n)
		}
	}
	for i, rf := range refs {
		s := segs[rf.s]
		ids.add(s.ids.at(rf.r))
		out.created[i] = s.created[rf.r]
		for c := range out.cols {
			if o := wide[c]; o != nil {
				o[i] = s.cols[c].codes.at(rf.r)
			}
			if o := out.cols[c].ints; o != nil {
				o[i] = s.cols[c].ints[rf.r]
			}
			if o := out.cols[c].floats; o != nil {
				o[i] = s.cols[c].floats[rf.r]
			}
		}
	}
	for c, w := range wide {
		if w != nil {
			out.cols[c].codes = narrow(w)
		}
	}
	out.ids = ids.done()
	out.cols[t.schema.index["CreatedAt"]].ints = out.created
	out.zoneMaps()
	out.indexIDs(t.dicts.seed)
	return out
}

// conversation rebuilds row r of segment seg. Times come back in UTC.
func (t *Table) conversation(seg *segment, r int) Conversation {
	var cv Conversation
	cv.ID = seg.ids.at(r)
	for c, p := range t.schema.props {
		if p.Derived {
			continue
		}
		v, ok := t.value(seg, c, r)
		if !ok {
			continue
		}
		setProperty(&cv, p, v)
	}
	return cv
}

// value returns column c of row r as a property value.
func (t *Table) value(seg *segment, c, r int) (any, bool) {
	p := t.schema.props[c]
	if p.Derived {
		cv := Conversation{CreatedAt: time.Unix(0, seg.created[r]).UTC()}
		for _, name := range []string{"FirstAssignedAt", "FirstResponseAt", "ClosedAt"} {
			i := t.schema.index[name]
			if v, ok := t.value(seg, i, r); ok {
				setProperty(&cv, t.schema.props[i], v)
			}
		}
		return propertyValue(&cv, p)
	}
	if p.Name == "ID" {
		return seg.ids.at(r), true
	}
	col := &seg.cols[c]
	switch p.Kind {
	case KindString, KindEnum:
		k := col.codes.at(r)
		return t.views[c][k], k != 0
	case KindBool:
		k := col.codes.at(r)
		return k == 2, k != 0
	case KindTime:
		v := col.ints[r]
		return time.Unix(0, v).UTC(), v != nullTime
	case KindDuration:
		v := col.ints[r]
		return time.Duration(v), v != nullTime
	case KindNumber:
		v := col.floats[r]
		return v, !math.IsNaN(v)
	}
	return nil, false
}

func setProperty(cv *Conversation, p Property, v any) {
	switch p.Name {
	case "ID":
		cv.ID = v.(string)
	case "Channel":
		cv.Channel = Channel(v.(string))
	case "Inbox":
		cv.Inbox = v.(string)
	case "Assignee":
		cv.Assignee = v.(string)
	case "Team":
		cv.Team = v.(string)
	case "Status":
		cv.Status = Status(v.(string))
	case "CreatedAt":
		cv.CreatedAt = v.(time.Time)
	case "FirstAssignedAt":
		cv.FirstAssignedAt = v.(time.Time)
	case "FirstResponseAt":
		cv.FirstResponseAt = v.(time.Time)
	case "ClosedAt":
		cv.ClosedAt = v.(time.Time)
	case "ClosedBy":
		cv.ClosedBy = v.(string)
	case "OriginURL":
		cv.OriginURL = v.(string)
	case "Chatflow":
		cv.Chatflow = v.(string)
	case "Source":
		cv.Source = v.(string)
	case "ContactID":
		cv.ContactID = v.(string)
	case "Subject":
		cv.Subject = v.(string)
	case "IncomingMessages":
		cv.IncomingMessages = int(v.(float64))
	case "OutgoingMessages":
		cv.OutgoingMessages = int(v.(float64))
	default:
		if cv.Properties == nil {
			cv.Properties = map[string]any{}
		}
		cv.Properties[p.Name] = v
	}
}

// All yields every conversation of the table in creation order (ties by
// ID), merging the segments' sorted runs.
func (t *Table) All() func(yield func(Conversation) bool) {
	return func(yield func(Conversation) bool) {
		pos := make([]int, len(t.segs))
		for {
			best := -1
			for si, seg := range t.segs {
				for pos[si] < seg.n && t.isDead(si, pos[si]) {
					pos[si]++
				}
				if pos[si] == seg.n {
					continue
				}
				if best < 0 || rowLess(seg, pos[si], t.segs[best], pos[best]) {
					best = si
				}
			}
			if best < 0 {
				return
			}
			r := pos[best]
			pos[best]++
			if !yield(t.conversation(t.segs[best], r)) {
				return
			}
		}
	}
}

// rowLess orders rows by creation time, then ID: the order of a segment.
func rowLess(a *segment, i int, b *segment, j int) bool {
	if a.created[i] != b.created[j] {
		return a.created[i] < b.created[j]
	}
	return a.ids.at(i) < b.ids.at(j)
}

const minInt64 = math.MinInt64

func unixTime(ns int64) time.Time { return time.Unix(0, ns).UTC() }
