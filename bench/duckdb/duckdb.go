// Package duckdb is the DuckDB baseline of the benchmark suite: the twelve
// overview reports as GROUP BY queries in an in-memory DuckDB (cgo, through
// github.com/duckdb/duckdb-go). It is a module of its own so that DuckDB
// never enters the library's go.mod.
package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/bench"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Dialect is DuckDB's: "/" divides into a DOUBLE there, "//" is integer
// division, and sums of BIGINT are HUGEINT until cast back.
var Dialect = bench.Dialect{Name: "DuckDB", IntDiv: "//", Int: func(e string) string { return "CAST(" + e + " AS BIGINT)" }}

// Open returns an in-memory DuckDB holding cs in bench.CreateTable, loaded
// through the Appender (DuckDB's bulk load).
func Open(ctx context.Context, cs []convreport.Conversation) (*sql.DB, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("duckdb: %w", err)
	}
	db := sql.OpenDB(connector)
	if err := load(ctx, db, connector, cs); err != nil {
		db.Close()
		return nil, fmt.Errorf("duckdb: %w", err)
	}
	return db, nil
}

func load(ctx context.Context, db *sql.DB, connector *duckdb.Connector, cs []convreport.Conversation) error {
	if _, err := db.ExecContext(ctx, bench.CreateTable); err != nil {
		return err
	}
	conn, err := connector.Connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	app, err := duckdb.NewAppenderFromConn(conn, "", "conv")
	if err != nil {
		return err
	}
	vals := make([]driver.Value, 0, 18)
	for i := range cs {
		vals = vals[:0]
		for _, v := range bench.Row(&cs[i]) {
			vals = append(vals, v)
		}
		if err := app.AppendRow(vals...); err != nil {
			app.Close()
			return fmt.Errorf("row %d (%s): %w", i, cs[i].ID, err)
		}
	}
	return app.Close()
}

// Run runs the twelve reports on db.
func Run(ctx context.Context, db *sql.DB, w *bench.Window) (bench.Figures, error) {
	return bench.RunSQL(ctx, db, Dialect, w)
}
