// Command sql-pushdown reports on conversations that stay in a SQL
// database: it loads sample conversations into an SQLite file (or a
// PostgreSQL table), then runs the Chat overview through sqlsource, which
// turns each report into one SQL statement (WHERE, GROUP BY and exact
// aggregates) instead of reading every row into Go.
//
//	go run ./examples/sql-pushdown
//	go run ./examples/sql-pushdown -db helpdesk.db
//	go run ./examples/sql-pushdown -dsn 'postgres://user@127.0.0.1:5432/db?sslmode=disable'
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/render"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/sqlsource"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite": pure Go, no cgo
)

func main() {
	dbFile := flag.String("db", "", "SQLite file to create (default: a temporary file, removed on exit)")
	dsn := flag.String("dsn", "", "use PostgreSQL instead: the example creates a table there, reports on it and drops it")
	n := flag.Int("n", 20_000, "sample conversations to load")
	flag.Parse()
	if err := run(context.Background(), *dbFile, *dsn, *n); err != nil {
		log.SetFlags(0)
		log.Fatal(err)
	}
}

// run is main's work, returning its error so that the deferred clean-up
// runs on failure too.
func run(ctx context.Context, dbFile, dsn string, n int) error {
	dialect, driver, conn := sqlsource.SQLite, "sqlite", dbFile
	switch {
	case dsn != "":
		dialect, driver, conn = sqlsource.PostgreSQL, "pgx", dsn
	case conn == "":
		dir, err := os.MkdirTemp("", "convreport-example")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		conn = filepath.Join(dir, "helpdesk.db")
	default:
		if _, err := os.Stat(conn); err == nil {
			return fmt.Errorf("%s already exists: name a new file", conn)
		}
	}
	if dialect == sqlsource.SQLite {
		var err error
		// The path escaped, so that a '?' or '#' in it does not end the
		// name; the busy timeout makes a statement wait while another
		// process writes the file, instead of failing.
		if conn, err = sqlsource.SQLiteDSN(conn, "_pragma=busy_timeout(10000)"); err != nil {
			return err
		}
	}
	db, err := sql.Open(driver, conn)
	if err != nil {
		return err
	}
	defer db.Close()

	const table = "convreport_example"
	if dialect == sqlsource.PostgreSQL {
		defer db.ExecContext(ctx, "DROP TABLE IF EXISTS "+table)
	}
	if err := load(ctx, db, dialect, table, sample.Generate(sample.Config{Seed: 1, N: n})); err != nil {
		return err
	}
	_, stats, err := chatOverview(ctx, os.Stdout, db, dialect, table)
	if err != nil {
		return err
	}
	fmt.Printf("\nplans computed in SQL: %d, declined (scanned instead): %d\n", stats.Answered, stats.Declined)
	return nil
}

// load creates table in sqlsource's default layout and inserts cs in one
// transaction. An application whose conversations are already in a table
// skips this and describes its table with a sqlsource.Mapping instead.
func load(ctx context.Context, db *sql.DB, d sqlsource.Dialect, table string, cs []convreport.Conversation) error {
	m := sqlsource.Mapping{Table: table}
	if err := sqlsource.CreateTable(ctx, db, d, m, nil); err != nil {
		return err
	}
	return sqlsource.Insert(ctx, db, d, m, nil, cs)
}

// dataNow is the instant the sample data is a snapshot of (sample.Config's
// default To); "last 30 days" resolves against it so the example always
// has data to show.
var dataNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// chatOverview runs the Chat overview's reports over table and writes them
// to w as text. It returns the results and how many pushdowns SQL answered.
func chatOverview(ctx context.Context, w io.Writer, db *sql.DB, d sqlsource.Dialect, table string) ([]convreport.Result, sqlsource.Stats, error) {
	src, err := sqlsource.New(db, d, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
	if err != nil {
		return nil, sqlsource.Stats{}, err
	}
	t := library.ChatOverview()
	// Engine.Run takes the template's reports as they are: a batch job
	// needs no saved Dashboard, owner or Viewer (RunDashboard does).
	q := convreport.Query{Range: convreport.Last30Days, Now: dataNow}
	results, err := convreport.NewEngine(src).Run(ctx, q, t.Reports...)
	if err != nil {
		return nil, sqlsource.Stats{}, err
	}
	err = render.Text(w, render.Dashboard{Name: t.Name, Results: results}, render.TextOptions{})
	return results, src.Stats(), err
}
