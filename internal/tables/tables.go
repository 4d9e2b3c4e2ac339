// Package tables carries conversations held column by column from a file
// reader to the root package, which alone knows how a schema maps onto the
// column store. A reader that decodes a columnar file (Parquet) fills
// Columns and calls Build; the root package sets Build when it is
// initialised. Nothing here is public: a Columns is an intermediate form,
// not an API.
package tables

import "errors"

// Columns holds n conversations' built-in fields column by column, in
// input order. Each slice has n elements; a column the input lacks is nil.
type Columns struct {
	N int
	// Strings are the string fields, by property name, ID included.
	Strings map[string]*Strings
	// Times are the time fields in nanoseconds since 1970 (UTC), by
	// property name; Unknown marks an unknown value.
	Times map[string][]int64
	// Counts are the message counts, by property name; Unknown marks an
	// unknown value.
	Counts map[string][]int64
}

// Unknown marks an unknown time or count.
const Unknown int64 = -1 << 63

// Strings is one string column, either as values (Vals) or as a
// dictionary of distinct values (Dict, without "") and each row's position
// in it plus one (Idx; 0 is unknown).
type Strings struct {
	Vals []string
	Dict []string
	Idx  []uint32
}

// At returns row i's value ("" when unknown).
func (s *Strings) At(i int) string {
	if s.Vals != nil {
		return s.Vals[i]
	}
	if k := s.Idx[i]; k != 0 {
		return s.Dict[k-1]
	}
	return ""
}

// Build turns Columns into a table under a schema: it is
// convreport's func(*Schema, *Columns) (*Table, error), set by that
// package. It returns ErrNotClean when a row is invalid or an ID
// repeats: the caller then reads the input row by row, which names each
// problem as the row-wise readers do.
var Build func(schema any, c *Columns) (table any, err error)

// ErrNotClean says some row of the Columns is invalid or repeats an ID.
var ErrNotClean = errors.New("tables: a row is invalid or repeats an ID")
