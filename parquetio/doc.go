// Package parquetio reads and writes conversations as Apache Parquet
// files, for data too big to load from JSON Lines or CSV every time, and
// for other tools (DuckDB, Spark, pandas) to read.
//
// It lives apart from package ingest so that a program importing only
// convreport, memory or ingest does not inherit the Parquet library
// (github.com/parquet-go/parquet-go) and what it depends on.
//
// # The file
//
// One column a field, named as the JSON Lines keys of package ingest:
//
//	id, channel, inbox, assignee, team, status, closed_by,
//	origin_url, chatflow, source, contact_id, subject   optional UTF-8 strings (null: unknown)
//	created_at, first_assigned_at,
//	first_response_at, closed_at                        optional TIMESTAMP(NANOS), adjusted to UTC
//	incoming_messages, outgoing_messages                required INT64
//
// and a group "properties" holding a column for each custom property of
// the schema: strings and enums as UTF-8 strings, numbers as DOUBLE, bools
// as BOOLEAN, times as TIMESTAMP(NANOS), durations as INT64 nanoseconds;
// null when a conversation has no value. The file's key-value metadata
// "convreport.schema" declares the custom properties (name, kind, enum
// values) as JSON, which [FileSchema] reads back. Values that repeat
// (channel, inbox, assignee, subject, enums…) are dictionary-encoded;
// the creation times and the message counts are DELTA_BINARY_PACKED (each
// value as its difference from the one before, in as few bits as a block
// needs), and each other time column too unless its first values show it
// packs much smaller PLAIN (rows that lie close in time); pages hold
// about a megabyte before they are compressed with zstd; row groups hold
// 262,144 rows.
//
// [Read] and [Load] take any encoding and compression the format defines,
// and the types other writers give the same values: times in
// milliseconds or microseconds (made nanoseconds), counts as 32-bit or
// unsigned integers and custom numbers as FLOATs, integers or DECIMALs
// (each the nearest float64, as a JSON number's digits), as DuckDB,
// pandas and Spark write them. A time must be a TIMESTAMP adjusted to
// UTC: one without a zone (pandas' naive times) or an INT96 (Spark's
// default, UTC or local by the writer's settings) holds no instant, and
// the file is refused, naming the column, as a JSON Lines time without
// an offset is.
// Such a file carries no declaration of its custom properties: [FileSchema]
// types them by their columns, or [ingest.Options.Schema] declares them.
//
// What [Write] writes, [Read] reads back equal, field for field: strings,
// counts, custom property values, and times to the nanosecond. Times come
// back in UTC: Parquet keeps the instant, not the offset it was written
// in.
//
// [Read] checks every row as package ingest checks a line (the schema's
// Validate, IDs unique): a bad row is a *[RowError] naming the row; a file
// that is not one of conversations (a required column missing, a column
// of another type, an unknown column) is a *[FileError].
//
// [Load] reads a file into a memory source column by column, without a
// Conversation per row; it gives what Read then memory.New give, and
// reads row by row where it must (an invalid row, a repeated ID, a damaged
// file) so that every error is Read's.
//
// [All] yields a file's conversations a row group at a time, for a file
// larger than memory: Read's rows and errors, but repeated IDs, which need
// every ID at once, are its caller's to find.
//
// [Write] takes the conversations a block at a time and writes a block's
// columns on every core; the file it writes does not depend on how many.
package parquetio
