package colstore

import (
	"hash/maphash"
	"math"
	mbits "math/bits"
)

// Null marks an unknown value in an int column.
const Null = math.MinInt64

// Segment is a run of rows sorted by creation time, then ID.
type Segment struct {
	N   int
	IDs Strs
	// Created is the creation-time column (Unix nanoseconds), kept apart as
	// every scan reads it; the table's created column aliases it.
	Created []int64
	// Cols are the columns by index; a derived column has no storage.
	Cols []Column
	// ids finds a row by its ID, unless numbered.
	ids idIndex
	// numbered is set when the IDs are numbers (see digits) that rise
	// from row to row: a row is then found by its number, with no index.
	numbered bool
}

// Column is one column of a segment: Codes for dictionary columns, Ints
// for times and durations (Null = unknown), and for numbers either Floats
// (NaN = unknown) or, when every number of the segment is unknown or a
// whole number from 0 to 2³²−2, Codes holding each number plus one (0 =
// unknown): a message count then takes a byte, not eight. [Column.Number]
// reads either form.
type Column struct {
	Codes Codes
	Ints  []int64
	// Offs holds a time column compactly, as [Times] builds it: each
	// known value's distance from its row's creation time in Units,
	// plus one (0 = unknown). A column holds Ints or Offs, never both;
	// [Segment.Int] and [Segment.IntsAt] read either.
	Offs   []uint32
	Unit   int64
	Floats []float64
	// zones summarise the values of Ints or Offs per chunk of ChunkRows
	// rows (from row 0), so a range test can decide a whole chunk at once.
	zones []Zone
	// known has bit r%64 of word r/64 set when row r's value is known; nil
	// when every value is. A test that every known value passes then
	// takes a word of it for 64 rows.
	known []uint64
}

// offUnits are the units a time column's offsets may count in, coarsest
// first: the coarsest that every value is a whole number of reaches
// furthest (136 years of seconds, 49 days of milliseconds).
var offUnits = []int64{seconds, millis}

// seconds is the first of offUnits, the one most columns keep; millis
// the second, that of times a system stamps to the millisecond.
const (
	seconds = 1e9
	millis  = 1e6
)

// Times stores a time column (Unix nanoseconds, Null unknown) of rows
// created at created: as 32-bit offsets from each row's creation when
// every known value is at or after it by a whole number of seconds, or of
// milliseconds, that fits, and as the int64s themselves otherwise. A
// helpdesk's assignment, reply and close times are seconds after the
// conversation began: four bytes instead of eight.
func Times(vals, created []int64) Column {
	for _, unit := range offUnits {
		if offs, ok := offsets(vals, created, unit); ok {
			return Column{Offs: offs, Unit: unit}
		}
	}
	return Column{Ints: vals}
}

func offsets(vals, created []int64, unit int64) ([]uint32, bool) {
	offs := make([]uint32, len(vals))
	for r, v := range vals {
		if v == Null {
			continue
		}
		o, ok := offset(v-created[r], unit)
		if !ok {
			return nil, false
		}
		offs[r] = o
	}
	return offs, true
}

// Int returns row r of int column c (a time in Unix nanoseconds, a
// duration), Null when unknown.
func (s *Segment) Int(c, r int) int64 {
	col := &s.Cols[c]
	if col.Offs == nil {
		return col.Ints[r]
	}
	if o := col.Offs[r]; o != 0 {
		return s.Created[r] + int64(o-1)*col.Unit
	}
	return Null
}

// IntsAt returns rows [base, base+n) of int column c: the column itself,
// or its offsets decoded into buf.
func (s *Segment) IntsAt(c, base, n int, buf *[ChunkRows]int64) []int64 {
	col := &s.Cols[c]
	if col.Offs == nil {
		return col.Ints[base : base+n]
	}
	out := buf[:n]
	created := s.Created[base : base+n]
	unit := col.Unit
	for i, o := range col.Offs[base : base+n] {
		out[i] = Null
		if o != 0 {
			out[i] = created[i] + int64(o-1)*unit
		}
	}
	return out
}

// TimeBuilder builds a time column row by row, the rows in any order, as
// [Times] stores it from all its values: offsets in the first unit every
// value so far fits, moving to the next unit or to the int64s themselves
// when one does not. It holds four bytes a row where the values would take
// eight.
type TimeBuilder struct {
	created []int64
	unit    int // index in offUnits; len(offUnits) once the values are kept as they are
	offs    []uint32
	ints    []int64
	zoner   *Zoner // the chunks sealed so far (SealChunk)
}

// NewTimeBuilder returns a builder for rows created at created.
func NewTimeBuilder(created []int64) *TimeBuilder {
	return &TimeBuilder{created: created, offs: Populated(make([]uint32, len(created)))}
}

// Set sets row r, which no call set before, to v (Null: unknown).
func (b *TimeBuilder) Set(r int, v int64) {
	if b.ints != nil {
		b.ints[r] = v
		return
	}
	// The usual unit, seconds, through unitOffset: with the unit a
	// constant, so the division is a multiply (by offUnits[b.unit] it is
	// a divide instruction, tens of cycles a row), and unknown rows,
	// which come at random, are set without a branch.
	if b.unit == 0 {
		if o, ok := unitOffset(v, b.created[r], seconds); ok {
			b.offs[r] = o
			return
		}
	}
	if v == Null {
		b.offs[r] = 0
		return
	}
	for b.unit < len(offUnits) {
		if o, ok := offset(v-b.created[r], offUnits[b.unit]); ok {
			b.offs[r] = o
			return
		}
		b.coarsen()
	}
	b.ints[r] = v
}

// Put sets rows at, at+1, … (none set before) to vals, as Set would one
// at a time: in seconds, the usual unit, without a call a row, and the
// unknown rows without a branch (they come at random).
func (b *TimeBuilder) Put(at int, vals []int64) {
	if b.ints == nil && b.unit == 0 {
		offs, created := b.offs[at:at+len(vals)], b.created[at:at+len(vals)]
		for i, v := range vals {
			o, ok := unitOffset(v, created[i], seconds)
			if !ok {
				// Another unit, or the values themselves, from here on.
				for j, v := range vals[i:] {
					b.Set(at+i+j, v)
				}
				return
			}
			offs[i] = o
		}
		return
	}
	for i, v := range vals {
		b.Set(at+i, v)
	}
}

// PutSealed is Put and SealChunk of each chunk the rows cover, in one
// pass: the zone of a chunk (its least and greatest value, its known
// bits) is taken from the values as they are put, not read back from the
// offsets. at must start a chunk, and the rows end one or the column.
// It reports whether every value was put as an offset from its row's
// creation, which proves each known one at or after it.
func (b *TimeBuilder) PutSealed(at int, vals []int64) (offsets bool) {
	end := at + len(vals)
	if at%ChunkRows != 0 || end%ChunkRows != 0 && end != len(b.created) {
		panic("colstore: PutSealed of rows that do not start and end chunks")
	}
	if b.zoner == nil {
		b.zoner = NewZoner(len(b.created))
	}
	base := at
	for b.ints == nil && base < end {
		if b.putZone(base, vals[base-at:min(base+ChunkRows, end)-at]) {
			base += ChunkRows
			continue
		}
		// A value needs a finer unit than the column's so far, or none:
		// the rows so far are moved to the next (or to int64s), and the
		// chunk is put again.
		b.coarsen()
	}
	// Once the values are kept as they are, the rows are put the usual
	// way, and their chunks sealed from what is stored.
	if base < end {
		b.Put(base, vals[base-at:])
		for k := base / ChunkRows; k*ChunkRows < end; k++ {
			b.SealChunk(k)
		}
		return false
	}
	return true
}

// putZone puts the rows of one chunk, from base, as offsets in the
// column's unit, and sets the chunk's zone; it is false when a value does
// not fit an offset in that unit, and the chunk's rows are then to be put
// again (those before it are in that unit, which coarsen moves to the
// next with the others).
func (b *TimeBuilder) putZone(base int, vals []int64) bool {
	// Each unit's offsets through unitOffset with the unit a constant,
	// the division a multiply: by offUnits[b.unit] it would be a divide
	// instruction, tens of cycles a row.
	ms := offUnits[b.unit] == millis
	offs, created := b.offs[base:base+len(vals)], b.created[base:base+len(vals)]
	z := Zone{Min: math.MaxInt64, Max: math.MinInt64}
	known := b.zoner.known[base/64:]
	all := uint64(0)
	for w := 0; w < len(vals); w += 64 {
		vs := vals[w:min(w+64, len(vals))]
		cs, os := created[w:w+len(vs)], offs[w:w+len(vs)]
		var word uint64
		for j, v := range vs {
			var o uint32
			var ok bool
			if ms {
				o, ok = unitOffset(v, cs[j], millis)
			} else {
				o, ok = unitOffset(v, cs[j], seconds)
			}
			if !ok {
				return false
			}
			lo := v // Null is the least int64: only the minimum must skip it
			if v == Null {
				lo = math.MaxInt64
			}
			os[j] = o
			word |= B2U(v != Null) << j
			z.Min, z.Max = min(z.Min, lo), max(z.Max, v)
		}
		known[w/64] = word
		all |= ^word & (1<<len(vs) - 1)
	}
	z.Nulls = all != 0
	b.zoner.set(base/ChunkRows, z)
	return true
}

// PutSealedSeconds is PutSealed of one chunk's values in whole Unix
// seconds (Null unknown) in rows created at whole seconds, createdSecs:
// a reader that has each time's second and nanosecond apart (a
// [time.Time] does) then needs neither a multiply to make its nanoseconds
// nor a division to take them back apart. It is false, having put no
// value and sealed nothing, when the column is no longer in seconds, a
// value does not fit a second offset (it comes before its creation, or
// too long after), or a value lies outside the seconds that Unix
// nanoseconds count from and to: the caller then puts the chunk with
// PutSealed.
func (b *TimeBuilder) PutSealedSeconds(at int, secs, createdSecs []int64) bool {
	end := at + len(secs)
	if at%ChunkRows != 0 || len(secs) > ChunkRows || end%ChunkRows != 0 && end != len(b.created) || len(createdSecs) != len(secs) {
		panic("colstore: PutSealedSeconds of rows that are not a chunk")
	}
	if b.ints != nil || b.unit != 0 {
		return false
	}
	if b.zoner == nil {
		b.zoner = NewZoner(len(b.created))
	}
	offs := b.offs[at:end]
	known := b.zoner.known[at/64:]
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	var all, far uint64
	for w := 0; w < len(secs); w += 64 {
		vs := secs[w:min(w+64, len(secs))]
		cs, os := createdSecs[w:w+len(vs)], offs[w:w+len(vs)]
		var word uint64
		word, lo, hi, far = secondOffsets(vs, cs, os, lo, hi, far)
		known[w/64] = word
		all |= ^word & (1<<len(vs) - 1)
	}
	if far > math.MaxUint32-1 || lo <= hi && (lo <= minNanoSec || hi >= maxNanoSec) {
		clear(offs) // as no value was put (a chunk's known bits are taken again as it is sealed)
		return false
	}
	z := Zone{Min: lo, Max: hi, Nulls: all != 0}
	if lo <= hi { // in nanoseconds, as PutSealed keeps them
		z.Min, z.Max = lo*seconds, hi*seconds
	}
	b.zoner.set(at/ChunkRows, z)
	return true
}

// secondOffsets puts up to 64 values in seconds, vs, as offsets from
// their creation seconds, cs, into os, and returns their known bits, and
// lo, hi and far taken down, up and up by them: the least and greatest
// known value, and the furthest offset as an unsigned number (one before
// its creation is furthest). A function of its own, so that its few live
// values stay in registers, where PutSealedSeconds' loop kept reloading
// the chunk's from the stack each row.
func secondOffsets(vs, cs []int64, os []uint32, lo, hi int64, far uint64) (uint64, int64, int64, uint64) {
	cs, os = cs[:len(vs)], os[:len(vs)]
	var word uint64
	for j, v := range vs {
		// As unitOffset, in seconds: the difference plus one. Moves,
		// not branches: unknown rows come at random.
		d := v - cs[j]
		isKnown := v != Null
		o, least, span := uint32(d)+1, v, uint64(d)
		if !isKnown {
			o, least, span = 0, math.MaxInt64, 0 // Null is the least int64: only the minimum must skip it
		}
		os[j] = o
		word = word>>1 | B2U(isKnown)<<63
		lo, hi, far = min(lo, least), max(hi, v), max(far, span)
	}
	return word >> (64 - len(vs)), lo, hi, far
}

// minNanoSec and maxNanoSec are the Unix seconds that Unix nanoseconds
// count from and to, in part: PutSealedSeconds takes the seconds strictly
// between them, whose nanoseconds an int64 holds.
const (
	minNanoSec = math.MinInt64/1_000_000_000 - 1
	maxNanoSec = math.MaxInt64 / 1_000_000_000
)

// unitOffset is the slot of v (Null: 0) in a row created at created, in
// unit, for a caller that gives the unit as a constant: inlined, the
// division is then a multiply. Null is set without a branch (unknown rows
// come at random). It is false when v is not a whole number of units
// after created that fits a slot.
func unitOffset(v, created, unit int64) (uint32, bool) {
	d := v - created
	q := d / unit
	o := uint32(q) + 1
	null := v == Null
	if null {
		o = 0
	}
	// Whole units, fitting a slot (a negative d has a negative q, or
	// a q of 0 and a remainder), as flags combined without a branch.
	fits := B2U(uint64(q) <= math.MaxUint32-1) & B2U(q*unit == d)
	return o, B2U(null)|fits != 0
}

// offset is d (≥ 0) in units, plus one, when it is a whole number of them
// that fits a slot.
func offset(d, unit int64) (uint32, bool) {
	if d < 0 || d%unit != 0 || d/unit > math.MaxUint32-1 {
		return 0, false
	}
	return uint32(d/unit) + 1, true
}

// coarsen moves the rows set so far to the next unit, or to int64s past
// the last unit or when one of them does not fit it. Rows not set yet are
// 0, unknown, in every form, so it moves them all: the rows may come in
// any order.
func (b *TimeBuilder) coarsen() {
	from := offUnits[b.unit]
	b.unit++
	if b.unit < len(offUnits) {
		to := offUnits[b.unit]
		moved := make([]uint32, len(b.offs))
		ok := true
		for i, o := range b.offs {
			if o == 0 {
				continue
			}
			if moved[i], ok = offset(int64(o-1)*from, to); !ok {
				break
			}
		}
		if ok {
			copy(b.offs, moved)
			return
		}
		b.unit = len(offUnits)
	}
	b.ints = make([]int64, len(b.offs))
	for i, o := range b.offs {
		b.ints[i] = Null
		if o != 0 {
			b.ints[i] = b.created[i] + int64(o-1)*from
		}
	}
	b.offs = nil
}

// Column returns the column; every row must have been set.
//
// The column is sealed when SealChunk sealed each of its chunks.
func (b *TimeBuilder) Column() Column {
	col := Column{Ints: b.ints}
	if b.ints == nil {
		col = Column{Offs: b.offs, Unit: offUnits[b.unit]}
	}
	b.zoner.Seal(&col)
	return col
}

// SealChunk computes the zone of chunk k (rows k*ChunkRows on), every row
// of which is set. A chunk's zone holds the values themselves, which no
// later change of unit alters.
func (b *TimeBuilder) SealChunk(k int) {
	if b.zoner == nil {
		b.zoner = NewZoner(len(b.created))
	}
	lo, hi := k*ChunkRows, min((k+1)*ChunkRows, len(b.created))
	if b.ints != nil {
		b.zoner.Ints(k, b.ints[lo:hi])
	} else {
		b.zoner.Offs(k, b.offs[lo:hi], b.created[lo:hi], offUnits[b.unit])
	}
}

// Numbers stores a number column, as codes when its values allow (see
// [Column]), else as the float64s themselves.
func Numbers(vals []float64) Column {
	codes := make([]uint32, len(vals))
	for i, v := range vals {
		switch {
		case math.IsNaN(v):
		case v >= 0 && v <= math.MaxUint32-1 && v == math.Trunc(v):
			codes[i] = uint32(v) + 1
		default:
			for i, v := range vals {
				if v == 0 {
					vals[i] = 0 // -0 is 0, as a code stores it
				}
			}
			return Column{Floats: vals}
		}
	}
	return Column{Codes: Narrow(codes)}
}

// NumberBuilder builds a number column row by row, the rows in any order,
// as [Numbers] stores it from all its values: codes at the narrowest width
// so far, moving to float64s when a value is not a whole number that fits
// a code.
type NumberBuilder struct {
	codes  *CodeBuilder
	floats []float64
}

// NewNumberBuilder returns a builder of n rows.
func NewNumberBuilder(n int) *NumberBuilder {
	return &NumberBuilder{codes: NewCodeBuilder(n)}
}

// SetInt sets row r, which no call set before, to the whole number v, as
// Set(r, float64(v)) does, without the float's tests in the usual case.
func (b *NumberBuilder) SetInt(r int, v int64) {
	if b.floats == nil && v >= 0 && v <= math.MaxUint32-1 {
		b.codes.Set(r, uint32(v)+1)
		return
	}
	b.Set(r, float64(v))
}

// PutCounts sets rows at, at+1, … (none set before) to counts, as SetInt
// would one at a time, an unknown count (Null) as 0.
func (b *NumberBuilder) PutCounts(at int, counts []int64, buf []uint32) {
	if b.floats == nil {
		buf = buf[:len(counts)]
		fits := true
		for i, v := range counts {
			if v == Null {
				v = 0
			}
			fits = fits && v >= 0 && v <= math.MaxUint32-1
			buf[i] = uint32(v) + 1
		}
		if fits {
			b.codes.Put(at, buf)
			return
		}
	}
	for i, v := range counts {
		if v == Null {
			v = 0
		}
		b.SetInt(at+i, v)
	}
}

// Set sets row r, which no call set before, to v (NaN: unknown). -0 is
// stored as 0, whether or not the column has moved to float64s: a
// number's sign of zero never depends on the values before it.
func (b *NumberBuilder) Set(r int, v float64) {
	if v == 0 {
		v = 0
	}
	switch {
	case b.floats != nil:
		b.floats[r] = v
	case math.IsNaN(v):
		b.codes.Set(r, 0)
	case v >= 0 && v <= math.MaxUint32-1 && v == math.Trunc(v):
		b.codes.Set(r, uint32(v)+1)
	default:
		codes := b.codes.Codes()
		// Rows not set yet are code 0 and become NaN, as unknown rows
		// do; each is overwritten when it is set.
		b.floats = make([]float64, codes.len())
		for i := range b.floats {
			b.floats[i] = math.NaN()
			if k := codes.At(i); k != 0 {
				b.floats[i] = float64(k - 1)
			}
		}
		b.floats[r] = v
		b.codes = nil
	}
}

// Column returns the column; every row must have been set.
func (b *NumberBuilder) Column() Column {
	if b.floats != nil {
		return Column{Floats: b.floats}
	}
	return Column{Codes: b.codes.Codes()}
}

// Number returns row r of a number column; NaN when unknown.
func (c *Column) Number(r int) float64 {
	if c.Floats != nil {
		return c.Floats[r]
	}
	if k := c.Codes.At(r); k != 0 {
		return float64(k - 1)
	}
	return math.NaN()
}

// Zone is the range of the known values of one chunk of an int column.
type Zone struct {
	Min, Max int64 // of known values; Min > Max when there are none
	Nulls    bool  // some value is unknown
}

// NewSegment returns a segment of n rows with ncols empty columns, for the
// caller to fill before [Segment.Seal].
func NewSegment(n, ncols int) *Segment {
	return &Segment{N: n, Cols: make([]Column, ncols)}
}

// Seal computes what a filled segment derives from its columns: the zone
// maps of its int columns. The ID index is built by [Segment.IndexIDs],
// which may run alongside the filling of the columns.
func (s *Segment) Seal() {
	for c := range s.Cols {
		if s.Cols[c].zones == nil {
			s.SealColumn(c)
		}
	}
}

// SealColumn computes the zone maps of column c alone, once the column is
// complete: the columns of a segment built in parallel are sealed by
// their builders. Seal then skips them, as SealColumn skips a column
// sealed already.
func (s *Segment) SealColumn(c int) {
	col := &s.Cols[c]
	if col.Ints == nil && col.Offs == nil || col.zones != nil {
		return
	}
	z := NewZoner(s.N)
	for k := range z.zones {
		base := k * ChunkRows
		hi := min(base+ChunkRows, s.N)
		if col.Offs != nil {
			z.Offs(k, col.Offs[base:hi], s.Created[base:hi], col.Unit)
		} else {
			z.Ints(k, col.Ints[base:hi])
		}
	}
	z.Seal(col)
}

// Zoner computes the zone maps of an int column a chunk at a time, so
// that a builder can seal each chunk as it fills it, while its rows are
// in cache, rather than read the whole column again at the end.
type Zoner struct {
	zones []Zone
	known []uint64
	nulls bool
	left  int // chunks not computed yet
}

// NewZoner returns a zoner for a column of n rows.
func NewZoner(n int) *Zoner {
	k := (n + ChunkRows - 1) / ChunkRows
	return &Zoner{zones: make([]Zone, k), known: make([]uint64, (n+63)/64), left: k}
}

// Offs computes chunk k's zone from its offsets from created, in unit.
// Each chunk is computed once.
func (z *Zoner) Offs(k int, offs []uint32, created []int64, unit int64) {
	z.set(k, offsZone(offs, created, unit, z.known[k*ChunkWords:]))
}

// Ints computes chunk k's zone from its values. Each chunk is computed
// once.
func (z *Zoner) Ints(k int, vals []int64) {
	z.set(k, intsZone(vals, z.known[k*ChunkWords:]))
}

func (z *Zoner) set(k int, zone Zone) {
	z.zones[k] = zone
	z.nulls = z.nulls || zone.Nulls
	z.left--
}

// Seal gives col its zone maps and reports true once every chunk is
// computed; else it reports false and leaves col as it is.
func (z *Zoner) Seal(col *Column) bool {
	if z == nil || z.left > 0 {
		return false
	}
	col.zones = z.zones
	if z.nulls {
		col.known = z.known
	}
	return true
}

// offsZone is the zone of a chunk of offsets from created, in unit, and
// sets the chunk's known bits. A word of bits is built in a register
// and stored once, and the unknown rows are kept out of the minimum and
// maximum without a branch: which rows are unknown follows no pattern a
// branch predictor could learn.
func offsZone(offs []uint32, created []int64, unit int64, known []uint64) Zone {
	z := Zone{Min: math.MaxInt64, Max: math.MinInt64}
	all := uint64(0)
	for w := 0; w < len(offs); w += 64 {
		end := min(w+64, len(offs))
		ow, cw := offs[w:end], created[w:end]
		cw = cw[:len(ow)] // one length, so that cw[j] needs no bounds check
		var word uint64
		for j, o := range ow {
			v := cw[j] + int64(o-1)*unit
			lo, hi := v, v
			if o == 0 {
				lo, hi = math.MaxInt64, math.MinInt64
			}
			word |= B2U(o != 0) << j
			z.Min, z.Max = min(z.Min, lo), max(z.Max, hi)
		}
		known[w/64] = word
		all |= ^word & (1<<len(ow) - 1) // a short last word's high bits are no rows
	}
	z.Nulls = all != 0
	return z
}

// intsZone is offsZone for values kept as they are.
func intsZone(vals []int64, known []uint64) Zone {
	z := Zone{Min: math.MaxInt64, Max: math.MinInt64}
	all := uint64(0)
	for w := 0; w < len(vals); w += 64 {
		vs := vals[w:min(w+64, len(vals))]
		var word uint64
		for j, v := range vs {
			lo := v // Null is the least int64: only the minimum must skip it
			if v == Null {
				lo = math.MaxInt64
			}
			word |= B2U(v != Null) << j
			z.Min, z.Max = min(z.Min, lo), max(z.Max, v)
		}
		known[w/64] = word
		all |= ^word & (1<<len(vs) - 1)
	}
	z.Nulls = all != 0
	return z
}

// Known returns the words of int column c's known-value bits for the
// chunk of rows [base, base+n) (base a multiple of 64): bit j of word w
// is row base+64w+j. It returns nil when every value is known.
func (s *Segment) Known(c, base, n int) []uint64 {
	k := s.Cols[c].known
	if k == nil {
		return nil
	}
	return k[base/64 : (base+n+63)/64]
}

// Zone returns the zone map of rows [base, base+n) of int column c, when
// they are exactly one chunk.
func (s *Segment) Zone(c, base, n int) (Zone, bool) {
	zs := s.Cols[c].zones
	if base%ChunkRows != 0 || (n != ChunkRows && base+n != s.N) || base/ChunkRows >= len(zs) {
		return Zone{}, false
	}
	return zs[base/ChunkRows], true
}

// IndexIDs builds the segment's index of IDs, with the seed of the
// table's dictionaries ([Dicts.Seed]).
func (s *Segment) IndexIDs(seed maphash.Seed) {
	hs := make([]uint32, s.N)
	for r := range hs {
		hs[r] = uint32(s.IDs.Hash(seed, r) >> 32) // idHash of the ID
	}
	s.ids = newIDIndex(hs)
}

// IndexNumbered makes the segment find its rows by the numbers of their
// IDs, when the IDs are numbers that rise from row to row ([Strs.Rising]),
// and reports whether they are. Helpdesks number conversations as they
// open them, so an export in creation order usually has such IDs: the
// segment then needs no index (5 bytes a row), and its rows no hashing
// and sorting to build one.
func (s *Segment) IndexNumbered() bool {
	if s.IDs.Len() != s.N || !s.IDs.Rising() {
		return false
	}
	s.numbered, s.ids = true, idIndex{}
	return true
}

// Numbered reports whether the segment finds its rows by the numbers of
// their IDs (IndexNumbered).
func (s *Segment) Numbered() bool { return s.numbered }

// rowOf returns the row whose ID is id (h is its idHash), dead or live:
// a segment holds an ID at most once.
func (s *Segment) rowOf(id string, h uint32) (int, bool) {
	if s.numbered {
		v, ok := s.IDs.num.parse(id)
		if !ok || v == 0 {
			return 0, false
		}
		return s.IDs.num.search(v)
	}
	for r := range s.ids.rows(h) {
		if s.IDs.Equal(r, id) {
			return r, true
		}
	}
	return 0, false
}

// idHash is the key of an ID in a segment's index.
func idHash(seed maphash.Seed, id string) uint32 { return uint32(maphash.String(seed, id) >> 32) }

// idIndex finds a segment's row by the 32-bit hash of its ID: open
// addressing over rows, a fifth of its slots empty, so that it costs 5
// bytes a row (a sorted list of hashes and rows cost 8). A slot holds the
// row plus one in its low rowBits bits (0 marks an empty slot) and, above
// them, as many low bits of the hash as are left, so that a probe compares
// an ID only when those agree. A hash's first slot is its position scaled
// to the table, so hashes taken in ascending order fill it from one end.
type idIndex struct {
	slots   []uint32
	rowBits uint
}

// IndexIDKeys builds the segment's index of IDs from keys, the hashed IDs
// of the batch it was made of ([Table.HashIDs]): row r holds the batch's
// ID order[r], or ID r when order is nil (the batch was in order).
func (s *Segment) IndexIDKeys(keys IDKeys, order []int32) {
	rows := keys.at
	if order != nil {
		rowOf := make([]int32, len(order))
		for r, i := range order {
			rowOf[i] = int32(r)
		}
		rows = make([]int32, len(keys.at))
		for k, i := range keys.at {
			rows[k] = rowOf[i]
		}
	}
	s.ids = sortedIDIndex(keys.sorted, rows)
}

// newIDIndex indexes rows by their hashes hs, which it takes over.
func newIDIndex(hs []uint32) idIndex {
	return sortedIDIndex(SortedByKey(hs, nil))
}

// sortedIDIndex indexes rows[k] under hash sorted[k], the hashes in
// ascending order, so that they fill the slots from one end.
func sortedIDIndex(sorted []uint32, rows []int32) idIndex {
	n := len(sorted)
	x := idIndex{slots: make([]uint32, n+n/4+1), rowBits: uint(mbits.Len32(uint32(n)))}
	for k, h := range sorted {
		x.put(h, uint32(rows[k])+1)
	}
	return x
}

func (x *idIndex) first(h uint32) int {
	return int(uint64(h) * uint64(len(x.slots)) >> 32)
}

// tag is what a slot keeps of h: its bits above the row's.
func (x *idIndex) tag(h uint32) uint32 {
	if x.rowBits >= 32 {
		return 0
	}
	return h << x.rowBits
}

func (x *idIndex) put(h, row1 uint32) {
	i := x.first(h)
	for x.slots[i] != 0 {
		if i++; i == len(x.slots) {
			i = 0
		}
	}
	x.slots[i] = row1 | x.tag(h)
}

// rows yields the rows whose slots agree with h, in probe order: the row
// of an ID with hash h is among them.
func (x *idIndex) rows(h uint32) func(yield func(int) bool) {
	return func(yield func(int) bool) {
		if len(x.slots) == 0 {
			return
		}
		mask := uint32(1)<<x.rowBits - 1
		if x.rowBits >= 32 {
			mask = ^uint32(0)
		}
		tag := x.tag(h)
		for i := x.first(h); ; {
			s := x.slots[i]
			if s == 0 {
				return
			}
			if s&^mask == tag && !yield(int(s&mask)-1) {
				return
			}
			if i++; i == len(x.slots) {
				i = 0
			}
		}
	}
}

// RowLess orders rows by creation time, then ID: the order of a segment.
func RowLess(a *Segment, i int, b *Segment, j int) bool {
	if a.Created[i] != b.Created[j] {
		return a.Created[i] < b.Created[j]
	}
	return Compare(&a.IDs, i, &b.IDs, j) < 0
}
