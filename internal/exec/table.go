package exec

import (
	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/filter"
)

// Table is a column store snapshot as the executor reads it.
type Table struct {
	Store *colstore.Table
	// Columns finds the column of a property a predicate names; a
	// property without one (the ID) is read from the rebuilt row.
	Columns map[string]int
	// Metrics finds the metric of a derived duration property.
	Metrics map[string]Metric
	// The time columns the metrics and SLA targets read.
	Assigned, Response, Closed int
	// Row rebuilds row r of seg for what no column expresses (a residual
	// expression), with its ID for errors.
	Row func(seg *colstore.Segment, r int) (row filter.Row, id string)
}

// Code finds the code of a string (or bool) constant in column col; false
// when no row of this snapshot holds it.
func (t *Table) Code(col int, v any) (uint32, bool) {
	switch v := v.(type) {
	case bool:
		if v {
			return 2, true
		}
		return 1, true
	case string:
		if v == "" {
			return 0, false
		}
		// A code assigned after this snapshot names no row of it.
		return t.Store.Lookup(col, v)
	}
	return 0, false
}

// Hours counts business time: the open time between two instants (Unix
// nanoseconds) of row r, by the calendar that row keeps.
type Hours interface {
	Between(t *Table, seg *colstore.Segment, r int, start, end int64) int64
}
