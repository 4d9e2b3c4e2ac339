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
)

func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case PostgreSQL:
		return "postgresql"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

func (d Dialect) valid() bool { return d == SQLite || d == PostgreSQL }

// maxParams is how many parameters one statement may carry, with a margin
// below the database's own limit (SQLite 32766, PostgreSQL 65535).
func (d Dialect) maxParams() int {
	if d == PostgreSQL {
		return 65000
	}
	return 32000
}

// quote returns name as a quoted identifier. SQLite gets backticks: unlike
// double quotes, they never fall back to a string literal when no column
// has the name, so a wrong mapping is an error, not a constant.
func (d Dialect) quote(name string) string {
	q := `"`
	if d == SQLite {
		q = "`"
	}
	return q + strings.ReplaceAll(name, q, q+q) + q
}

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
}

func (q *sqlBuf) w(parts ...string) {
	for _, p := range parts {
		q.b.WriteString(p)
	}
}

// param writes a placeholder for v. In PostgreSQL it carries an explicit
// cast to pgType, so a parameter's type never depends on where it stands.
func (q *sqlBuf) param(v any, pgType string) {
	q.args = append(q.args, v)
	if q.d == PostgreSQL {
		q.w("$", strconv.Itoa(len(q.args)), "::", pgType)
		return
	}
	q.w("?")
}

func (q *sqlBuf) ident(name string) { q.w(q.d.quote(name)) }

func (q *sqlBuf) int(n int64) { q.w(strconv.FormatInt(n, 10)) }

func (q *sqlBuf) String() string { return q.b.String() }
