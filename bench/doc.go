// Package bench measures convreport against the practical limit and against
// databases, on the same data in the same run (issue 7).
//
// Every way of computing the twelve reports of the Chat overview and Email
// overview dashboards produces [Figures]: one [Figure] per report, its
// points keyed by dimension label or bucket date, with exact counts and
// values rounded as the engine rounds them (half away from zero, to
// milliseconds). [Compare] checks two sets point by point and says where
// they differ, so every timing is of a computation proved equal to the
// engine's first.
//
// The ways:
//
//   - [Engine]: convreport.Engine.Run over the memory source, both
//     dashboards in one Run;
//   - [Columns.HandWritten]: the practical limit — one pass over a
//     struct of arrays, strings as dictionary codes, dense arrays as
//     accumulators, exact 128-bit sums; [Columns.HandWrittenSorted] also
//     uses the creation-time order to skip the conditions rows before the
//     window cannot meet;
//   - [MapSinglePass]: one pass over []Conversation with map[string]
//     accumulators; [Naive]: twelve such passes, one per report;
//   - [SQL]: twelve GROUP BY queries, in SQLite (modernc.org/sqlite) here
//     and in DuckDB in the separate module bench/duckdb.
//
// The command bench/cmd/convbench prints the table; the tests check the
// equality on small data and the benchmarks time each path. The command
// bench/cmd/dbbench compares the memory engine with the databases
// sqlsource reads (SQLite, PostgreSQL, ClickHouse on one and two shards)
// on the same data, with the same figures and checks (issue 14).
package bench
