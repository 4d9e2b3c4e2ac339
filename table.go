package convreport

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/exec"
	"github.com/convreport/convreport/internal/filter"
	"github.com/convreport/convreport/internal/tables"
)

// table is an immutable, columnar snapshot of conversations: strings are
// dictionary codes, times are Unix nanoseconds, and rows are ordered by
// creation time so a date range reads only the rows it needs. It is the
// form the engine scans; memory.Source keeps one, and the engine builds
// one from the rows of any other source.
//
// A table is safe for concurrent use. apply returns a new table and
// leaves the receiver unchanged.
type table struct {
	schema *Schema
	cols   *colstore.Table
	x      *exec.Table // the same snapshot as the executor reads it
	// decode rebuilds one column of a row into a Conversation, one
	// function per stored column: a drill-down page decodes its rows
	// without boxing built-in values or looking fields up per row.
	decode []func(cv *Conversation, seg *colstore.Segment, r int, buf *[]byte)
	// bigDicts are the columns of strings whose dictionaries are too
	// large to stay in cache: see warmDicts.
	bigDicts []int
}

// bigDict is the number of values from which a column's dictionary is
// warmed before a page of rows is decoded: at four bytes or more a value,
// more than a processor's second-level cache commonly holds.
const bigDict = 1 << 16

// newTable wraps a column store snapshot of conversations under s.
func newTable(s *Schema, cols *colstore.Table) *table {
	t := &table{schema: s, cols: cols}
	x := &exec.Table{
		Store:    cols,
		Columns:  map[string]int{},
		Metrics:  derivedMetrics,
		Assigned: s.index["FirstAssignedAt"],
		Response: s.index["FirstResponseAt"],
		Closed:   s.index["ClosedAt"],
		Row: func(seg *colstore.Segment, r int) (filter.Row, string) {
			cv := new(Conversation)
			t.conversationInto(cv, seg, r, nil)
			return convRow{cv}, cv.ID
		},
	}
	for i, p := range s.props {
		if storage(p) != colstore.Derived {
			x.Columns[p.Name] = i
		}
	}
	t.x = x
	for c, p := range s.props {
		if p.Derived || p.Name == "ID" {
			continue
		}
		t.decode = append(t.decode, t.decoder(c, p))
		if storage(p) == colstore.Strings && cols.Dict(c).Len() >= bigDict {
			t.bigDicts = append(t.bigDicts, c)
		}
	}
	return t
}

// warmDicts reads the dictionary entries of refs' values in the columns
// whose dictionaries are large (a contact a conversation, say), a column
// at a time. Decoded whole, a row reads such a column's code and then its
// entry, a cache miss each after a collection, and waits for both before
// the next row starts; read here first, the rows' reads overlap, and the
// decoding finds them in cache.
func (t *table) warmDicts(segs []*colstore.Segment, refs []exec.RowRef) {
	var sum uint64
	for _, c := range t.bigDicts {
		d := t.cols.Dict(c)
		for _, ref := range refs {
			sum += d.Warm(int(segs[ref.Seg].Cols[c].Codes.At(int(ref.Row))))
		}
	}
	runtime.KeepAlive(sum) // the reads are what is wanted
}

// decoder returns the function that sets property p, column c, of a row,
// writing a string kept as a number into buf (see colstore.Strs.AtIn).
func (t *table) decoder(c int, p Property) func(cv *Conversation, seg *colstore.Segment, r int, buf *[]byte) {
	f := storedField(p)
	switch {
	case f != nil && f.str != nil:
		return func(cv *Conversation, seg *colstore.Segment, r int, buf *[]byte) {
			if k := seg.Cols[c].Codes.At(r); k != 0 {
				*f.str(cv) = t.cols.Dict(c).AtIn(int(k), buf)
			}
		}
	case f != nil && f.time != nil:
		return func(cv *Conversation, seg *colstore.Segment, r int, _ *[]byte) {
			if v := seg.Int(c, r); v != colstore.Null {
				*f.time(cv) = unixTime(v)
			}
		}
	case f != nil && f.count != nil:
		return func(cv *Conversation, seg *colstore.Segment, r int, _ *[]byte) {
			if v := seg.Cols[c].Number(r); !math.IsNaN(v) {
				*f.count(cv) = int(v)
			}
		}
	}
	return func(cv *Conversation, seg *colstore.Segment, r int, _ *[]byte) {
		if v, ok := t.value(seg, c, r); ok {
			setProperty(cv, p, v)
		}
	}
}

// derivedMetrics finds the metric of each derived duration.
var derivedMetrics = func() map[string]exec.Metric {
	m := map[string]exec.Metric{}
	for _, d := range derivedProperties {
		m[d.Name] = d.metric
	}
	return m
}()

// The table crosses to memory and parquetio through package tables,
// which may not name it.
func init() {
	tables.SetNew(func(s *Schema, cs []Conversation) (tables.Table[Schema, Conversation], error) {
		t, err := buildTable(s, cs)
		if err != nil {
			return nil, err // not a nil *table in a non-nil interface
		}
		return t, nil
	})
}

// heldTable returns the table src keeps (memory.Source, or a source that
// embeds one), nil if it keeps none.
func heldTable(src Source) *table {
	if h, ok := tables.HeldBy(src); ok {
		t, _ := tables.Load[Schema, Conversation](h).(*table)
		return t
	}
	return nil
}

// buildTable checks every conversation against the schema (nil means
// [DefaultSchema]) and returns them as a table. Invalid conversations are
// rejected with every error joined, each a *[ValidationError] naming the
// conversation's position; nothing is dropped silently.
func buildTable(s *Schema, cs []Conversation) (*table, error) {
	if s == nil {
		s = DefaultSchema()
	}
	kinds := make([]colstore.Kind, len(s.props))
	for i, p := range s.props {
		kinds[i] = storage(p)
	}
	empty := func() *table { return newTable(s, colstore.New(kinds, s.index["CreatedAt"])) }
	if len(cs) >= 4096 && colstore.MaybeRising(cs[0].ID, cs[len(cs)-1].ID) {
		// Most loads are valid, in creation order and numbered: they are
		// encoded with no pass of their own to check that (a pass over a
		// million conversations costs 13-18 ms of both cores, a fifth of
		// the load), the encoders checking as they go. A batch that is
		// not all of that is loaded again the checked way, into a table
		// its attempt did not touch.
		t := empty()
		var seg *colstore.Segment
		cols := t.cols.Change(nil, func(d *colstore.Dicts) *colstore.Segment {
			seg, _ = t.encode(d, cs, batch{numbered: true, unchecked: true})
			return seg
		})
		if seg != nil {
			return newTable(s, cols), nil
		}
	}
	return empty().apply(cs, nil, false)
}

// Schema returns the table's schema.
func (t *table) Schema() *Schema { return t.schema }

// Len returns the number of conversations.
func (t *table) Len() int { return t.cols.Len() }

// Change is apply for package tables, whose Table it makes t.
func (t *table) Change(upserts []Conversation, deletes []string, replace bool) (tables.Table[Schema, Conversation], error) {
	nt, err := t.apply(upserts, deletes, replace)
	if err != nil {
		return nil, err
	}
	return nt, nil
}

// apply returns a new table: t with the conversations of cs added and
// those with the IDs of deletes removed (unknown IDs are ignored).
// Without replace, an ID t holds already is an error; with it, a
// conversation replaces the one with its ID, and within cs a later
// conversation with an ID replaces an earlier one. Every conversation is
// validated first; on any error, or an ID both upserted and deleted,
// nothing changes.
//
// The cost is about that of the batch: each ID is found through the
// segments' indexes (hashes, or the IDs' numbers), replaced rows are
// marked dead in a copy of the few chunks they are in, and the new rows
// form a segment of their own.
// Segments are merged as they grow (each into one at least twice its
// size, up to 16M rows), which drops dead rows; so every row is copied
// O(log n) times over its life, and a segment more than half dead is
// rewritten.
func (t *table) apply(cs []Conversation, deletes []string, replace bool) (*table, error) {
	b, err := t.check(cs, replace)
	if err != nil {
		return nil, err
	}
	var kill []string
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
		kill = make([]string, 0, len(cs)+len(deletes))
		for i := range cs {
			kill = append(kill, cs[i].ID)
		}
		kill = append(kill, deletes...)
	}
	cols := t.cols.Change(kill, func(d *colstore.Dicts) *colstore.Segment {
		if len(cs) == 0 {
			return nil
		}
		var seg *colstore.Segment
		seg, err = t.encode(d, cs, b)
		return seg
	})
	if err != nil {
		return nil, err
	}
	return newTable(t.schema, cols), nil
}

// storage is how the column store holds p: ID and derived durations have
// no column of their own (IDs live in each segment's ID column).
func storage(p Property) colstore.Kind {
	if p.Derived || p.Name == "ID" {
		return colstore.Derived
	}
	switch p.Kind {
	case KindString, KindEnum:
		return colstore.Strings
	case KindBool:
		return colstore.Bools
	case KindTime, KindDuration:
		return colstore.Ints
	}
	return colstore.Floats
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

// batch is what check learns of a batch while it reads each conversation,
// so that encode need not read them all again for it: a million
// conversations are hundreds of megabytes, and a pass over them costs
// about what the work of the pass does.
type batch struct {
	// keys are the IDs hashed for the segment's index, when all are valid
	// and there are enough of them to be worth it (and not replace).
	keys colstore.IDKeys
	// numbered is set instead of keys when the IDs look numbered (see
	// colstore.Segment.IndexNumbered) into an empty table, or are shown
	// new and distinct by their numbers (colstore.Table.RisingApart): they
	// are hashed only if the segment turns out otherwise.
	numbered bool
	created  []int64 // CreatedAt in Unix nanoseconds, in batch order
	sorted   bool    // the batch is in creation order, ties in ID order
	idBytes  int     // the IDs' total length
	// unchecked is set instead of all the above but numbered when check
	// has not read the batch: encode reads the creation times itself,
	// and gives up (no segment) unless every conversation is valid, in
	// creation order and has a distinct ID.
	unchecked bool
}

// check validates a batch: each conversation against the schema, and its
// IDs, which must be new to the table and to the batch unless replace.
func (t *table) check(cs []Conversation, replace bool) (batch, error) {
	valid := make([]bool, len(cs))
	b := batch{created: make([]int64, len(cs))}
	hash := !replace && len(cs) >= 4096
	// IDs numbered in order need no hashing. Into an empty table, the
	// first and last tell whether to expect them, the segment built from
	// them whether they were (encode). Into a table of numbered segments,
	// a pass over the IDs tells that they are new and distinct before
	// anything is encoded, so that a batch refused leaves nothing behind.
	numbered := hash && colstore.MaybeRising(cs[0].ID, cs[len(cs)-1].ID) &&
		(t.cols.Len() == 0 || t.cols.RisingApart(len(cs), func(i int) string { return cs[i].ID }))
	// Conversations are validated in parallel, in runs of rows whose
	// errors are then joined in row order.
	const run = 16 << 10
	runs := (len(cs) + run - 1) / run
	runErrs := make([][]error, runs)
	runSorted := make([]bool, runs)
	runBytes := make([]int, runs)
	jobs := make([]func(), runs)
	for k := range jobs {
		jobs[k] = func() {
			lo, hi := k*run, min(len(cs), (k+1)*run)
			sorted, bytes := true, 0
			for i := lo; i < hi; i++ {
				c := &cs[i]
				b.created[i] = c.CreatedAt.UnixNano()
				bytes += len(c.ID)
				if i > lo && sorted && b.byCreation(cs, i-1, i) > 0 {
					sorted = false
				}
				if err := t.schema.Validate(c); err != nil {
					if ve, ok := err.(*ValidationError); ok {
						ve.Index = i
					}
					runErrs[k] = append(runErrs[k], err)
					continue
				}
				valid[i] = true
			}
			runSorted[k], runBytes[k] = sorted, bytes
		}
	}
	if hash && !numbered {
		// The IDs are hashed and sorted by hash alongside the runs: the
		// sort is a serial pass over the batch, which would otherwise
		// leave a core idle.
		jobs = append([]func(){func() {
			hs := make([]uint32, len(cs))
			for i := range cs {
				hs[i] = t.cols.IDHash(cs[i].ID)
			}
			b.keys = colstore.KeysOf(hs, nil)
		}}, jobs...)
	}
	colstore.Parallel(jobs)
	b.sorted = true
	for k := range runs {
		b.idBytes += runBytes[k]
		if !runSorted[k] || k > 0 && b.byCreation(cs, k*run-1, k*run) > 0 {
			b.sorted = false
		}
	}
	var errs []error
	for _, e := range runErrs {
		errs = append(errs, e...)
	}
	if replace {
		return b, joinValidation(errs)
	}
	if numbered && len(errs) == 0 {
		b.numbered = true
		return b, nil
	}
	id := func(i int) string { return cs[i].ID }
	if len(errs) > 0 || !hash {
		// Duplicates among the valid conversations: each valid position
		// after the first with its ID names that first.
		order := make([]int32, 0, len(cs))
		for i := range cs {
			if valid[i] {
				order = append(order, int32(i))
			}
		}
		for k, f := range colstore.FirstOfEach(len(order), func(k int) string { return cs[order[k]].ID }) {
			if int(f) != k {
				i, first := order[k], order[f]
				errs = append(errs, DuplicateIDError(cs[i].ID, int(i), fmt.Sprintf("conversation #%d", first)))
			}
		}
		for _, i := range t.cols.Present(len(cs), id) {
			if valid[i] {
				errs = append(errs, &ValidationError{ID: cs[i].ID, Index: i, Field: "id", Reason: "already in the table", dup: true})
			}
		}
		return b, joinValidation(errs)
	}
	// Every conversation of a large batch is valid: its IDs, hashed once,
	// serve the duplicates within the batch, those of rows already in the
	// table (through each segment's index of ID hashes) and the new
	// segment's index.
	errs = repeatedIDs(cs, b.keys)
	for _, i := range t.cols.PresentKeys(b.keys, id) {
		errs = append(errs, &ValidationError{ID: cs[i].ID, Index: i, Field: "id", Reason: "already in the table", dup: true})
	}
	return b, joinValidation(errs)
}

// repeatedIDs is an error for each conversation of cs whose ID, hashed
// in keys, an earlier one has.
func repeatedIDs(cs []Conversation, keys colstore.IDKeys) []error {
	id := func(i int) string { return cs[i].ID }
	if !keys.Repeated(id) {
		return nil
	}
	var errs []error
	for i, f := range keys.FirstOfEach(id) {
		if int(f) != i {
			errs = append(errs, DuplicateIDError(cs[i].ID, i, fmt.Sprintf("conversation #%d", f)))
		}
	}
	return errs
}

// batchOf reads what check learns of a batch, but the keys, from cs.
func batchOf(cs []Conversation) batch {
	b := batch{created: make([]int64, len(cs)), sorted: true}
	for i := range cs {
		b.created[i] = cs[i].CreatedAt.UnixNano()
		b.idBytes += len(cs[i].ID)
		if i > 0 && b.sorted && b.byCreation(cs, i-1, i) > 0 {
			b.sorted = false
		}
	}
	return b
}

// byCreation orders conversations i and j of cs as a segment holds them:
// by creation time, then by ID.
func (b *batch) byCreation(cs []Conversation, i, j int) int {
	if c := cmp.Compare(b.created[i], b.created[j]); c != 0 {
		return c
	}
	return cmp.Compare(cs[i].ID, cs[j].ID)
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

// encode turns cs into a segment sorted by creation time, with the
// dictionaries locked for it; b is what check learnt of cs.
func (t *table) encode(d *colstore.Dicts, cs []Conversation, b batch) (*colstore.Segment, error) {
	n := len(cs)
	procs := encodeProcs(n)
	// An unchecked batch's creation times to come, and the rows' order
	// unless the batch is in it already (nil then: most loads are, and
	// it was 4 MB at 1M rows).
	var first []func()
	var order rowOrder
	switch {
	case b.unchecked:
		// The creation times are read as the columns are encoded, by the
		// group that encodes the time columns (offsets from them), and
		// the IDs are sized from the last: numbered IDs are kept as
		// numbers, and others grow their buffer as they come.
		b.sorted, b.idBytes = true, n*len(cs[n-1].ID)
		first = append(first, func() { b.created = colstore.Populated(make([]int64, n)) })
	case len(b.created) != n:
		// Upserts of one ID were folded into the last since check.
		b = batchOf(cs)
	}
	if !b.sorted {
		first = append(first, func() {
			order = colstore.Populated(make(rowOrder, n))
			for i := range order {
				order[i] = int32(i)
			}
		})
	}
	colstore.Parallel(first)
	var uc *uncheckedBatch
	if b.unchecked {
		uc = &uncheckedBatch{schema: t.schema, cs: cs, created: b.created}
	}
	created := b.created
	// Conversations usually arrive in creation order (an export, a log):
	// check saw whether they did in its pass.
	if order != nil {
		slices.SortFunc(order, func(i, j int32) int { return b.byCreation(cs, int(i), int(j)) })
	}
	s := t.schema
	seg := colstore.NewSegment(n, len(s.props))
	seg.Created = created
	if !b.sorted {
		// In order before the columns: time columns are stored as
		// offsets from it.
		seg.Created = make([]int64, n)
		for r, i := range order {
			seg.Created[r] = created[i]
		}
	}
	ids := colstore.NewStrs(n, b.idBytes)
	// Unless check hashed the IDs, the index hashes them from the segment
	// (and those that look numbered are hashed only if they do not rise).
	var encs []columnEncoder
	var numbered bool // the IDs rise, in the segment's order
	idField := fieldEncoder{kind: encodeID, off: fields[fieldByName["ID"]].off, ids: &ids}
	if b.keys.Len() != n && !b.numbered {
		encodeFields(cs, order, 0, n, []fieldEncoder{idField}, nil)
		seg.IDs = ids
	} else {
		encs = append(encs, columnEncoder{field: &idField, done: func() {
			seg.IDs = ids
			// Whether they rise (a pass over them) as a finishing job,
			// beside the other columns', not after them all.
			numbered = b.numbered && seg.IndexNumbered()
		}, cost: 10})
	}
	if uc != nil {
		// Each rule of Conversation.valid is checked by the encoder that
		// reads its field (see encodeFields), but the one between the
		// status and the close, which encodeValid checks where the status
		// lies, and the custom properties, where they lie (each a few
		// compares a row, small beside a column's cost).
		encs = append(encs,
			columnEncoder{field: &fieldEncoder{kind: encodeValid, off: fields[fieldByName["Status"]].off}, cost: 1},
			columnEncoder{field: &fieldEncoder{kind: encodeCustom, off: unsafe.Offsetof(Conversation{}.Properties)}, cost: 1},
			columnEncoder{field: &fieldEncoder{kind: encodeCreated, off: fields[fieldByName["CreatedAt"]].off}, cost: 4, timed: true})
	}
	// Columns are independent (each has its own dictionary), so they are
	// encoded in parallel, the ID index alongside them. Each worker takes
	// a share of the columns and walks the rows once, a block at a time,
	// encoding all its columns from a block while it is in cache: a
	// Conversation is hundreds of bytes, so a pass over the batch per
	// column would read it from memory a dozen times.
	seg.Cols[s.index["CreatedAt"]].Ints = seg.Created // kept once: every scan reads it
	// The encoders are made in parallel too: each allocates its column's
	// buffers, and the largest take milliseconds to clear.
	var made []func()
	for c, p := range s.props {
		if storage(p) == colstore.Derived || p.Name == "CreatedAt" {
			continue
		}
		k := len(encs)
		encs = append(encs, columnEncoder{})
		made = append(made, func() { encs[k] = newColumnEncoder(d, seg, c, p, cs, order) })
	}
	// A job a worker, not one an encoder: most take tens of
	// microseconds, about what handing a job to a worker does.
	w := min(procs, len(made))
	byWorker := make([]func(), w)
	for i := range byWorker {
		byWorker[i] = func() {
			for j := i; j < len(made); j += w {
				made[j]()
			}
		}
	}
	colstore.Parallel(byWorker)
	if uc != nil {
		// Every built-in field's encoder checks against uc (see
		// fieldEncoder.unchecked), the channel's values by their rule.
		channel := fields[fieldByName["Channel"]].off
		for _, e := range encs {
			if f := e.field; f != nil {
				f.unchecked = uc
				if f.kind == encodeCodes && f.off == channel {
					f.valid = func(s string) bool { return Channel(s).Valid() }
				}
			}
		}
	}
	// Columns are shared between workers by their measured costs (see
	// columnEncoder.cost), a group a worker.
	groups := shareColumns(encs, procs)
	if uc != nil {
		groups = timedTogether(groups)
	}
	jobs := make(chan func(), len(groups)+2+len(encs))
	var pending sync.WaitGroup
	var running pieces
	// run encodes p's columns from p.lo to the last row, then queues their
	// finishing (sealing, coding the values of a near-unique column) as
	// jobs of their own, for whichever worker is free: the groups never
	// end together, and a finishing job left to its group's worker kept
	// the other waiting. At each block it gives half of its columns to a
	// worker that has run out of work, if one asks (see pieces.steal).
	run := func(p *piece) {
		running.add(p)
		for lo := p.lo; lo < n; lo += encodeBlock {
			if uc != nil && uc.failed.Load() {
				running.remove(p)
				return // given up: nothing to finish
			}
			p.next.Store(int64(lo))
			// A load first: a swap a block would write the line the
			// asking worker reads.
			if p.ask.Load() != nil {
				ask := p.ask.Swap(nil)
				q := p.split(lo, n, seg.Created)
				if q != nil {
					pending.Add(1) // the worker that asked runs it, then is done
				}
				*ask <- q
			}
			hi := min(n, lo+encodeBlock)
			encodeFields(cs, order, lo, hi, p.fs, p.secs)
			for _, e := range p.rest {
				e.rows(lo, hi)
			}
			if p.created != nil {
				p.created.Ints(lo/encodeBlock, seg.Created[lo:hi])
			}
		}
		running.remove(p)
		p.created.Seal(&seg.Cols[s.index["CreatedAt"]])
		for _, e := range slices.Concat(p.encs, p.rest) {
			if e.done != nil {
				pending.Add(1)
				jobs <- func() {
					defer pending.Done()
					e.done()
				}
			}
		}
	}
	// Each group of columns is a job that encodes its rows, a piece
	// begun at the first row. Built-in fields are read a conversation at
	// a time, all of a piece's from the few cache lines a conversation
	// takes; custom properties a column at a time through their closures.
	for _, group := range groups {
		pending.Add(1)
		jobs <- func() {
			defer pending.Done()
			run(newPiece(group, seg.Created))
		}
	}
	// The ID index after the groups: they start at once, the costliest
	// first, and the index goes to the worker that finishes first.
	pending.Add(1)
	jobs <- func() {
		defer pending.Done()
		if uc == nil {
			seg.SealColumn(s.index["CreatedAt"])
		}
		switch {
		case b.numbered:
			// Once the IDs are in (see the ID column's encoder).
		case b.keys.Len() != n:
			seg.IndexIDs(d.Seed())
		default:
			seg.IndexIDKeys(b.keys, order)
		}
	}
	if procs == 1 {
		// One worker: the calling goroutine, until no job is left (each
		// queues its finishing jobs before it ends, and the channel has
		// room for them all).
		for len(jobs) > 0 {
			(<-jobs)()
		}
	} else {
		var workers sync.WaitGroup
		for range min(procs, len(groups)+1) {
			workers.Go(func() {
				for {
					// Queued jobs first; then half of what a piece still has
					// to encode; else wait for a job, or for the end.
					select {
					case job, ok := <-jobs:
						if !ok {
							return
						}
						job()
						continue
					default:
					}
					if p := running.steal(n); p != nil {
						run(p)
						pending.Done()
						continue
					}
					job, ok := <-jobs
					if !ok {
						return
					}
					job()
				}
			})
		}
		pending.Wait()
		close(jobs)
		workers.Wait()
	}
	if uc != nil && uc.failed.Load() {
		return nil, errUnchecked
	}
	if b.numbered && !numbered {
		// Not numbered in order after all (or rising in the batch's
		// order, not the segment's): the IDs are hashed as check would
		// have, for repeats (the table was empty, or they have none) and
		// the index.
		keys := t.cols.HashIDs(n, func(i int) string { return cs[i].ID }, nil)
		if errs := repeatedIDs(cs, keys); len(errs) > 0 {
			return nil, joinValidation(errs)
		}
		seg.IndexIDKeys(keys, order)
	}
	seg.Seal()
	return seg, nil
}

// encodeProcs is how many workers encode a batch of n rows: one for a
// small batch (an upsert of a few conversations), whose every column takes
// less than handing it to another core does (a thread woken on the other
// core starts some 150 µs later, against about 80 ns a row to encode).
func encodeProcs(n int) int {
	if n < colstore.SmallRows {
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// errUnchecked is encode's error when a batch check has not read turns
// out invalid, out of order or with repeated IDs: it is to be checked.
var errUnchecked = errors.New("convreport: the batch needs checking")

// uncheckedBatch is what encode checks of a batch that check has not
// read, as its groups of columns encode it.
type uncheckedBatch struct {
	schema  *Schema
	cs      []Conversation
	created []int64     // the batch's creation times, read by encodeCreated
	failed  atomic.Bool // a conversation is invalid or out of order
}

// setCreated sets the creation time of row r to v, and fails the batch
// unless row r comes after row r-1, set before it. The batch is encoded
// in its own order, so row r is cs[r].
func (u *uncheckedBatch) setCreated(r int, v int64) {
	u.created[r] = v
	if r > 0 {
		if p := u.created[r-1]; p > v || p == v && u.cs[r-1].ID > u.cs[r].ID {
			u.failed.Store(true)
		}
	}
}

// check fails the batch if c breaks a rule of Schema.Validate.
func (u *uncheckedBatch) check(c *Conversation) {
	if !c.valid() || len(c.Properties) > 0 && u.schema.checkCustom(c) != nil {
		u.failed.Store(true)
	}
}

// timedTogether moves every encoder that reads the creation times into
// the group that reads them in (encodeCreated), which then has them
// for each row before its other encoders: the built-in time fields lie
// next to the creation time in a Conversation, so they are already
// there, but a custom time column may not be.
func timedTogether(groups [][]columnEncoder) [][]columnEncoder {
	home := slices.IndexFunc(groups, func(g []columnEncoder) bool {
		return slices.ContainsFunc(g, func(e columnEncoder) bool { return e.field != nil && e.field.kind == encodeCreated })
	})
	for g := range groups {
		if g == home {
			continue
		}
		groups[g] = slices.DeleteFunc(groups[g], func(e columnEncoder) bool {
			if e.timed {
				groups[home] = append(groups[home], e)
			}
			return e.timed
		})
	}
	return slices.DeleteFunc(groups, func(g []columnEncoder) bool { return len(g) == 0 })
}

// A piece is a share of a group's columns that one worker encodes, from
// row lo to the last. Groups are shared out by their measured costs, but
// a core can run far slower than another for a whole load (on a busy or
// virtual machine, half as fast), and the worker that finished first
// waited for the other: so a worker out of work asks the piece with the
// most left for half of its columns (pieces.steal), which the piece
// splits off at its next block.
type piece struct {
	lo   int
	fs   []fieldEncoder  // the built-in fields it reads
	encs []columnEncoder // fs's encoders, index for index
	rest []columnEncoder // encoders of custom properties
	cost atomic.Int64    // about a row's nanoseconds, the sum of its encoders'
	// created zones the creation times, where fs reads them
	// (encodeCreated); secs holds a block's, where fs has a time field.
	created *colstore.Zoner
	secs    *blockSeconds
	next    atomic.Int64                // the first row of the block it encodes next
	ask     atomic.Pointer[chan *piece] // a worker's, for half of its columns
}

// newPiece starts group's encoders and returns them as a piece from the
// first row, with the buffers of a block each of its fields needs.
func newPiece(group []columnEncoder, created []int64) *piece {
	p := &piece{}
	// A block's buffers: a batch smaller than a block needs no more.
	blk := min(encodeBlock, len(created))
	nf := 0
	for _, e := range group {
		if e.field != nil {
			nf++
		}
	}
	// Sized at once: a fieldEncoder is large and holds pointers, and
	// growing them took a fifth of a small batch's encoding.
	p.fs, p.encs = make([]fieldEncoder, 0, nf), make([]columnEncoder, 0, nf)
	p.rest = make([]columnEncoder, 0, len(group)-nf)
	for _, e := range group {
		if e.start != nil {
			e.start()
		}
		if e.field != nil {
			p.fs = append(p.fs, *e.field)
			p.encs = append(p.encs, e)
		} else {
			p.rest = append(p.rest, e)
		}
		p.cost.Add(int64(e.cost))
	}
	// The buffers of a block's times, counts and batched strings (see
	// encodeFields). Time columns are sealed a chunk at a time, as each
	// block is put: a pass over them at the end was the last thing the
	// load waited for. So are the creation times the piece reads in, if it
	// does; their seconds are kept for the block's times (blockSeconds).
	for k := range p.fs {
		switch f := &p.fs[k]; f.kind {
		case encodeTime:
			f.vals = make([]int64, blk)
		case encodeCount:
			f.vals, f.counts = make([]int64, blk), make([]uint32, blk)
		case encodeBatch:
			f.strs = make([]string, blk)
		case encodeCreated:
			p.created = colstore.NewZoner(len(created))
		}
	}
	p.secs = secondsOf(p.fs, created)
	return p
}

// hasKind reports whether one of fs is of kind k.
func hasKind(fs []fieldEncoder, k encodeKind) bool {
	return slices.ContainsFunc(fs, func(f fieldEncoder) bool { return f.kind == k })
}

// secondsOf returns the buffer of a block's creation seconds for fields
// fs, nil if none of them is a time.
func secondsOf(fs []fieldEncoder, created []int64) *blockSeconds {
	if !hasKind(fs, encodeTime) {
		return nil
	}
	return &blockSeconds{vals: make([]int64, min(encodeBlock, len(created))), created: created}
}

// split moves about half of p's columns, by cost, to a new piece that
// begins at row lo, where p is about to encode its next block, and
// returns it; nil when p has less than two blocks left or one share of
// columns. Where p reads the creation times (encodeCreated), the columns
// that read them stay with them, one share: its time fields are put as
// offsets from the block's creation seconds and checked against them,
// and a custom time waits for its row's.
func (p *piece) split(lo, n int, created []int64) *piece {
	if n-lo < 2*encodeBlock {
		return nil
	}
	type share struct {
		fields, rest []int // indexes into p.fs and p.rest
		cost         int
	}
	var shares []share
	var timed share
	bundled := p.created != nil
	for i, e := range p.encs {
		if bundled && e.timed {
			timed.fields, timed.cost = append(timed.fields, i), timed.cost+e.cost
		} else {
			shares = append(shares, share{fields: []int{i}, cost: e.cost})
		}
	}
	for i, e := range p.rest {
		if bundled && e.timed {
			timed.rest, timed.cost = append(timed.rest, i), timed.cost+e.cost
		} else {
			shares = append(shares, share{rest: []int{i}, cost: e.cost})
		}
	}
	if len(timed.fields)+len(timed.rest) > 0 {
		shares = append(shares, timed)
	}
	if len(shares) < 2 {
		return nil
	}
	// The costliest first, each to the lighter half so far.
	slices.SortStableFunc(shares, func(a, b share) int { return cmp.Compare(b.cost, a.cost) })
	givenField := make([]bool, len(p.fs))
	givenRest := make([]bool, len(p.rest))
	kept, given := 0, 0
	for _, sh := range shares {
		if kept <= given {
			kept += sh.cost
			continue
		}
		given += sh.cost
		for _, i := range sh.fields {
			givenField[i] = true
		}
		for _, i := range sh.rest {
			givenRest[i] = true
		}
	}
	q := &piece{lo: lo}
	q.cost.Store(int64(given))
	q.next.Store(int64(lo))
	var fs []fieldEncoder
	var encs, rest []columnEncoder
	for i := range p.fs {
		if givenField[i] {
			q.fs, q.encs = append(q.fs, p.fs[i]), append(q.encs, p.encs[i])
		} else {
			fs, encs = append(fs, p.fs[i]), append(encs, p.encs[i])
		}
	}
	for i, e := range p.rest {
		if givenRest[i] {
			q.rest = append(q.rest, e)
		} else {
			rest = append(rest, e)
		}
	}
	p.fs, p.encs, p.rest = fs, encs, rest
	p.cost.Store(int64(kept))
	if bundled && hasKind(q.fs, encodeCreated) {
		q.created, p.created = p.created, nil
	}
	if p.secs != nil && !hasKind(p.fs, encodeTime) {
		p.secs = nil
	}
	q.secs = secondsOf(q.fs, created)
	splits.Add(1)
	return q
}

// pieces are the pieces being encoded, for a worker out of work to take
// half of one's columns.
type pieces struct {
	mu  sync.Mutex
	all []*piece
}

// stealAbove is the least work a piece must have left, in its cost's
// units (about nanoseconds), to be split: half of it is the least a
// worker takes, against the tens of microseconds that asking costs.
// Tests lower it, to split every piece they can.
var stealAbove atomic.Int64

func init() { stealAbove.Store(400_000) }

// splits counts the pieces split, for tests that load with splits.
var splits atomic.Int64

func (ps *pieces) add(p *piece) {
	ps.mu.Lock()
	ps.all = append(ps.all, p)
	ps.mu.Unlock()
}

// remove takes p out once it has encoded its rows, answering nil to a
// worker that asked it for columns since its last block.
func (ps *pieces) remove(p *piece) {
	ps.mu.Lock()
	ps.all = slices.DeleteFunc(ps.all, func(q *piece) bool { return q == p })
	ask := p.ask.Swap(nil)
	ps.mu.Unlock()
	if ask != nil {
		*ask <- nil
	}
}

// steal asks the piece with the most work left of n rows for half of its
// columns, and returns them as a piece of their own, which begins at the
// block the asked piece was about to encode: nil if no piece has enough
// left to split, or another worker asked it first. A piece answers at its
// next block or as it is removed, so the wait is a block's work at most.
func (ps *pieces) steal(n int) *piece {
	ps.mu.Lock()
	var most *piece
	left := stealAbove.Load()
	for _, p := range ps.all {
		if l := (int64(n) - p.next.Load()) * p.cost.Load(); l > left {
			most, left = p, l
		}
	}
	ask := make(chan *piece, 1)
	if most == nil || !most.ask.CompareAndSwap(nil, &ask) {
		ps.mu.Unlock()
		return nil
	}
	ps.mu.Unlock()
	return <-ask
}

// encodeBlock is how many rows a worker encodes in turn into each of its
// columns: a few hundred kilobytes of conversations, which stay in a
// core's cache across its columns. It is a chunk of the column store, so
// that a block's rows are a chunk to seal.
const encodeBlock = colstore.ChunkRows

// codeCache remembers the codes of the strings a column coded last, by
// where their bytes are. A reader that interns a column's repeating
// values (ingest does, as do producers that take them from a few
// constants) hands the same string row after row, and a string's bytes
// never change: the same bytes at the same length are the same value, so
// a hit skips hashing the string and comparing it with the dictionary's.
// One column's encoder owns it.
//
// It has 1,024 slots, one a value: a column of a hundred subjects in 64
// slots shared them two or three to a slot, and missed on most rows.
type codeCache [1 << codeCacheBits]codeCacheSlot

const codeCacheBits = 10

type codeCacheSlot struct {
	at   *byte
	n    int
	code uint32
}

// code returns the code of s in column c of d, as d.Code does.
func (cc *codeCache) code(d *colstore.Dicts, c int, s string) uint32 {
	if code, ok := cc.hit(s); ok {
		return code
	}
	return cc.miss(d, c, s)
}

// hit returns s's code if the cache holds it: a few instructions, inlined
// into an encoder's loop.
func (cc *codeCache) hit(s string) (uint32, bool) {
	p := unsafe.StringData(s)
	// An empty string with no bytes hits a slot never filled, whose code
	// is 0: the code of "".
	e := &cc[slotOf(p)]
	return e.code, e.at == p && e.n == len(s)
}

// miss codes s through the dictionary and caches its code.
func (cc *codeCache) miss(d *colstore.Dicts, c int, s string) uint32 {
	code := d.Code(c, s)
	if cc != &noCodeCache {
		p := unsafe.StringData(s)
		cc[slotOf(p)] = codeCacheSlot{p, len(s), code}
	}
	return code
}

// noCodeCache is the cache of a small batch's columns: it holds nothing
// and is never written (miss does not store in it), so every column
// shares it. A cache of its own is 24 KB to clear and for the collector
// to scan, where a batch of a few rows saves a few lookups with it.
var noCodeCache codeCache

// codeCacheFor returns the code cache of a column of a batch of n rows:
// the shared empty one below codeCacheRows.
func codeCacheFor(n int) *codeCache {
	if n < codeCacheRows {
		return &noCodeCache
	}
	return new(codeCache)
}

// codeCacheRows is how many rows a batch has at least for its columns to
// have code caches of their own: a lookup in a dictionary costs some 100
// ns more than a hit, so a few hundred rows repay the cache's clearing.
const codeCacheRows = 256

// slotOf is codeCacheBits bits of where p points.
func slotOf(p *byte) uintptr {
	return uintptr(unsafe.Pointer(p)) * 0x9e3779b97f4a7c15 >> (64 - codeCacheBits)
}

// columnEncoder fills one column of a segment: rows encodes rows lo to hi
// (in segment order), or field does for a built-in field; done finishes
// the column once every row is in.
type columnEncoder struct {
	rows  func(lo, hi int)
	field *fieldEncoder
	done  func()
	start func() // if set, its group calls it before any rows
	// cost is about the nanoseconds a row takes (measured at 1M rows,
	// after a GC, with the other group running), to share the columns
	// between workers: a repeating string 4, a time 3 (put a block at a
	// time; at 4 the time fields' group ended last), a count 3, a
	// numbered ID 10.
	cost  int
	timed bool // it reads the segment's creation times
}

// fieldEncoder fills the column of a built-in field, read at off in each
// Conversation.
type fieldEncoder struct {
	kind  encodeKind
	off   uintptr
	shown func(*Conversation) string // see Field.shown
	col   int                        // the column's dictionary
	d     *colstore.Dicts
	cache *codeCache
	codes *colstore.CodeBuilder
	batch *colstore.CodeBatch
	times *colstore.TimeBuilder
	nums  *colstore.NumberBuilder
	ids   *colstore.Strs
	// unchecked, when set, is the batch whose rules each encoder checks
	// of its field, as far as it can tell, calling check for a
	// conversation it cannot vouch for.
	unchecked *uncheckedBatch
	// valid is the rule of a repeating string's values (a channel's), set
	// when unchecked is: checked when a value misses the cache, as each
	// distinct value does first.
	valid func(string) bool
	// vals holds a block's times or counts (encodeTime, encodeCount), put
	// into the column at the block's end; counts is PutCounts' buffer.
	vals   []int64
	counts []uint32
	strs   []string // a block's values (encodeBatch), for SetRun
	// frac is the or of a block's nanoseconds (encodeTime), whose vals
	// are then Unix seconds, 0 when they are whole; or of its counts
	// (encodeCount), negative when one is.
	frac int
	// nanos is set once a block of times could not be put from its
	// seconds: vals then hold Unix nanoseconds, and far the furthest of
	// the block's known seconds from the first a time may lie in (see
	// checkNanos).
	nanos bool
	far   uint64
}

// blockSeconds is a block's creation times in Unix seconds, for its
// group's time fields to put theirs as second offsets without a division
// a value (see [colstore.TimeBuilder.PutSealedSeconds]).
type blockSeconds struct {
	vals    []int64
	frac    int     // the or of their nanoseconds: 0 when they are whole
	filled  bool    // by encodeCreated, this block
	created []int64 // the segment's creation times, to fill vals from otherwise
}

// fill fills vals with the creation seconds of rows lo to hi, unless
// encodeCreated did as it read them, and reports whether they are whole.
func (b *blockSeconds) fill(lo, hi int) bool {
	if !b.filled {
		for i, v := range b.created[lo:hi] {
			b.vals[i] = v / 1e9
			b.frac |= int(v % 1e9)
		}
		b.filled = true
	}
	return b.frac == 0
}

// encodeKind is what a fieldEncoder does with its field.
type encodeKind uint8

const (
	encodeCodes encodeKind = iota // a repeating string, coded as it comes
	encodeBatch                   // a string coded with the others at the end
	encodeTime
	encodeCount
	encodeID
	encodeValid   // no column: the status is checked against the close; off only places it
	encodeCustom  // no column: the custom properties are checked
	encodeCreated // the segment's creation times, checked for order
)

// rowOrder is the batch position of each row of a segment, in creation
// order; nil when the batch is in that order already, row r then being
// the batch's r-th conversation.
type rowOrder []int32

// at is the batch position of segment row r.
func (o rowOrder) at(r int) int {
	if o == nil {
		return r
	}
	return int(o[r])
}

// encodeFields encodes the conversations of cs at segment rows lo to hi
// (in order's order) into each of fs, a conversation at a time. Rows of
// times and counts start a chunk and end one or the segment, and fit
// their fields' buffers.
// It reads the fields by their offsets, not through accessors: this is
// the loop a load spends most of its time in, and a call per field and
// row would be a third of it.
func encodeFields(cs []Conversation, order rowOrder, lo, hi int, fs []fieldEncoder, secs *blockSeconds) {
	for r := lo; r < hi; r++ {
		cv := unsafe.Pointer(&cs[order.at(r)])
		for k := range fs {
			f := &fs[k]
			at := unsafe.Add(cv, f.off)
			switch f.kind {
			case encodeCodes:
				s := *(*string)(at)
				if f.shown != nil && s == "" {
					s = f.shown((*Conversation)(cv))
				}
				code, ok := f.cache.hit(s)
				if !ok {
					code = f.cache.miss(f.d, f.col, s)
					if f.valid != nil && !f.valid(s) {
						f.unchecked.check((*Conversation)(cv))
					}
				}
				f.codes.Set(r, code)
			case encodeBatch:
				f.strs[r-lo] = *(*string)(at)
			case encodeTime:
				// In seconds, put as offsets from the creation's (see
				// the end of the block): a Time keeps its second and
				// nanosecond apart, and most times are whole seconds.
				s, ns := unixSeconds((*time.Time)(at))
				if f.nanos {
					// Once a block of the field could not be put from its
					// seconds: in nanoseconds, which hold a time whose
					// second is in the supported range (see checkNanos).
					f.vals[r-lo] = nanosOf(s, ns)
					far := uint64(s - (civil.MinSec + 1))
					if s == colstore.Null {
						far = 0
					}
					f.far = max(f.far, far)
					break
				}
				f.vals[r-lo] = s
				f.frac |= ns
			case encodeCount:
				v := *(*int)(at)
				f.vals[r-lo] = int64(v)
				f.frac |= v
			case encodeID:
				s := *(*string)(at)
				if len(s) == 0 && f.unchecked != nil {
					f.unchecked.check((*Conversation)(cv))
				}
				if !f.ids.AddShort(s) {
					f.ids.Add(s)
				}
			case encodeValid:
				// Conversation.valid's rule of the status, inline.
				c := (*Conversation)(cv)
				closed := !c.ClosedAt.IsZero()
				if st := c.Status; !(st == "" || st == Closed && closed || st == Open && !closed) {
					f.unchecked.check(c)
				}
			case encodeCustom:
				if len(*(*map[string]any)(at)) > 0 {
					f.unchecked.check((*Conversation)(cv))
				}
			case encodeCreated:
				t := (*time.Time)(at)
				s, ns := t.Unix(), t.Nanosecond()
				if secs != nil {
					secs.vals[r-lo] = s
					secs.frac |= ns
					secs.filled = true
				}
				if s <= civil.MinSec || s >= civil.MaxSec {
					f.unchecked.check((*Conversation)(cv))
				}
				f.unchecked.setCreated(r, s*1e9+int64(ns)) // t.UnixNano()
			}
		}
	}
	// Times and counts a block at a time, each a loop of its own with no
	// call a row: called a row at a time, each value's call made the loop
	// above keep its registers on the stack around it. A block is a
	// chunk, whose zone a time column takes as its values are put.
	for k := range fs {
		f := &fs[k]
		switch f.kind {
		case encodeTime:
			vals := f.vals[:hi-lo]
			if f.nanos {
				offsets := f.times.PutSealed(lo, vals)
				if f.unchecked != nil {
					checkNanos(cs, order, lo, vals, secs, f.far, offsets, f.unchecked)
				}
				f.far = 0
				break
			}
			put := f.frac == 0 && secs.fill(lo, hi) && f.times.PutSealedSeconds(lo, vals, secs.vals[:hi-lo])
			if f.unchecked != nil && !put {
				// Conversation.valid's rules of a time hold where the
				// block was put: every known time is at or after its
				// creation (whole seconds, a second offset from 0) and
				// before the last supported second (civil.MaxSec, the
				// first PutSealedSeconds declines).
				checkLater(cs, order, lo, vals, secs, f.unchecked)
			}
			if !put {
				// A time or creation off the whole second, or a time that
				// does not fit a second offset: read again in nanoseconds.
				for r := lo; r < hi; r++ {
					vals[r-lo] = unixNano(*(*time.Time)(unsafe.Add(unsafe.Pointer(&cs[order.at(r)]), f.off)))
				}
				f.times.PutSealed(lo, vals)
				// The column has most likely left seconds (times with
				// milliseconds, say), and PutSealedSeconds would decline
				// every block after: they are read in nanoseconds from
				// here on, not read twice.
				f.nanos = true
			}
			f.frac = 0
		case encodeCount:
			if f.frac < 0 && f.unchecked != nil {
				for i, v := range f.vals[:hi-lo] {
					if v < 0 {
						f.unchecked.check(&cs[order.at(lo+i)])
					}
				}
			}
			f.frac = 0
			f.nums.PutCounts(lo, f.vals[:hi-lo], f.counts)
		case encodeBatch:
			f.batch.SetRun(lo, f.strs[:hi-lo])
		}
	}
	if secs != nil {
		secs.filled, secs.frac = false, 0
	}
}

// checkLater checks a block of a time field of the unchecked batch cs
// that PutSealedSeconds did not put, as Conversation.valid does: each
// time, in Unix seconds (Null unknown), is unknown or after its
// creation's second, before the last supported one and less than the
// longest duration after the creation's second. A conversation it
// cannot vouch for is checked whole, as is every row of a block whose
// creation times its group did not read.
func checkLater(cs []Conversation, order rowOrder, lo int, vals []int64, secs *blockSeconds, u *uncheckedBatch) {
	if !secs.filled { // not read by its group (see timedTogether): every row then
		for i := range vals {
			u.check(&cs[order.at(lo+i)])
		}
		return
	}
	// Flags combined without a branch: unknown times come at random.
	later := func(v, created int64) uint64 {
		return colstore.B2U(v == colstore.Null) | colstore.B2U(v > created)&colstore.B2U(v < civil.MaxSec)&colstore.B2U(v-created < civil.MaxSpanSec)
	}
	ok := uint64(1)
	for i, v := range vals {
		ok &= later(v, secs.vals[i])
	}
	if ok != 0 {
		return
	}
	for i, v := range vals {
		if later(v, secs.vals[i]) == 0 {
			u.check(&cs[order.at(lo+i)])
		}
	}
}

// checkNanos checks a block of a time field of the unchecked batch cs
// read in nanoseconds, vals, by Conversation.valid's exact rules: each
// time is unknown (Null), or lies in the supported range, not before its
// creation and at most the longest duration after it. far is the furthest known second of the block from
// civil.MinSec+1, so that every second is strictly inside the range when
// it is below the range's width: the nanoseconds then hold each time
// exactly, and compare with the creation's, unless offsets says the
// block was put as offsets from the creations, which proves them. A
// conversation it cannot vouch for is checked whole, as is every row of
// a block whose creation times its group did not read.
func checkNanos(cs []Conversation, order rowOrder, lo int, vals []int64, secs *blockSeconds, far uint64, offsets bool, u *uncheckedBatch) {
	if !secs.filled || far >= civil.MaxSec-civil.MinSec-1 {
		for i := range vals {
			u.check(&cs[order.at(lo+i)])
		}
		return
	}
	if offsets {
		return
	}
	// A known time not before its creation lies at most the longest
	// duration after it unless their difference wraps.
	created := secs.created[lo : lo+len(vals)]
	ok := uint64(1)
	for i, v := range vals {
		ok &= colstore.B2U(v == colstore.Null) | colstore.B2U(v >= created[i])&colstore.B2U(v-created[i] >= 0)
	}
	if ok != 0 {
		return
	}
	for i, v := range vals {
		if v != colstore.Null && (v < created[i] || v-created[i] < 0) {
			u.check(&cs[order.at(lo+i)])
		}
	}
}

// repeatsIn reports whether the values get reads from the first rows of
// cs (in order) repeat, as [colstore.Repeats] decides: subjects written
// from a few templates do, where a field's values usually do not.
func repeatsIn(cs []Conversation, order rowOrder, get func(*Conversation) string) bool {
	sample := make([]string, min(len(cs), 4096))
	for r := range sample {
		sample[r] = get(&cs[order.at(r)])
	}
	return colstore.Repeats(sample)
}

// shareColumns deals encs into at most k groups of about equal cost.
// Built-in fields are cut, in the order they lie in a Conversation, into
// runs of about equal cost, a run a group: each worker then reads its
// own part of each conversation, and a conversation's cache lines are
// read from memory about once, not once a worker. The other columns go
// after them, the costliest first, each to the group with the least so
// far. The groups come costliest first.
func shareColumns(encs []columnEncoder, k int) [][]columnEncoder {
	k = max(1, min(k, len(encs)))
	fields, rest := make([]columnEncoder, 0, len(encs)), make([]columnEncoder, 0, len(encs))
	total := 0
	for _, e := range encs {
		if e.field != nil {
			fields = append(fields, e)
			total += e.cost
		} else {
			rest = append(rest, e)
		}
	}
	slices.SortStableFunc(fields, func(a, b columnEncoder) int { return cmp.Compare(a.field.off, b.field.off) })
	slices.SortStableFunc(rest, func(a, b columnEncoder) int { return cmp.Compare(b.cost, a.cost) })
	groups := make([][]columnEncoder, k)
	load := make([]int, k)
	g, sum := 0, 0
	for _, e := range fields {
		// Run g ends before the field whose middle lies past the end
		// of the run's share, (g+1)/k of the total.
		if g < k-1 && len(groups[g]) > 0 && 2*(sum+e.cost)*k > (2*g+2)*total+e.cost*k {
			g++
		}
		groups[g] = append(groups[g], e)
		load[g] += e.cost
		sum += e.cost
	}
	for _, e := range rest {
		g := 0
		for i := range load {
			if load[i] < load[g] {
				g = i
			}
		}
		groups[g] = append(groups[g], e)
		load[g] += e.cost
	}
	order := make([]int, 0, k)
	for g := range groups {
		if len(groups[g]) > 0 {
			order = append(order, g)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(load[b], load[a]) })
	out := make([][]columnEncoder, len(order))
	for i, g := range order {
		out[i] = groups[g]
	}
	return out
}

// newColumnEncoder returns the encoder of column c (property p) of seg
// from cs in the given row order. It touches only column c's dictionary,
// so columns may be encoded concurrently.
func newColumnEncoder(d *colstore.Dicts, seg *colstore.Segment, c int, p Property, cs []Conversation, order rowOrder) columnEncoder {
	n := seg.N
	col := &seg.Cols[c]
	f := storedField(p)
	switch p.Kind {
	case KindString, KindEnum:
		get := stringField(p)
		if f != nil && !f.Repeats && get != nil && !repeatsIn(cs, order, get) {
			// Nearly one value a row (a contact ID): coded in the index's
			// order, not the rows', once all are in.
			off := f.off
			fe := &fieldEncoder{kind: encodeBatch, off: off}
			return columnEncoder{
				field: fe,
				// Its records (4 bytes a row when the values are
				// numbers, 32 when not) take milliseconds to clear: its
				// group makes them, not the encoders' making, which
				// every group waits for.
				start: func() { fe.batch = d.Batch(c, n) },
				done: func() {
					col.Codes = colstore.Narrow(fe.batch.Codes(n, 0, func(r int) string {
						return *(*string)(unsafe.Add(unsafe.Pointer(&cs[order.at(r)]), off))
					}))
				},
				// Reading them in (12 ns a row, each parsed as a number
				// where it can be) and coding them (5 more, 5.3 ms at
				// 1M), a finishing job for whichever worker is free. At
				// 22 its group ended 11 ms before the other, and was idle
				// 6 ms of them.
				cost: 17,
			}
		}
		codes := colstore.NewCodeBuilder(n)
		done := func() { col.Codes = codes.Codes() }
		if get != nil {
			fe := &fieldEncoder{kind: encodeCodes, off: f.off, shown: f.shown, col: c, d: d, cache: codeCacheFor(n), codes: codes}
			return columnEncoder{field: fe, done: done, cost: 4}
		}
		return columnEncoder{rows: func(lo, hi int) {
			for r := lo; r < hi; r++ {
				if v, ok := valueAs[string](&cs[order.at(r)], p); ok {
					codes.Set(r, d.Code(c, v))
				}
			}
		}, done: done, cost: 6}
	case KindBool:
		codes := colstore.NewCodeBuilder(n)
		return columnEncoder{rows: func(lo, hi int) {
			for r := lo; r < hi; r++ {
				if v, ok := valueAs[bool](&cs[order.at(r)], p); ok {
					codes.Set(r, 1+colstore.B2U32(v))
				}
			}
		}, done: func() { col.Codes = codes.Codes() }, cost: 4}
	case KindTime:
		// Built as offsets from the creation times as they come, not as
		// int64s narrowed at the end: half the memory while it is built.
		b := colstore.NewTimeBuilder(seg.Created)
		done := func() {
			*col = b.Column()
			seg.SealColumn(c) // unless its group sealed each chunk
		}
		if f != nil && f.time != nil {
			return columnEncoder{field: &fieldEncoder{kind: encodeTime, off: f.off, times: b}, done: done, cost: 3, timed: true}
		}
		return columnEncoder{rows: func(lo, hi int) {
			for r := lo; r < hi; r++ {
				v, _ := valueAs[time.Time](&cs[order.at(r)], p)
				b.Set(r, unixNano(v))
			}
		}, done: done, cost: 4, timed: true}
	case KindDuration:
		col.Ints = make([]int64, n)
		return columnEncoder{rows: func(lo, hi int) {
			for r := lo; r < hi; r++ {
				col.Ints[r] = colstore.Null
				if v, ok := valueAs[time.Duration](&cs[order.at(r)], p); ok {
					col.Ints[r] = int64(v)
				}
			}
		}, done: func() { seg.SealColumn(c) }, cost: 4}
	}
	// Built as codes as they come, where the values allow, not as
	// float64s narrowed at the end.
	b := colstore.NewNumberBuilder(n)
	done := func() { *col = b.Column() }
	if f != nil && f.count != nil {
		// Read as an int, not through propertyValue, which boxes a float
		// per row.
		return columnEncoder{field: &fieldEncoder{kind: encodeCount, off: f.off, nums: b}, done: done, cost: 3}
	}
	return columnEncoder{rows: func(lo, hi int) {
		for r := lo; r < hi; r++ {
			v, ok := valueAs[float64](&cs[order.at(r)], p)
			if !ok {
				v = math.NaN()
			}
			b.Set(r, v)
		}
	}, done: done, cost: 4}
}

// valueAs is property p of c as a T, and whether it is known. A value of
// another kind, which Validate refuses, reads as unknown: an unchecked
// load (uncheckedBatch) encodes a row before it knows the row is valid,
// and gives the batch up after.
func valueAs[T any](c *Conversation, p Property) (T, bool) {
	v, ok := propertyValue(c, p)
	x, isT := v.(T)
	return x, ok && isT
}

// unixNano is t as stored in a time column: Null for the zero time.
func unixNano(t time.Time) int64 { return nanosOf(unixSeconds(&t)) }

// unixSeconds is t's Unix second, Null for the zero time, and its
// nanosecond: as a Time keeps them, apart.
func unixSeconds(t *time.Time) (int64, int) {
	s, ns := t.Unix(), t.Nanosecond()
	// IsZero in one compare, a move and not a branch (unknown times come
	// at random): the zero Time is the one instant at its second and
	// nanosecond.
	if (s-zeroUnix)|int64(ns) == 0 {
		s = colstore.Null
	}
	return s, ns
}

// nanosOf is the Unix nanoseconds of second s and nanosecond ns, as
// unixSeconds gives them: Null for Null.
func nanosOf(s int64, ns int) int64 {
	v := s*1e9 + int64(ns)
	if s == colstore.Null {
		v = colstore.Null
	}
	return v
}

// zeroUnix is the Unix second of the zero Time.
const zeroUnix = -62135596800

// stringField reads a built-in string field as reports see it, without
// boxing it; nil for custom properties.
func stringField(p Property) func(*Conversation) string {
	f := storedField(p)
	switch {
	case f == nil || f.str == nil:
		return nil
	case f.shown != nil:
		return f.shown
	}
	// Not the method value f.reported, which copies the Field per call.
	str := f.str
	return func(c *Conversation) string { return *str(c) }
}

// conversationInto rebuilds row r of segment seg into *cv, all of whose
// fields it sets; times come back in UTC. A loop that hands out copies
// rebuilds each row into one Conversation: the decoders take its
// address, so a Conversation returned by value would escape, an
// allocation a row.
func (t *table) conversationInto(cv *Conversation, seg *colstore.Segment, r int, buf *[]byte) {
	*cv = Conversation{ID: seg.IDs.AtIn(r, buf)}
	for _, d := range t.decode {
		d(cv, seg, r, buf)
	}
}

// value returns column c of row r as a property value.
func (t *table) value(seg *colstore.Segment, c, r int) (any, bool) {
	p := t.schema.props[c]
	if p.Derived {
		cv := Conversation{CreatedAt: time.Unix(0, seg.Created[r]).UTC()}
		for _, name := range []string{"FirstAssignedAt", "FirstResponseAt", "ClosedAt"} {
			i := t.schema.index[name]
			if v, ok := t.value(seg, i, r); ok {
				setProperty(&cv, t.schema.props[i], v)
			}
		}
		return propertyValue(&cv, p)
	}
	if p.Name == "ID" {
		return seg.IDs.At(r), true
	}
	col := &seg.Cols[c]
	switch p.Kind {
	case KindString, KindEnum:
		k := col.Codes.At(r)
		return t.cols.Dict(c).At(int(k)), k != 0
	case KindBool:
		k := col.Codes.At(r)
		return k == 2, k != 0
	case KindTime:
		v := seg.Int(c, r)
		return time.Unix(0, v).UTC(), v != colstore.Null
	case KindDuration:
		v := seg.Int(c, r)
		return time.Duration(v), v != colstore.Null
	case KindNumber:
		v := col.Number(r)
		return v, !math.IsNaN(v)
	}
	return nil, false
}

// setProperty stores v, typed as Schema.Value returns it, as property p
// of cv.
func setProperty(cv *Conversation, p Property, v any) {
	if f := storedField(p); f != nil {
		switch {
		case f.str != nil:
			*f.str(cv) = v.(string)
		case f.time != nil:
			*f.time(cv) = v.(time.Time)
		default:
			*f.count(cv) = int(v.(float64))
		}
		return
	}
	if cv.Properties == nil {
		cv.Properties = map[string]any{}
	}
	cv.Properties[p.Name] = v
}

// All yields every conversation of the table in creation order (ties by
// ID).
func (t *table) All() iter.Seq[Conversation] {
	return func(yield func(Conversation) bool) {
		cv := new(Conversation) // yield takes a copy
		var buf []byte          // numbered IDs written out, shared by rows
		for seg, r := range t.cols.Rows() {
			t.conversationInto(cv, seg, r, &buf)
			if !yield(*cv) {
				return
			}
		}
	}
}

const minInt64 = math.MinInt64

func unixTime(ns int64) time.Time { return time.Unix(0, ns).UTC() }
