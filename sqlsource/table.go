package sqlsource

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/convreport/convreport"
)

// CreateTable creates the table m describes for schema s (nil means
// [convreport.DefaultSchema]), if it does not exist, with an index on the
// creation time. Times are Unix nanoseconds (INTEGER, bigint) or, with
// [Timestamp], timestamptz; custom properties without a column of their own
// live in a JSON column (TEXT in SQLite, jsonb in PostgreSQL).
//
// A SQLite or PostgreSQL table of Unix nanosecond times gets a CHECK
// constraint, named convreport_rows_ and a hash of its text, that holds
// every row, whoever writes it, to the rules a scan applies (those of
// [convreport.Conversation.Validate], and counts up to 2^53): a source on
// such a table finds it, and its pushed-down plans need not read for
// invalid rows (see the package documentation). Each custom column it
// makes, and the JSON column, gets one of its own (convreport_col_ and a
// hash) for the rules that do not change with the schema: a SQLite value
// of the storage class a scan reads, a bool 0 or 1, a time after
// int64's first nanosecond, a JSON object or null. Drop it before changing
// a built-in column's type to one it cannot compare (a count made text);
// the plans then read for invalid rows again.
func CreateTable(ctx context.Context, db *sql.DB, d Dialect, m Mapping, s *convreport.Schema) error {
	l, err := newLayout(d, s, m)
	if err != nil {
		return err
	}
	if d == ClickHouse {
		q := l.clickHouseTable()
		q.w(" ENGINE = MergeTree ORDER BY (")
		if l.tenant != "" {
			// A tenant's rows together: every statement selects one.
			q.ident(l.tenant)
			q.w(", ")
		}
		q.ident(l.col("CreatedAt").name)
		q.w(", ")
		q.ident(l.col("ID").name)
		q.w(")")
		if _, err := db.ExecContext(ctx, q.String()); err != nil {
			return fmt.Errorf("sqlsource: create table %s: %w", d.quote(l.table), err)
		}
		return nil
	}
	q := &sqlBuf{d: d}
	q.w("CREATE TABLE IF NOT EXISTS ")
	q.ident(l.table)
	q.w(" (")
	for i, c := range l.stored() {
		if i > 0 {
			q.w(", ")
		}
		q.ident(c.name)
		q.w(" ", l.sqlType(c.prop))
		switch {
		case c.prop.Name == "ID":
			if l.tenant != "" {
				q.w(" NOT NULL") // the key is (tenant, id), below
			} else {
				q.w(" NOT NULL PRIMARY KEY")
			}
		case isCount(c.prop):
			q.w(" NOT NULL DEFAULT 0")
		case alwaysKnown[c.prop.Name]:
			q.w(" NOT NULL")
		}
	}
	jsonCol := m.JSON
	if jsonCol == "" {
		jsonCol = "properties"
	}
	if l.json == "" {
		// No custom property lives there yet, but a schema may grow.
		if err := d.checkIdent(jsonCol); err == nil && !l.hasColumn(jsonCol) && d.fold(jsonCol) != d.fold(l.tenant) {
			l.json = jsonCol
		}
	}
	if l.json != "" {
		q.w(", ")
		q.ident(l.json)
		if d == SQLite {
			q.w(" TEXT")
		} else {
			q.w(" jsonb")
		}
	}
	if l.tenant != "" {
		// Text: an integer tenant column is the embedder's own table.
		q.w(", ")
		q.ident(l.tenant)
		q.w(" ", l.sqlType(convreport.Property{Kind: convreport.KindString}), " NOT NULL, PRIMARY KEY (")
		q.ident(l.tenant)
		q.w(", ")
		q.ident(l.col("ID").name)
		q.w(")")
	}
	if name, expr, ok := l.rowRules(); ok {
		// The rules a scan holds each row to, kept by the database for
		// every writer: a source opened on the table need not look for
		// rows that break them.
		q.w(", CONSTRAINT ")
		q.ident(name)
		q.w(" CHECK (", expr, ")")
	}
	for _, r := range l.customRules() {
		// A custom column's, and the JSON column's, each of its own: a
		// schema that grows adds its columns' and keeps the others'.
		q.w(", CONSTRAINT ")
		q.ident(r.name)
		q.w(" CHECK (", r.expr, ")")
	}
	q.w(")")
	if _, err := db.ExecContext(ctx, q.String()); err != nil {
		return fmt.Errorf("sqlsource: create table %s: %w", d.quote(l.table), err)
	}
	idx := l.table + "_created_at_idx"
	if d == PostgreSQL && len(idx) > 63 {
		sum := sha256.Sum256([]byte(l.table))
		idx = "convreport_created_at_" + hex.EncodeToString(sum[:12])
	}
	q = &sqlBuf{d: d}
	q.w("CREATE INDEX IF NOT EXISTS ")
	q.ident(idx)
	q.w(" ON ")
	q.ident(l.table)
	q.w(" (")
	if l.tenant != "" {
		q.ident(l.tenant)
		q.w(", ")
	}
	q.ident(l.col("CreatedAt").name)
	q.w(")")
	if _, err := db.ExecContext(ctx, q.String()); err != nil {
		return fmt.Errorf("sqlsource: create index on %s: %w", d.quote(l.table), err)
	}
	return nil
}

func (l *layout) hasColumn(name string) bool {
	for _, c := range l.stored() {
		if l.d.fold(c.name) == l.d.fold(name) {
			return true
		}
	}
	return false
}

// CreateDistributed creates, if it does not exist, the ClickHouse table m
// describes as a Distributed table over the table local of the same layout
// on every shard of cluster (created with [CreateTable] on each shard, in
// the same database): rows are spread by a hash of the conversation ID,
// and queries run on every shard. Inserting through it is asynchronous
// unless the connection sets insert_distributed_sync=1 (a DSN parameter).
func CreateDistributed(ctx context.Context, db *sql.DB, m Mapping, s *convreport.Schema, cluster, local string) error {
	l, err := newLayout(ClickHouse, s, m)
	if err != nil {
		return err
	}
	for what, name := range map[string]string{"cluster": cluster, "local table": local} {
		if err := ClickHouse.checkIdent(name); err != nil {
			return fmt.Errorf("sqlsource: distributed table: %s name %q %v", what, name, err)
		}
	}
	q := l.clickHouseTable()
	q.w(" ENGINE = Distributed(")
	q.ident(cluster)
	q.w(", currentDatabase(), ")
	q.ident(local)
	q.w(", cityHash64(")
	q.ident(l.col("ID").name)
	q.w("))")
	if _, err := db.ExecContext(ctx, q.String()); err != nil {
		return fmt.Errorf("sqlsource: create distributed table %s: %w", ClickHouse.quote(l.table), err)
	}
	return nil
}

// clickHouseTable writes CREATE TABLE with the columns, before the engine.
func (l *layout) clickHouseTable() *sqlBuf {
	q := &sqlBuf{d: ClickHouse}
	q.w("CREATE TABLE IF NOT EXISTS ")
	q.ident(l.table)
	q.w(" (")
	for i, c := range l.clickHouseColumns() {
		if i > 0 {
			q.w(", ")
		}
		q.ident(c.name)
		q.w(" ", c.typ)
		if c.count {
			q.w(" DEFAULT 0")
		}
	}
	q.w(")")
	return q
}

// sqlType is the column type CreateTable gives a property.
func (l *layout) sqlType(p convreport.Property) string {
	if l.d == ClickHouse {
		// UInt8 for booleans: 18.16 has no Bool type.
		switch p.Kind {
		case convreport.KindNumber:
			if !p.Custom {
				return "Int64"
			}
			return "Float64"
		case convreport.KindBool:
			return "UInt8"
		case convreport.KindTime, convreport.KindDuration:
			return "Int64"
		}
		return "String"
	}
	pg := l.d == PostgreSQL
	switch p.Kind {
	case convreport.KindNumber:
		if !p.Custom {
			// A message count: a file's go up to 2^53.
			if pg {
				return "bigint"
			}
			return "INTEGER"
		}
		if pg {
			return "double precision"
		}
		return "REAL"
	case convreport.KindBool:
		if pg {
			return "boolean"
		}
		return "INTEGER"
	case convreport.KindTime:
		if l.times == Timestamp {
			return "timestamptz"
		}
		if pg {
			return "bigint"
		}
		return "INTEGER"
	case convreport.KindDuration:
		if pg {
			return "bigint"
		}
		return "INTEGER"
	}
	if pg {
		return "text"
	}
	return "TEXT"
}

// Insert adds conversations to the table m describes, in one transaction:
// all or none. Each is validated against schema s (nil means
// [convreport.DefaultSchema]) first; an unknown value is stored as NULL.
// It refuses what the table cannot hold exactly: a time outside int64
// nanoseconds (or, with [Timestamp], finer than a microsecond), a NaN or
// infinite number or invalid UTF-8 in JSON, in PostgreSQL a string with
// a NUL byte or invalid UTF-8, and a message count above what its column
// holds in a table made otherwise than by [CreateTable] (an integer
// column's 2^31-1; CreateTable's hold every count). A table whose
// message count column [New] would refuse (a floating-point one, an
// SQLite column of REAL affinity, a PostgreSQL numeric that holds
// fractions) is refused with New's [*ColumnTypeError], and nothing is
// written. A table shared by tenants (Mapping.Tenant) is written with
// [InsertTenant].
func Insert(ctx context.Context, db *sql.DB, d Dialect, m Mapping, s *convreport.Schema, cs []convreport.Conversation) error {
	return insert(ctx, db, d, m, s, nil, cs)
}

// InsertTenant is [Insert] into a table shared by tenants: every row's
// tenant column (Mapping.Tenant) holds tenant, a string or an integer.
func InsertTenant(ctx context.Context, db *sql.DB, d Dialect, m Mapping, s *convreport.Schema, tenant any, cs []convreport.Conversation) error {
	if tenant == nil {
		return errors.New("sqlsource: insert: nil tenant")
	}
	return insert(ctx, db, d, m, s, tenant, cs)
}

func insert(ctx context.Context, db *sql.DB, d Dialect, m Mapping, s *convreport.Schema, tenant any, cs []convreport.Conversation) error {
	if s == nil {
		s = convreport.DefaultSchema()
	}
	l, err := newLayout(d, s, m)
	if err != nil {
		return err
	}
	if tenant, err = l.insertTenant(tenant); err != nil {
		return err
	}
	if err := l.readCountTypes(ctx, db); err != nil {
		return err
	}
	if err := l.validate(s, cs, 0); err != nil {
		return err
	}
	if d == ClickHouse {
		return l.insertClickHouse(ctx, db, tenant, cs)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlsource: insert: %w", err)
	}
	defer tx.Rollback()
	if err := l.insertSQL(ctx, tx, tenant, cs); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlsource: insert: %w", err)
	}
	return nil
}

// insertTenant checks the tenant an insert writes against the layout: one
// exactly when the mapping names a tenant column.
func (l *layout) insertTenant(tenant any) (any, error) {
	switch {
	case l.tenant == "" && tenant == nil:
		return nil, nil
	case l.tenant != "" && tenant == nil:
		return nil, fmt.Errorf("sqlsource: insert: table %s is shared by tenants (column %s): give the rows' tenant (InsertTenant, ImportOptions.Tenant)", l.d.quote(l.table), l.d.quote(l.tenant))
	}
	return l.tenantValue(tenant)
}

// validate checks every conversation against the schema and the table
// before any is written, so bad input writes nothing; base is the index
// of cs[0] in the caller's slice, for the errors.
func (l *layout) validate(s *convreport.Schema, cs []convreport.Conversation, base int) error {
	for i := range cs {
		c := &cs[i]
		if err := s.Validate(c); err != nil {
			var ve *convreport.ValidationError
			if errors.As(err, &ve) {
				ve.Index = base + i
			}
			return err
		}
		if err := l.checkRow(c); err != nil {
			return fmt.Errorf("sqlsource: insert conversation %q: %w", c.ID, err)
		}
	}
	return nil
}

// insertSQL writes validated rows in tx (SQLite, PostgreSQL), up to 1000
// a statement.
func (l *layout) insertSQL(ctx context.Context, tx *sql.Tx, tenant any, cs []convreport.Conversation) error {
	d := l.d
	cols := l.stored()
	ncol := l.rowWidth(tenant)
	perStmt := min(1000, d.maxParams()/ncol)
	stmtFor := func(n int) string {
		q := &sqlBuf{d: d}
		q.w("INSERT INTO ")
		q.ident(l.table)
		q.w(" (")
		for i, c := range cols {
			if i > 0 {
				q.w(", ")
			}
			q.ident(c.name)
		}
		if l.json != "" {
			q.w(", ")
			q.ident(l.json)
		}
		if tenant != nil {
			q.w(", ")
			q.ident(l.tenant)
		}
		q.w(") VALUES ")
		for r := range n {
			if r > 0 {
				q.w(", ")
			}
			q.w("(")
			for i := range ncol {
				if i > 0 {
					q.w(", ")
				}
				typ := ""
				switch {
				case d != PostgreSQL:
				case i < len(cols):
					typ = l.sqlType(cols[i].prop)
				case i == len(cols) && l.json != "":
					typ = "jsonb"
				default:
					typ = tenantPGType(tenant)
				}
				q.param(nil, typ)
			}
			q.w(")")
		}
		return q.String()
	}
	var full *sql.Stmt
	args := make([]any, 0, perStmt*ncol)
	for start := 0; start < len(cs); start += perStmt {
		batch := cs[start:min(start+perStmt, len(cs))]
		args = args[:0]
		for i := range batch {
			var err error
			if args, err = l.appendRow(args, &batch[i], tenant); err != nil {
				return fmt.Errorf("sqlsource: insert conversation %q: %w", batch[i].ID, err)
			}
		}
		var err error
		if len(batch) == perStmt {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, stmtFor(perStmt)); err != nil {
					return fmt.Errorf("sqlsource: insert: %w", err)
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, stmtFor(len(batch)), args...)
		}
		if err != nil {
			return fmt.Errorf("sqlsource: insert: %w", err)
		}
	}
	return nil
}

// tenantPGType is the PostgreSQL type of a tenant parameter.
func tenantPGType(tenant any) string {
	if _, isStr := tenant.(string); isStr {
		return "text"
	}
	return "bigint"
}

// appendRow appends the parameters of one row to dst: the stored
// columns, then the JSON column, then the tenant when there is one.
func (l *layout) appendRow(dst []any, c *convreport.Conversation, tenant any) ([]any, error) {
	out, err := l.values(dst, c, true)
	if err != nil || tenant == nil {
		return out, err
	}
	return append(out, tenant), nil
}

// rowWidth is how many parameters appendRow appends for a row.
func (l *layout) rowWidth(tenant any) int {
	n := len(l.storedCols)
	if l.json != "" {
		n++
	}
	if tenant != nil {
		n++
	}
	return n
}

// checkRow reports why c's row cannot be stored, as appendRow would,
// without making its parameters: the check before an import writes.
func (l *layout) checkRow(c *convreport.Conversation) error {
	_, err := l.values(nil, c, false)
	return err
}

// values appends the stored columns' and the JSON column's parameters of
// one row to dst, or with keep false only checks them. A built-in field
// is read through its [convreport.Field], not looked up by name: that
// and boxing every value were most of an import's check.
func (l *layout) values(dst []any, c *convreport.Conversation, keep bool) ([]any, error) {
	for _, col := range l.storedCols {
		var x any
		var err error
		known := true
		switch f := col.field; {
		case f == nil:
			var v any
			if v, known = propertyOf(c, col.prop); known {
				x, err = l.encode(col.prop, v)
			}
		case f.Kind == convreport.KindTime:
			t := f.TimeOf(c)
			if known = !t.IsZero(); known {
				x, err = l.encodeTime(t, keep)
			}
		case f.Kind == convreport.KindNumber:
			n := int64(f.CountOf(c))
			switch {
			case n > 1<<53:
				// A scan refuses it, as the file readers do: a count is
				// a whole number a float64 holds exactly.
				err = fmt.Errorf("%d is above 2^53 (%d), the largest count a scan reads back exactly", n, int64(1<<53))
			case col.maxCount > 0 && n > col.maxCount:
				err = l.countTooLarge(col, n)
			case keep:
				x = col.countParam(l.d, n)
			}
		default:
			v := f.StringOf(c)
			if v == "" && col.shown {
				// A default channel, a status implied by ClosedAt.
				shown, _ := convreport.DefaultSchema().Value(c, col.prop.Name)
				v, _ = shown.(string)
			}
			switch {
			case v == "":
				known = false
			case l.d == PostgreSQL && !okText(v):
				err = errPGText
			case keep:
				x = v
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", col.prop.Key, err)
		}
		if keep {
			if !known {
				x = nil
			}
			dst = append(dst, x)
		}
	}
	if l.json == "" {
		return dst, nil
	}
	var obj map[string]any
	for _, col := range l.jsonCols {
		v, known := propertyOf(c, col.prop)
		if !known {
			continue
		}
		switch x := v.(type) {
		case time.Time:
			n, err := exactNanos(x)
			if err != nil {
				return nil, fmt.Errorf("properties.%s: %w", col.prop.Name, err)
			}
			v = n
		case time.Duration:
			v = int64(x)
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("properties.%s: JSON cannot hold %v", col.prop.Name, x)
			}
			if x == 0 {
				v = 0.0 // -0 is 0, as jsonb keeps it
			}
		case string:
			if !utf8.ValidString(x) {
				return nil, fmt.Errorf("properties.%s: JSON cannot hold invalid UTF-8", col.prop.Name)
			}
			if l.d == PostgreSQL && strings.IndexByte(x, 0) >= 0 {
				return nil, fmt.Errorf("properties.%s: PostgreSQL cannot hold a NUL byte", col.prop.Name)
			}
		}
		if !keep {
			continue
		}
		if obj == nil {
			obj = map[string]any{}
		}
		obj[col.key] = v
	}
	if !keep {
		return dst, nil
	}
	if len(obj) == 0 {
		return append(dst, nil), nil
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("properties: %w", err)
	}
	return append(dst, string(b)), nil
}

// propertyOf is the value of a stored property, false when unknown.
func propertyOf(c *convreport.Conversation, p convreport.Property) (any, bool) {
	if p.Custom {
		v, ok := c.Properties[p.Name]
		if !ok || v == nil {
			return nil, false
		}
		if s, isStr := v.(string); isStr && s == "" {
			return nil, false
		}
		if t, isTime := v.(time.Time); isTime && t.IsZero() {
			return nil, false
		}
		return v, true
	}
	return convreport.DefaultSchema().Value(c, p.Name)
}

// encode converts a known value to the column's parameter.
func (l *layout) encode(p convreport.Property, v any) (any, error) {
	switch x := v.(type) {
	case string:
		if l.d == PostgreSQL && !okText(x) {
			return nil, errPGText
		}
		return x, nil
	case float64:
		if !p.Custom {
			return int64(x), nil // a message count
		}
		if math.IsNaN(x) {
			return nil, errors.New("NaN cannot be stored: it would compare unlike the engine")
		}
		if x == 0 {
			x = 0 // -0 is 0, which jsonb keeps and a Float64 column would not
		}
		return x, nil
	case bool:
		switch l.d {
		case SQLite:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case ClickHouse:
			if x {
				return uint8(1), nil
			}
			return uint8(0), nil
		}
		return x, nil
	case time.Time:
		return l.encodeTime(x, true)
	case time.Duration:
		return int64(x), nil
	}
	return nil, fmt.Errorf("unsupported value %T", v)
}

// errPGText is why a string cannot be a PostgreSQL text value.
var errPGText = errors.New("PostgreSQL text cannot hold a NUL byte or invalid UTF-8")

// encodeTime converts a known time to its column's parameter, or with
// keep false only checks that it can be one.
func (l *layout) encodeTime(t time.Time, keep bool) (any, error) {
	if l.times == Timestamp {
		if !t.Truncate(time.Microsecond).Equal(t) {
			return nil, fmt.Errorf("%s is finer than the microsecond a timestamptz holds", t.Format(time.RFC3339Nano))
		}
		if !keep {
			return nil, nil
		}
		return t.UTC(), nil
	}
	n, err := exactNanos(t)
	if err != nil || !keep {
		return nil, err
	}
	return n, nil
}

func exactNanos(t time.Time) (int64, error) {
	if t.Before(minNanoTime) || t.After(maxNanoTime) {
		return 0, fmt.Errorf("%s is outside the years 1678 to 2262 that int64 nanoseconds hold", t.Format(time.RFC3339Nano))
	}
	return t.UnixNano(), nil
}

// insertClickHouse inserts through the driver's batch: the rows travel in
// ClickHouse's native format, one block per thousands of rows. ClickHouse
// has no transactions: rows are validated and encoded before the first is
// sent, so bad input inserts nothing, but a connection lost midway may
// leave the blocks already sent.
func (l *layout) insertClickHouse(ctx context.Context, db *sql.DB, tenant any, cs []convreport.Conversation) error {
	// Every row's parameters in one slice: a slice of its own, grown by
	// append, was six allocations a row beside its values.
	width := l.rowWidth(tenant)
	flat := make([]any, len(cs)*width)
	rows := make([][]any, len(cs))
	for i := range cs {
		at := i * width
		row, err := l.appendRow(flat[at:at:at+width], &cs[i], tenant)
		if err != nil {
			return fmt.Errorf("sqlsource: insert conversation %q: %w", cs[i].ID, err)
		}
		rows[i] = row
	}
	cols := l.stored()
	into := func(table string, names []string) string {
		q := &sqlBuf{d: ClickHouse}
		q.w("INSERT INTO ")
		q.ident(table)
		q.w(" (")
		for i, n := range names {
			if i > 0 {
				q.w(", ")
			}
			q.ident(n)
		}
		q.w(")")
		return q.String()
	}
	names := make([]string, len(cols))
	plain := plainIdent.MatchString(l.table)
	for i, c := range cols {
		names[i] = c.name
		plain = plain && plainIdent.MatchString(c.name)
	}
	if tenant != nil {
		names = append(names, l.tenant)
		plain = plain && plainIdent.MatchString(l.tenant)
	}
	// The driver finds the table and columns of a batch's INSERT with
	// regular expressions, which quoted names holding spaces, quotes or
	// parentheses defeat: such a table is filled from a staging table of
	// plain names, with INSERT … SELECT.
	table, batchNames := l.table, names
	if !plain {
		table = fmt.Sprintf("%sinsert_%d", aliasPrefix, stagingSeq.Add(1)+time.Now().UnixNano())
		q := &sqlBuf{d: ClickHouse}
		q.w("CREATE TABLE ")
		q.ident(table)
		q.w(" (")
		batchNames = make([]string, len(names))
		for i := range names {
			batchNames[i] = "c" + strconv.Itoa(i)
			if i > 0 {
				q.w(", ")
			}
			typ := tenantCHType(tenant)
			if i < len(cols) {
				typ = l.sqlType(cols[i].prop)
				if t := cols[i].dbType; t != "" && isCount(cols[i].prop) {
					typ = t // the type of countParam's values
				}
				if v, _ := l.rowZero(cols[i]); v == nil {
					typ = "Nullable(" + typ + ")"
				}
			}
			q.w(batchNames[i], " ", typ)
		}
		q.w(") ENGINE = Memory")
		if _, err := db.ExecContext(ctx, q.String()); err != nil {
			return fmt.Errorf("sqlsource: insert into %s: staging table: %w", ClickHouse.quote(l.table), err)
		}
		defer db.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+ClickHouse.quote(table))
	}
	const perBatch = 100_000
	for start := 0; start < len(rows); start += perBatch {
		if err := insertBatch(ctx, db, into(table, batchNames), rows[start:min(start+perBatch, len(rows))]); err != nil {
			return fmt.Errorf("sqlsource: insert into %s: %w", ClickHouse.quote(l.table), err)
		}
	}
	if !plain {
		q := &sqlBuf{d: ClickHouse}
		q.w(into(l.table, names), " SELECT ")
		for i, n := range batchNames {
			if i > 0 {
				q.w(", ")
			}
			q.w(n)
		}
		q.w(" FROM ")
		q.ident(table)
		if _, err := db.ExecContext(ctx, q.String()); err != nil {
			return fmt.Errorf("sqlsource: insert into %s: %w", ClickHouse.quote(l.table), err)
		}
	}
	return nil
}

// tenantCHType is the ClickHouse type of a tenant value.
func tenantCHType(tenant any) string {
	if _, isStr := tenant.(string); isStr {
		return "String"
	}
	return "Int64"
}

// plainIdent is a name the driver's INSERT parsing reads right.
var plainIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

var stagingSeq atomic.Int64

// rowZero reports whether CreateTable makes c's column Nullable: nil
// for a Nullable column.
func (l *layout) rowZero(c *column) (any, bool) {
	if alwaysKnown[c.prop.Name] && !c.prop.Custom {
		return 0, true
	}
	return nil, false
}

// alwaysKnown names the built-in fields every conversation has a value of
// (convreport.Field.AlwaysKnown): their columns are never NULL.
var alwaysKnown = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range convreport.Fields() {
		if f.AlwaysKnown() {
			m[f.Name] = true
		}
	}
	return m
}()

// isCount reports whether p is a built-in message count, 0 by default.
func isCount(p convreport.Property) bool {
	return !p.Custom && !p.Derived && p.Kind == convreport.KindNumber
}

func insertBatch(ctx context.Context, db *sql.DB, stmt string, rows [][]any) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	batch, err := tx.PrepareContext(ctx, stmt)
	if err != nil {
		return err
	}
	defer batch.Close()
	for _, row := range rows {
		if _, err := batch.ExecContext(ctx, row...); err != nil {
			return err
		}
	}
	return tx.Commit()
}
