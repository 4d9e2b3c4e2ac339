package sqlsource

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Dialect is the SQL spoken by the database behind a [Source].
type Dialect int

// The dialects.
const (
	// SQLite 3.30 or later, as embedded by modernc.org/sqlite.
	SQLite Dialect = iota + 1
	// PostgreSQL 14 or later, for example through
	// github.com/jackc/pgx/v5/stdlib.
	PostgreSQL
	// ClickHouse through github.com/ClickHouse/clickhouse-go/v2 (its
	// database/sql driver "clickhouse"), on a MergeTree table or a
	// Distributed table over shards. Tested with 18.16 (Debian's
	// clickhouse-server); the SQL avoids what later releases removed or
	// changed, and what 18.16 lacks (window functions, JSON functions).
	ClickHouse
)

func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case PostgreSQL:
		return "postgresql"
	case ClickHouse:
		return "clickhouse"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

func (d Dialect) valid() bool { return d == SQLite || d == PostgreSQL || d == ClickHouse }

// maxParams is how many parameters one statement may carry, with a margin
// below the database's own limit (SQLite 32766, PostgreSQL 65535).
// ClickHouse's driver splices parameters into the text client-side: there
// the limit is the size of the statement ([maxClickHouseQuery]).
func (d Dialect) maxParams() int {
	switch d {
	case PostgreSQL:
		return 65000
	case ClickHouse:
		return 1 << 30
	}
	return 32000
}

// maxClickHouseQuery is a statement's largest size, parameters spliced
// in, with a margin below ClickHouse's default max_query_size (256 KiB).
const maxClickHouseQuery = 250_000

// quote returns name as a quoted identifier. SQLite gets backticks: unlike
// double quotes, they never fall back to a string literal when no column
// has the name, so a wrong mapping is an error, not a constant. ClickHouse
// gets backticks with backslash escapes, which every release reads alike.
func (d Dialect) quote(name string) string {
	if d == ClickHouse {
		return "`" + clickHouseIdentEscapes.Replace(name) + "`"
	}
	q := `"`
	if d == SQLite {
		q = "`"
	}
	return q + strings.ReplaceAll(name, q, q+q) + q
}

// clickHouseIdentEscapes escapes a ClickHouse identifier between
// backticks; made once, as quote runs for every name of every statement.
var clickHouseIdentEscapes = strings.NewReplacer(`\`, `\\`, "`", "\\`")

// checkIdent reports why name cannot be an identifier, or nil.
func (d Dialect) checkIdent(name string) error {
	switch {
	case name == "":
		return errors.New("is empty")
	case strings.IndexByte(name, 0) >= 0:
		return errors.New("contains a NUL byte")
	case !utf8.ValidString(name):
		return errors.New("is not valid UTF-8")
	case d == PostgreSQL && len(name) > 63:
		// PostgreSQL would silently truncate it to another name.
		return fmt.Errorf("is %d bytes long; PostgreSQL identifiers hold at most 63", len(name))
	}
	return nil
}

// okText reports whether PostgreSQL can hold s in a text value.
func okText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// sqlBuf accumulates a statement and its parameters.
type sqlBuf struct {
	d    Dialect
	b    strings.Builder
	args []any
	// storedZero, while set, has value write Channel's and Status's
	// columns as they are, where the condition being written cannot tell
	// their stored zero values from what those mean.
	storedZero bool
}

func (q *sqlBuf) w(parts ...string) {
	for _, p := range parts {
		q.b.WriteString(p)
	}
}

// param writes a placeholder for v. In PostgreSQL it carries an explicit
// cast to pgType, so a parameter's type never depends on where it stands;
// in ClickHouse an integer is made Int64 (a literal of 2^62 would otherwise
// be a UInt64, and mixed signed and unsigned arithmetic differs between
// releases).
func (q *sqlBuf) param(v any, pgType string) {
	q.args = append(q.args, v)
	switch {
	case q.d == PostgreSQL:
		q.w("$", strconv.Itoa(len(q.args)), "::", pgType)
	case q.d == ClickHouse && (pgType == "bigint" || pgType == "integer"):
		q.w("toInt64(?)")
	default:
		q.w("?")
	}
}

// aliasPrefix starts the aliases of the package's statements; no mapped
// ClickHouse column may start with it (see newLayout).
const aliasPrefix = "convreport_"

// size estimates the statement's length once ClickHouse's driver has
// spliced its parameters in: strings at most doubled by escapes.
func (q *sqlBuf) size() int {
	n := q.b.Len()
	for _, a := range q.args {
		switch v := a.(type) {
		case string:
			n += 2*len(v) + 2
		case []byte:
			n += 2*len(v) + 2
		default:
			n += 40
		}
	}
	return n
}

func (q *sqlBuf) ident(name string) { q.w(q.d.quote(name)) }

func (q *sqlBuf) int(n int64) { q.w(strconv.FormatInt(n, 10)) }

func (q *sqlBuf) String() string { return q.b.String() }
