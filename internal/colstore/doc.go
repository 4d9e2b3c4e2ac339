// Package colstore is the column store the engine scans: immutable
// snapshots of rows held column by column, strings as dictionary codes at
// the narrowest width that fits, times as 32-bit offsets from each row's
// creation where they are whole seconds (else int64 nanoseconds), whole
// numbers as codes (else float64s), and IDs, like a dictionary's values,
// as numbers where every one is a prefix and digits ("c-000123"), else in
// one byte buffer per segment. A dictionary of numbers close together (a
// helpdesk's contact IDs) is indexed by number, others by hash. A
// conversation of sample data takes 49 bytes, at 1M rows and at 100M.
//
// A [Table] is a list of [Segment]s, each sorted by creation time so that a
// date range reads only the rows it needs, plus tombstones marking the rows
// a later snapshot replaced or deleted. [Table.Change] returns a new
// snapshot at the cost of the change: new rows form a segment of their own,
// and segments merge as they grow.
//
// It knows nothing of conversations or schemas: a column is an index and a
// [Kind] of storage. The root package maps its properties onto columns and
// back.
package colstore
