// Package exec is convreport's executor: it runs reports compiled to
// [Plan]s over a column store snapshot in one pass, split across workers,
// and accumulates each report's groups exactly (durations summed in 128
// bits, every value kept where a median needs it).
//
// A predicate is evaluated a chunk of rows at a time on the columns
// (dictionary codes, int64 nanoseconds, float64s) into bit masks, with
// leaves that several reports share computed once per chunk; what no
// column expresses runs on the row rebuilt by [Table.Row]. Durations
// count business time through [Hours], and SLA targets classify each
// conversation as met, breached or pending ([SLA]).
//
// It knows columns and plans, not reports: the root package compiles a
// Report against its schema into a Plan and turns the [Groups] back into
// a Result.
package exec
