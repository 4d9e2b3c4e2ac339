package sqlsource

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/convreport/convreport"
)

// TimeStorage says how a table holds instants.
type TimeStorage int

// The ways to store times.
const (
	// UnixNanos is an integer column of Unix nanoseconds (INTEGER, bigint):
	// exact, as the engine computes. The default.
	UnixNanos TimeStorage = iota
	// Timestamp is a PostgreSQL timestamptz column: microsecond precision.
	Timestamp
)

// Mapping says where a table keeps each property. Its zero value is the
// default layout: table "conversations", a column per built-in property
// named by the property's key (id, channel, created_at, …), custom
// properties in a JSON object column "properties" under their names (in
// ClickHouse, a column each, named by the property's key), and times as
// Unix nanoseconds. It reads and writes JSON, for a command
// line's configuration file:
//
//	{"table": "tickets", "columns": {"Assignee": "agent"}, "times": "timestamp"}
type Mapping struct {
	// Table is the table's name; default "conversations".
	Table string `json:"table,omitempty"`
	// Columns renames columns: property name (or key) → column. A custom
	// property listed here has a column of its own instead of a key in
	// the JSON column.
	Columns map[string]string `json:"columns,omitempty"`
	// JSON is the column holding the other custom properties as one JSON
	// object (TEXT in SQLite, jsonb in PostgreSQL, where a json column is
	// read too and a text one refused); default "properties".
	// Strings, numbers and booleans are JSON values; times and durations
	// integer nanoseconds. A value of another JSON type than its
	// property's kind (the string "9" for a number) is read as unknown.
	// It is read only when some custom property lives there.
	JSON string `json:"json,omitempty"`
	// JSONKeys renames keys in the JSON column: custom property name → key;
	// default the property's name.
	JSONKeys map[string]string `json:"json_keys,omitempty"`
	// Times says how time columns hold instants; default UnixNanos.
	Times TimeStorage `json:"times,omitempty"`
	// Tenant is the column that says which account a row belongs to, in
	// a table shared by many accounts; "" when the table holds one. It is
	// no property: reports cannot group or filter by it. A source over
	// such a table reads nothing until it is given a tenant
	// ([WithTenant], [Source.ForTenant]), and then reads that tenant's
	// rows only.
	Tenant string `json:"tenant,omitempty"`
}

// Check checks m for a table of dialect d under schema s (nil means
// [convreport.DefaultSchema]) as [New] and [CreateTable] do before they
// touch the database: names that cannot be identifiers, properties the
// schema lacks, two properties in one column, a time storage the dialect
// lacks. It needs no database, so that a program reading a mapping from
// a configuration file can refuse a bad one at once.
func (m Mapping) Check(d Dialect, s *convreport.Schema) error {
	_, err := newLayout(d, s, m)
	return err
}

// MarshalText writes "unix_nanos" or "timestamp".
func (t TimeStorage) MarshalText() ([]byte, error) {
	switch t {
	case UnixNanos:
		return []byte("unix_nanos"), nil
	case Timestamp:
		return []byte("timestamp"), nil
	}
	return nil, fmt.Errorf("sqlsource: unknown time storage %d", int(t))
}

// UnmarshalText reads "unix_nanos" or "timestamp".
func (t *TimeStorage) UnmarshalText(b []byte) error {
	switch string(b) {
	case "unix_nanos", "":
		*t = UnixNanos
	case "timestamp":
		*t = Timestamp
	default:
		return fmt.Errorf("sqlsource: unknown time storage %q (want unix_nanos or timestamp)", b)
	}
	return nil
}

// column is where one stored property lives.
type column struct {
	prop convreport.Property
	name string // its column; for a property kept in JSON, the JSON column
	key  string // its key in the JSON column; "" for a column of its own
	// field is the built-in field the property is, nil for a custom one;
	// shown is set where reports show a default for an empty value (a
	// channel, a status), which the column stores.
	field *convreport.Field
	shown bool
	// dbType is the declared type of a message count's column in a table
	// that exists, as a write reads it (PostgreSQL's base type name,
	// ClickHouse's type unwrapped), "" when unread; maxCount the largest
	// count it holds exactly, 0 for every count.
	dbType   string
	maxCount int64
	// nan, for a PostgreSQL column of a custom number that may hold NaN,
	// is the condition that it does not (" <> 'NaN'"), set by New from
	// its declared type; "" for an integer column.
	nan string
}

// layout is a Mapping resolved against a schema and checked.
type layout struct {
	d      Dialect
	table  string
	times  TimeStorage
	cols   []*column // every stored property, in schema order
	byName map[string]*column
	json   string // the JSON column, "" when no property lives in it
	// jsonCast is set (by New) for a PostgreSQL json column, which the
	// statements read with json's functions, not jsonb's.
	jsonCast bool
	tenant   string // the tenant column, "" for none
	// storedCols and jsonCols are stored and inJSON, made once: an
	// import reads them for every row.
	storedCols, jsonCols []*column
}

// newLayout resolves m for s, refusing names that cannot be identifiers,
// properties the schema lacks, and two properties in one column.
func newLayout(d Dialect, s *convreport.Schema, m Mapping) (*layout, error) {
	if !d.valid() {
		return nil, fmt.Errorf("sqlsource: unknown dialect %v", d)
	}
	if s == nil {
		s = convreport.DefaultSchema()
	}
	l := &layout{d: d, table: m.Table, times: m.Times, byName: map[string]*column{}}
	if l.table == "" {
		l.table = "conversations"
	}
	if err := d.checkIdent(l.table); err != nil {
		return nil, fmt.Errorf("sqlsource: mapping: table name %q %v", l.table, err)
	}
	switch m.Times {
	case UnixNanos:
	case Timestamp:
		if d != PostgreSQL {
			return nil, fmt.Errorf("sqlsource: mapping: Timestamp storage needs PostgreSQL, not %v", d)
		}
	default:
		return nil, fmt.Errorf("sqlsource: mapping: unknown time storage %d", m.Times)
	}
	renamed := map[string]string{}
	for name, col := range m.Columns {
		p, ok := s.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("sqlsource: mapping: column for %q: the schema has no such property", name)
		}
		if p.Derived {
			return nil, fmt.Errorf("sqlsource: mapping: %s is computed from other properties and has no column", p.Name)
		}
		if _, dup := renamed[p.Name]; dup {
			return nil, fmt.Errorf("sqlsource: mapping: %s is mapped twice (by name and by key)", p.Name)
		}
		renamed[p.Name] = col
	}
	for name := range m.JSONKeys {
		p, ok := s.Lookup(name)
		if !ok || !p.Custom {
			return nil, fmt.Errorf("sqlsource: mapping: JSON key for %q: not a custom property of the schema", name)
		}
	}
	if d == ClickHouse && (m.JSON != "" || len(m.JSONKeys) > 0) {
		// 18.16 has no JSON functions to filter and group on: each
		// custom property has a column of its own.
		return nil, fmt.Errorf("sqlsource: mapping: ClickHouse keeps custom properties in columns of their own, not in a JSON column (JSON %q, JSONKeys %v)", m.JSON, m.JSONKeys)
	}
	jsonCol := m.JSON
	if jsonCol == "" {
		jsonCol = "properties"
	}
	used := map[string]string{} // folded column name → property
	builtIn := map[string]*convreport.Field{}
	for _, f := range convreport.Fields() {
		builtIn[f.Name] = &f
	}
	for _, p := range s.Properties() {
		if p.Derived {
			continue
		}
		c := &column{prop: p, name: p.Key}
		if f := builtIn[p.Name]; f != nil && !p.Custom {
			c.field = f
			c.shown = f.AlwaysKnown() && !f.Required && f.Kind != convreport.KindNumber
		}
		if r, ok := renamed[p.Name]; ok {
			c.name = r
		} else if p.Custom && d == ClickHouse {
			c.name = p.Key
		} else if p.Custom {
			c.name, c.key = jsonCol, p.Name
			if k, ok := m.JSONKeys[p.Name]; ok {
				c.key = k
			}
			if err := checkJSONKey(c.key); err != nil {
				return nil, fmt.Errorf("sqlsource: mapping: JSON key %q of %s %v", c.key, p.Name, err)
			}
			l.json = jsonCol
		}
		if err := d.checkIdent(c.name); err != nil {
			return nil, fmt.Errorf("sqlsource: mapping: column name %q of %s %v", c.name, p.Name, err)
		}
		if d == ClickHouse && strings.HasPrefix(c.name, aliasPrefix) {
			// ClickHouse lets a SELECT's aliases shadow columns of the
			// same name anywhere in the query: the statements' own
			// aliases would replace such a column.
			return nil, fmt.Errorf("sqlsource: mapping: column name %q of %s starts with %q, which the ClickHouse statements use for their aliases", c.name, p.Name, aliasPrefix)
		}
		if c.key == "" {
			f := d.fold(c.name)
			if other, dup := used[f]; dup {
				return nil, fmt.Errorf("sqlsource: mapping: %s and %s both map to column %q", other, p.Name, c.name)
			}
			used[f] = p.Name
		}
		l.cols = append(l.cols, c)
		l.byName[p.Name] = c
	}
	if m.Tenant != "" {
		if err := d.checkIdent(m.Tenant); err != nil {
			return nil, fmt.Errorf("sqlsource: mapping: tenant column name %q %v", m.Tenant, err)
		}
		if other, dup := used[d.fold(m.Tenant)]; dup {
			return nil, fmt.Errorf("sqlsource: mapping: tenant column %q is also the column of %s", m.Tenant, other)
		}
		if d == ClickHouse && strings.HasPrefix(m.Tenant, aliasPrefix) {
			return nil, fmt.Errorf("sqlsource: mapping: tenant column name %q starts with %q, which the ClickHouse statements use for their aliases", m.Tenant, aliasPrefix)
		}
		if l.json != "" && d.fold(l.json) == d.fold(m.Tenant) {
			return nil, fmt.Errorf("sqlsource: mapping: tenant column %q is also the JSON column", m.Tenant)
		}
		l.tenant = m.Tenant
	}
	if l.json != "" {
		if err := d.checkIdent(l.json); err != nil {
			return nil, fmt.Errorf("sqlsource: mapping: JSON column name %q %v", l.json, err)
		}
		if other, dup := used[d.fold(l.json)]; dup {
			return nil, fmt.Errorf("sqlsource: mapping: JSON column %q is also the column of %s", l.json, other)
		}
		keys := map[string]string{}
		for _, c := range l.cols {
			if c.key == "" {
				continue
			}
			if other, dup := keys[c.key]; dup {
				return nil, fmt.Errorf("sqlsource: mapping: %s and %s both map to JSON key %q", other, c.prop.Name, c.key)
			}
			keys[c.key] = c.prop.Name
		}
	}
	for _, c := range l.cols {
		if c.key == "" {
			l.storedCols = append(l.storedCols, c)
		} else {
			l.jsonCols = append(l.jsonCols, c)
		}
	}
	return l, nil
}

// fold is how the database compares identifiers: SQLite ignores ASCII
// case; PostgreSQL compares quoted identifiers exactly.
func (d Dialect) fold(name string) string {
	if d == SQLite {
		return strings.Map(func(r rune) rune {
			if r < 128 {
				return unicode.ToLower(r)
			}
			return r
		}, name)
	}
	return name
}

// checkJSONKey refuses keys that a SQLite JSON path cannot spell.
func checkJSONKey(k string) error {
	switch {
	case k == "":
		return fmt.Errorf("is empty")
	case !okText(k):
		return fmt.Errorf("holds a NUL byte or invalid UTF-8")
	case strings.ContainsAny(k, "\"\\"), strings.ContainsFunc(k, unicode.IsControl):
		return fmt.Errorf("holds a quote, a backslash or a control character")
	}
	return nil
}

// stored returns the columns of their own, in schema order, with the JSON
// column (if any) last: what Scan selects and Insert writes.
func (l *layout) stored() []*column { return l.storedCols }

// inJSON returns the properties kept in the JSON column.
func (l *layout) inJSON() []*column { return l.jsonCols }

func (l *layout) col(name string) *column { return l.byName[name] }
