package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/internal/ahead"
	"github.com/convreport/convreport/internal/firstseen"
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
	out := fs.String("out", "", "file to write: .jsonl, .csv or .parquet (required; - for standard output as JSON Lines)")
	var qf queryFlags
	fs.StringVar(&qf.from, "from", "2025-03-03", "first creation date")
	fs.StringVar(&qf.to, "to", "2025-06-01", "end of creation dates, exclusive")
	fs.StringVar(&qf.tz, "tz", "Europe/Paris", "time zone of the sample business")
	if err := parseNoArgs(fs, args); err != nil {
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
		return notBefore(qf.from, qf.to, from, to, loc)
	}
	all := sample.All(sample.Config{Seed: *seed, N: *n, From: from, To: to, Zone: loc})
	// The rows, with a bar on a terminal, and Ctrl-C stopping them (an
	// error that ends the write and removes the file): 100M of them take
	// minutes.
	bar := terminalProgress(c.stderr, "generating", int64(*n))
	if *out == "-" || *n < 1_000_000 {
		bar = nil
	}
	// The bar follows the rows the writer takes, not those generated
	// ahead of it, and stays until the file is whole.
	written := func(k int) {
		if bar != nil && k%(64<<10) == 0 {
			bar.update(int64(k), k)
		}
	}
	rows := func(yield func(convreport.Conversation, error) bool) {
		k := 0
		for cv := range all {
			if k++; k%(4<<10) == 0 {
				if err := c.ctx.Err(); err != nil {
					yield(convreport.Conversation{}, err)
					return
				}
			}
			if !yield(cv, nil) {
				return
			}
		}
	}
	if isParquet(*out) {
		// Streamed a row group at a time: 100M conversations take 2 GB of
		// disk and a few hundred megabytes of memory.
		_, err := writeParquetFile(*out, nil, rows, written)
		if bar != nil {
			bar.done() // before anything else is printed
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s\n", *n, *out)
		return nil
	}
	format := ingest.JSONL
	if *out != "-" {
		if format, err = ingest.FormatOf(*out); err != nil {
			return usageError("--out %s: cannot tell the format from the extension (want .jsonl, .ndjson, .json, .csv or .parquet, or - for standard output)", *out)
		}
	}
	w := bufio.NewWriterSize(c.stdout, 1<<20)
	var f *os.File
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		w = bufio.NewWriterSize(f, 1<<20)
	}
	var stopped error // what ended rows early
	seq := untilError(rows, &stopped, nil)
	// The generator runs on a goroutine of its own, ahead of the writer:
	// each has a core. stopped is read once the writer returns, and with
	// it ahead.Seq, after the generator's goroutine has.
	taken := counted(ahead.Seq(seq, 4<<10), written)
	if format == ingest.CSV {
		err = ingest.WriteCSV(w, nil, taken)
	} else {
		err = ingest.WriteJSONL(w, taken)
	}
	// A failed write leaves its error in w, which Flush returns again.
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if stopped != nil {
		err = stopped
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*out) // a part of the rows, as if whole, would be worse than none
		}
	}
	if bar != nil {
		bar.done() // before anything else is printed
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
	out := fs.String("out", "", "where to write: an SQLite .db file, a postgres:// or clickhouse:// URL (see --cluster for a sharded ClickHouse), or a new .parquet file (required); a database that holds some of the conversations gets the others")
	data.outMapping.register(fs, "out-mapping", mappingHelp("with --out a database, the layout of the table written (made when missing)"))
	batch := fs.Int("batch", 10_000, "conversations per batch written to a database, each committed on its own")
	data.outSharding.register(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if data.path == "" {
		return errNoData
	}
	if *out == "" {
		return usageError("--out is required: an SQLite .db file, a postgres:// or clickhouse:// URL, or a .parquet file")
	}
	if *batch <= 0 {
		return usageError("--batch must be positive")
	}
	if err := data.outSharding.check(*out); err != nil {
		return err
	}
	if data.mapping.given() && !isDatabase(data.path) {
		return usageError("--mapping describes the table of --data DB that import reads; --data %s is a file, read as it is (for the table import writes, give --out-mapping FILE)", data.path)
	}
	if data.outMapping.given() && !isDatabase(*out) {
		return usageError("--out-mapping describes the database table import writes (--out DB); --out %s is a file", *out)
	}
	tenantCol, tenant, err := parseTenant(data.tenant)
	if err != nil {
		return err
	}
	if isParquet(*out) {
		if _, err := os.Stat(*out); err == nil {
			return usageError("--out %s exists; import creates a new file", *out)
		}
		if tenantCol != "" && !isDatabase(data.path) {
			return usageError("--tenant writes a tenant's rows into a database table; a Parquet file holds one tenant")
		}
	}
	if isParquet(*out) && !isDatabase(data.path) && !parquetData(data) {
		return c.importToParquet(data, *out)
	}
	if isDatabase(data.path) {
		return c.importDatabase(data, *out, *batch, tenantCol)
	}
	if !isParquet(*out) && data.path != "-" && !parquetData(data) {
		return c.importTextToDatabase(data, *out, *batch, tenantCol, tenant)
	}
	if parquetData(data) && data.path != "-" {
		return c.importParquetFile(data, *out, *batch, tenantCol, tenant)
	}
	src, cs, err := c.load(data)
	if err != nil {
		return err
	}
	cs = rowsOf(src, cs) // standard input, read whole
	if isParquet(*out) {
		if err := parquetio.WriteFile(*out, src.Schema(), cs); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s\n", len(cs), *out)
		return nil
	}
	dialect, err := outDialect(*out)
	if err != nil {
		return err
	}
	m, err := data.outMapping.resolve(dialect, src.Schema(), tenantCol, "write")
	if err != nil {
		return err
	}
	db, where, outTenant, err := c.openOut(*out, dialect, m, tenant, src.Schema(), data.outMapping, data.outSharding)
	if err != nil {
		return err
	}
	defer db.Close()
	opt := sqlsource.ImportOptions{BatchSize: *batch, Progress: newImportProgress(c.stderr).update}
	if tenantCol != "" {
		opt.Tenant = outTenant
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
	if d, ok := databaseDialect(out); ok {
		return d, nil
	}
	return 0, usageError("--out %s: want an SQLite .db file, a postgres:// or clickhouse:// URL, or a .parquet file", redact(out))
}

// openOut opens the database import writes to (of dialect) and makes
// the table m maps for schema, or checks the one there; where names it
// with its password hidden. The tenant (a string from --tenant, for m's
// tenant column) is returned as the table's tenant column holds it: an
// integer for an integer column. mf is the flag m was read from; with
// sh's cluster, the table is a Distributed one over it.
func (c *cli) openOut(out string, dialect sqlsource.Dialect, m sqlsource.Mapping, tenant any, schema *convreport.Schema, mf mappingFlag, sh sharding) (*sql.DB, string, any, error) {
	db, err := dialOut(out, dialect)
	if err != nil {
		return nil, "", nil, err
	}
	return c.prepareOut(db, out, dialect, m, tenant, schema, mf, sh)
}

// dialOut opens the database out names, without connecting yet.
func dialOut(out string, dialect sqlsource.Dialect) (db *sql.DB, err error) {
	switch dialect {
	case sqlsource.PostgreSQL:
		db, err = sql.Open("pgx", out)
	case sqlsource.ClickHouse:
		db, err = sql.Open("clickhouse", clickHouseInsertDSN(out))
	default:
		var dsn string
		if dsn, err = sqlsource.SQLiteDSN(out, "_pragma=busy_timeout(10000)"); err == nil {
			db, err = sql.Open("sqlite", dsn)
		}
	}
	return db, err
}

// prepareOut is openOut on db, the database out names, which it closes
// on error.
func (c *cli) prepareOut(db *sql.DB, out string, dialect sqlsource.Dialect, m sqlsource.Mapping, tenant any, schema *convreport.Schema, mf mappingFlag, sh sharding) (_ *sql.DB, where string, _ any, err error) {
	where = redact(out)
	fail := func(err error) (*sql.DB, string, any, error) {
		db.Close()
		return nil, "", nil, err
	}
	if err := db.PingContext(c.ctx); err != nil {
		return fail(fmt.Errorf("--out %s: cannot connect: %w", where, err))
	}
	if sh.cluster != "" {
		if err := c.createSharded(db, out, m, schema, sh); err != nil {
			return fail(fmt.Errorf("--out %s: %w", where, err))
		}
	} else if err := sqlsource.CreateTable(c.ctx, db, dialect, m, schema); err != nil {
		return fail(fmt.Errorf("--out %s: %w", where, err))
	}
	// New checks what a table made before holds: the mapped columns, of
	// types the reports read.
	opts := []sqlsource.Option{sqlsource.WithSchema(schema), sqlsource.WithMapping(m)}
	if m.Tenant != "" {
		opts = append(opts, sqlsource.WithTenant(tenant))
	}
	src, err := sqlsource.New(db, dialect, opts...)
	if err != nil {
		return fail(fmt.Errorf("--out %s: %w", where, mf.timesAdvice(err)))
	}
	return db, where, src.Tenant(), nil
}

// importTextToDatabase imports a JSON Lines or CSV file into a database
// reading it twice (see importTwice). Lines skipped with --skip-invalid
// are reported once, after the first read; --infer-schema infers once,
// before it.
func (c *cli) importTextToDatabase(d dataFlags, out string, batch int, tenantCol string, tenant any) error {
	format := ingest.Format(strings.ToLower(d.format))
	if format == "" {
		f, err := ingest.FormatOf(d.path)
		if err != nil {
			return usageError("--data %s: %v (or give --data-format)", d.path, err)
		}
		format = f
	}
	declared, _, err := c.schemaFor(d, format, filepath.Base(d.path))
	if err != nil {
		return err
	}
	schema := declared
	if schema == nil {
		schema = convreport.DefaultSchema()
	}
	d.resolved, d.inferSchema = schema, false
	var skipped []error
	reads := 0
	read := func(yield func(convreport.Conversation, error) bool) {
		reads++
		first := reads == 1
		in, err := c.openText(d, format)
		if err != nil {
			yield(convreport.Conversation{}, err)
			return
		}
		defer in.close()
		if !first {
			in.opt.Progress = nil // the import prints lines of its own
		}
		seq := ingest.ReadJSONL(c.ctx, in.r, in.opt)
		if in.format == ingest.CSV {
			seq = ingest.ReadCSV(c.ctx, in.r, in.opt)
		}
		for cv, err := range seq {
			var le *ingest.LineError
			if err != nil && d.skipInvalid && errors.As(err, &le) {
				if first {
					skipped = append(skipped, err)
				}
				continue
			}
			if err != nil {
				err = withSchemaHint(declared, err) // the hint when nobody declared any
			}
			if !yield(cv, err) {
				return
			}
		}
		in.close() // the bar cleared before anything else is printed
		if first && len(skipped) > 0 {
			fmt.Fprintf(c.stderr, "convreport: skipped invalid lines:\n%v\n", errors.Join(skipped...))
		}
	}
	// The readers refuse a repeated ID: ImportAll need keep no set of them.
	return c.importTwice(out, batch, tenantCol, tenant, d.outMapping, d.outSharding, schema, read, true)
}

// importParquetFile copies a Parquet file into a database or a new
// Parquet file a row group at a time, never holding its rows: into a
// database through importTwice, into Parquet as they are read. Of the
// rows only their IDs are held, to find repeats, which are bad rows as
// parquetio.Read words them. Custom properties are --schema's, else
// those the file declares (see parquetio.FileSchema).
func (c *cli) importParquetFile(d dataFlags, out string, batch int, tenantCol string, tenant any) error {
	if d.inferSchema {
		return usageError("--infer-schema reads a .jsonl or .csv file; a Parquet file's custom properties are typed by the file (as convreport declares them, or by the types of their columns), or give --schema")
	}
	schema, _, err := c.schemaFor(d, "", "")
	if err != nil {
		return err
	}
	opt := ingest.Options{SkipInvalid: d.skipInvalid, IgnoreUnknown: d.ignoreUnknown, File: filepath.Base(d.path)}
	f, err := os.Open(d.path)
	if err != nil {
		return flagFileError("--data", d.path, err)
	}
	st, err := f.Stat()
	if err == nil && schema == nil {
		if schema, err = parquetio.FileSchema(f, st.Size()); err != nil {
			var fe *parquetio.FileError
			if errors.As(err, &fe) {
				fe.File = opt.File
			}
		}
	}
	f.Close()
	if err != nil {
		return err
	}
	opt.Schema = schema
	var skipped []error
	reads := 0
	read := func(yield func(convreport.Conversation, error) bool) {
		reads++
		first := reads == 1
		ropt := opt
		var bar *progress
		if first {
			if bar = newProgress(c.stderr, st.Size()); bar != nil {
				ropt.Progress = bar.update
				defer bar.done() // before anything else is printed
			}
		}
		seen := firstseen.New(0) // each ID's row, from 1
		row := 0
		for cv, err := range parquetio.AllFile(c.ctx, d.path, ropt) {
			var re *parquetio.RowError
			if err == nil || errors.As(err, &re) {
				row++ // a row yields a conversation or its error
			}
			if err == nil {
				if at, dup := seen.First(cv.ID, seen.Hash(cv.ID), row); dup {
					err = &parquetio.RowError{File: opt.File, Row: row, Field: "id", Err: convreport.DuplicateIDError(cv.ID, row-1, fmt.Sprintf("the conversation on row %d", at))}
				}
			}
			if err != nil && d.skipInvalid && errors.As(err, &re) {
				if first {
					skipped = append(skipped, err)
				}
				continue
			}
			if !yield(cv, err) {
				return
			}
		}
	}
	report := func() {
		if len(skipped) > 0 {
			fmt.Fprintf(c.stderr, "convreport: skipped invalid rows:\n%v\n", errors.Join(skipped...))
		}
	}
	if isParquet(out) {
		n, err := writeParquetFile(out, schema, read, nil)
		if err != nil {
			return err
		}
		report()
		fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s\n", n, out)
		return nil
	}
	// The first read is the check, which reports the rows it skips before
	// the second writes.
	check := read
	read = func(yield func(convreport.Conversation, error) bool) {
		check(yield)
		if reads == 1 {
			report()
		}
	}
	return c.importTwice(out, batch, tenantCol, tenant, d.outMapping, d.outSharding, schema, read, true)
}

// importTwice imports the conversations of read, a sequence read twice,
// into the database out, never holding them: the first read checks every
// row as the table will hold it (schema, the columns' values, IDs given
// once) and counts them, so that bad input writes nothing; the second
// writes them a batch at a time, with a progress line at each tenth.
// Input that changes between the reads (a line appended to the file) is
// checked again a batch at a time as it is written: a bad row then stops
// the import after the batches before it, which a rerun keeps. With sh's
// cluster, the table written is a Distributed one over it, made when
// missing once the check passed.
func (c *cli) importTwice(out string, batch int, tenantCol string, tenant any, mf mappingFlag, sh sharding, schema *convreport.Schema, read iter.Seq2[convreport.Conversation, error], uniqueIDs bool) error {
	// The check applies the database's layout before anything is
	// written: bad input is refused even without a connection.
	dialect, err := outDialect(out)
	if err != nil {
		return err
	}
	m, err := mf.resolve(dialect, schema, tenantCol, "write")
	if err != nil {
		return err
	}
	opt := sqlsource.ImportOptions{BatchSize: batch, UniqueIDs: uniqueIDs}
	if tenantCol != "" {
		opt.Tenant = tenant
	}
	check := opt
	check.CheckOnly = true
	db, err := dialOut(out, dialect)
	if err != nil {
		return err
	}
	// The check reads the types of a table made before (a count column
	// narrower than bigint) where the server answers; one that does not
	// is said after the check. SQLite's integers hold every count, and
	// its file is not made for input the check refuses.
	var checkDB *sql.DB
	if dialect != sqlsource.SQLite && db.PingContext(c.ctx) == nil {
		checkDB = db
	}
	checked, err := sqlsource.ImportAll(c.ctx, checkDB, dialect, m, schema, read, check)
	if err != nil {
		db.Close()
		var ce *sqlsource.ColumnTypeError
		if errors.As(err, &ce) {
			// The table's fault, not the input's: named as when the
			// source over it is opened after the check.
			return fmt.Errorf("--out %s: %w", redact(out), err)
		}
		return err
	}
	db, where, tenant, err := c.prepareOut(db, out, dialect, m, tenant, schema, mf, sh)
	if err != nil {
		return err
	}
	if tenantCol != "" {
		opt.Tenant = tenant
	}
	defer db.Close()
	lines := newImportProgress(c.stderr)
	opt.Progress = func(p sqlsource.ImportProgress) {
		p.Total = checked.Done
		lines.update(p)
	}
	prog, err := sqlsource.ImportAll(c.ctx, db, dialect, m, schema, read, opt)
	if err != nil {
		return fmt.Errorf("import into %s stopped after %d of %d conversations (run the same command again to write the rest): %w", where, prog.Done, checked.Done, err)
	}
	c.wrote(prog, where)
	return nil
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
	rows := func(yield func(convreport.Conversation, error) bool) {
		for cv, err := range seq {
			var le *ingest.LineError
			if err != nil && d.skipInvalid && errors.As(err, &le) {
				skipped = append(skipped, err)
				continue
			}
			if !yield(cv, err) {
				return
			}
		}
	}
	n, err := writeParquetFile(out, in.schema, rows, nil)
	in.close() // the bar cleared before anything else is printed
	if err != nil {
		return withSchemaHint(in.schema, err)
	}
	if len(skipped) > 0 {
		fmt.Fprintf(c.stderr, "convreport: skipped invalid lines:\n%v\n", errors.Join(skipped...))
	}
	fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s\n", n, out)
	return nil
}

// writeParquetFile writes rows to a new Parquet file at out as they come,
// and says how many it wrote. An error of rows, or of the write, ends it
// and removes the file: a part of the rows written as if whole would be
// worse than none. rows are read on a goroutine of their own, ahead of
// the writer: the reading (a parse, a database's scan, the sample
// generator) and the writing of the columns then overlap. written, when
// not nil, is told after each conversation how many the writer has taken.
func writeParquetFile(out string, schema *convreport.Schema, rows iter.Seq2[convreport.Conversation, error], written func(int)) (int, error) {
	var failed error // what ended rows early
	n := 0
	seq := untilError(rows, &failed, &n)
	f, err := os.Create(out)
	if err != nil {
		return 0, err
	}
	// failed and n are the reader's, read once Write returns: ahead.Seq
	// returns when the reader has.
	taken := 0
	err = parquetio.Write(f, schema, counted(ahead.Seq(seq, 4<<10), func(k int) {
		taken = k
		if written != nil {
			written(k)
		}
	}))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	// The reader's error is the one to tell when the writer took every
	// row read before it; a writer that failed first stopped the reader,
	// which ran ahead and may have met an error further on.
	if failed != nil && (err == nil || taken == n) {
		err = failed
	}
	if err != nil {
		os.Remove(out)
		return 0, err
	}
	return n, nil
}

// counted is seq, telling written how many conversations have been taken
// from it after each.
func counted(seq iter.Seq[convreport.Conversation], written func(int)) iter.Seq[convreport.Conversation] {
	return func(yield func(convreport.Conversation) bool) {
		k := 0
		for cv := range seq {
			k++
			written(k)
			if !yield(cv) {
				return
			}
		}
	}
}

// untilError is the conversations of rows, which end at its first error:
// *failed then holds it. n, when not nil, counts the conversations yielded.
func untilError(rows iter.Seq2[convreport.Conversation, error], failed *error, n *int) iter.Seq[convreport.Conversation] {
	return func(yield func(convreport.Conversation) bool) {
		for cv, err := range rows {
			if err != nil {
				*failed = err
				return
			}
			if n != nil {
				*n++
			}
			if !yield(cv) {
				return
			}
		}
	}
}

// importDatabase copies the conversations of a database (--data DB; one
// tenant's, with --tenant, into a Parquet file) into a new Parquet file or
// another database as they are read, never all held: into Parquet a row
// group at a time, into a database through importTwice.
func (c *cli) importDatabase(d dataFlags, out string, batch int, tenantCol string) error {
	if tenantCol != "" && !isParquet(out) {
		return usageError("--tenant with --data DB reads one tenant's rows, into a .parquet file; between two databases it would not say which tenant is written (go through a Parquet file)")
	}
	if m, err := d.outMapping.read(); err != nil {
		return err
	} else if m.Tenant != "" {
		return usageError("%s %s: table %q is shared by tenants (column %q): a copy between two databases writes no tenant's rows: copy into a .parquet file, then import that with --tenant %s=VALUE", d.outMapping.name, d.outMapping.path, tableOf(m), m.Tenant, m.Tenant)
	}
	src, _, err := c.load(d)
	if err != nil {
		return err
	}
	if d.schema == "" {
		c.noteUndeclared(d)
	}
	rows := func(yield func(convreport.Conversation, error) bool) {
		for cv, err := range src.Scan(c.ctx, convreport.ScanHint{}) {
			if err != nil {
				yield(convreport.Conversation{}, err)
				return
			}
			if !yield(*cv, nil) {
				return
			}
		}
	}
	if !isParquet(out) {
		return c.importTwice(out, batch, "", nil, d.outMapping, d.outSharding, src.Schema(), rows, false)
	}
	n, err := writeParquetFile(out, src.Schema(), rows, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s\n", n, out)
	return nil
}

// noteUndeclared says so when the table of the database d reads holds
// custom properties in its JSON column (properties, where import writes
// them, or the one --mapping names) and no --schema declares them: a
// copy leaves them out, as a run does, and a table does not declare them
// itself. It looks at the first thousand rows that have the column set
// (TEXT, jsonb or String: read as text); a table without that column
// says nothing.
func (c *cli) noteUndeclared(d dataFlags) {
	m, err := d.mapping.read()
	if err != nil {
		return
	}
	db, dialect, _, err := openDatabase(d.path)
	if err != nil {
		return
	}
	defer db.Close()
	col := m.JSON
	if col == "" {
		col = "properties"
	}
	col = quoteIdent(dialect, col)
	rows, err := db.QueryContext(c.ctx, "SELECT "+col+" FROM "+quoteIdent(dialect, tableOf(m))+" WHERE "+col+" IS NOT NULL LIMIT 1000")
	if err != nil {
		return
	}
	defer rows.Close()
	keys := map[string]bool{}
	for rows.Next() {
		var props sql.NullString
		var obj map[string]any
		if rows.Scan(&props) == nil && json.Unmarshal([]byte(props.String), &obj) == nil {
			for k := range obj {
				keys[k] = true
			}
		}
	}
	if len(keys) > 0 {
		fmt.Fprintf(c.stderr, "convreport: note: the table's rows have custom properties (%s) that no --schema declares: they are not copied (give --schema FILE.json to copy them)\n", strings.Join(slices.Sorted(maps.Keys(keys)), ", "))
	}
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
