package sqlsource

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/convreport/convreport"
)

// A table that convreport does not fill itself can hold rows that are not
// conversations: a closed one without a close time, a negative or
// fractional message count, a reply before the creation. A scan refuses
// such a row, naming it; a pushed-down report would count it as it is and
// answer with numbers the same table scanned never gives. So after a
// plan's reports, in their transaction, a probe looks for rows that might
// break a rule, within the creation times the engine's scan would read.
// Its WHERE clause is cheap and wider than the rules (a row created
// before 1970 with a later reply, say, is read back): each row it finds
// is decoded and validated as a scan would, and the first that fails
// declines the plan, so that the engine scans and refuses it in the
// scan's own words. A table whose CHECK constraint keeps the rules (see
// rowRules) is not probed.

// probes counts probeInvalid's reads, for tests.
var probes atomic.Int64

// probeInvalid returns the decline for a plan whose creation times, from
// to to (zero is open), hold a row a scan would refuse, or nil when none
// does. It reads nothing when the table's constraints keep every rule
// (kept).
func (s *Source) probeInvalid(ctx context.Context, db querier, from, to time.Time, kept keptRules) error {
	q, cols := s.selectRows()
	if err := s.where(q, from, to); err != nil {
		return err
	}
	o := &orWriter{q: q}
	q.w("(")
	if !kept.builtin {
		s.mayBeInvalid(o)
	}
	s.customMayBeInvalid(o, kept)
	q.w(")")
	if !o.any {
		return nil
	}
	probes.Add(1)
	if s.d == ClickHouse {
		q.w(clickHouseSettings)
	}
	rows, err := db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		if derr := s.untranslatable(err); derr != nil {
			return derr
		}
		return err
	}
	defer rows.Close()
	dec := newDecoder(s, cols)
	refuse := func(err error) error {
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "sqlsource: "), "convreport: ")
		return decline("a row the engine's scan would read is not a conversation, and the scan refuses it (%s)", msg)
	}
	for rows.Next() {
		c := &convreport.Conversation{}
		if err := dec.scanRow(rows); err != nil {
			return refuse(err)
		}
		if err := dec.decode(c); err != nil {
			return refuse(err)
		}
		// The schema's rules too, as the engine checks each row a scan
		// gives it: an enum's value one of its values.
		if err := s.schema.Validate(c); err != nil {
			return refuse(err)
		}
	}
	if err := rows.Err(); err != nil {
		if derr := s.untranslatable(err); derr != nil {
			return derr
		}
		return err
	}
	return nil
}

// orWriter writes alternatives joined by OR, each in parentheses.
type orWriter struct {
	q   *sqlBuf
	any bool // an alternative was written
}

// start opens one more alternative, which its caller closes.
func (o *orWriter) start(parts ...string) {
	if o.any {
		o.q.w(" OR ")
	}
	o.q.w("(")
	o.q.w(parts...)
	o.any = true
}

// cond writes a whole alternative.
func (o *orWriter) cond(parts ...string) {
	o.start(parts...)
	o.q.w(")")
}

// mayBeInvalid writes alternatives true of every row that breaks a rule
// of [convreport.Conversation.Validate] or that a scan cannot decode into
// a conversation's built-in fields, and of few others.
func (s *Source) mayBeInvalid(o *orWriter) {
	q := o.q
	col := func(name string) string {
		if c := s.l.col(name); c != nil && c.key == "" {
			return q.d.quote(c.name)
		}
		return ""
	}
	start, cond := o.start, o.cond
	// typed says a SQLite value is not of the storage class the scan
	// reads: text in an INTEGER column, say, which SQLite keeps when it
	// does not look like a number.
	typed := func(c, class string) {
		if s.d == SQLite {
			cond("typeof(", c, ") NOT IN ('", class, "', 'null')")
		}
	}
	if id := col("ID"); id != "" {
		cond(id, " IS NULL OR ", id, " = ''")
	}
	if ch := col("Channel"); ch != "" {
		cond(ch, " IS NOT NULL AND ", ch, " NOT IN (", channelList(), ")")
	}
	st := col("Status")
	if st != "" {
		cond(st, " IS NOT NULL AND ", st, " NOT IN ('', '", string(convreport.Open), "', '", string(convreport.Closed), "')")
	}
	created := col("CreatedAt")
	if created == "" {
		return
	}
	cond(created, " IS NULL")
	typed(created, "integer")
	epoch := func() {
		if s.l.times == Timestamp {
			q.param(time.Unix(0, 0).UTC(), "timestamptz")
		} else {
			q.w("0")
		}
	}
	outside := func(c string) {
		// Only timestamptz holds times beyond int64 nanoseconds.
		if s.l.times == Timestamp {
			s.outsideNanos(o, c)
		}
	}
	outside(created)
	if s.l.times != Timestamp {
		// int64's first nanosecond is before the first supported one.
		cond(created, " < -9223372036854775807")
	}
	for _, name := range []string{"FirstAssignedAt", "FirstResponseAt", "ClosedAt"} {
		t := col(name)
		if t == "" {
			continue
		}
		typed(t, "integer")
		outside(t)
		// Before the creation, or possibly more than 292 years after it,
		// which only a creation before 1970 leaves room for in int64
		// nanoseconds.
		start(t, " < ", created, " OR (", created, " < ")
		epoch()
		q.w(" AND ", t, " >= ")
		epoch()
		q.w("))")
		if name == "ClosedAt" && st != "" {
			cond(st, " = '", string(convreport.Open), "' AND ", t, " IS NOT NULL")
			cond(st, " = '", string(convreport.Closed), "' AND ", t, " IS NULL")
		}
	}
	for _, name := range []string{"IncomingMessages", "OutgoingMessages"} {
		c := col(name)
		if c == "" {
			continue
		}
		typed(c, "integer")
		// A whole number a float64 holds exactly, as the scan reads it;
		// a PostgreSQL column whose type changed since the source opened
		// may hold fractions.
		if s.d == PostgreSQL {
			cond(c, " < 0 OR ", c, " > 9007199254740992 OR trunc(", c, ") <> ", c)
		} else {
			cond(c, " < 0 OR ", c, " > 9007199254740992")
		}
	}
}

// channelList is the channels a row may store, as SQL literals: the
// known ones, and the empty string a scan reads as other.
func channelList() string {
	list := "''"
	for _, c := range convreport.Channels() {
		list += ", '" + string(c) + "'"
	}
	return list
}

// rowRules returns the CHECK constraint [CreateTable] gives a SQLite or
// PostgreSQL table of l whose times are integer nanoseconds: the rules of
// Validate, and the counts a scan reads back exactly, on the built-in
// columns, exact (a row passes when a scan takes it). Its name carries a
// hash of its text, so a source that finds a validated constraint of that
// name on its table knows every row keeps today's rules, and reads for
// no invalid one. ok is false where no constraint is written: ClickHouse
// (18.16 has none), timestamptz times, a built-in field not in a column
// of its own.
func (l *layout) rowRules() (name, expr string, ok bool) {
	if l.d == ClickHouse || l.times != UnixNanos {
		return "", "", false
	}
	cols := map[string]string{}
	for _, f := range []string{"ID", "Channel", "Status", "CreatedAt", "FirstAssignedAt", "FirstResponseAt", "ClosedAt", "IncomingMessages", "OutgoingMessages"} {
		c := l.col(f)
		if c == nil || c.key != "" {
			return "", "", false
		}
		cols[f] = l.d.quote(c.name)
	}
	var b strings.Builder
	and := func(parts ...string) {
		if b.Len() > 0 {
			b.WriteString(" AND ")
		}
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	// integer says a SQLite value is stored as an integer: a column of
	// INTEGER affinity keeps text that is not a number, and 2.5.
	integer := func(c string) string {
		if l.d == SQLite {
			return "typeof(" + c + ") = 'integer' AND "
		}
		return ""
	}
	id, ch, st, created := cols["ID"], cols["Channel"], cols["Status"], cols["CreatedAt"]
	and(id, " IS NOT NULL AND ", id, " <> ''")
	and("(", ch, " IS NULL OR ", ch, " IN (", channelList(), "))")
	open, closed := string(convreport.Open), string(convreport.Closed)
	and("(", st, " IS NULL OR ", st, " IN ('', '", open, "', '", closed, "'))")
	// The earliest supported time is one nanosecond after int64's.
	and(created, " IS NOT NULL AND ", integer(created), created, " >= -9223372036854775807")
	for _, f := range []string{"FirstAssignedAt", "FirstResponseAt", "ClosedAt"} {
		t := cols[f]
		// Not before the creation, and at most math.MaxInt64 nanoseconds
		// after it, which only a creation before 1970 can exceed; the
		// CASE keeps the sum from overflowing otherwise.
		and("(", t, " IS NULL OR (", integer(t), t, " >= ", created, " AND CASE WHEN ", created, " < 0 THEN ",
			t, " <= ", created, " + 9223372036854775807 ELSE TRUE END))")
	}
	cl := cols["ClosedAt"]
	and("(", st, " IS NULL OR ", st, " <> '", open, "' OR ", cl, " IS NULL)")
	and("(", st, " IS NULL OR ", st, " <> '", closed, "' OR ", cl, " IS NOT NULL)")
	for _, f := range []string{"IncomingMessages", "OutgoingMessages"} {
		c := cols[f]
		whole := ""
		if l.d == PostgreSQL {
			// Whole as long as the column is bigint; kept if its type
			// is changed to one that holds fractions.
			whole = " AND trunc(" + c + ") = " + c
		}
		and("(", c, " IS NULL OR (", integer(c), c, " >= 0 AND ", c, " <= 9007199254740992", whole, "))")
	}
	expr = b.String()
	sum := sha256.Sum256([]byte(l.d.String() + "\x00" + expr))
	return "convreport_rows_" + hex.EncodeToString(sum[:8]), expr, true
}

// keptRules says which of the rules a scan holds rows to the table's
// CHECK constraints keep, for every row whoever wrote it: the built-in
// fields' (rowRules), and each custom column's (customRules) by its
// expression.
type keptRules struct {
	builtin bool
	custom  map[string]bool
}

// keptRules reads which of rowRules' and customRules' constraints the
// table holds, validated. It is asked in each plan's transaction, so a
// constraint dropped since the source opened brings the probe back.
func (l *layout) keptRules(ctx context.Context, db querier) (keptRules, error) {
	var kept keptRules
	name, expr, ok := l.rowRules()
	custom := l.customRules()
	if !ok && len(custom) == 0 {
		return kept, nil
	}
	var rows *sql.Rows
	var err error
	switch l.d {
	case SQLite:
		// SQLite keeps a table's statement as written, the constraints'
		// text with it.
		rows, err = db.QueryContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, l.table)
	case PostgreSQL:
		rows, err = db.QueryContext(ctx, `SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(quote_ident($1)) AND conname LIKE 'convreport\_%' AND contype = 'c' AND convalidated`, l.table)
	default:
		return kept, nil
	}
	if err != nil {
		return kept, err
	}
	defer rows.Close()
	has := func(text, name, expr string) bool {
		if l.d == PostgreSQL {
			return text == name
		}
		return strings.Contains(text, "CONSTRAINT "+l.d.quote(name)+" CHECK ("+expr+")")
	}
	kept.custom = map[string]bool{}
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return kept, err
		}
		kept.builtin = kept.builtin || ok && has(text, name, expr)
		for _, r := range custom {
			kept.custom[r.expr] = kept.custom[r.expr] || has(text, r.name, r.expr)
		}
	}
	return kept, rows.Err()
}

// countValue scans a message count exactly. Read as a float64, as other
// numbers are, a count above 2^53 rounds to one the scan takes (2^53 + 1
// read as 2^53); an integer is kept whole, so the scan refuses it.
type countValue struct {
	valid bool
	isInt bool
	n     int64
	big   bool // an unsigned integer above math.MaxInt64
	f     float64
}

// Scan takes the integers, floats and text drivers give for a number
// column.
func (v *countValue) Scan(src any) error {
	*v = countValue{valid: src != nil}
	if src == nil {
		return nil
	}
	switch x := reflect.ValueOf(src); x.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.isInt, v.n = true, x.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u := x.Uint()
		v.isInt, v.n, v.big = true, int64(u), u > math.MaxInt64
	case reflect.Float32, reflect.Float64:
		v.f = x.Float()
	case reflect.String:
		return v.parse(x.String())
	default:
		if b, ok := src.([]byte); ok {
			return v.parse(string(b))
		}
		return fmt.Errorf("a message count of type %T", src)
	}
	return nil
}

func (v *countValue) parse(s string) error {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		v.isInt, v.n = true, n
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("converting %q to a message count: %w", s, err)
	}
	v.f = f
	return nil
}

// value is the count as SetValue takes it, nil when unknown, or the
// scan's refusal of a whole number it cannot take exactly.
func (v *countValue) value(name string) (any, error) {
	switch {
	case !v.valid:
		return nil, nil
	case v.big:
		return nil, fmt.Errorf("%s: %d is not a message count", name, uint64(v.n))
	case v.isInt && (v.n < 0 || v.n > 1<<53):
		return nil, fmt.Errorf("%s: %d is not a message count", name, v.n)
	case v.isInt:
		return float64(v.n), nil
	}
	return v.f, nil
}

// idsUnique reports whether the table's IDs cannot repeat: a unique
// index (a primary key is one) on the ID column alone, or on it and the
// tenant column. ClickHouse has none, and is never asked.
func (l *layout) idsUnique(ctx context.Context, db querier) (bool, error) {
	var rows *sql.Rows
	var err error
	switch l.d {
	case SQLite:
		rows, err = db.QueryContext(ctx, `SELECT group_concat(ii.name, char(1)) FROM pragma_index_list(?) AS il, pragma_index_info(il.name) AS ii WHERE il."unique" = 1 GROUP BY il.name`, l.table)
	case PostgreSQL:
		rows, err = db.QueryContext(ctx, `SELECT string_agg(a.attname, chr(1)) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL GROUP BY i.indexrelid`, l.table)
	default:
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer rows.Close()
	id := l.d.fold(l.col("ID").name)
	unique := false
	for rows.Next() {
		var cols string
		if err := rows.Scan(&cols); err != nil {
			return false, err
		}
		hasID, others := false, false
		for _, c := range strings.Split(cols, "\x01") {
			switch c = l.d.fold(c); {
			case c == id:
				hasID = true
			case l.tenant == "" || c != l.d.fold(l.tenant):
				others = true
			}
		}
		unique = unique || hasID && !others
	}
	return unique, rows.Err()
}

// probeRepeated returns the decline for a plan whose creation times hold
// two rows of one ID, which a scan refuses, or nil when none do.
func (s *Source) probeRepeated(ctx context.Context, db querier, from, to time.Time) error {
	probes.Add(1)
	id := s.l.col("ID").name
	q := &sqlBuf{d: s.d}
	q.w("SELECT ")
	q.ident(id)
	q.w(" FROM ")
	q.ident(s.l.table)
	if err := s.where(q, from, to); err != nil {
		return err
	}
	q.w("1 = 1 GROUP BY ")
	q.ident(id)
	q.w(" HAVING COUNT(*) > 1 LIMIT 1")
	rows, err := db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return err
		}
		return decline("conversation ID %q is in more than one row the engine's scan would read, and the scan refuses it", v.String)
	}
	return rows.Err()
}
