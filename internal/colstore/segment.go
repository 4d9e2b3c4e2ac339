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
	// ids finds a row by its ID.
	ids idIndex
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
}

// offUnits are the units a time column's offsets may count in, coarsest
// first: the coarsest that every value is a whole number of reaches
// furthest (136 years of seconds, 49 days of milliseconds).
var offUnits = []int64{1e9, 1e6}

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
	const most = math.MaxUint32 - 1
	offs := make([]uint32, len(vals))
	for r, v := range vals {
		if v == Null {
			continue
		}
		d := v - created[r]
		if d < 0 || d%unit != 0 || d/unit > most {
			return nil, false
		}
		offs[r] = uint32(d/unit) + 1
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
			return Column{Floats: vals}
		}
	}
	return Column{Codes: Narrow(codes)}
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
	var buf [ChunkRows]int64
	for c := range s.Cols {
		col := &s.Cols[c]
		if col.Ints == nil && col.Offs == nil {
			continue
		}
		col.zones = make([]Zone, (s.N+ChunkRows-1)/ChunkRows)
		for k := range col.zones {
			z := Zone{Min: math.MaxInt64, Max: math.MinInt64}
			base := k * ChunkRows
			for _, v := range s.IntsAt(c, base, min(ChunkRows, s.N-base), &buf) {
				if v == Null {
					z.Nulls = true
					continue
				}
				z.Min, z.Max = min(z.Min, v), max(z.Max, v)
			}
			col.zones[k] = z
		}
	}
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
		hs[r] = idHash(seed, s.IDs.At(r))
	}
	s.ids = newIDIndex(hs)
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

// newIDIndex indexes rows by their hashes hs, which it takes over.
func newIDIndex(hs []uint32) idIndex {
	n := len(hs)
	x := idIndex{slots: make([]uint32, n+n/4+1), rowBits: uint(mbits.Len32(uint32(n)))}
	sorted, rows := SortedByKey(hs)
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
	return a.IDs.At(i) < b.IDs.At(j)
}
