package main

import (
	"bufio"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/parquetio"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/sqlsource"
)

func (c *cli) templates(args []string) error {
	fs := c.flags("templates")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: convreport templates [QUERY]\n\n"+
			"Lists the dashboard templates, or those whose name or description matches QUERY\n"+
			"(words in English or French, accents and case ignored).\n")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	ts := library.All()
	if q := strings.Join(fs.Args(), " "); q != "" {
		if ts = library.Search(q); len(ts) == 0 {
			return fmt.Errorf("no template matches %q", q)
		}
	}
	for _, t := range ts {
		fmt.Fprintf(c.stdout, "%s\t%s (%s)\n  %s\n", t.ID, t.Name, t.FrenchName, t.Description)
		for _, r := range t.Reports {
			fmt.Fprintf(c.stdout, "  - %s [%s]\n", r.Name, r.ID)
		}
	}
	return nil
}

func (c *cli) checkFilter(args []string) error {
	fs := c.flags("check-filter")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: convreport check-filter EXPR\n\n"+
			"Compiles EXPR, one filter expression quoted as one argument (like 'Channel == \"chat\"'),\n"+
			"and prints ok, or the error with a caret under the mistake.\n")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("give one expression, quoted: convreport check-filter 'Channel == \"chat\"'")
	}
	if err := convreport.DefaultSchema().CheckFilter(fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, "ok")
	return nil
}

func (c *cli) generate(args []string) error {
	fs := c.flags("generate")
	n := fs.Int("n", 50_000, "number of conversations")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "file to write: .jsonl or .csv (required; - for standard output as JSON Lines)")
	var qf queryFlags
	fs.StringVar(&qf.from, "from", "2025-03-03", "first creation date")
	fs.StringVar(&qf.to, "to", "2025-06-01", "end of creation dates, exclusive")
	fs.StringVar(&qf.tz, "tz", "Europe/Paris", "time zone of the sample business")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError("--out is required")
	}
	if *n <= 0 {
		return usageError("--n must be positive")
	}
	loc, err := time.LoadLocation(qf.tz)
	if err != nil {
		return usageError("--tz %q: not an IANA time zone", qf.tz)
	}
	from, err := parseTime(qf.from, loc)
	if err != nil {
		return usageError("--from: %v", err)
	}
	to, err := parseTime(qf.to, loc)
	if err != nil {
		return usageError("--to: %v", err)
	}
	if !from.Before(to) {
		return usageError("--from %s is not before --to %s", qf.from, qf.to)
	}
	format := ingest.JSONL
	if *out != "-" {
		if format, err = ingest.FormatOf(*out); err != nil {
			return usageError("--out %s: %v", *out, err)
		}
	}
	rows := sample.All(sample.Config{Seed: *seed, N: *n, From: from, To: to, Zone: loc})
	w := bufio.NewWriterSize(c.stdout, 1<<20)
	var f *os.File
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		w = bufio.NewWriterSize(f, 1<<20)
	}
	if format == ingest.CSV {
		err = ingest.WriteCSV(w, nil, rows)
	} else {
		err = ingest.WriteJSONL(w, rows)
	}
	err = errors.Join(err, w.Flush())
	if f != nil {
		err = errors.Join(err, f.Close())
	}
	if err == nil && *out != "-" {
		fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s\n", *n, *out)
	}
	return err
}

// importData copies conversations from a file into a database table in
// sqlsource's default layout (an SQLite file, PostgreSQL or ClickHouse),
// for --data DB, or into a new Parquet file, for --data x.parquet. A
// database is written batch by batch, each committed on its own, and the
// IDs it already holds are skipped: an import that stopped midway is
// finished by running it again.
func (c *cli) importData(args []string) error {
	fs := c.flags("import")
	var data dataFlags
	data.register(fs)
	data.tenantOfOut = true
	out := fs.String("out", "", "where to write: an SQLite .db file, a postgres:// or clickhouse:// URL, or a new .parquet file (required); a database that holds some of the conversations gets the others")
	batch := fs.Int("batch", 10_000, "conversations per batch written to a database, each committed on its own")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError("--out is required: an SQLite .db file, a postgres:// or clickhouse:// URL, or a .parquet file")
	}
	if *batch <= 0 {
		return usageError("--batch must be positive")
	}
	tenantCol, tenant, err := parseTenant(data.tenant)
	if err != nil {
		return err
	}
	if isParquet(*out) {
		if _, err := os.Stat(*out); err == nil {
			return usageError("--out %s exists; import creates a new file", *out)
		}
		if tenantCol != "" {
			return usageError("--tenant writes a tenant's rows into a database table; a Parquet file holds one tenant")
		}
	}
	if isParquet(*out) && !isDatabase(data.path) && !parquetData(data) {
		return c.importToParquet(data, *out)
	}
	if !isParquet(*out) && data.path != "-" && !isDatabase(data.path) && !parquetData(data) {
		return c.importTextToDatabase(data, *out, *batch, tenantCol, tenant)
	}
	src, cs, err := c.load(data)
	if err != nil {
		return err
	}
	if cs = rowsOf(src, cs); cs == nil {
		return usageError("--data must be a .jsonl, .csv or .parquet file")
	}
	if isParquet(*out) {
		if err := parquetio.WriteFile(*out, src.Schema(), cs); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s\n", len(cs), *out)
		return nil
	}
	db, dialect, m, where, err := c.openOut(*out, tenantCol, src.Schema())
	if err != nil {
		return err
	}
	defer db.Close()
	opt := sqlsource.ImportOptions{BatchSize: *batch, Progress: newImportProgress(c.stderr).update}
	if tenantCol != "" {
		opt.Tenant = tenant
	}
	prog, err := sqlsource.Import(c.ctx, db, dialect, m, src.Schema(), cs, opt)
	if err != nil {
		return fmt.Errorf("import into %s stopped after %d of %d conversations (run the same command again to write the rest): %w", where, prog.Done, prog.Total, err)
	}
	c.wrote(prog, where)
	return nil
}

// wrote says what an import into a database wrote.
func (c *cli) wrote(prog sqlsource.ImportProgress, where string) {
	if prog.Skipped > 0 {
		fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s (%d already there)\n", prog.Inserted, where, prog.Skipped)
	} else {
		fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s\n", prog.Inserted, where)
	}
}

// outDialect is the kind of database --out names.
func outDialect(out string) (sqlsource.Dialect, error) {
	switch lower := strings.ToLower(out); {
	case strings.HasPrefix(lower, "postgres"):
		return sqlsource.PostgreSQL, nil
	case strings.HasPrefix(lower, "clickhouse://"):
		return sqlsource.ClickHouse, nil
	case strings.HasSuffix(lower, ".db"), strings.HasSuffix(lower, ".sqlite"), strings.HasSuffix(lower, ".sqlite3"):
		return sqlsource.SQLite, nil
	}
	return 0, usageError("--out %s: want an SQLite .db file, a postgres:// or clickhouse:// URL, or a .parquet file", redact(out))
}

// openOut opens the database import writes to and makes its table for
// schema, or checks the one there; where names it with its password
// hidden.
func (c *cli) openOut(out, tenantCol string, schema *convreport.Schema) (db *sql.DB, dialect sqlsource.Dialect, m sqlsource.Mapping, where string, err error) {
	if dialect, err = outDialect(out); err != nil {
		return nil, 0, m, "", err
	}
	switch dialect {
	case sqlsource.PostgreSQL:
		db, err = sql.Open("pgx", out)
	case sqlsource.ClickHouse:
		db, err = sql.Open("clickhouse", clickHouseInsertDSN(out))
	default:
		db, err = sql.Open("sqlite", "file:"+out+"?_pragma=busy_timeout(10000)")
	}
	if err != nil {
		return nil, 0, m, "", err
	}
	m = sqlsource.Mapping{Tenant: tenantCol}
	where = redact(out)
	fail := func(err error) (*sql.DB, sqlsource.Dialect, sqlsource.Mapping, string, error) {
		db.Close()
		return nil, 0, m, "", err
	}
	if err := db.PingContext(c.ctx); err != nil {
		return fail(fmt.Errorf("--out %s: cannot connect: %w", where, err))
	}
	if err := sqlsource.CreateTable(c.ctx, db, dialect, m, schema); err != nil {
		return fail(fmt.Errorf("--out %s: %w", where, err))
	}
	// New checks what a table made before holds: the mapped columns, of
	// types the reports read.
	if _, err := sqlsource.New(db, dialect, sqlsource.WithSchema(schema), sqlsource.WithMapping(m)); err != nil {
		return fail(fmt.Errorf("--out %s: %w", where, err))
	}
	return db, dialect, m, where, nil
}

// importTextToDatabase imports a JSON Lines or CSV file into a database
// reading it twice, never holding its rows: the first read checks every
// line as a load does and every row as the import will, so that bad
// input writes nothing; the second writes the rows a batch at a time,
// with a progress line at each tenth of the file. Of the rows, only
// their IDs stay in memory (to find repeats), so a file much larger than
// memory goes in.
func (c *cli) importTextToDatabase(d dataFlags, out string, batch int, tenantCol string, tenant any) error {
	// The check applies the database's layout before anything is
	// opened: a bad file is refused without a connection.
	dialect, err := outDialect(out)
	if err != nil {
		return err
	}
	m := sqlsource.Mapping{Tenant: tenantCol}
	opt := sqlsource.ImportOptions{BatchSize: batch, UniqueIDs: true} // the readers refuse a repeated ID
	if tenantCol != "" {
		opt.Tenant = tenant
	}
	var skipped []error
	var readBytes atomic.Int64 // of the second read, for its progress lines
	read := func(d dataFlags, write bool) (*convreport.Schema, error) {
		in, err := c.openText(d, ingest.Format(strings.ToLower(d.format)))
		if err != nil {
			return nil, err
		}
		defer in.close()
		if write {
			in.opt.Progress = func(b int64, _ int) { readBytes.Store(b) }
		}
		seq := ingest.ReadJSONL(c.ctx, in.r, in.opt)
		if in.format == ingest.CSV {
			seq = ingest.ReadCSV(c.ctx, in.r, in.opt)
		}
		rows := func(yield func(convreport.Conversation, error) bool) {
			for cv, err := range seq {
				var le *ingest.LineError
				if err != nil && d.skipInvalid && errors.As(err, &le) {
					if !write { // reported once, after the check
						skipped = append(skipped, err)
					}
					continue
				}
				if !yield(cv, err) {
					return
				}
			}
		}
		schema := in.schema
		if schema == nil {
			schema = convreport.DefaultSchema()
		}
		if !write {
			check := opt
			check.CheckOnly = true
			_, err = sqlsource.ImportAll(c.ctx, nil, dialect, m, schema, rows, check)
			in.close() // the bar cleared before anything else is printed
			if err != nil {
				return nil, withSchemaHint(in.schema, err)
			}
			return in.schema, nil
		}
		db, _, _, where, err := c.openOut(out, tenantCol, schema)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		size := int64(0)
		if st, err := os.Stat(d.path); err == nil {
			size = st.Size()
		}
		next := int64(10) // the next percentage of the file to print
		line := func(pct int64, p sqlsource.ImportProgress) {
			next = pct/10*10 + 10
			fmt.Fprintf(c.stderr, "convreport: import: %d%% of %s (%d conversations: %d written, %d already there)\n", pct, in.opt.File, p.Done, p.Inserted, p.Skipped)
		}
		opt.Progress = func(p sqlsource.ImportProgress) {
			if b := readBytes.Load(); size > 0 && b*100/size >= next {
				line(b*100/size, p)
			}
		}
		prog, err := sqlsource.ImportAll(c.ctx, db, dialect, m, schema, rows, opt)
		if err != nil {
			return nil, fmt.Errorf("import into %s stopped after %d conversations (run the same command again to write the rest): %w", where, prog.Done, err)
		}
		if next <= 100 {
			line(100, prog)
		}
		c.wrote(prog, where)
		return in.schema, nil
	}
	schema, err := read(d, false)
	if err != nil {
		return err
	}
	if len(skipped) > 0 {
		fmt.Fprintf(c.stderr, "convreport: skipped invalid lines:\n%v\n", errors.Join(skipped...))
	}
	// The second read takes the schema the first found (inferred once).
	d.resolved, d.inferSchema = schema, false
	if d.resolved == nil {
		d.resolved = convreport.DefaultSchema()
	}
	_, err = read(d, true)
	return err
}

// clickHouseInsertDSN makes rows inserted through a Distributed table
// reach their shards before the insert returns (insert_distributed_sync),
// unless the URL says otherwise: a rerun must see them to skip them.
func clickHouseInsertDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // the driver reports it
	}
	q := u.Query()
	if q.Get("insert_distributed_sync") == "" {
		q.Set("insert_distributed_sync", "1")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// importToParquet writes the conversations of the JSON Lines or CSV input
// d names to a new Parquet file at out as they are read: Write holds a
// row group at a time, and of the rows before it the reader keeps only
// their IDs (to find repeats), so a file much larger than memory
// converts. Each line is checked as a load checks it (its conversation
// valid, its ID not seen before); a bad one stops the import and leaves
// no file, or with --skip-invalid is reported and left out.
func (c *cli) importToParquet(d dataFlags, out string) error {
	in, err := c.openText(d, ingest.Format(strings.ToLower(d.format)))
	if err != nil {
		return err
	}
	defer in.close()
	seq := ingest.ReadJSONL(c.ctx, in.r, in.opt)
	if in.format == ingest.CSV {
		seq = ingest.ReadCSV(c.ctx, in.r, in.opt)
	}
	var skipped []error
	var failed error // what ended the read early
	n := 0
	rows := func(yield func(convreport.Conversation) bool) {
		for cv, err := range seq {
			var le *ingest.LineError
			switch {
			case err != nil && d.skipInvalid && errors.As(err, &le):
				skipped = append(skipped, err)
				continue
			case err != nil:
				failed = err
				return
			}
			n++
			if !yield(cv) {
				return
			}
		}
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	err = parquetio.Write(f, in.schema, rows)
	in.close() // the bar cleared before anything else is printed
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if failed != nil {
		err = withSchemaHint(in.schema, failed)
	}
	if err != nil {
		os.Remove(out)
		return err
	}
	if len(skipped) > 0 {
		fmt.Fprintf(c.stderr, "convreport: skipped invalid lines:\n%v\n", errors.Join(skipped...))
	}
	fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s\n", n, out)
	return nil
}

// importProgress prints how far an import is on standard error, at each
// tenth of the rows.
type importProgress struct {
	w    io.Writer
	next int // the next percentage to print
}

func newImportProgress(w io.Writer) *importProgress { return &importProgress{w: w, next: 10} }

func (p *importProgress) update(pr sqlsource.ImportProgress) {
	if pr.Total == 0 {
		return
	}
	pct := pr.Done * 100 / pr.Total
	if pct < p.next {
		return
	}
	p.next = pct/10*10 + 10
	fmt.Fprintf(p.w, "convreport: import: %d%% (%d of %d conversations: %d written, %d already there)\n", pct, pr.Done, pr.Total, pr.Inserted, pr.Skipped)
}
