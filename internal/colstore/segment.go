package colstore

import (
	"cmp"
	"hash/maphash"
	"math"
	"slices"
)

// Null marks an unknown value in an int column.
const Null = math.MinInt64

// Segment is a run of rows sorted by creation time, then ID.
type Segment struct {
	N   int
	IDs IDs
	// Created is the creation-time column (Unix nanoseconds), kept apart as
	// every scan reads it; the table's created column aliases it.
	Created []int64
	// Cols are the columns by index; a derived column has no storage.
	Cols []Column
	// idHash and idRow index the IDs by the top 32 bits of their hash,
	// sorted, to find a row by ID: IDs that share them are told apart by
	// comparing the IDs, and 4 bytes a row instead of 8 keep the index a
	// third smaller.
	idHash []uint32
	idRow  []int32
}

// Column is one column of a segment: Codes for dictionary columns, Ints
// for times and durations (Null = unknown), and for numbers either Floats
// (NaN = unknown) or, when every number of the segment is unknown or a
// whole number from 0 to 2³²−2, Codes holding each number plus one (0 =
// unknown): a message count then takes a byte, not eight. [Column.Number]
// reads either form.
type Column struct {
	Codes  Codes
	Ints   []int64
	Floats []float64
	// zones summarise Ints per chunk of ChunkRows rows (from row 0), so a
	// range test can decide a whole chunk at once.
	zones []Zone
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
	for c := range s.Cols {
		col := &s.Cols[c]
		if col.Ints == nil {
			continue
		}
		col.zones = make([]Zone, (s.N+ChunkRows-1)/ChunkRows)
		for k := range col.zones {
			z := Zone{Min: math.MaxInt64, Max: math.MinInt64}
			for _, v := range col.Ints[k*ChunkRows : min(k*ChunkRows+ChunkRows, s.N)] {
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

// IndexIDs builds the segment's index of ID hashes, with the seed of the
// table's dictionaries ([Dicts.Seed]).
func (s *Segment) IndexIDs(seed maphash.Seed) {
	type entry struct {
		h uint32
		r int32
	}
	es := make([]entry, s.N)
	for r := range es {
		es[r] = entry{idHash(seed, s.IDs.At(r)), int32(r)}
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.h, b.h) })
	s.idHash = make([]uint32, s.N)
	s.idRow = make([]int32, s.N)
	for k, e := range es {
		s.idHash[k], s.idRow[k] = e.h, e.r
	}
}

// idHash is the key of an ID in a segment's index.
func idHash(seed maphash.Seed, id string) uint32 { return uint32(maphash.String(seed, id) >> 32) }

// RowLess orders rows by creation time, then ID: the order of a segment.
func RowLess(a *Segment, i int, b *Segment, j int) bool {
	if a.Created[i] != b.Created[j] {
		return a.Created[i] < b.Created[j]
	}
	return a.IDs.At(i) < b.IDs.At(j)
}
