package main

import (
	"bufio"
	"database/sql"

	"errors"
	"fmt"
	"github.com/convreport/convreport/sqlsource"
	"os"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/parquetio"
	"github.com/convreport/convreport/sample"
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
	if _, err := convreport.CompileFilter(nil, fs.Arg(0)); err != nil {
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

// importData copies conversations from a file into a new SQLite database
// (or a PostgreSQL one) in sqlsource's default layout, for --data DB, or
// into a new Parquet file, for --data x.parquet.
func (c *cli) importData(args []string) error {
	fs := c.flags("import")
	var data dataFlags
	data.register(fs)
	out := fs.String("out", "", "what to create: an SQLite .db file, a postgres:// URL or a .parquet file (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError("--out is required: an SQLite .db file, a postgres:// URL or a .parquet file")
	}
	if lower := strings.ToLower(*out); strings.HasSuffix(lower, ".db") || strings.HasSuffix(lower, ".sqlite") || isParquet(lower) {
		if _, err := os.Stat(*out); err == nil {
			if isParquet(lower) {
				return usageError("--out %s exists; import creates a new file", *out)
			}
			return usageError("--out %s exists; import creates a new database", *out)
		}
	}
	src, cs, err := c.load(data)
	if err != nil {
		return err
	}
	if cs == nil {
		return usageError("--data must be a .jsonl, .csv or .parquet file")
	}
	if isParquet(*out) {
		if err := parquetio.WriteFile(*out, src.Schema(), cs); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s\n", len(cs), *out)
		return nil
	}
	var db *sql.DB
	var dialect sqlsource.Dialect
	if strings.HasPrefix(strings.ToLower(*out), "postgres") {
		db, err = sql.Open("pgx", *out)
		dialect = sqlsource.PostgreSQL
	} else {
		db, err = sql.Open("sqlite", "file:"+*out)
		dialect = sqlsource.SQLite
	}
	if err != nil {
		return err
	}
	defer db.Close()
	schema := src.Schema()
	if err := sqlsource.CreateTable(c.ctx, db, dialect, sqlsource.Mapping{}, schema); err != nil {
		return err
	}
	if err := sqlsource.Insert(c.ctx, db, dialect, sqlsource.Mapping{}, schema, cs); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "convreport: wrote %d conversations to %s\n", len(cs), redact(*out))
	return nil
}
