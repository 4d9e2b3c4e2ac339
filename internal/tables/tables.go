// Package tables is where the root package's table of conversations
// crosses to the packages that keep or build one, which may not see
// inside it: the root package alone knows how a schema maps onto the
// column store. A reader that decodes a columnar file (Parquet) hands a
// Batch to Build; memory keeps a Table in a Holder, which the engine
// finds (HeldBy) and scans directly. The root package sets Build and New
// when it is initialised. Nothing here is public: a Columns is an
// intermediate form, not an API.
package tables

import (
	"errors"
	"unsafe"
)

// Columns holds n conversations column by column, in input order, each
// column under its property's name (built-in and custom alike). Each
// slice has n elements; a column the input lacks is absent.
type Columns struct {
	N int
	// Strings are the string and enum properties, ID included.
	Strings map[string]*Strings
	// Times are the time properties in nanoseconds since 1970 (UTC), and
	// Durations the duration properties in nanoseconds; Unknown marks an
	// unknown value.
	Times, Durations map[string][]int64
	// Counts are the message counts; Unknown marks an unknown value.
	Counts map[string][]int64
	// Numbers are the number properties; NaN is unknown.
	Numbers map[string][]float64
	// Bools are the bool properties: 0 unknown, 1 false, 2 true.
	Bools map[string][]uint8
}

// Unknown marks an unknown time or count.
const Unknown int64 = -1 << 63

// Strings is one string column, either as values (Vals) or as a
// dictionary of distinct values (Dict, without "") and each row's position
// in it plus one (Idx; 0 is unknown), or as bytes and ends.
type Strings struct {
	Vals []string
	Dict []string
	Idx  []uint32
	// Or, for a column of distinct values (the IDs), the values one after
	// another in Bytes, value i ending at Ends[i]: the table keeps them
	// as they are, where a string a value would cost 16 bytes a row more
	// and a copy.
	Bytes []byte
	Ends  []uint32
}

// At returns row i's value ("" when unknown).
func (s *Strings) At(i int) string {
	if s.Ends != nil {
		start := uint32(0)
		if i > 0 {
			start = s.Ends[i-1]
		}
		if start == s.Ends[i] {
			return ""
		}
		return unsafe.String(&s.Bytes[start], int(s.Ends[i]-start))
	}
	if s.Vals != nil {
		return s.Vals[i]
	}
	if k := s.Idx[i]; k != 0 {
		return s.Dict[k-1]
	}
	return ""
}

// Batch is n conversations a reader hands over in parts: their IDs and
// creation times whole, since the rows are indexed and ordered by them
// before any other value is stored, and the other columns a chunk of rows
// at a time, so that a load never holds a whole batch decoded beside the
// table it builds.
type Batch struct {
	N int
	// IDs and Created are the ID and CreatedAt columns, N rows each.
	IDs     *Strings
	Created []int64
	// Next returns the other columns of the rows after those it returned
	// before (from the first), or nil after the last. The Columns and its
	// slices are the reader's: the next call may reuse them.
	Next func() (*Columns, error)
	// Load is what Build kept of the earlier batches of the same load, for
	// checking the IDs of the next: nil for the first batch; Build sets it
	// for the next one.
	Load any
	// Last says no batch of the load follows: the table gives back the
	// room its dictionaries took ahead for values that did not come.
	Last bool
}

// Build turns a Batch into a table under a schema, or appends it to base
// (a table Build returned; nil for a new one): it is convreport's
// func(*Schema, *Table, *Batch) (*Table, error), set by that package.
// The table may keep the batch's IDs and Created: the caller gives them up.
// It returns ErrNotClean when a row is invalid or an ID repeats (in the
// batch or in base): the caller then reads the input row by row, which
// names each problem as the row-wise readers do. After an error, base may
// hold dictionary values no row has: the caller drops it.
var Build func(schema any, base any, b *Batch) (table any, err error)

// ErrNotClean says some row of the Columns is invalid or repeats an ID.
var ErrNotClean = errors.New("tables: a row is invalid or repeats an ID")
