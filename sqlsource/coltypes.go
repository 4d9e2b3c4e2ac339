package sqlsource

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/convreport/convreport"
)

// columnTypes reads the declared type of every column of the table
// (SQLite, PostgreSQL), by the name the dialect folds it to. SQLite gives
// the type as declared ("" for none); PostgreSQL its base type's name
// ("bigint", "timestamp with time zone", a domain's underlying type).
func (s *Source) columnTypes(ctx context.Context) (map[string]string, error) {
	return tableColumnTypes(ctx, s.db, s.d, s.l.table)
}

// tableColumnTypes reads the declared type of every column of table, by
// the name d folds it to: SQLite's as declared, PostgreSQL's base type's
// name, ClickHouse's type as system.columns gives it (Nullable(Int32)).
// A table that does not exist has none.
func tableColumnTypes(ctx context.Context, db *sql.DB, d Dialect, table string) (map[string]string, error) {
	var stmt string
	switch d {
	case SQLite:
		stmt = `SELECT name, type FROM pragma_table_info(?)`
	case PostgreSQL:
		// A numeric's precision and scale are kept (numeric(10,2)):
		// whether it holds fractions decides whether it holds counts.
		stmt = `SELECT a.attname, format_type(COALESCE(NULLIF(t.typbasetype, 0), a.atttypid),
	CASE WHEN COALESCE(NULLIF(t.typbasetype, 0), a.atttypid) = 'numeric'::regtype
	THEN CASE WHEN t.typbasetype <> 0 THEN t.typtypmod ELSE a.atttypmod END END)
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = to_regclass(quote_ident($1)) AND a.attnum > 0 AND NOT a.attisdropped`
	case ClickHouse:
		stmt = `SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ?`
	default:
		return nil, fmt.Errorf("sqlsource: column types of %v", d)
	}
	fail := func(err error) (map[string]string, error) {
		return nil, fmt.Errorf("sqlsource: table %s: reading its column types: %w", d.quote(table), err)
	}
	rows, err := db.QueryContext(ctx, stmt, table)
	if err != nil {
		return fail(err)
	}
	defer rows.Close()
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return fail(err)
		}
		types[d.fold(name)] = typ
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	return types, nil
}

// checkColumnTypes refuses a time, duration or message count column whose
// declared type the statements would read wrongly, where the database
// compares without complaint: an SQLite TEXT column of dates is greater
// than every integer, so a report counts nothing; a PostgreSQL
// timestamptz compared with Unix nanoseconds fails with a raw operator
// error. A column without a declared type (an SQLite view's expression)
// is not checked. types is columnTypes' map.
func (s *Source) checkColumnTypes(types map[string]string) error {
	for _, c := range s.l.stored() {
		kind := c.prop.Kind
		count := c.field != nil && isCount(c.prop)
		if kind != convreport.KindTime && kind != convreport.KindDuration && !count {
			continue
		}
		typ, ok := types[s.d.fold(c.name)]
		if !ok || typ == "" {
			continue
		}
		if count {
			if err := s.l.countTypeError(c, typ); err != nil {
				return err
			}
			continue
		}
		var want string
		switch s.d {
		case SQLite:
			want = sqliteTypeProblem(typ, false)
		case PostgreSQL:
			want = s.pgTypeProblem(typ, kind)
		}
		if want != "" {
			return &ColumnTypeError{Dialect: s.d, Table: s.l.table, Column: c.name, Property: c.prop.Name, Kind: kind, Type: typ, Times: s.l.times, Reason: want}
		}
	}
	return s.checkJSONType(types)
}

// countTypeError is the *ColumnTypeError refusing message count column
// c of declared type typ (as tableColumnTypes reads it), nil when the
// statements read it exactly or it is not read (typ "": an SQLite
// view's expression, a table that does not exist). New refuses so, and
// so do the writes, before anything is written: a count written into a
// column New refuses could not be reported.
func (l *layout) countTypeError(c *column, typ string) error {
	if typ == "" {
		return nil
	}
	var want string
	switch l.d {
	case SQLite:
		want = sqliteTypeProblem(typ, true)
	case PostgreSQL:
		want = pgCountProblem(typ)
	case ClickHouse:
		return l.checkClickHouseCount(c, typ)
	}
	if want == "" {
		return nil
	}
	return &ColumnTypeError{Dialect: l.d, Table: l.table, Column: c.name, Property: c.prop.Name, Kind: c.prop.Kind, Count: true, Type: typ, Times: l.times, Reason: want}
}

// checkJSONType checks PostgreSQL's JSON column, where custom properties
// live: the statements read it with jsonb's operators. A json column is
// read with json's, as written, as a scan reads it (each row parsed
// again; jsonb is faster); any other type, text included, is refused,
// where it failed at the first report with "operator does not exist:
// text -> text".
func (s *Source) checkJSONType(types map[string]string) error {
	if s.d != PostgreSQL || s.l.json == "" {
		return nil
	}
	typ, ok := types[s.d.fold(s.l.json)]
	switch {
	case !ok || typ == "jsonb":
		return nil
	case typ == "json":
		s.l.jsonCast = true
		return nil
	}
	col := s.d.quote(s.l.json)
	reason := "custom properties are read as jsonb: make it jsonb (ALTER TABLE " + s.d.quote(s.l.table) + " ALTER COLUMN " + col + " TYPE jsonb USING " + col + "::jsonb)"
	return &ColumnTypeError{Dialect: s.d, Table: s.l.table, Column: s.l.json, JSON: true, Type: typ, Times: s.l.times, Reason: reason}
}

// ColumnTypeError is the error of [New] for a time, duration or message
// count column (SQLite, PostgreSQL; a ClickHouse message count), or
// PostgreSQL's JSON column of custom properties ([Mapping].JSON), whose
// declared type the statements would read wrongly. [Insert], [Import]
// and [ImportAll] given the database refuse a message count column so
// too, before writing anything. Reason says what the column must be instead, and names
// the [Mapping].Times that reads it when one does: a program that sets
// the mapping another way (a configuration file) may reword it.
type ColumnTypeError struct {
	Dialect  Dialect
	Table    string          // the mapped table
	Column   string          // the column
	Property string          // the property the column holds; "" for the JSON column
	Kind     convreport.Kind // the property's kind: time, duration, or number for a count; 0 for the JSON column
	Count    bool            // the column is a message count
	JSON     bool            // the column is the JSON object of custom properties (jsonb or json)
	Type     string          // its declared type (PostgreSQL: its base type's name)
	Times    TimeStorage     // how the mapping reads times
	Reason   string          // what it must be instead
}

func (e *ColumnTypeError) Error() string {
	if e.JSON {
		return fmt.Sprintf("sqlsource: table %s: column %s, the JSON object of custom properties, is %s: %s", e.Dialect.quote(e.Table), e.Dialect.quote(e.Column), e.Type, e.Reason)
	}
	kind := e.Kind.String()
	if e.Count {
		kind = "a message count"
	}
	return fmt.Sprintf("sqlsource: table %s: column %s of %s (%s) is %s: %s", e.Dialect.quote(e.Table), e.Dialect.quote(e.Column), e.Property, kind, e.Type, e.Reason)
}

// sqliteAffinity is the type affinity SQLite gives a declared type
// (https://sqlite.org/datatype3.html#determination_of_column_affinity).
func sqliteAffinity(typ string) string {
	t := strings.ToUpper(typ)
	switch {
	case strings.Contains(t, "INT"):
		return "INTEGER"
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return "TEXT"
	case t == "", strings.Contains(t, "BLOB"):
		return "BLOB"
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"):
		return "REAL"
	}
	return "NUMERIC"
}

// sqliteTypeProblem says what an SQLite column of declared type typ
// must be instead, "" when it will do. Times and durations are integer
// Unix nanoseconds, the one storage SQLite has: a TEXT column (ISO dates)
// compares above every integer, a REAL one rounds nanoseconds, and a
// DATE, DATETIME or TIMESTAMP one holds dates or seconds. A count may
// be a column of INTEGER or NUMERIC affinity (which stores whole numbers
// as integers), or of none: not TEXT, which compares as text, nor REAL
// (REAL, FLOAT, DOUBLE), declared to hold fractions, which no count has:
// a pushed-down filter would compare 2.5 as it is while a scan refuses it,
// as PostgreSQL's real and double precision are refused.
func sqliteTypeProblem(typ string, count bool) string {
	aff := sqliteAffinity(typ)
	if count {
		switch aff {
		case "TEXT":
			return "a count must be an INTEGER column (a TEXT one compares '10' below '2')"
		case "REAL":
			return "a count is a whole number, and a column of REAL affinity holds fractions: make it an INTEGER column once its values are whole"
		}
		return ""
	}
	t := strings.ToUpper(typ)
	dateLike := aff == "NUMERIC" && (strings.Contains(t, "DATE") || strings.Contains(t, "TIME"))
	if aff == "TEXT" || aff == "REAL" || dateLike {
		return "SQLite times and durations are read as INTEGER Unix nanoseconds (Mapping.Times UnixNanos, the one storage SQLite has): " +
			"store them so, or map a view that converts the column, such as unixepoch(col) * 1000000000"
	}
	return ""
}

// pgTypeProblem says what a PostgreSQL time or duration column of type
// typ must be instead, "" when it will do, naming the Mapping.Times that reads it
// when one does.
func (s *Source) pgTypeProblem(typ string, kind convreport.Kind) string {
	if kind == convreport.KindDuration {
		if typ == "bigint" {
			return ""
		}
		return "durations are bigint nanoseconds"
	}
	switch {
	case s.l.times == Timestamp && typ == "timestamp with time zone", s.l.times == UnixNanos && typ == "bigint":
		return ""
	case typ == "timestamp with time zone":
		return `the mapping reads times as bigint Unix nanoseconds: set Mapping.Times to Timestamp ("times": "timestamp") for timestamptz columns`
	case typ == "bigint":
		return `the mapping reads times as timestamptz (Mapping.Times is Timestamp): set it to UnixNanos ("times": "unix_nanos") for bigint Unix nanoseconds`
	case typ == "timestamp without time zone":
		return "a timestamp without time zone would be read in the session's time zone: make it timestamptz and set Mapping.Times to Timestamp"
	case s.l.times == Timestamp:
		return "the mapping reads times as timestamptz (Mapping.Times is Timestamp)"
	}
	return `the mapping reads times as bigint Unix nanoseconds (Mapping.Times UnixNanos); a timestamptz column is read with Mapping.Times Timestamp ("times": "timestamp")`
}

// pgCountProblem says what a PostgreSQL message count column of type typ
// (as tableColumnTypes reads it) must be instead, "" when it will do:
// smallint, integer, bigint or numeric(p,0) (numeric(p) is that). A type
// that holds fractions is refused, real, double precision and numeric
// with a scale as well as numeric declared without one: a pushed-down
// filter compares a stored 2.5 as it is (IncomingMessages > 2 counts
// it) while a scan refuses it. A negative scale rounds a count written
// to it.
func pgCountProblem(typ string) string {
	const want = "want smallint, integer, bigint or numeric with scale 0 (make it bigint once its values are whole)"
	switch typ {
	case "smallint", "integer", "bigint":
		return ""
	case "real", "double precision":
		return "a count is a whole number, and " + typ + " holds fractions: " + want
	case "numeric":
		return "a count is a whole number, and a numeric declared without a scale holds fractions: " + want
	}
	if _, scale, ok := pgNumeric(typ); ok {
		switch {
		case scale == 0:
			return ""
		case scale < 0:
			return fmt.Sprintf("a count is a whole number, and a numeric with a negative scale rounds it to a multiple of 10^%d: %s", -scale, want)
		}
		return "a count is a whole number, and a numeric with a scale holds fractions: " + want
	}
	return "a count must be a number column (integer, bigint)"
}

// tenantKind is what a tenant column holds, by its declared type: a
// tenant given as a string or an integer is converted to it, so that it
// is compared with a parameter of the column's type.
type tenantKind int

const (
	// tenantAny: a type that compares with either (SQLite NUMERIC, no
	// declared type): the tenant is compared as given.
	tenantAny tenantKind = iota
	// tenantInteger: an integer column; a string tenant must be digits.
	tenantInteger
	// tenantText: a text column; an integer tenant is compared as its
	// decimal text.
	tenantText
	// tenantOther: a PostgreSQL column of another type (uuid…): the
	// tenant, as text, is a parameter of the column's own type, which
	// the server parses.
	tenantOther
)

// tenantKindOf classifies a tenant column by its declared type: SQLite's
// as declared, PostgreSQL's base type name, ClickHouse's type.
func tenantKindOf(d Dialect, typ string) tenantKind {
	switch d {
	case SQLite:
		switch sqliteAffinity(typ) {
		case "INTEGER":
			return tenantInteger
		case "TEXT":
			return tenantText
		}
		return tenantAny
	case PostgreSQL:
		switch typ {
		case "smallint", "integer", "bigint":
			return tenantInteger
		case "text", "character varying", "character":
			return tenantText
		case "":
			return tenantAny
		}
		return tenantOther
	case ClickHouse:
		base := strings.TrimSuffix(strings.TrimPrefix(typ, "LowCardinality("), ")")
		if base == "String" {
			return tenantText
		}
		if strings.HasPrefix(base, "Int") || strings.HasPrefix(base, "UInt") {
			return tenantInteger
		}
	}
	return tenantAny
}

// tenantFor converts a tenant checked by tenantValue to the kind of the
// tenant column: "42" for an integer column is 42, 42 for a text column
// "42". A string that is no integer, for an integer column, is refused.
func (s *Source) tenantFor(v any) (any, error) {
	switch x := v.(type) {
	case string:
		if s.tenantKind != tenantInteger {
			return x, nil
		}
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("sqlsource: tenant %q: the tenant column %s of table %s holds integers", x, s.d.quote(s.l.tenant), s.d.quote(s.l.table))
		}
		return n, nil
	case int64:
		if s.tenantKind == tenantText || s.tenantKind == tenantOther {
			return strconv.FormatInt(x, 10), nil
		}
	}
	return v, nil
}

// readCountTypes reads the declared types of the table's message count
// columns, where the table exists, so that a write refuses before
// anything is written a column New would refuse (a count of floating
// point type, or one of PostgreSQL's numeric that holds fractions) and a
// count its column cannot hold (2^31 in an integer column; counts read
// from a file go up to 2^53), and gives ClickHouse each count as its
// column's type, which its driver requires. SQLite's integers hold
// every count; a nil db reads nothing.
func (l *layout) readCountTypes(ctx context.Context, db *sql.DB) error {
	if db == nil {
		return nil
	}
	var counts []*column
	for _, c := range l.storedCols {
		if c.field != nil && isCount(c.prop) {
			counts = append(counts, c)
		}
	}
	if len(counts) == 0 {
		return nil
	}
	types, err := tableColumnTypes(ctx, db, l.d, l.table)
	if err != nil {
		return err
	}
	for _, c := range counts {
		typ := types[l.d.fold(c.name)]
		if err := l.countTypeError(c, typ); err != nil {
			return err // what New would refuse, refused before a write
		}
		switch l.d {
		case SQLite:
			continue
		case ClickHouse:
			typ = clickHouseBase(typ)
		}
		c.dbType, c.maxCount = typ, countTypeMax(typ)
	}
	return nil
}

// countTypeMax is the largest count a PostgreSQL or ClickHouse integer
// column type holds (numeric(5,0): 99999), 0 for one that holds every
// count (bigint, Int64) or that is not known.
func countTypeMax(typ string) int64 {
	switch typ {
	case "Int8":
		return math.MaxInt8
	case "UInt8":
		return math.MaxUint8
	case "smallint", "Int16":
		return math.MaxInt16
	case "UInt16":
		return math.MaxUint16
	case "integer", "Int32":
		return math.MaxInt32
	case "UInt32":
		return math.MaxUint32
	}
	return pgNumericMax(typ)
}

// countTooLarge is why count n cannot go into c's column.
func (l *layout) countTooLarge(c *column, n int64) error {
	wide := "bigint"
	if l.d == ClickHouse {
		wide = "Int64"
	}
	return fmt.Errorf("%d does not fit column %s, which is %s and holds at most %d: make the column %s", n, l.d.quote(c.name), c.dbType, c.maxCount, wide)
}

// countParam is count n as the parameter of c's column: ClickHouse's
// driver takes a value of the column's own type only.
func (c *column) countParam(d Dialect, n int64) any {
	if d != ClickHouse {
		return n
	}
	switch c.dbType {
	case "Int8":
		return int8(n)
	case "UInt8":
		return uint8(n)
	case "Int16":
		return int16(n)
	case "UInt16":
		return uint16(n)
	case "Int32":
		return int32(n)
	case "UInt32":
		return uint32(n)
	}
	return n
}

// pgNaN is the condition that a PostgreSQL number column of type typ
// (columnTypes' name) holds no NaN: compared with 'NaN' where the type
// has it (real, double precision, numeric), as text where the type is
// unknown, nothing for an integer type, which has none.
func pgNaN(typ string) string {
	switch {
	case typ == "smallint", typ == "integer", typ == "bigint":
		return ""
	case typ == "real", typ == "double precision", typ == "numeric", strings.HasPrefix(typ, "numeric("):
		return " <> 'NaN'"
	}
	return "::text <> 'NaN'"
}
