package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/ClickHouse/clickhouse-go/v2" // the "clickhouse" driver for --data clickhouse://…
	_ "github.com/jackc/pgx/v5/stdlib"         // the "pgx" driver for --data postgres://…
	_ "modernc.org/sqlite"                     // the "sqlite" driver for --data FILE.db

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/internal/strictjson"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/parquetio"
	"github.com/convreport/convreport/sqlsource"
)

// dataFlags name the conversations to load.
type dataFlags struct {
	path, format  string
	skipInvalid   bool
	ignoreUnknown bool
	schema        string // --schema: a schema file of custom properties
	inferSchema   bool
	tenant        string // --tenant COLUMN=VALUE: a shared table's tenant
	mapping       mappingFlag
	// outMapping is import's --out-mapping: the layout of the table
	// import writes.
	outMapping mappingFlag
	// outSharding is import's --cluster and --local-table.
	outSharding sharding
	// tenantOfOut: --tenant is the tenant import writes, not one to read
	tenantOfOut bool
	// resolved is the schema an earlier read of the same input found
	// (--schema's or inferred), which a second read takes as it is.
	resolved *convreport.Schema
	// upTo, when limited, is how much of the file to read: the complete
	// lines of a followed file whose last line is still being written,
	// none when that line is its only one.
	upTo    int64
	limited bool
}

func (d *dataFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.path, "data", "", "conversations (required): a .jsonl, .csv or .parquet file, - for standard input, an SQLite .db file or a postgres:// or clickhouse:// URL (reports then run in the database)")
	fs.StringVar(&d.tenant, "tenant", "", "COLUMN=VALUE: in a database table shared by tenants, read (or, for import, write) only the rows whose COLUMN holds VALUE")
	d.mapping.register(fs, "mapping", mappingHelp("with --data a database, the layout of its table"))
	fs.StringVar(&d.format, "data-format", "", "jsonl, csv or parquet; default from the file's extension (jsonl for -: give csv for CSV on standard input)")
	fs.BoolVar(&d.skipInvalid, "skip-invalid", false, "skip bad lines (each is reported) instead of stopping at the first")
	fs.BoolVar(&d.ignoreUnknown, "ignore-unknown", false, "ignore unknown keys and columns")
	d.registerSchema(fs)
}

func (d *dataFlags) registerSchema(fs *flag.FlagSet) {
	fs.StringVar(&d.schema, "schema", "", `custom properties: a schema .json file, {"properties": [{"name": "plan", "kind": "enum", "values": ["free", "pro"]}, ...]} (kinds: string, number, bool, time, duration, enum)`)
	fs.BoolVar(&d.inferSchema, "infer-schema", false, "type the custom properties from the data, and print the schema inferred")
}

// load opens the data: a JSON Lines or CSV file read into memory (cs
// holds its conversations), or a database the reports are pushed down to
// (an SQLite file, a PostgreSQL URL; cs is nil).
func (c *cli) load(d dataFlags) (src convreport.Source, cs []convreport.Conversation, err error) {
	if d.path == "" {
		return nil, nil, errNoData
	}
	tenantCol, tenant, err := parseTenant(d.tenant)
	if err != nil {
		return nil, nil, err
	}
	if dialect, ok := databaseDialect(d.path); ok {
		if d.inferSchema {
			return nil, nil, usageError("--infer-schema reads a .jsonl or .csv file; for a database give --schema")
		}
		schema, _, err := c.schemaFor(d, "", "")
		if err != nil {
			return nil, nil, err
		}
		// The mapping is checked before the database is opened: a bad
		// file is said as such, whatever the server.
		m, err := d.mapping.resolve(dialect, schema, tenantCol, "read")
		if err != nil {
			return nil, nil, err
		}
		db, _, _, err := openDatabase(d.path)
		if err != nil {
			return nil, nil, err
		}
		c.closers = append(c.closers, db.Close)
		// Each custom property is the column named by its key, unless
		// the mapping says otherwise.
		opts := []sqlsource.Option{sqlsource.WithMapping(m), sqlsource.WithDSN(d.path)}
		if schema != nil {
			opts = append(opts, sqlsource.WithSchema(schema))
		}
		if tenantCol != "" {
			opts = append(opts, sqlsource.WithTenant(tenant))
		} else if col := tenantColumn(c.ctx, db, dialect, m); col != "" {
			// Read whole, a shared table mixes its tenants' rows, and
			// their IDs, which are unique only within a tenant.
			return nil, nil, usageError("--data %s: table %q is shared by tenants (keyed by %s and %s): read one with --tenant %s=VALUE", redact(d.path), tableOf(m), col, columnOf(m, "ID"), col)
		}
		s, err := sqlsource.New(db, dialect, opts...)
		if err != nil {
			return nil, nil, fmt.Errorf("--data %s: %w", redact(d.path), d.mapping.timesAdvice(err))
		}
		return s, nil, nil
	}
	if d.mapping.given() {
		return nil, nil, d.mapping.fileMappingError(d.path)
	}
	if tenantCol != "" && !d.tenantOfOut {
		return nil, nil, usageError("--tenant reads one tenant of a database table (--data DB); a file holds one tenant")
	}
	if parquetData(d) {
		return c.loadParquet(d)
	}
	in, err := c.openText(d, ingest.Format(strings.ToLower(d.format)))
	if err != nil {
		return nil, nil, err
	}
	defer in.close()
	cs, err = ingest.ReadAll(c.ctx, in.r, in.format, in.opt)
	in.close() // the bar cleared before anything else is printed
	if err != nil && !d.skipInvalid {
		return nil, nil, withSchemaHint(in.schema, err)
	}
	if err != nil {
		// Every bad line is reported; every valid one is kept.
		fmt.Fprintf(c.stderr, "convreport: skipped invalid lines:\n%v\n", err)
	}
	schema := in.schema
	var mopts []memory.Option
	if schema != nil {
		mopts = append(mopts, memory.WithSchema(schema))
	}
	mem, err := memory.New(cs, mopts...)
	if err != nil {
		return nil, nil, err
	}
	return mem, cs, nil
}

// textInput is a JSON Lines or CSV input opened to be read: its reader,
// its format, the schema it is read under (nil: the default) and the
// options to read it with, a progress bar among them on a terminal.
// close closes the file and clears the bar; a second call does nothing.
type textInput struct {
	r      io.Reader
	format ingest.Format
	schema *convreport.Schema
	opt    ingest.Options
	close  func()
}

// openText opens the JSON Lines or CSV input d names, in format (""
// when --data-format did not say).
func (c *cli) openText(d dataFlags, format ingest.Format) (in *textInput, err error) {
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
		closers = nil // a second call does nothing
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()
	var r io.Reader
	var size int64
	name := d.path
	if d.path == "-" {
		r, name = c.stdin, "standard input"
		if format == "" {
			format = ingest.JSONL
		}
	} else {
		f, err := os.Open(d.path)
		if err != nil {
			return nil, flagFileError("--data", d.path, err)
		}
		closers = append(closers, func() { f.Close() })
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		r = f
		if format == "" {
			if format, err = ingest.FormatOf(d.path); err != nil {
				return nil, usageError("--data %s: %v (or give --data-format)", d.path, err)
			}
		}
		name = filepath.Base(d.path)
	}
	if format != ingest.JSONL && format != ingest.CSV {
		return nil, usageError("--data-format %q: want jsonl, csv or parquet", d.format)
	}
	schema, again, err := c.schemaFor(d, format, name)
	if err != nil {
		return nil, err
	}
	if again != nil {
		r = again
	}
	opt := ingest.Options{SkipInvalid: d.skipInvalid, IgnoreUnknown: d.ignoreUnknown, File: name, Schema: schema}
	if bar := newProgress(c.stderr, size); bar != nil {
		opt.Progress = bar.update
		closers = append(closers, bar.done)
	}
	br := bufio.NewReaderSize(r, 1<<20)
	if d.path == "-" && d.format == "" && looksLikeCSV(br) {
		// JSON Lines is only the default for standard input, which has no
		// extension to tell; say so rather than fail on line 1.
		return nil, usageError("--data -: standard input looks like CSV, not JSON Lines; give --data-format csv")
	}
	in = &textInput{r: br, format: format, schema: schema, opt: opt, close: closeAll}
	if d.path != "-" {
		// The file itself: a reader sizes its rows from the file's size.
		in.r = r
		if d.limited {
			in.r = io.LimitReader(r, d.upTo)
		}
	}
	return in, nil
}

// errNoData is the usage error of a command given no --data.
var errNoData = usageError("--data is required (a .jsonl, .csv or .parquet file, an SQLite .db file, a postgres:// or clickhouse:// URL, or - for standard input)")

// withSchemaHint adds to err, the error of reading data under schema,
// how to declare custom properties, when nobody declared any and the data
// has some.
func withSchemaHint(schema *convreport.Schema, err error) error {
	if schema == nil && strings.Contains(err.Error(), "unknown custom property") {
		return fmt.Errorf("%w (declare custom properties with --schema FILE.json or --infer-schema)", err)
	}
	return err
}

// formatParquet is --data-format parquet: package parquetio reads it,
// not ingest.
const formatParquet ingest.Format = "parquet"

func isParquet(path string) bool { return strings.EqualFold(filepath.Ext(path), ".parquet") }

// loadParquet loads a Parquet file written by "import --out x.parquet"
// (or by another tool, with the same columns) into memory, column by
// column, with a bar on a terminal as for the other formats; standard
// input is read whole first, as Parquet is read from its end. Custom
// properties are --schema's, else those the file declares (see
// parquetio.FileSchema). It returns no rows: the source holds them (see
// rowsOf).
func (c *cli) loadParquet(d dataFlags) (convreport.Source, []convreport.Conversation, error) {
	if d.inferSchema {
		return nil, nil, usageError("--infer-schema reads a .jsonl or .csv file; a Parquet file's custom properties are typed by the file (as convreport declares them, or by the types of their columns), or give --schema")
	}
	schema, _, err := c.schemaFor(d, "", "")
	if err != nil {
		return nil, nil, err
	}
	opt := ingest.Options{SkipInvalid: d.skipInvalid, IgnoreUnknown: d.ignoreUnknown, File: filepath.Base(d.path)}
	var r io.ReaderAt
	var size int64
	if d.path == "-" {
		opt.File = "standard input"
		b, err := io.ReadAll(c.stdin)
		if err != nil {
			return nil, nil, err
		}
		r, size = bytes.NewReader(b), int64(len(b))
	} else {
		f, err := os.Open(d.path)
		if err != nil {
			return nil, nil, flagFileError("--data", d.path, err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, nil, err
		}
		r, size = f, st.Size()
	}
	if schema == nil {
		if schema, err = parquetio.FileSchema(r, size); err != nil {
			var fe *parquetio.FileError
			if errors.As(err, &fe) {
				fe.File = opt.File
			}
			return nil, nil, err
		}
	}
	opt.Schema = schema
	bar := newProgress(c.stderr, size)
	if bar != nil {
		opt.Progress = bar.update
	}
	mem, err := parquetio.Load(c.ctx, r, size, opt)
	if bar != nil {
		bar.done() // before anything else is printed
	}
	if mem == nil {
		return nil, nil, err
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "convreport: skipped invalid rows:\n%v\n", err)
	}
	return mem, nil, nil
}

// rowsOf returns the conversations a command holds: cs when it read them
// row by row, else those of a memory source (nil for a database).
func rowsOf(src convreport.Source, cs []convreport.Conversation) []convreport.Conversation {
	mem, ok := src.(*memory.Source)
	if cs != nil || !ok {
		return cs
	}
	cs = make([]convreport.Conversation, 0, mem.Len())
	for c := range mem.All() {
		cs = append(cs, c)
	}
	return cs
}

// looksLikeCSV reports whether the first line of r, read without
// consuming it, is no JSON object but has a comma: a CSV header.
func looksLikeCSV(r *bufio.Reader) bool {
	head, _ := r.Peek(4096)
	line, _, _ := strings.Cut(string(head), "\n")
	line = strings.TrimSpace(strings.TrimPrefix(line, "\uFEFF"))
	return line != "" && !strings.HasPrefix(line, "{") && strings.Contains(line, ",")
}

// parseTenant reads --tenant COLUMN=VALUE; "" gives "".
func parseTenant(flag string) (column, value string, err error) {
	if flag == "" {
		return "", "", nil
	}
	column, value, ok := strings.Cut(flag, "=")
	if !ok || column == "" || value == "" {
		return "", "", usageError("--tenant %q: want COLUMN=VALUE, such as account=acme", flag)
	}
	return column, value, nil
}

// databaseDialect returns the kind of database path names (a ClickHouse
// or PostgreSQL URL, an SQLite file), and false when it names none: the
// one list of database names, for --data and --out alike.
func databaseDialect(path string) (sqlsource.Dialect, bool) {
	lower := strings.ToLower(path)
	switch {
	case strings.HasPrefix(lower, "clickhouse://"):
		return sqlsource.ClickHouse, true
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return sqlsource.PostgreSQL, true
	}
	for _, ext := range []string{".db", ".sqlite", ".sqlite3"} {
		if strings.HasSuffix(lower, ext) {
			return sqlsource.SQLite, true
		}
	}
	return 0, false
}

// isDatabase reports whether --data path names a database, which
// openDatabase opens, rather than a file of conversations.
func isDatabase(path string) bool {
	_, ok := databaseDialect(path)
	return ok
}

// parquetData reports whether d names Parquet data, by --data-format or
// the file's extension.
func parquetData(d dataFlags) bool {
	format := ingest.Format(strings.ToLower(d.format))
	return format == formatParquet || format == "" && isParquet(d.path)
}

// openDatabase opens path when it names a database: an SQLite file
// (.db, .sqlite, .sqlite3; read only), a PostgreSQL URL or a ClickHouse
// one.
func openDatabase(path string) (*sql.DB, sqlsource.Dialect, bool, error) {
	dialect, ok := databaseDialect(path)
	switch {
	case !ok:
		return nil, 0, false, nil
	case dialect == sqlsource.ClickHouse:
		db, err := sql.Open("clickhouse", path)
		return db, dialect, true, err
	case dialect == sqlsource.PostgreSQL:
		db, err := sql.Open("pgx", path)
		return db, dialect, true, err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, 0, true, err
	}
	// A busy timeout: while another process commits (an import into the
	// file being served), a read waits for it instead of failing with
	// "database is locked".
	dsn, err := sqlsource.SQLiteDSN(path, "mode=ro", "_pragma=busy_timeout(10000)", "_pragma=cache_size(-262144)")
	if err != nil {
		return nil, 0, true, err
	}
	db, err := sql.Open("sqlite", dsn)
	return db, dialect, true, err
}

// tenantColumn returns the column that shares the database table m maps
// among tenants, as import --tenant keys one: by (tenant, id) in SQLite
// and PostgreSQL, ordered by (tenant, created_at, id) in ClickHouse (id
// and created_at as m names them). It is "" for a table of one tenant,
// or when the catalogue cannot tell (the table's reads then say what is
// wrong).
func tenantColumn(ctx context.Context, db *sql.DB, d sqlsource.Dialect, m sqlsource.Mapping) string {
	var q string
	switch d {
	case sqlsource.SQLite:
		q = `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`
	case sqlsource.PostgreSQL:
		// quote_ident: the name as given, not folded to lower case.
		q = `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`
	case sqlsource.ClickHouse:
		q = `SELECT sorting_key FROM system.tables WHERE database = currentDatabase() AND name = ?`
	default:
		return ""
	}
	rows, err := db.QueryContext(ctx, q, tableOf(m))
	if err != nil {
		return ""
	}
	defer rows.Close()
	var key []string
	for rows.Next() {
		var s string
		if rows.Scan(&s) != nil {
			return ""
		}
		for _, k := range strings.Split(s, ",") {
			key = append(key, strings.TrimSpace(k))
		}
	}
	if rows.Err() != nil {
		return ""
	}
	id, created := columnOf(m, "ID"), columnOf(m, "CreatedAt")
	switch {
	case d != sqlsource.ClickHouse && len(key) == 2 && key[1] == id:
		return key[0]
	case d == sqlsource.ClickHouse && len(key) == 3 && key[1] == created && key[2] == id:
		return key[0]
	}
	return ""
}

// redact hides a password in a database URL.
func redact(path string) string {
	if u, err := url.Parse(path); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return path
}

// dashboard loads a template by ID or a saved dashboard from a JSON file.
func loadDashboard(spec string) (convreport.Dashboard, error) {
	if spec == "" {
		return convreport.Dashboard{}, usageError("--dashboard is required: chat-overview, email-overview or a dashboard .json file")
	}
	if t, ok := library.Lookup(spec); ok {
		return t.NewDashboard(convreport.DashboardOptions{Name: t.Name, Owner: "convreport"})
	}
	if !strings.HasSuffix(strings.ToLower(spec), ".json") {
		var ids []string
		for _, t := range library.All() {
			ids = append(ids, t.ID)
		}
		return convreport.Dashboard{}, usageError("--dashboard %q: no such template (have %s) and not a .json file", spec, strings.Join(ids, ", "))
	}
	b, err := os.ReadFile(spec)
	if err != nil {
		return convreport.Dashboard{}, flagFileError("--dashboard", spec, err)
	}
	// Read as a --dashboards directory's files are: a key a dashboard
	// does not have, in another case or twice is refused.
	var d convreport.Dashboard
	if err := strictjson.DecodeKnown(b, &d); err != nil {
		return d, fmt.Errorf("%s: %s", spec, jsonProblem(b, &d, err))
	}
	if err := d.Validate(); err != nil {
		return d, fmt.Errorf("%s: %s", spec, strings.TrimPrefix(err.Error(), "convreport: "))
	}
	return d, nil
}

// jsonProblem says what err, an error of decoding the file b into v, is
// about and where: the line and column where the JSON breaks or ends, or
// of the key at fault, with the key's path ("reports[0].measure.p") and
// what it wants.
func jsonProblem(b []byte, v any, err error) string {
	if line, col, ok := strictjson.Syntax(b, err); ok {
		if strictjson.EndsTooSoon(err) {
			return fmt.Sprintf("line %d, column %d: the file ends before its JSON does", line, col)
		}
		return fmt.Sprintf("line %d, column %d: %v", line, col, err)
	}
	err = strictjson.Locate(b, v, err)
	var se *strictjson.Error
	if errors.As(err, &se) && se.Line > 0 {
		return fmt.Sprintf("line %d, column %d: %v", se.Line, se.Column, se)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// progress draws a bar on a terminal while a large file loads, or while
// generate writes many conversations.
type progress struct {
	w     io.Writer
	verb  string // what is under way: "loading", "generating"
	total int64
	last  time.Time
}

// newProgress returns nil unless w is a terminal and the input is large
// enough for a bar to help.
func newProgress(w io.Writer, total int64) *progress {
	if total < 8<<20 {
		return nil
	}
	return terminalProgress(w, "loading", total)
}

// terminalProgress returns a bar of verb towards total on w, or nil when
// w is not a terminal.
func terminalProgress(w io.Writer, verb string, total int64) *progress {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &progress{w: w, verb: verb, total: total}
}

func (p *progress) update(read int64, rows int) {
	if time.Since(p.last) < 100*time.Millisecond && read < p.total {
		return
	}
	p.last = time.Now()
	const width = 30
	frac := float64(read) / float64(p.total)
	n := min(width, int(frac*width))
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%%  %d conversations", p.verb, strings.Repeat("█", n), strings.Repeat(" ", width-n), frac*100, rows)
}

func (p *progress) done() { fmt.Fprint(p.w, "\r\033[K") }
