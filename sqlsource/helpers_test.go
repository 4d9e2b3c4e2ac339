package sqlsource_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the tests, without relying on the machine's zone files

	_ "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// dialects lists the databases a test runs on.
var dialects = []sqlsource.Dialect{sqlsource.SQLite, sqlsource.PostgreSQL, sqlsource.ClickHouse}

// openDB returns a database of dialect d for the test. SQLite is a fresh
// file in a temporary directory; PostgreSQL is the server named by
// CONVREPORT_POSTGRES_DSN, where the test skips (or fails, with
// CONVREPORT_REQUIRE_POSTGRES=1) when it is not set; ClickHouse is the
// first server of CONVREPORT_CLICKHOUSE_DSNS (see clickHouseDSNs).
func openDB(t testing.TB, d sqlsource.Dialect) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	switch d {
	case sqlsource.SQLite:
		path := filepath.Join(t.TempDir(), "conversations.db")
		db, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=cache_size(-262144)")
	case sqlsource.PostgreSQL:
		dsn := os.Getenv("CONVREPORT_POSTGRES_DSN")
		if dsn == "" {
			if os.Getenv("CONVREPORT_REQUIRE_POSTGRES") == "1" {
				t.Fatal("CONVREPORT_REQUIRE_POSTGRES=1 but CONVREPORT_POSTGRES_DSN is not set: PostgreSQL tests cannot run")
			}
			t.Skip("PostgreSQL tests skipped: set CONVREPORT_POSTGRES_DSN (for example postgres://user@127.0.0.1:5432/db?sslmode=disable) to run them; .ci/run starts a server and sets it")
		}
		db, err = sql.Open("pgx", dsn)
	case sqlsource.ClickHouse:
		db, err = sql.Open("clickhouse", clickHouseDSNs(t)[0])
	}
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	// A hang guard: an unreachable server fails the test instead of hanging it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, db.PingContext(ctx), "connect to %v", d)
	return db
}

var tableSeq atomic.Int64

// tableName returns a table name unique to this test run, dropped at the
// end of the test: PostgreSQL tests share one database.
func tableName(t testing.TB, db *sql.DB, d sqlsource.Dialect, prefix string) string {
	t.Helper()
	name := fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), tableSeq.Add(1))
	t.Cleanup(func() { dropTable(db, d, name) })
	return name
}

func dropTable(db *sql.DB, d sqlsource.Dialect, name string) {
	db.Exec("DROP TABLE IF EXISTS " + quoteIdent(d, name))
}

// quoteIdent quotes an identifier, independently of the package's own
// quoting.
func quoteIdent(d sqlsource.Dialect, s string) string {
	switch d {
	case sqlsource.SQLite:
		return "`" + strings.ReplaceAll(s, "`", "``") + "`"
	case sqlsource.ClickHouse:
		return "`" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "`", "\\`") + "`"
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// clickHouseDSNs returns the servers of CONVREPORT_CLICKHOUSE_DSNS
// (comma-separated; .ci/clickhouse-cluster starts two, each a shard of the
// cluster CONVREPORT_CLICKHOUSE_CLUSTER), each with insert_distributed_sync
// so rows inserted through a Distributed table are there when Insert
// returns. The test skips without it, or fails with
// CONVREPORT_REQUIRE_CLICKHOUSE=1.
func clickHouseDSNs(t testing.TB) []string {
	t.Helper()
	env := os.Getenv("CONVREPORT_CLICKHOUSE_DSNS")
	if env == "" {
		if os.Getenv("CONVREPORT_REQUIRE_CLICKHOUSE") == "1" {
			t.Fatal("CONVREPORT_REQUIRE_CLICKHOUSE=1 but CONVREPORT_CLICKHOUSE_DSNS is not set: ClickHouse tests cannot run")
		}
		t.Skip("ClickHouse tests skipped: set CONVREPORT_CLICKHOUSE_DSNS (for example clickhouse://127.0.0.1:9000/default) to run them; .ci/run starts a two-shard cluster and sets it")
	}
	var out []string
	for _, dsn := range strings.Split(env, ",") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		out = append(out, strings.TrimSpace(dsn)+sep+"insert_distributed_sync=1")
	}
	return out
}

// load creates the mapped table in db, inserts cs and returns a source over
// it.
func load(t testing.TB, db *sql.DB, d sqlsource.Dialect, m sqlsource.Mapping, s *convreport.Schema, cs []convreport.Conversation, opts ...sqlsource.Option) *sqlsource.Source {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, s))
	require.NoError(t, sqlsource.Insert(ctx, db, d, m, s, cs))
	src, err := sqlsource.New(db, d, append([]sqlsource.Option{sqlsource.WithSchema(s), sqlsource.WithMapping(m)}, opts...)...)
	require.NoError(t, err)
	return src
}

// resultText writes results one point a line, every number exact, for
// comparing engines.
func resultText(rs []convreport.Result) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "report %q matched=%d excluded=%d from=%s to=%s\n", r.Report.Name, r.Matched, r.Excluded, r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))
		for _, p := range r.Points {
			var dims []string
			for _, d := range p.Dimensions {
				dims = append(dims, d.Property+"="+d.Label())
			}
			v := "null"
			if p.Value.Valid {
				v = p.Value.Decimal.String()
			}
			bucket := ""
			if !p.Bucket.IsZero() {
				bucket = " bucket=" + p.Bucket.Format(time.RFC3339)
			}
			fmt.Fprintf(&b, "  %s%s other=%v count=%d excluded=%d value=%s\n", strings.Join(dims, " "), bucket, p.Other, p.Count, p.Excluded, v)
		}
	}
	return b.String()
}

// requireSameText fails with the first lines that differ.
func requireSameText(t testing.TB, want, got string, format string, args ...any) {
	t.Helper()
	if want == got {
		return
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var diff []string
	for i := 0; i < max(len(w), len(g)) && len(diff) < 12; i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			diff = append(diff, fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, a, b))
		}
	}
	t.Fatalf("%s: results differ (%d vs %d lines)\n%s", fmt.Sprintf(format, args...), len(w), len(g), strings.Join(diff, "\n"))
}
