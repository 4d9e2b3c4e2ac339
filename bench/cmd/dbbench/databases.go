package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "github.com/ClickHouse/clickhouse-go/v2" // the "clickhouse" driver
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	_ "modernc.org/sqlite"             // the "sqlite" driver, pure Go
)

// A database is one row of the table after the memory engine's: how to
// put one size's conversations in it and read them back.
type database struct {
	name string
	// skip says why the database is not measured; "" when it is.
	skip string
	// load creates the table for n conversations, imports cs in batches
	// of batch and returns a source over it opened as a fresh process
	// would. On error it has dropped what it created.
	load func(ctx context.Context, n int, cs []convreport.Conversation, batch int) (*loaded, error)
}

// loaded is a database holding one size's conversations.
type loaded struct {
	src *sqlsource.Source
	// imported is how long CreateTable (and CreateDistributed) and
	// sqlsource.Import took; opened, a new connection pool's ping and
	// sqlsource.New, which checks the table: what a restarted process
	// waits before its first run.
	imported, opened time.Duration
	// stored is the bytes the database keeps for the table, on disk.
	stored func(ctx context.Context) (int64, error)
	// drop removes the tables (or file) and closes the pools.
	drop func(ctx context.Context) error
}

// databases lists the rows after memory's, in the table's order, each
// skipped when o does not say how to reach it.
func databases(o options) []database {
	dbs := []database{{name: "SQLite", skip: "-no-sqlite"}}
	if o.sqlite {
		dbs[0] = sqliteDatabase(o.dir)
	}
	pg := database{name: "PostgreSQL", skip: "no -postgres DSN (nor $CONVREPORT_POSTGRES_DSN)"}
	if o.postgres != "" {
		pg = postgresDatabase(o.postgres)
	}
	one := database{name: "ClickHouse, 1 shard", skip: "no -clickhouse DSN (nor $CONVREPORT_CLICKHOUSE_DSNS)"}
	two := database{name: "ClickHouse, 2 shards", skip: one.skip}
	if len(o.clickhouse) > 0 {
		one = clickHouseOne(o.clickhouse[0])
		switch {
		case len(o.clickhouse) < 2:
			two.skip = "-clickhouse names one server, two shards need two"
		case o.cluster == "":
			two.skip = "no -cluster (nor $CONVREPORT_CLICKHOUSE_CLUSTER) over the -clickhouse servers"
		default:
			two = clickHouseTwo(o.clickhouse[:2], o.cluster)
		}
	}
	return append(dbs, pg, one, two)
}

// tableName is the table of n conversations: the process ID keeps two
// runs against one server apart.
func tableName(n int) string { return fmt.Sprintf("dbbench_%d_%d", os.Getpid(), n) }

// importInto creates the table m describes in db and imports cs into it,
// as `convreport import --out` does, and returns how long that took.
func importInto(ctx context.Context, db *sql.DB, d sqlsource.Dialect, m sqlsource.Mapping, cs []convreport.Conversation, batch int) (time.Duration, error) {
	start := time.Now()
	if err := sqlsource.CreateTable(ctx, db, d, m, nil); err != nil {
		return 0, err
	}
	return importRows(ctx, db, d, m, cs, batch, start)
}

// importRows imports cs into the table m describes and returns the time
// since start.
func importRows(ctx context.Context, db *sql.DB, d sqlsource.Dialect, m sqlsource.Mapping, cs []convreport.Conversation, batch int, start time.Time) (time.Duration, error) {
	prog, err := sqlsource.Import(ctx, db, d, m, nil, cs, sqlsource.ImportOptions{BatchSize: batch})
	if err != nil {
		return 0, err
	}
	took := time.Since(start)
	if prog.Inserted != len(cs) || prog.Skipped != 0 {
		return 0, fmt.Errorf("import wrote %d conversations and skipped %d, of %d given: the table was not empty", prog.Inserted, prog.Skipped, len(cs))
	}
	return took, nil
}

// open opens a pool on dsn, pings it and returns a source over the table
// m describes, with the time it took.
func open(ctx context.Context, driver, dsn string, d sqlsource.Dialect, m sqlsource.Mapping) (*sql.DB, *sqlsource.Source, time.Duration, error) {
	start := time.Now()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, nil, 0, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, nil, 0, err
	}
	src, err := sqlsource.New(db, d, sqlsource.WithMapping(m))
	if err != nil {
		db.Close()
		return nil, nil, 0, err
	}
	return db, src, time.Since(start), nil
}

// sqliteDatabase is an SQLite file in dir (a new temporary directory when
// ""), written as `convreport import --out FILE.db` writes it and read as
// `convreport run --data FILE.db` reads it: read only, with a 256 MiB page
// cache.
func sqliteDatabase(dir string) database {
	return database{name: "SQLite", load: func(ctx context.Context, n int, cs []convreport.Conversation, batch int) (_ *loaded, err error) {
		var remove func() error
		path := filepath.Join(dir, tableName(n)+".db")
		if dir == "" {
			tmp, err := os.MkdirTemp("", "dbbench-sqlite")
			if err != nil {
				return nil, err
			}
			path = filepath.Join(tmp, tableName(n)+".db")
			remove = func() error { return os.RemoveAll(tmp) }
		} else {
			if _, err := os.Stat(path); err == nil {
				return nil, fmt.Errorf("%s exists: remove it, or choose another -sqlite-dir", path)
			}
			remove = func() error {
				var errs []error
				for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
					if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
						errs = append(errs, err)
					}
				}
				return errors.Join(errs...)
			}
		}
		defer func() {
			if err != nil {
				remove()
			}
		}()
		m := sqlsource.Mapping{} // the default table, as the CLI's import writes
		wdsn, err := sqlsource.SQLiteDSN(path, "_pragma=busy_timeout(10000)")
		if err != nil {
			return nil, err
		}
		rdsn, err := sqlsource.SQLiteDSN(path, "mode=ro", "_pragma=cache_size(-262144)")
		if err != nil {
			return nil, err
		}
		w, err := sql.Open("sqlite", wdsn)
		if err != nil {
			return nil, err
		}
		imported, err := importInto(ctx, w, sqlsource.SQLite, m, cs, batch)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("import into %s: %w", path, err)
		}
		r, src, opened, err := open(ctx, "sqlite", rdsn, sqlsource.SQLite, m)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		return &loaded{
			src: src, imported: imported, opened: opened,
			stored: func(context.Context) (int64, error) {
				var total int64
				for _, p := range []string{path, path + "-wal"} {
					if st, err := os.Stat(p); err == nil {
						total += st.Size()
					}
				}
				return total, nil
			},
			drop: func(context.Context) error { return errors.Join(r.Close(), remove()) },
		}, nil
	}}
}

// postgresDatabase is a table of its own in the database dsn names.
func postgresDatabase(dsn string) database {
	return database{name: "PostgreSQL", load: func(ctx context.Context, n int, cs []convreport.Conversation, batch int) (_ *loaded, err error) {
		m := sqlsource.Mapping{Table: tableName(n)}
		w, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		dropTable := func(ctx context.Context) error {
			_, err := w.ExecContext(ctx, `DROP TABLE IF EXISTS "`+m.Table+`"`)
			return errors.Join(err, w.Close())
		}
		defer func() {
			if err != nil {
				dropTable(context.WithoutCancel(ctx))
			}
		}()
		if err := w.PingContext(ctx); err != nil {
			return nil, fmt.Errorf("cannot connect: %w", err)
		}
		imported, err := importInto(ctx, w, sqlsource.PostgreSQL, m, cs, batch)
		if err != nil {
			return nil, err
		}
		// Fresh statistics, as autovacuum would gather soon after a bulk
		// load; without them the first plans guess.
		if _, err := w.ExecContext(ctx, `ANALYZE "`+m.Table+`"`); err != nil {
			return nil, err
		}
		r, src, opened, err := open(ctx, "pgx", dsn, sqlsource.PostgreSQL, m)
		if err != nil {
			return nil, err
		}
		return &loaded{
			src: src, imported: imported, opened: opened,
			stored: func(ctx context.Context) (int64, error) {
				var b int64
				err := w.QueryRowContext(ctx, `SELECT pg_total_relation_size($1::regclass)`, `"`+m.Table+`"`).Scan(&b)
				return b, err
			},
			drop: func(ctx context.Context) error { return errors.Join(r.Close(), dropTable(ctx)) },
		}, nil
	}}
}

// clickHouseOne is a MergeTree table on the server dsn names.
func clickHouseOne(dsn string) database {
	return database{name: "ClickHouse, 1 shard", load: func(ctx context.Context, n int, cs []convreport.Conversation, batch int) (_ *loaded, err error) {
		m := sqlsource.Mapping{Table: tableName(n) + "_one"}
		w, err := sql.Open("clickhouse", dsn)
		if err != nil {
			return nil, err
		}
		dropTable := func(ctx context.Context) error {
			_, err := w.ExecContext(ctx, "DROP TABLE IF EXISTS `"+m.Table+"`")
			return errors.Join(err, w.Close())
		}
		defer func() {
			if err != nil {
				dropTable(context.WithoutCancel(ctx))
			}
		}()
		if err := w.PingContext(ctx); err != nil {
			return nil, fmt.Errorf("cannot connect to %s: %w", redact(dsn), err)
		}
		imported, err := importInto(ctx, w, sqlsource.ClickHouse, m, cs, batch)
		if err != nil {
			return nil, err
		}
		r, src, opened, err := open(ctx, "clickhouse", dsn, sqlsource.ClickHouse, m)
		if err != nil {
			return nil, err
		}
		return &loaded{
			src: src, imported: imported, opened: opened,
			stored: func(ctx context.Context) (int64, error) { return clickHouseBytes(ctx, w, m.Table) },
			drop:   func(ctx context.Context) error { return errors.Join(r.Close(), dropTable(ctx)) },
		}, nil
	}}
}

// clickHouseTwo is a MergeTree table on each of two servers, the shards
// of cluster, and a Distributed table over them on the first, which the
// conversations are imported through and the reports read.
func clickHouseTwo(dsns []string, cluster string) database {
	return database{name: "ClickHouse, 2 shards", load: func(ctx context.Context, n int, cs []convreport.Conversation, batch int) (_ *loaded, err error) {
		local := tableName(n) + "_local"
		m := sqlsource.Mapping{Table: tableName(n) + "_dist"}
		var ws []*sql.DB
		dropTables := func(ctx context.Context) error {
			var errs []error
			for i, w := range ws {
				if i == 0 {
					_, err := w.ExecContext(ctx, "DROP TABLE IF EXISTS `"+m.Table+"`")
					errs = append(errs, err)
				}
				_, err := w.ExecContext(ctx, "DROP TABLE IF EXISTS `"+local+"`")
				errs = append(errs, err, w.Close())
			}
			return errors.Join(errs...)
		}
		defer func() {
			if err != nil {
				dropTables(context.WithoutCancel(ctx))
			}
		}()
		for i, dsn := range dsns {
			// Rows inserted through the Distributed table are on their
			// shards when a batch returns, as `convreport import` does.
			if i == 0 {
				dsn = withParam(dsn, "insert_distributed_sync", "1")
			}
			w, err := sql.Open("clickhouse", dsn)
			if err != nil {
				return nil, err
			}
			ws = append(ws, w)
			if err := w.PingContext(ctx); err != nil {
				return nil, fmt.Errorf("cannot connect to %s: %w", redact(dsns[i]), err)
			}
		}
		start := time.Now()
		for _, w := range ws {
			if err := sqlsource.CreateTable(ctx, w, sqlsource.ClickHouse, sqlsource.Mapping{Table: local}, nil); err != nil {
				return nil, err
			}
		}
		if err := sqlsource.CreateDistributed(ctx, ws[0], m, nil, cluster, local); err != nil {
			return nil, err
		}
		imported, err := importRows(ctx, ws[0], sqlsource.ClickHouse, m, cs, batch, start)
		if err != nil {
			return nil, err
		}
		// Each server must hold a part of the rows, and together all of
		// them: otherwise the cluster's shards are not these servers.
		var total uint64
		for i, w := range ws {
			var c uint64
			if err := w.QueryRowContext(ctx, "SELECT count() FROM `"+local+"`").Scan(&c); err != nil {
				return nil, err
			}
			if c == 0 && len(cs) >= 100 {
				return nil, fmt.Errorf("server %s holds none of the rows: is it a shard of cluster %q?", redact(dsns[i]), cluster)
			}
			total += c
		}
		if total != uint64(len(cs)) {
			return nil, fmt.Errorf("the servers' tables hold %d rows in all, %d were imported: are %s the shards of cluster %q?", total, len(cs), redact(dsns[0])+" and "+redact(dsns[1]), cluster)
		}
		r, src, opened, err := open(ctx, "clickhouse", dsns[0], sqlsource.ClickHouse, m)
		if err != nil {
			return nil, err
		}
		return &loaded{
			src: src, imported: imported, opened: opened,
			stored: func(ctx context.Context) (int64, error) {
				var total int64
				for _, w := range ws {
					b, err := clickHouseBytes(ctx, w, local)
					if err != nil {
						return 0, err
					}
					total += b
				}
				return total, nil
			},
			drop: func(ctx context.Context) error { return errors.Join(r.Close(), dropTables(ctx)) },
		}, nil
	}}
}

// clickHouseBytes is what the active parts of a table take on disk.
func clickHouseBytes(ctx context.Context, db *sql.DB, table string) (int64, error) {
	var b uint64
	err := db.QueryRowContext(ctx, "SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = currentDatabase() AND table = ?", table).Scan(&b)
	return int64(b), err
}

// withParam sets a DSN's query parameter unless the DSN sets it already.
func withParam(dsn, key, value string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // the driver says what is wrong with it
	}
	q := u.Query()
	if q.Get(key) == "" {
		q.Set(key, value)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// redact hides a password in a DSN.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return dsn
}
