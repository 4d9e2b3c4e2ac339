// Package sqlsource is a [convreport.Source] over a SQL database reached
// through database/sql: conversations stay where a helpdesk keeps them, and
// whole reports are pushed down as SQL.
//
//	db, _ := sql.Open("sqlite", "conversations.db?_pragma=busy_timeout(10000)") // modernc.org/sqlite
//	src, err := sqlsource.New(db, sqlsource.SQLite)
//	eng := convreport.NewEngine(src)
//
// SQLite fails a read that meets another process's commit with "database
// is locked" unless the connection waits: give it a busy timeout, as above.
// A path the program does not choose itself (a flag, a user's directory)
// may hold '?', '#' or '%', which the driver reads as parameters, a
// fragment or an escape, opening another file: [SQLiteDSN] escapes it.
//
//	dsn, err := sqlsource.SQLiteDSN(path, "_pragma=busy_timeout(10000)")
//	db, _ := sql.Open("sqlite", dsn)
//
// What it does, by capability:
//
//   - [convreport.Source]: Scan reads the mapped table with the engine's
//     creation-time hint as a WHERE clause and decodes each row into a
//     Conversation. It is always there and always correct.
//   - [convreport.Aggregator]: Aggregate turns each report of a plan into one
//     SELECT: the plan's conditions as a WHERE clause, GROUP BY the
//     dimensions and a time-bucket index computed from the bucket starts
//     the engine passes as parameters (so no time zone database is
//     involved, and SQLite buckets are exact too), and the measure in SQL:
//     counts, exact sums of nanoseconds, min, max, share within a
//     threshold, and nearest-rank percentiles with window functions. The
//     groups go through [convreport.Pushdown.Result], so a pushed-down result
//     equals a scanned one. A table filled by another program can hold a
//     row that is not a conversation (closed without a close time, a
//     negative or fractional count, a reply before the creation, an
//     unknown channel): a scan refuses it, naming it. So that no report
//     counts such a row, the plan's transaction ends with one more
//     SELECT, for rows within the dates a scan would read that might
//     break a rule of [convreport.Conversation.Validate]; each row found
//     is decoded and validated as a scan does, and the first that fails
//     declines the plan, so that the engine scans and gives the scan's
//     error. A valid table costs that one read: 10 to 30 % of a run of
//     both overview dashboards over 1M conversations (BenchmarkPushdown).
//     A table [CreateTable] made in SQLite or PostgreSQL carries the
//     rules as a CHECK constraint, which every writer must keep; a plan
//     on it only looks the constraint up. [WithoutRowCheck] leaves the
//     read out for another table known to be valid.
//     A repeated ID, which a scan refuses too, is looked for by grouping
//     the plan's dates by ID, in SQLite and PostgreSQL, where no unique
//     index (a primary key is one) keeps IDs apart; not in ClickHouse,
//     which keys nothing, and where grouping every ID of a large table
//     would take the server's memory. The grouping costs two to three
//     report statements: a unique index on the IDs skips it. Custom
//     properties are held to the scan's rules as well: an enum's value
//     none of its values, a JSON column that is not an object, text in
//     a SQLite number, bool, time or duration column. CreateTable gives
//     each custom column it makes, and the JSON column, a constraint of
//     its own for the rules that do not change with the schema; an
//     enum's values may grow, so a schema with an enum has its plans
//     read for values outside them each time. A
//     report statement that fails (SQLite's JSON functions on text that
//     is not JSON) reads for invalid rows too, and declines when it
//     finds one. A drill-down page validates the rows it lists, and
//     refuses one that breaks a rule.
//   - A plan it cannot compute exactly is declined with an error wrapping
//     [convreport.ErrUnsupported], and the engine scans instead: business
//     hours (a Pushdown whose Calendar is set: a duration report, its
//     dashboard or the query names a calendar, with the per-inbox
//     calendars of PushdownReport.InboxCalendars), an expression part of a
//     filter (CondExpr), a NaN
//     number, a time outside int64 nanoseconds, a string PostgreSQL cannot
//     hold (NUL, invalid UTF-8), more parameters than the dialect allows.
//     A plan is answered or declined whole; the engine then offers each
//     report on its own, so only the reports SQL cannot express are
//     scanned (each offer is its own transaction). [WithoutPushdown] declines
//     every plan; [Source.Stats] and [WithDeclineHook] tell what happened.
//
// The reports of one plan run in one read-only transaction (repeatable
// read in PostgreSQL), so a dashboard sees one state of the table. Strings
// compare and group byte for byte, case-sensitively, as in Go, whatever
// collation a column was declared with. Sums of durations are exact
// integers (SQLite sums whole seconds and remainders apart, since it fails
// on int64 overflow; PostgreSQL's SUM of bigint is numeric). Percentiles
// take the row of the engine's nearest rank, computed in integers; not
// PostgreSQL's percentile_disc, whose floating-point rank differs for
// some P and n (P99.9 of 1000 values).
//
// # Dialects and storage
//
// [SQLite] (tested with modernc.org/sqlite, driver name "sqlite"),
// [PostgreSQL] (tested with github.com/jackc/pgx/v5/stdlib, driver name
// "pgx"; PostgreSQL 14 or later) and [ClickHouse] (tested with
// github.com/ClickHouse/clickhouse-go/v2, driver name "clickhouse", on
// ClickHouse 18.16). The package imports no driver: open the *sql.DB with
// the one you use.
//
// ClickHouse differs: it has no transactions (a plan's reports are
// separate reads), custom properties live in columns of their own (no
// JSON column), booleans are UInt8, the driver splices parameters into
// the statement text escaped, and a table may be Distributed over shards
// ([CreateDistributed]); a shard that cannot be reached fails the
// statement with a [*ShardError], never a partial answer.
//
// Times are integer Unix nanoseconds by default (INTEGER in SQLite, bigint
// in PostgreSQL), which keeps every instant and every duration exact, as the
// engine computes them. PostgreSQL tables may instead hold timestamptz
// columns ([Timestamp]); they have microsecond precision, so [Insert]
// refuses finer times, and their infinity and -infinity are outside the
// supported times, which a scan refuses as it refuses any other time outside
// them, and a pushed-down report with it. An unknown time is NULL; an
// unknown string is NULL or the empty string (in SQLite, a string a writer
// stored as a blob is its text, to a scan and a pushed-down report alike);
// an unknown custom property is NULL, a missing JSON key or JSON null.
//
// # Mapping
//
// A [Mapping] points the source at an existing table: every property's
// column name (the default is the property's key, as in the JSON Lines
// format: created_at, first_response_at, …), and where custom properties
// live: their own columns, or one JSON object column (default
// "properties") with a key per property. Identifiers are always quoted
// (backticks in SQLite, double quotes in PostgreSQL, embedded quotes
// doubled; backticks with backslash escapes in ClickHouse) and checked: no
// NUL, valid UTF-8, at most 63 bytes in PostgreSQL, no ClickHouse column
// starting with "convreport_" (the statements' aliases, which ClickHouse
// would let shadow a column). Every value reaches the database as a parameter; the only
// literals in generated SQL are the package's own constants (integers,
// the empty string, 'true' and 'false').
//
// [CreateTable] and [Insert] create and fill a table in the default layout,
// for tests, imports and the command line. [Import] fills it in batches
// committed one by one, skipping the IDs the table holds already, so an
// import that failed midway is finished by running it again.
//
// # Tenants
//
// A table shared by many accounts names its tenant column
// (Mapping.Tenant). A source over it reads one tenant's rows
// ([WithTenant], or [Source.ForTenant] on a source made once) and nothing
// without one: every statement it issues (aggregates, scans, drill-down
// counts and pages) begins its WHERE clause with "tenant = ?", the
// tenant a parameter, and puts the report's own conditions in
// parentheses after it, so no OR, NOT or tautology in a filter can reach
// another tenant's rows. The tenant belongs to the source, not to the
// query: no engine path, command or handler can forget to pass it, and a
// source is cheap to derive per request. [Source.Watch] signals every
// write to the table, whichever tenant's: a run it triggers still reads
// only its own tenant. [CreateTable] keys a shared table by (tenant, ID)
// and [InsertTenant] fills it.
package sqlsource
