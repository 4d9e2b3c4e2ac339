package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/strictjson"
	"github.com/convreport/convreport/internal/suggest"
	"github.com/convreport/convreport/sqlsource"
)

// mappingFlag is --mapping FILE (or import's --out-mapping FILE): the
// layout of a database table, a JSON sqlsource.Mapping; without it, the
// default layout.
type mappingFlag struct {
	name string // the flag: "--mapping" or "--out-mapping"
	path string
}

// mappingHelp is the help of a mapping flag whose table is what.
func mappingHelp(what string) string {
	return what + ", when it is not the one import makes, as a JSON `FILE`: " +
		`{"table": "tickets", "columns": {"Assignee": "agent", "CreatedAt": "opened"}, "json": "extra", "json_keys": {"plan": "tier"}, "times": "timestamp", "tenant": "account"} ` +
		`(every key optional: "columns" renames property → column, "json" is the column of the other custom properties, "json_keys" renames their keys in it, "times": "timestamp" reads PostgreSQL timestamptz columns, "tenant" is the column of a table shared by tenants)`
}

func (f *mappingFlag) register(fs *flag.FlagSet, name, help string) {
	f.name = "--" + name
	fs.StringVar(&f.path, name, "", help)
}

// given reports whether the flag names a file.
func (f mappingFlag) given() bool { return f.path != "" }

// mappingKeys are the keys of a mapping file: sqlsource.Mapping's JSON
// names, in its order.
var mappingKeys = func() []string {
	var keys []string
	t := reflect.TypeFor[sqlsource.Mapping]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}()

// read reads the file: the zero Mapping (the default layout) without
// one. Unknown keys, a "times" other than the two storages, and values of
// the wrong JSON type are refused, naming the file and the key.
func (f mappingFlag) read() (sqlsource.Mapping, error) {
	var m sqlsource.Mapping
	if !f.given() {
		return m, nil
	}
	fail := func(format string, args ...any) (sqlsource.Mapping, error) {
		return sqlsource.Mapping{}, fmt.Errorf("%s %s: %s", f.name, f.path, fmt.Sprintf(format, args...))
	}
	b, err := os.ReadFile(f.path)
	if err != nil {
		return fail("%v", unwrapPath(err))
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil || keys == nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fail("not JSON: %v (line %d)", se, 1+bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n")))
		}
		return fail(`want a JSON object such as {"table": "tickets", "times": "timestamp"}`)
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if slices.Contains(mappingKeys, k) {
			continue
		}
		cands := make([]suggest.Candidate, len(mappingKeys))
		for i, known := range mappingKeys {
			cands[i] = suggest.Candidate{Text: known, Suggest: known}
		}
		hint := ""
		if s := suggest.Closest(k, cands); s != "" {
			hint = fmt.Sprintf("did you mean %q? ", s)
		}
		return fail("unknown key %q (%swant %s)", k, hint, strings.Join(mappingKeys, ", "))
	}
	if raw, ok := keys["times"]; ok {
		var times string
		if json.Unmarshal(raw, &times) != nil || (times != "unix_nanos" && times != "timestamp") {
			return fail(`"times": %s: want "timestamp" (PostgreSQL timestamptz columns) or "unix_nanos" (integer Unix nanoseconds, the default)`, raw)
		}
	}
	if err := strictjson.Decode(b, &m); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			want := "a string"
			if te.Type.Kind() == reflect.Map {
				want = "an object of names to names"
			}
			return fail("%q: want %s, got %s", te.Field, want, te.Value)
		}
		return fail("%v", strings.TrimPrefix(err.Error(), "json: "))
	}
	return m, nil
}

// unwrapPath drops the path an *os.PathError repeats: the message names
// the file once.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// flagFileError is the error of opening path, the file flag names, worded
// as the file's other errors are: the flag and the file first, then what
// is wrong with it ("no such file or directory"), not the system call.
func flagFileError(flag, path string, err error) error {
	return fmt.Errorf("%s %s: %v", flag, path, unwrapPath(err))
}

// resolve reads the mapping of the table a command reads or writes in a
// database of dialect d, with the custom properties of schema (nil: none),
// and gives it the tenant column of --tenant COLUMN=VALUE (tenantCol, ""
// without): the file's own tenant column, if it names one, must be the
// same, and a table the file says is shared needs --tenant. verb says
// what --tenant does with the tenant's rows: "read" or "write".
func (f mappingFlag) resolve(d sqlsource.Dialect, schema *convreport.Schema, tenantCol, verb string) (sqlsource.Mapping, error) {
	m, err := f.read()
	if err != nil {
		return m, err
	}
	switch {
	case m.Tenant != "" && tenantCol != "" && m.Tenant != tenantCol:
		return m, usageError("--tenant %s=… names tenant column %q but %s %s names %q: give the same column, or leave \"tenant\" out of the file", tenantCol, tenantCol, f.name, f.path, m.Tenant)
	case m.Tenant != "" && tenantCol == "":
		return m, usageError("%s %s: table %q is shared by tenants (column %q): %s one tenant's rows with --tenant %s=VALUE", f.name, f.path, tableOf(m), m.Tenant, verb, m.Tenant)
	case tenantCol != "":
		m.Tenant = tenantCol
	}
	if m.Times == sqlsource.Timestamp && d != sqlsource.PostgreSQL {
		return m, usageError(`%s %s: "times": "timestamp" reads PostgreSQL timestamptz columns; %s keeps times as integer Unix nanoseconds (leave "times" out)`, f.name, f.path, dialectName(d))
	}
	if err := m.Check(d, schema); err != nil {
		switch {
		case f.given():
			return m, fmt.Errorf("%s %s: %w", f.name, f.path, err)
		case tenantCol != "":
			// The default layout holds; the tenant column is --tenant's.
			return m, fmt.Errorf("--tenant %s=…: %w", tenantCol, err)
		}
		return m, err
	}
	return m, nil
}

// tableOf is the table m names.
func tableOf(m sqlsource.Mapping) string {
	if m.Table == "" {
		return "conversations"
	}
	return m.Table
}

// columnOf is the column m maps the built-in property name (key) to.
func columnOf(m sqlsource.Mapping, name string) string {
	p, _ := convreport.DefaultSchema().Lookup(name)
	for k, col := range m.Columns {
		if k == p.Name || k == p.Key {
			return col
		}
	}
	return p.Key
}

func dialectName(d sqlsource.Dialect) string {
	switch d {
	case sqlsource.SQLite:
		return "SQLite"
	case sqlsource.PostgreSQL:
		return "PostgreSQL"
	}
	return "ClickHouse"
}

// timesAdvice is how the command line sets what Mapping.Times sets in Go:
// a column type error of New (a time column the mapping would read
// wrongly) reworded to name f's file, or the flag that gives one.
func (f mappingFlag) timesAdvice(err error) error {
	var ce *sqlsource.ColumnTypeError
	if !errors.As(err, &ce) || ce.Count || ce.Kind != convreport.KindTime && !(ce.Kind == convreport.KindDuration && ce.Dialect == sqlsource.SQLite) {
		return err
	}
	// The mapping read: the file, else the default layout.
	reads := "the default layout"
	set := func(kv string) string { return "give " + f.name + " FILE with " + kv }
	if f.given() {
		reads = f.name + " " + f.path
		set = func(kv string) string { return "set " + kv + " in it" }
	}
	fixed := *ce
	switch {
	case ce.Dialect == sqlsource.SQLite:
		fixed.Reason = `SQLite times and durations are read as INTEGER Unix nanoseconds (the one storage SQLite has, whatever "times" says): store them so, or read a view that converts the column, such as unixepoch(col) * 1000000000 ("table": "VIEW" in ` + f.name + ` FILE)`
	case ce.Dialect != sqlsource.PostgreSQL:
		return err
	case ce.Type == "timestamp with time zone" && ce.Times == sqlsource.UnixNanos:
		fixed.Reason = reads + ` reads times as bigint Unix nanoseconds: ` + set(`"times": "timestamp"`) + ` for timestamptz columns`
	case ce.Type == "bigint" && ce.Times == sqlsource.Timestamp:
		fixed.Reason = reads + ` reads times as timestamptz ("times": "timestamp"): leave "times" out for bigint Unix nanoseconds`
	case ce.Type == "timestamp without time zone":
		fixed.Reason = `a timestamp without time zone would be read in the session's time zone: make it timestamptz and set "times": "timestamp" in ` + f.name + ` FILE`
	case ce.Times == sqlsource.Timestamp:
		fixed.Reason = reads + ` reads times as timestamptz ("times": "timestamp")`
	default:
		fixed.Reason = reads + ` reads times as bigint Unix nanoseconds; a timestamptz column is read with "times": "timestamp" in ` + f.name + ` FILE`
	}
	return &fixed
}

// fileMappingError is the usage error of a mapping given for data that is
// no database table.
func (f mappingFlag) fileMappingError(data string) error {
	return usageError("%s describes a database table (--data DB); --data %s is a file, read as it is", f.name, data)
}

// quoteIdent quotes a table or column name for a statement of dialect d.
func quoteIdent(d sqlsource.Dialect, name string) string {
	if d == sqlsource.ClickHouse {
		return "`" + strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(name) + "`"
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
