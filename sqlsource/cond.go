package sqlsource

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/convreport/convreport"
)

// decline returns an error wrapping [convreport.ErrUnsupported]: the engine
// scans instead.
func decline(format string, args ...any) error {
	return fmt.Errorf("sqlsource: cannot push down: %s: %w", fmt.Sprintf(format, args...), convreport.ErrUnsupported)
}

// columnOf returns where a stored property lives, checked against the
// source's schema: a property the schema does not have, or has with
// another kind, never reaches SQL.
func (l *layout) columnOf(p convreport.Property) (*column, error) {
	c := l.col(p.Name)
	if c == nil || c.prop.Kind != p.Kind {
		return nil, fmt.Errorf("sqlsource: property %q (%s) is not in the source's schema", p.Name, p.Kind)
	}
	return c, nil
}

// value writes the canonical value of property p: NULL when unknown (a
// string may also be empty), times and durations as integer nanoseconds,
// numbers as floating point, bools as 0/1 (SQLite, ClickHouse) or boolean.
func (q *sqlBuf) value(l *layout, p convreport.Property) error {
	if p.Derived {
		return q.derived(l, p.Name)
	}
	c, err := l.columnOf(p)
	if err != nil {
		return err
	}
	if p.Kind == convreport.KindString || p.Kind == convreport.KindEnum {
		// Strings compare and group byte for byte, as in Go, whatever
		// collation the column was declared with (NOCASE, ICU…).
		q.w("(")
		defer q.w(collateBytes[q.d], ")")
	}
	if c.key == "" && !p.Custom && (p.Name == "Channel" || p.Name == "Status") && !q.storedZero {
		// Their zero values, stored as they are in Go (NULL or '', in a
		// table not filled by Insert), mean what they mean in Go, as a
		// scan reads them: other, and closed when the conversation has
		// a close, else open.
		q.w("COALESCE(NULLIF(")
		q.text(c.name)
		q.w(", ''), ")
		if p.Name == "Channel" {
			q.w("'", string(convreport.Other), "'")
		} else {
			q.w("CASE WHEN ")
			if err := q.notNull(l, l.col("ClosedAt").prop); err != nil {
				return err
			}
			q.w(" THEN '", string(convreport.Closed), "' ELSE '", string(convreport.Open), "' END")
		}
		q.w(")")
		return nil
	}
	if c.key == "" && c.field != nil && isCount(p) {
		// A message count is never unknown: a NULL in a table not filled
		// by Insert is 0, as a scan reads it.
		fn := "COALESCE("
		if q.d == ClickHouse {
			fn = "ifNull("
		}
		q.w(fn, q.d.quote(c.name), ", 0)")
		return nil
	}
	if c.key == "" {
		if p.Kind == convreport.KindTime && l.times == Timestamp {
			// EXTRACT(EPOCH …) is an exact numeric of microseconds.
			q.w("(EXTRACT(EPOCH FROM ", q.d.quote(c.name), ") * 1000000000)::bigint")
			return nil
		}
		if q.castColumn(c, p) {
			as := " AS TEXT)"
			if p.Kind == convreport.KindNumber {
				as = " AS REAL)"
			}
			q.w("CAST(", q.d.quote(c.name), as)
			return nil
		}
		if p.Kind == convreport.KindString || p.Kind == convreport.KindEnum {
			q.text(c.name)
			return nil
		}
		q.ident(c.name)
		return nil
	}
	// A value of another JSON type than the property's kind is unknown,
	// as a scan reads it (see fromJSON): a number for a string property,
	// a string "9" for a number, 1.5 for a time. Times and durations are
	// integers of int64 nanoseconds, written without a fraction or an
	// exponent.
	if q.d == SQLite {
		// json_extract gives SQL values: text, integer, real, 1/0 for
		// true/false; json_type tells which JSON value it was.
		path := `$."` + c.key + `"`
		// An empty column holds no properties, as a scan reads it; the
		// JSON functions would fail on it. Other text that is not JSON
		// fails the statement, and the probe then finds the row (see
		// invalidBehind).
		j := "NULLIF(" + q.d.quote(c.name) + ", '')"
		var types string
		switch p.Kind {
		case convreport.KindString, convreport.KindEnum:
			types = "'text'"
		case convreport.KindNumber:
			types = "'integer', 'real'"
		case convreport.KindBool:
			types = "'true', 'false'"
		case convreport.KindTime, convreport.KindDuration:
			types = "'integer'"
		}
		q.w("(CASE WHEN json_type(", j, ", ")
		q.param(path, "text")
		q.w(") IN (", types, ")")
		if p.Kind == convreport.KindTime || p.Kind == convreport.KindDuration {
			// A JSON integer beyond int64 is extracted as a real.
			q.w(" AND typeof(json_extract(", j, ", ")
			q.param(path, "text")
			q.w(")) = 'integer'")
		}
		if p.Kind == convreport.KindTime || p.Kind == convreport.KindDuration {
			// int64's first nanosecond is the engine's unknown: no
			// instant, no duration.
			q.w(" AND json_extract(", j, ", ")
			q.param(path, "text")
			q.w(") >= -9223372036854775807")
		}
		if p.Kind == convreport.KindNumber {
			// A scan reads a number as a float64: one beyond it is
			// unknown (SQLite reads it as infinity), and an integer
			// beyond 2^53 rounds, as a cast to REAL rounds it.
			q.w(" AND abs(json_extract(", j, ", ")
			q.param(path, "text")
			q.w(")) <= 1.7976931348623157e308 THEN CAST(json_extract(", j, ", ")
			q.param(path, "text")
			q.w(") AS REAL) END)")
			return nil
		}
		q.w(" THEN json_extract(", j, ", ")
		q.param(path, "text")
		q.w(") END)")
		return nil
	}
	var jsonType, cast string
	switch p.Kind {
	case convreport.KindString, convreport.KindEnum:
		jsonType = "string"
	case convreport.KindNumber:
		jsonType, cast = "number", "float8"
	case convreport.KindBool:
		jsonType, cast = "boolean", "boolean"
	case convreport.KindTime, convreport.KindDuration:
		jsonType, cast = "number", "bigint"
	}
	col := q.d.quote(c.name)
	// A json column is read as written, as a scan reads it: a cast to
	// jsonb would rewrite 1e3 as 1000 (an integer a time takes, where
	// the scan finds none) and fail on a \u0000 escape in another key.
	typeOf := "jsonb_typeof("
	if l.jsonCast {
		typeOf = "json_typeof("
	}
	text := func() {
		q.w("(", col, " ->> ")
		q.param(c.key, "text")
		q.w(")")
	}
	// Checked before any cast: a value of another JSON type is unknown
	// rather than a failed cast.
	q.w("(CASE WHEN ", typeOf, col, " -> ")
	q.param(c.key, "text")
	q.w(") = ")
	q.param(jsonType, "text")
	q.w(" THEN ")
	if cast == "bigint" {
		// jsonb writes a number in digits, an exponent expanded and a
		// fraction kept (1.0): an integer is digits alone, and must be
		// in int64's range.
		q.w("(CASE WHEN ")
		text()
		q.w(" ~ '^-?[0-9]+$' AND ")
		text()
		// int64's first nanosecond is the engine's unknown: no instant,
		// no duration.
		q.w("::numeric BETWEEN -9223372036854775807 AND 9223372036854775807 THEN ")
		text()
		q.w("::bigint END)")
	} else {
		text()
		if cast != "" {
			q.w("::", cast)
		}
	}
	q.w(" END)")
	return nil
}

// derived writes a derived duration in nanoseconds, NULL when it does not
// apply: the same definitions as [convreport.Conversation]'s methods.
func (q *sqlBuf) derived(l *layout, name string) error {
	var parts []string // property names and SQL text, in order
	switch name {
	case "FirstResponseTime":
		// The rep's clock starts at an assignment strictly before the reply,
		// else at creation; a NULL assignment compares as unknown, so ELSE.
		parts = []string{"(", "FirstResponseAt", " - (CASE WHEN ", "FirstAssignedAt", " < ", "FirstResponseAt",
			" THEN ", "FirstAssignedAt", " ELSE ", "CreatedAt", " END))"}
	case "WaitTime":
		parts = []string{"(", "FirstResponseAt", " - ", "CreatedAt", ")"}
	case "TimeToClose":
		parts = []string{"(", "ClosedAt", " - ", "CreatedAt", ")"}
	default:
		return fmt.Errorf("sqlsource: unknown derived property %q", name)
	}
	for i, part := range parts {
		if i%2 == 0 {
			q.w(part)
			continue
		}
		p, _ := convreport.DefaultSchema().Lookup(part)
		if err := q.value(l, p); err != nil {
			return err
		}
	}
	return nil
}

// metric writes the measure's duration in nanoseconds (NULL when it does
// not apply).
func (q *sqlBuf) metric(l *layout, m convreport.Metric) error {
	switch m {
	case convreport.FirstResponseTime:
		return q.derived(l, "FirstResponseTime")
	case convreport.WaitTime:
		return q.derived(l, "WaitTime")
	case convreport.TimeToClose:
		return q.derived(l, "TimeToClose")
	}
	return fmt.Errorf("sqlsource: unknown metric %q", m)
}

// castColumn reports whether value writes p as its own column c cast,
// which is NULL exactly when the column is: SQLite's strings as TEXT (see
// text), and its numbers other than counts as REAL. A scan reads a
// number as a float64; a column without REAL affinity keeps integers,
// which SQLite compares exactly: one beyond 2^53 must round first, as
// the cast rounds it.
func (q *sqlBuf) castColumn(c *column, p convreport.Property) bool {
	if q.d != SQLite || c == nil || c.key != "" || p.Derived {
		return false
	}
	if !p.Custom && (p.Name == "Channel" || p.Name == "Status") && !q.storedZero {
		return false // never NULL: an unknown value means other, or open or closed
	}
	switch p.Kind {
	case convreport.KindString, convreport.KindEnum:
		return true
	case convreport.KindNumber:
		return !(c.field != nil && isCount(p))
	}
	return false
}

// text writes string column c as text. A SQLite column keeps what each
// writer gave it: a blob (a driver's []byte), or an integer in a column
// without text affinity, which every statement compares apart from text
// and groups apart from it, where a scan reads the same string: CAST
// makes it that string. (A real there can still differ: a scan reads
// 100.0 as "100", CAST as '100.0'.) In PostgreSQL a column of an enum
// type, or another that takes no collation, compares as text.
func (q *sqlBuf) text(c string) {
	switch q.d {
	case SQLite:
		q.w("CAST(")
		q.ident(c)
		q.w(" AS TEXT)")
	case PostgreSQL:
		q.ident(c)
		q.w("::text")
	default:
		q.ident(c)
	}
}

var collateBytes = map[Dialect]string{SQLite: " COLLATE BINARY", PostgreSQL: ` COLLATE "C"`}

// The int64 nanosecond range of time.Time.UnixNano.
var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// nanos converts a time to Unix nanoseconds, or declines one outside the
// range an int64 holds.
func nanos(t time.Time) (int64, error) {
	if t.Before(minNanoTime) || t.After(maxNanoTime) {
		return 0, decline("time %s is outside the range of int64 nanoseconds", t.Format(time.RFC3339Nano))
	}
	return t.UnixNano(), nil
}

// sqlValue converts a condition value of property p to its canonical SQL
// parameter and the PostgreSQL type of that parameter.
func (q *sqlBuf) sqlValue(p convreport.Property, v any) (any, string, error) {
	bad := func() (any, string, error) {
		return nil, "", fmt.Errorf("sqlsource: condition on %s (%s): value of type %T", p.Name, p.Kind, v)
	}
	switch p.Kind {
	case convreport.KindString, convreport.KindEnum:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		if q.d == PostgreSQL && !okText(s) {
			return nil, "", decline("PostgreSQL text cannot hold %q (NUL or invalid UTF-8)", s)
		}
		return s, "text", nil
	case convreport.KindNumber:
		f, ok := v.(float64)
		if !ok {
			return bad()
		}
		if math.IsNaN(f) {
			return nil, "", decline("a NaN comparison on %s", p.Name)
		}
		if q.d == ClickHouse && f != 0 && math.Abs(f) < 0x1p-1022 {
			// The driver writes it into the statement, and ClickHouse 18
			// cannot parse a subnormal number.
			return nil, "", decline("ClickHouse cannot read the subnormal number %v (compared with %s)", f, p.Name)
		}
		return f, "float8", nil
	case convreport.KindBool:
		b, ok := v.(bool)
		if !ok {
			return bad()
		}
		if q.d != PostgreSQL { // SQLite and ClickHouse store 1/0
			if b {
				return int64(1), "", nil
			}
			return int64(0), "", nil
		}
		return b, "boolean", nil
	case convreport.KindTime:
		t, ok := v.(time.Time)
		if !ok {
			return bad()
		}
		n, err := nanos(t)
		return n, "bigint", err
	case convreport.KindDuration:
		d, ok := v.(time.Duration)
		if !ok {
			return bad()
		}
		return int64(d), "bigint", nil
	}
	return bad()
}

// cond writes c as a boolean expression that is never NULL, so NOT and OR
// keep the documented semantics: a comparison on an unknown value is
// false, except ne and not_in, which are true.
func (q *sqlBuf) cond(l *layout, c convreport.Cond) error {
	switch c.Op {
	case convreport.CondTrue:
		q.w("(1 = 1)")
		return nil
	case convreport.CondFalse:
		q.w("(1 = 0)")
		return nil
	case convreport.CondAnd, convreport.CondOr:
		if len(c.Kids) == 0 {
			if c.Op == convreport.CondAnd {
				q.w("(1 = 1)")
			} else {
				q.w("(1 = 0)")
			}
			return nil
		}
		sep := " AND "
		if c.Op == convreport.CondOr {
			sep = " OR "
		}
		q.w("(")
		for i, k := range c.Kids {
			if i > 0 {
				q.w(sep)
			}
			if err := q.cond(l, k); err != nil {
				return err
			}
		}
		q.w(")")
		return nil
	case convreport.CondNot:
		if len(c.Kids) != 1 {
			return fmt.Errorf("sqlsource: a not condition has %d operands", len(c.Kids))
		}
		q.w("(NOT ")
		if err := q.cond(l, c.Kids[0]); err != nil {
			return err
		}
		q.w(")")
		return nil
	case convreport.CondExpr:
		return decline("the filter part %q has no SQL equivalent", c.Expr)
	case convreport.CondNe, convreport.CondNotIn:
		// Exactly the negation of eq / in, which are false on unknown.
		op := convreport.CondEq
		if c.Op == convreport.CondNotIn {
			op = convreport.CondIn
		}
		q.w("(NOT ")
		if err := q.cond(l, convreport.Cond{Op: op, Property: c.Property, Values: c.Values}); err != nil {
			return err
		}
		q.w(")")
		return nil
	}
	p := c.Property
	if q.d == ClickHouse && c.Op != convreport.CondKnown && c.Op != convreport.CondUnknown {
		// 18.16 makes 0 AND NULL NULL, and NOT NULL is NULL: a leaf on
		// an unknown value is made false here (known does it itself), so
		// NOT and OR above it keep the documented semantics.
		q.w("ifNull(")
		defer q.w(", 0)")
	}
	str := p.Kind == convreport.KindString || p.Kind == convreport.KindEnum
	need := map[convreport.CondOp]int{
		convreport.CondEq: 1, convreport.CondLt: 1, convreport.CondLe: 1, convreport.CondGt: 1, convreport.CondGe: 1,
		convreport.CondRange: 2, convreport.CondContains: 1, convreport.CondPrefix: 1, convreport.CondSuffix: 1,
		convreport.CondKnown: 0, convreport.CondUnknown: 0,
	}
	if n, ok := need[c.Op]; ok && len(c.Values) != n {
		return fmt.Errorf("sqlsource: %s condition on %s has %d values, want %d", c.Op, p.Name, len(c.Values), n)
	}
	switch c.Op {
	case convreport.CondKnown, convreport.CondUnknown:
		if c.Op == convreport.CondUnknown {
			q.w("(NOT ")
		}
		if err := q.known(l, p); err != nil {
			return err
		}
		if c.Op == convreport.CondUnknown {
			q.w(")")
		}
		return nil
	case convreport.CondEq, convreport.CondIn:
		vals := c.Values
		if str {
			// No known string is empty: "" matches nothing.
			vals = nil
			for _, v := range c.Values {
				if s, ok := v.(string); !ok || s != "" {
					vals = append(vals, v)
				}
			}
		}
		if len(vals) == 0 {
			q.w("(1 = 0)")
			return nil
		}
		if p.Name == "Channel" && !p.Custom && !slices.Contains(vals, any(string(convreport.Other))) {
			// Neither '' nor NULL equals a channel but other: the column
			// itself is compared, as fast as any string column, not the
			// expression that reads its zero value as other (see value).
			q.storedZero = true
			defer func() { q.storedZero = false }()
		}
		return q.inList(l, p, vals)
	case convreport.CondLt, convreport.CondLe, convreport.CondGt, convreport.CondGe, convreport.CondRange:
		switch p.Kind {
		case convreport.KindNumber, convreport.KindTime, convreport.KindDuration:
		default:
			return decline("an order comparison on %s property %s", p.Kind, p.Name)
		}
		ops := map[convreport.CondOp]string{convreport.CondLt: " < ", convreport.CondLe: " <= ", convreport.CondGt: " > ", convreport.CondGe: " >= ", convreport.CondRange: " >= "}
		q.w("(")
		if err := q.notNull(l, p); err != nil {
			return err
		}
		q.w(" AND ")
		if err := q.compare(l, p, ops[c.Op], c.Values[0]); err != nil {
			return err
		}
		if c.Op == convreport.CondRange {
			q.w(" AND ")
			if err := q.compare(l, p, " < ", c.Values[1]); err != nil {
				return err
			}
		}
		q.w(")")
		return nil
	case convreport.CondContains, convreport.CondPrefix, convreport.CondSuffix:
		if !str {
			return decline("a string operator on %s property %s", p.Kind, p.Name)
		}
		s, ok := c.Values[0].(string)
		if !ok {
			return fmt.Errorf("sqlsource: %s condition on %s: value of type %T", c.Op, p.Name, c.Values[0])
		}
		if s == "" {
			// Every known string contains the empty string.
			return q.known(l, p)
		}
		if _, _, err := q.sqlValue(p, s); err != nil {
			return err
		}
		q.w("(")
		if err := q.known(l, p); err != nil {
			return err
		}
		q.w(" AND ")
		err := q.stringOp(l, p, c.Op, s)
		q.w(")")
		return err
	}
	return decline("unknown condition operator %q", c.Op)
}

// notNull writes "V IS NOT NULL".
func (q *sqlBuf) notNull(l *layout, p convreport.Property) error {
	c := l.col(p.Name)
	// A float column may hold NaN, which the engine holds as an unknown
	// number, as a scan reads it; PostgreSQL would order it above every
	// number, and ClickHouse tell it from NULL. (SQLite stores NaN as
	// NULL.) Every comparison of a value is made with it known, and the
	// column itself is compared, which an index serves.
	also := "" // the rest of the condition
	if c != nil && c.key == "" && p.Custom && p.Kind == convreport.KindNumber {
		switch q.d {
		case ClickHouse:
			also = " AND NOT isNaN(" + q.d.quote(c.name) + ")"
		case PostgreSQL:
			if c.nan != "" {
				also = " AND " + q.d.quote(c.name) + c.nan
			}
		}
	}
	if c != nil && c.key == "" && p.Custom && p.Kind == convreport.KindDuration {
		// int64's first nanosecond is the engine's unknown duration.
		also = " AND " + q.d.quote(c.name) + " >= -9223372036854775807"
	}
	if also != "" {
		q.w("(")
	}
	if q.castColumn(c, p) {
		// The cast is NULL exactly when the column is: a row's value is
		// cast once, where it is compared, not here too.
		q.ident(c.name)
	} else if err := q.value(l, p); err != nil {
		return err
	}
	q.w(" IS NOT NULL")
	if also != "" {
		q.w(also, ")")
	}
	return nil
}

// known writes whether p's value is known.
func (q *sqlBuf) known(l *layout, p convreport.Property) error {
	if q.d == ClickHouse {
		// Never NULL, also in 18.16 (see cond).
		q.w("ifNull(")
		defer q.w(", 0)")
	}
	q.w("(")
	if err := q.notNull(l, p); err != nil {
		return err
	}
	if p.Kind == convreport.KindString || p.Kind == convreport.KindEnum {
		q.w(" AND ")
		if err := q.value(l, p); err != nil {
			return err
		}
		q.w(" <> ''")
	}
	q.w(")")
	return nil
}

// compare writes "V op v".
func (q *sqlBuf) compare(l *layout, p convreport.Property, op string, v any) error {
	x, typ, err := q.sqlValue(p, v)
	if err != nil {
		return err
	}
	if err := q.value(l, p); err != nil {
		return err
	}
	q.w(op)
	q.param(x, typ)
	return nil
}

// inList writes "(V IS NOT NULL AND V IN (vals))".
func (q *sqlBuf) inList(l *layout, p convreport.Property, vals []any) error {
	q.w("(")
	if err := q.notNull(l, p); err != nil {
		return err
	}
	q.w(" AND ")
	if len(vals) == 1 {
		if err := q.compare(l, p, " = ", vals[0]); err != nil {
			return err
		}
		q.w(")")
		return nil
	}
	xs := make([]any, len(vals))
	var typ string
	for i, v := range vals {
		x, t, err := q.sqlValue(p, v)
		if err != nil {
			return err
		}
		xs[i], typ = x, t
	}
	// ClickHouse's IN finds values by their bits, and -0's are not 0's:
	// -0 + 0 is 0.
	zero := q.d == ClickHouse && p.Kind == convreport.KindNumber
	if zero {
		q.w("(")
	}
	if err := q.value(l, p); err != nil {
		return err
	}
	if zero {
		q.w(" + 0)")
	}
	if q.d == PostgreSQL {
		// One array parameter, whatever the length of the list.
		q.w(" = ANY(")
		q.param(pgArray(xs), typ+"[]")
		q.w("))")
		return nil
	}
	q.w(" IN (")
	for i, x := range xs {
		if i > 0 {
			q.w(", ")
		}
		q.param(x, "")
	}
	q.w("))")
	return nil
}

// pgArray turns parameters of one type into a typed slice for an array
// parameter.
func pgArray(xs []any) any {
	switch xs[0].(type) {
	case string:
		return typed[string](xs)
	case float64:
		return typed[float64](xs)
	case int64:
		return typed[int64](xs)
	case bool:
		return typed[bool](xs)
	}
	return xs
}

func typed[T any](xs []any) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = x.(T)
	}
	return out
}

// stringOp writes a byte-wise, case-sensitive contains / prefix / suffix
// test of a known string against a non-empty s.
func (q *sqlBuf) stringOp(l *layout, p convreport.Property, op convreport.CondOp, s string) error {
	if q.d == SQLite {
		// As blobs, instr and substr count bytes and ignore NULs, and
		// comparison is memcmp: exactly Go's strings functions.
		q.w("(")
		switch op {
		case convreport.CondContains:
			q.w("instr(CAST(")
			if err := q.value(l, p); err != nil {
				return err
			}
			q.w(" AS BLOB), ")
			q.param([]byte(s), "")
			q.w(") > 0")
		case convreport.CondPrefix, convreport.CondSuffix:
			q.w("substr(CAST(")
			if err := q.value(l, p); err != nil {
				return err
			}
			q.w(" AS BLOB), ")
			if op == convreport.CondPrefix {
				q.w("1, ")
				q.param(int64(len(s)), "")
			} else {
				q.param(-int64(len(s)), "")
			}
			q.w(") = ")
			q.param([]byte(s), "")
		}
		q.w(")")
		return nil
	}
	if q.d == ClickHouse {
		// ClickHouse strings are bytes: position, startsWith and endsWith
		// compare them as Go does.
		fn := map[convreport.CondOp]string{convreport.CondContains: "position(", convreport.CondPrefix: "startsWith(", convreport.CondSuffix: "endsWith("}[op]
		q.w("(", fn)
		if err := q.value(l, p); err != nil {
			return err
		}
		q.w(", ")
		q.param(s, "text")
		q.w(")")
		if op == convreport.CondContains {
			q.w(" > 0")
		}
		q.w(")")
		return nil
	}
	// PostgreSQL text is valid UTF-8 without NUL, where characters and
	// bytes agree; = on text is byte equality under a deterministic
	// collation.
	q.w("(")
	switch op {
	case convreport.CondContains:
		q.w("strpos(")
		if err := q.value(l, p); err != nil {
			return err
		}
		q.w(", ")
		q.param(s, "text")
		q.w(") > 0")
	case convreport.CondPrefix, convreport.CondSuffix:
		fn := "left("
		if op == convreport.CondSuffix {
			fn = "right("
		}
		q.w(fn)
		if err := q.value(l, p); err != nil {
			return err
		}
		q.w(", ")
		q.param(int64(len([]rune(s))), "integer")
		q.w(") = ")
		q.param(s, "text")
	}
	q.w(")")
	return nil
}
