package sqlsource

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/civil"
)

// Source is a [convreport.Source] and [convreport.Aggregator] over one
// table of a SQL database. It is safe for concurrent use, as *sql.DB is.
type Source struct {
	db        *sql.DB
	d         Dialect
	schema    *convreport.Schema
	l         *layout
	pushdown  bool
	noProbe   bool // WithoutRowCheck
	onDecline func(error)
	answered  atomic.Int64
	declined  atomic.Int64
	// drill-down pages answered in SQL, and declined
	drills, drillsDeclined atomic.Int64
	// cluster is a ClickHouse Distributed table's cluster, for naming a
	// shard that is down.
	cluster string
	// tenant is the value of the mapping's tenant column every statement
	// requires (a string or an int64, of the column's kind); nil for none.
	tenant any
	// tenantKind is what the tenant column holds, read at New.
	tenantKind tenantKind
	// location is the database as WithDSN gives it, without its
	// password; "" when not given.
	location string
	// types are the table's column types New checked (SQLite,
	// PostgreSQL), for telling what changed when a statement fails.
	types map[string]string
}

var (
	_ convreport.Source     = (*Source)(nil)
	_ convreport.Aggregator = (*Source)(nil)
)

// Option configures a [Source].
type Option func(*config)

type config struct {
	schema    *convreport.Schema
	mapping   Mapping
	pushdown  bool
	onDecline func(error)
	tenant    any
	location  string
	noProbe   bool // WithoutRowCheck
}

// WithSchema declares the custom properties; default
// [convreport.DefaultSchema].
func WithSchema(s *convreport.Schema) Option { return func(c *config) { c.schema = s } }

// WithMapping says where the table keeps each property; the zero Mapping is
// the default layout.
func WithMapping(m Mapping) Option { return func(c *config) { c.mapping = m } }

// WithoutPushdown makes Aggregate decline every pushdown, so the engine always
// scans: for comparisons, and for databases where scanning is cheaper.
func WithoutPushdown() Option { return func(c *config) { c.pushdown = false } }

// WithoutRowCheck leaves out the read that ends each pushed-down plan,
// which looks for rows a scan would refuse (closed without a close time, a
// negative or fractional count, a reply before the creation…) among those
// a scan of the plan's dates would read, and declines the plan when it
// finds one (see the package documentation). It reads the plan's dates
// once more: a tenth to a third of a two-dashboard run at 1M conversations.
// A table [CreateTable] made in SQLite or PostgreSQL needs no option: its
// constraint keeps the rules, and the read is skipped. Leave the read out
// only for another table whose rows are known to be valid: written only
// by [Insert], [Import] and [ImportAll], which refuse such rows, or held
// to the rules by constraints of its own. Without it, a pushed-down
// report counts an invalid row as it is stored, where a scan refuses it.
func WithoutRowCheck() Option { return func(c *config) { c.noProbe = true } }

// WithDeclineHook calls f with the reason each time Aggregate declines a
// pushdown (the error wraps [convreport.ErrUnsupported]).
func WithDeclineHook(f func(error)) Option { return func(c *config) { c.onDecline = f } }

// WithTenant makes the source read only the rows whose tenant column (see
// [Mapping].Tenant) holds tenant: a string or an integer, converted at New
// to the column's type (the string "42" for an integer column, 42 for a
// text one; in PostgreSQL a string for a column of another type, such as
// uuid, is parsed by the server). Every statement the source issues
// carries it as a parameter, ANDed outside the report's own conditions,
// so no filter can widen it.
func WithTenant(tenant any) Option { return func(c *config) { c.tenant = tenant } }

// WithDSN gives the data source name db was opened with, so that the
// source's [Source.Name], which the engine's errors begin with, says which
// database it reads: its host, port, database and user, or an SQLite
// file's path. Its password, and any other parameter, is left out.
func WithDSN(dsn string) Option { return func(c *config) { c.location = dsnLocation(dsn) } }

// New returns a source over db. It checks the mapping against the schema,
// that the table and every mapped column exist, and that the columns'
// declared types hold what the statements read: times, durations and
// message counts as numbers (or timestamptz with [Timestamp]), custom
// properties in PostgreSQL in a jsonb (or json) column, and in
// ClickHouse every column.
func New(db *sql.DB, d Dialect, opts ...Option) (*Source, error) {
	cfg := config{pushdown: true}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.schema == nil {
		cfg.schema = convreport.DefaultSchema()
	}
	if db == nil {
		return nil, fmt.Errorf("sqlsource: nil *sql.DB")
	}
	l, err := newLayout(d, cfg.schema, cfg.mapping)
	if err != nil {
		return nil, err
	}
	s := &Source{db: db, d: d, schema: cfg.schema, l: l, pushdown: cfg.pushdown, onDecline: cfg.onDecline, location: cfg.location, noProbe: cfg.noProbe}
	var tenant any
	if cfg.tenant != nil {
		if tenant, err = l.tenantValue(cfg.tenant); err != nil {
			return nil, err
		}
	}
	ctx := context.Background()
	// A server that cannot be reached, or refuses the credentials, is
	// said so here, not taken for a table without the mapped columns.
	if err := db.PingContext(ctx); err != nil {
		if d == SQLite {
			return nil, fmt.Errorf("sqlsource: cannot open the SQLite database: %w", err)
		}
		return nil, fmt.Errorf("sqlsource: cannot connect to the %v server: %w", d, err)
	}
	// Selecting every column of no row proves the table and columns exist.
	q, _ := s.selectRows()
	q.w(" WHERE 1 = 0")
	rows, err := db.QueryContext(ctx, q.String(), q.args...)
	if isStalePlan(err) {
		// Prepared on this connection before the table changed.
		rows, err = db.QueryContext(ctx, q.String(), freshPlan(q.args)...)
	}
	if err != nil {
		// A table the catalogue does not list has no columns: said so,
		// not taken for one without the mapped columns.
		if types, terr := tableColumnTypes(ctx, db, d, l.table); terr == nil && len(types) == 0 {
			return nil, fmt.Errorf("sqlsource: table %s does not exist: %w", l.d.quote(l.table), err)
		}
		return nil, fmt.Errorf("sqlsource: table %s does not have the mapped columns: %w", l.d.quote(l.table), err)
	}
	rows.Close()
	if l.tenant != "" {
		q := &sqlBuf{d: d}
		q.w("SELECT ")
		q.ident(l.tenant)
		q.w(" FROM ")
		q.ident(l.table)
		q.w(" WHERE 1 = 0")
		rows, err := db.QueryContext(ctx, q.String())
		if isStalePlan(err) {
			rows, err = db.QueryContext(ctx, q.String(), freshPlan(nil)...)
		}
		if err != nil {
			return nil, fmt.Errorf("sqlsource: table %s does not have the tenant column %s: %w", l.d.quote(l.table), l.d.quote(l.tenant), err)
		}
		rows.Close()
	}
	if d == SQLite || d == PostgreSQL {
		types, err := s.columnTypes(ctx)
		if err != nil {
			return nil, err
		}
		if err := s.checkColumnTypes(types); err != nil {
			return nil, err
		}
		s.types = types
		if d == PostgreSQL {
			for _, c := range l.stored() {
				if c.prop.Custom && c.key == "" && c.prop.Kind == convreport.KindNumber {
					c.nan = pgNaN(types[d.fold(c.name)])
				}
			}
		}
		if l.tenant != "" {
			s.tenantKind = tenantKindOf(d, types[d.fold(l.tenant)])
		}
	}
	if d == ClickHouse {
		if s.cluster, err = distributedCluster(ctx, db, l.table); err != nil {
			return nil, fmt.Errorf("sqlsource: table %s: reading its engine: %w", l.d.quote(l.table), err)
		}
		if err := s.checkClickHouseTypes(ctx); err != nil {
			return nil, err
		}
	}
	if tenant != nil {
		if s.tenant, err = s.tenantFor(tenant); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// ForTenant returns a source over the same database, table and mapping
// that reads only tenant's rows (see [WithTenant]): cheap, as it shares
// the connection pool and New's checks, so an embedder may make one per
// request. Its [Stats] count its own statements. The mapping must name a
// tenant column.
func (s *Source) ForTenant(tenant any) (*Source, error) {
	v, err := s.l.tenantValue(tenant)
	if err != nil {
		return nil, err
	}
	if v, err = s.tenantFor(v); err != nil {
		return nil, err
	}
	return &Source{db: s.db, d: s.d, schema: s.schema, l: s.l, pushdown: s.pushdown, noProbe: s.noProbe, onDecline: s.onDecline, cluster: s.cluster, tenant: v, tenantKind: s.tenantKind, location: s.location, types: s.types}, nil
}

// Name says what the source reads (it is a [convreport.Named]), for the
// engine's errors to begin with in place of a Go type: the dialect, the
// table and, given [WithDSN], the database, as in
// postgresql table "conversations" at helpdesk@db.internal:5432/support.
func (s *Source) Name() string {
	n := s.d.String() + " table " + s.d.quote(s.l.table)
	if s.location != "" {
		n += " at " + s.location
	}
	return n
}

// dsnLocation is where a data source name points, without its password
// or parameters: user@host:port/database for a URL or a PostgreSQL
// key=value string, the path of an SQLite file; "" when it cannot tell
// (nothing is better than a password).
func dsnLocation(dsn string) string {
	dsn = strings.TrimSpace(dsn)
	if i := strings.Index(dsn, "://"); i > 0 {
		u, err := url.Parse(dsn)
		if err != nil {
			return ""
		}
		out := u.Host + u.Path
		if u.User != nil && u.User.Username() != "" {
			out = u.User.Username() + "@" + out
		}
		return out
	}
	if rest, ok := strings.CutPrefix(dsn, "file:"); ok {
		path, _, _ := strings.Cut(rest, "?")
		return path
	}
	if strings.Contains(dsn, "=") {
		// host=db port=5432 dbname=support user=helpdesk password=…
		kv := map[string]string{}
		for _, f := range strings.Fields(dsn) {
			if k, v, ok := strings.Cut(f, "="); ok {
				kv[k] = strings.Trim(v, "'")
			}
		}
		out := kv["host"]
		if kv["port"] != "" {
			out += ":" + kv["port"]
		}
		if kv["dbname"] != "" {
			out += "/" + kv["dbname"]
		}
		if kv["user"] != "" && out != "" {
			out = kv["user"] + "@" + out
		}
		return out
	}
	path, _, _ := strings.Cut(dsn, "?")
	return path
}

// Tenant returns the tenant the source reads, nil for none: as given to
// WithTenant or ForTenant, converted to the tenant column's kind (the
// string "42" is the integer 42 for an integer column).
func (s *Source) Tenant() any { return s.tenant }

// tenantValue checks a tenant for the layout: the mapping names a tenant
// column, and the value is a non-empty string or an integer.
func (l *layout) tenantValue(t any) (any, error) {
	if l.tenant == "" {
		return nil, fmt.Errorf("sqlsource: a tenant (%v) needs a mapping that names the tenant column (Mapping.Tenant)", t)
	}
	switch v := t.(type) {
	case string:
		if v == "" || !okText(v) {
			return nil, fmt.Errorf("sqlsource: tenant %q: want a non-empty string of valid UTF-8 without NUL bytes", v)
		}
		return v, nil
	case int:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case int64:
		return v, nil
	case uint32:
		return int64(v), nil
	}
	return nil, fmt.Errorf("sqlsource: tenant of type %T: want a string or an integer", t)
}

// errNoTenant is what every read of a source whose mapping names a tenant
// column, but that was given no tenant, fails with: such a table is read
// one tenant at a time or not at all.
func (s *Source) errNoTenant() error {
	return fmt.Errorf("sqlsource: table %s is shared by tenants (column %s) and this source has none: use ForTenant or WithTenant", s.d.quote(s.l.table), s.d.quote(s.l.tenant))
}

// where writes " WHERE " and the source's tenant condition, then the
// creation bounds, each followed by " AND ": what every statement that
// reads rows starts its WHERE clause with, before the report's own
// conditions, which the caller writes in parentheses.
func (s *Source) where(q *sqlBuf, from, to time.Time) error {
	q.w(" WHERE ")
	if s.l.tenant != "" {
		if s.tenant == nil {
			return s.errNoTenant()
		}
		q.ident(s.l.tenant)
		q.w(" = ")
		_, isStr := s.tenant.(string)
		switch {
		case s.d == PostgreSQL && s.tenantKind == tenantOther:
			// Without a cast, the parameter has the column's type,
			// which the server parses the text as.
			q.args = append(q.args, s.tenant)
			q.w("$", strconv.Itoa(len(q.args)))
		case isStr:
			q.param(s.tenant, "text")
		default:
			q.param(s.tenant, "bigint")
		}
		q.w(" AND ")
	}
	if s.createdBounds(q, from, to) {
		q.w(" AND ")
	}
	return nil
}

// Schema returns the source's schema.
func (s *Source) Schema() *convreport.Schema { return s.schema }

// Stats counts the pushdowns Aggregate answered and declined, and the
// drill-down pages DrillPage answered and declined.
type Stats struct {
	Answered, Declined             int64
	DrillsAnswered, DrillsDeclined int64
}

// Stats returns how many pushdowns Aggregate and pages DrillPage answered
// and declined so far.
func (s *Source) Stats() Stats {
	return Stats{Answered: s.answered.Load(), Declined: s.declined.Load(), DrillsAnswered: s.drills.Load(), DrillsDeclined: s.drillsDeclined.Load()}
}

// selectRows writes the SELECT of Scan: every stored column, then the JSON
// column, from the table.
func (s *Source) selectRows() (*sqlBuf, []*column) {
	q := &sqlBuf{d: s.d}
	cols := s.l.stored()
	q.w("SELECT ")
	for i, c := range cols {
		if i > 0 {
			q.w(", ")
		}
		q.ident(c.name)
	}
	if s.l.json != "" {
		q.w(", ")
		q.ident(s.l.json)
	}
	q.w(" FROM ")
	q.ident(s.l.table)
	return q, cols
}

// createdBounds writes "created_at >= from AND created_at < to" on the raw
// column, so an index can serve it; false when neither bound is set.
func (s *Source) createdBounds(q *sqlBuf, from, to time.Time) bool {
	c := s.l.col("CreatedAt")
	wrote := false
	for _, b := range []struct {
		t  time.Time
		op string
	}{{from, " >= "}, {to, " < "}} {
		if b.t.IsZero() || b.t.Before(minNanoTime) || b.t.After(maxNanoTime) {
			continue // outside int64 nanoseconds: no bound beats a wrong one
		}
		if wrote {
			q.w(" AND ")
		}
		q.ident(c.name)
		q.w(b.op)
		if s.l.times == Timestamp {
			// A microsecond column value c is ≥ t (or < t) exactly when
			// it is ≥ (or <) t rounded up to the microsecond.
			up := b.t.Truncate(time.Microsecond)
			if !up.Equal(b.t) {
				up = up.Add(time.Microsecond)
			}
			q.param(up, "timestamptz")
		} else {
			q.param(b.t.UnixNano(), "bigint")
		}
		wrote = true
	}
	return wrote
}

// Scan yields the conversations created within the hint's bounds, read
// with the bounds as a WHERE clause.
func (s *Source) Scan(ctx context.Context, hint convreport.ScanHint) iter.Seq2[*convreport.Conversation, error] {
	return func(yield func(*convreport.Conversation, error) bool) {
		q, cols := s.selectRows()
		if err := s.where(q, hint.CreatedFrom, hint.CreatedTo); err != nil {
			yield(nil, err)
			return
		}
		q.w("(1 = 1)")
		var db querier = s.db
		var failed error // a read's error: its ClickHouse connection is not pooled again
		if s.d == ClickHouse {
			q.w(clickHouseSettings)
			conn, done, err := s.readConn(ctx)
			if err != nil {
				yield(nil, fmt.Errorf("sqlsource: scan: %w", s.queryError(ctx, err)))
				return
			}
			defer func() { done(failed) }()
			db = conn
		}
		rows, err := db.QueryContext(ctx, q.String(), q.args...)
		if err != nil {
			err = s.queryError(ctx, err)
			if s.retryFresh(err) {
				rows, err = db.QueryContext(ctx, q.String(), freshPlan(q.args)...)
				err = s.queryError(ctx, err)
			}
		}
		if err != nil {
			failed = err
			yield(nil, fmt.Errorf("sqlsource: scan: %w", err))
			return
		}
		defer rows.Close()
		dec := newDecoder(s, cols)
		for rows.Next() {
			c := &convreport.Conversation{}
			if err := dec.scanRow(rows); err != nil {
				failed = err
				yield(nil, err)
				return
			}
			if err := dec.decode(c); err != nil {
				yield(nil, err)
				return
			}
			if !yield(c, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			failed = err
			yield(nil, fmt.Errorf("sqlsource: scan: %w", s.queryError(ctx, err)))
			return
		}
		if err := ctx.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// decoder turns one row of selectRows into a Conversation.
type decoder struct {
	s    *Source
	cols []*column
	dest []any // a *sql.Null… for each column, then the JSON column's
	scan []any // what rows.Scan is given: dest, through scanDests
	js   sql.NullString
}

func newDecoder(s *Source, cols []*column) *decoder {
	d := &decoder{s: s, cols: cols}
	for _, c := range cols {
		switch {
		case c.prop.Kind == convreport.KindTime && s.l.times == Timestamp:
			d.dest = append(d.dest, new(pgTime))
		case c.prop.Kind == convreport.KindTime, c.prop.Kind == convreport.KindDuration:
			d.dest = append(d.dest, new(sql.NullInt64))
		case isCount(c.prop) && c.key == "":
			d.dest = append(d.dest, new(countValue))
		case s.d == SQLite && c.key == "" && (c.prop.Kind == convreport.KindNumber || c.prop.Kind == convreport.KindBool):
			d.dest = append(d.dest, &sqliteValue{isBool: c.prop.Kind == convreport.KindBool})
		case c.prop.Kind == convreport.KindNumber:
			d.dest = append(d.dest, new(sql.NullFloat64))
		case c.prop.Kind == convreport.KindBool:
			d.dest = append(d.dest, new(sql.NullBool))
		default:
			d.dest = append(d.dest, new(sql.NullString))
		}
	}
	if s.l.json != "" {
		d.dest = append(d.dest, &d.js)
	}
	d.scan = scanDests(s.d, d.dest)
	return d
}

// pgTime scans a timestamptz column. pgx gives PostgreSQL's infinity and
// -infinity as text, which sql.NullTime refuses in words that name
// neither; a scan refuses them as every time outside the supported ones,
// in the same words.
type pgTime struct{ sql.NullTime }

func (t *pgTime) Scan(src any) error {
	if s, ok := src.(string); ok && (s == "infinity" || s == "-infinity") {
		return errors.New(civil.RangeReason(s))
	}
	return t.NullTime.Scan(src)
}

// sqliteValue scans a SQLite custom number or bool column strictly: a
// number stored as an integer or a real, a bool as the integer 0 or 1.
// SQLite keeps text in any column ("7" in a column without a numeric
// affinity, "true"), which database/sql would read as a number or a
// bool, but which every statement compares as text, above every number:
// a scan refuses it, so that a pushed-down report never answers
// otherwise.
type sqliteValue struct {
	isBool bool
	v      any // the value as SetValue takes it, nil when NULL
}

func (x *sqliteValue) Scan(src any) error {
	x.v = nil
	switch v := src.(type) {
	case nil:
		return nil
	case int64:
		if !x.isBool {
			x.v = float64(v)
			return nil
		}
		if v == 0 || v == 1 {
			x.v = v == 1
			return nil
		}
		return fmt.Errorf("%d is not a bool (0 or 1)", v)
	case float64:
		if !x.isBool {
			if v == 0 {
				v = 0 // -0 is 0
			}
			x.v = v
			return nil
		}
	case string:
		src = fmt.Sprintf("text %q", v)
	case []byte:
		src = fmt.Sprintf("a blob of %d bytes", len(v))
	}
	if x.isBool {
		return fmt.Errorf("%v is stored where a bool is, as the integer 0 or 1", src)
	}
	return fmt.Errorf("%v is stored where a number is, as an integer or a real", src)
}

// scanRow reads the row rows is on into d's destinations. A value a
// destination cannot take (text in a SQLite number column) is the row's
// fault, not the database's: the error names the conversation and the
// column, as decode's do, and wraps the driver's.
func (d *decoder) scanRow(rows *sql.Rows) error {
	err := rows.Scan(d.scan...)
	if err == nil {
		return nil
	}
	// database/sql says which column, in its message only; the columns
	// before it, the ID first, are filled.
	i := -1
	inner := errors.Unwrap(err)
	if _, serr := fmt.Sscanf(err.Error(), "sql: Scan error on column index %d,", &i); serr != nil || inner == nil || i < 1 || i > len(d.cols) {
		return fmt.Errorf("sqlsource: scan: %w", err)
	}
	name := d.s.l.json
	if i < len(d.cols) {
		name = d.cols[i].name
	}
	id := ""
	if v, ok := d.dest[0].(*sql.NullString); ok {
		id = v.String
	}
	return fmt.Errorf("sqlsource: conversation %q: column %s: %w", id, d.s.d.quote(name), inner)
}

func (d *decoder) decode(c *convreport.Conversation) error {
	var id string // for errors; ID is the schema's first property
	if v, ok := d.dest[0].(*sql.NullString); ok {
		id = v.String
	}
	bad := func(col string, format string, args ...any) error {
		return fmt.Errorf("sqlsource: conversation %q: column %s: %s", id, d.s.d.quote(col), fmt.Sprintf(format, args...))
	}
	for i, col := range d.cols {
		var v any // the property's value, nil when unknown
		switch x := d.dest[i].(type) {
		case *sql.NullString:
			if x.Valid && x.String != "" {
				v = x.String
			}
		case *sql.NullInt64:
			if x.Valid {
				if col.prop.Kind == convreport.KindTime {
					v = time.Unix(0, x.Int64).UTC()
				} else {
					v = time.Duration(x.Int64)
				}
			}
		case *pgTime:
			if x.Valid {
				v = x.Time.UTC()
			}
		case *sql.NullFloat64:
			if x.Valid {
				v = x.Float64
			}
		case *sqliteValue:
			v = x.v
		case *countValue:
			var err error
			if v, err = x.value(col.prop.Name); err != nil {
				return bad(col.name, "%v", err)
			}
		case *sql.NullBool:
			if x.Valid {
				v = x.Bool
			}
		}
		if err := d.s.schema.SetValue(c, col.prop.Name, v); err != nil {
			return bad(col.name, "%v", strings.TrimPrefix(err.Error(), "convreport: "))
		}
	}
	if d.s.l.json == "" || !d.js.Valid || d.js.String == "" {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(d.js.String), &obj); err != nil {
		return bad(d.s.l.json, "not a JSON object: %v", err)
	}
	if d.s.d == SQLite {
		firstOfRepeated(d.js.String, obj, d.s.l.inJSON())
	}
	for _, col := range d.s.l.inJSON() {
		raw, ok := obj[col.key]
		if !ok {
			continue
		}
		v, err := fromJSON(col.prop.Kind, raw)
		if err != nil {
			return bad(d.s.l.json, "key %q: %v", col.key, err)
		}
		if v != nil {
			if c.Properties == nil {
				c.Properties = map[string]any{}
			}
			c.Properties[col.prop.Name] = v
		}
	}
	return nil
}

// firstOfRepeated sets, in obj (text decoded), each of cols' keys that
// text holds more than once to its first value: SQLite's JSON functions
// read the first, where encoding/json keeps the last, and a scan reads
// what the statements read. Most text names each key once, which a
// count of the quoted key shows without a second parse.
func firstOfRepeated(text string, obj map[string]json.RawMessage, cols []*column) {
	for _, c := range cols {
		if strings.Count(text, `"`+c.key+`"`) < 2 {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(text))
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return
		}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return
			}
			if t == c.key {
				obj[c.key] = v
				break
			}
		}
	}
}

// fromJSON decodes a custom property's JSON value: strings, numbers,
// booleans, and times and durations as integer nanoseconds (an int64,
// without a fraction or an exponent). A value of another JSON type (a
// number for a string property, "9" for a number) is unknown, nil, as
// the statements read it (see value); so is null, and int64's first
// nanosecond, as a time or a duration.
func fromJSON(k convreport.Kind, raw json.RawMessage) (any, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	switch k {
	case convreport.KindString, convreport.KindEnum:
		var s string
		if json.Unmarshal(raw, &s) != nil || s == "" {
			return nil, nil
		}
		return s, nil
	case convreport.KindNumber:
		var f float64
		if json.Unmarshal(raw, &f) != nil {
			return nil, nil
		}
		if f == 0 {
			f = 0 // -0 is 0, as jsonb keeps it
		}
		return f, nil
	case convreport.KindBool:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return nil, nil
		}
		return b, nil
	case convreport.KindTime, convreport.KindDuration:
		var n int64
		if json.Unmarshal(raw, &n) != nil {
			return nil, nil
		}
		if n == math.MinInt64 {
			// The engine's unknown: no instant (its first is a
			// nanosecond later), no duration; so the statements read it.
			return nil, nil
		}
		if k == convreport.KindTime {
			return time.Unix(0, n).UTC(), nil
		}
		return time.Duration(n), nil
	}
	return nil, fmt.Errorf("unsupported kind %s", k)
}
