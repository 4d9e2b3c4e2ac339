package main_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/parquetio"
	"github.com/convreport/convreport/sqlsource"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// outDatabase is a database an import writes to: its --out and --data
// URL, and a connection for the test's own checks.
type outDatabase struct {
	url    string
	driver string
	db     *sql.DB
}

var dbSeq atomic.Int64

// outDatabases returns an empty database of each kind: an SQLite file, a
// PostgreSQL database made on CONVREPORT_POSTGRES_DSN's server and a
// ClickHouse database on CONVREPORT_CLICKHOUSE_DSNS' first server, each
// dropped at the end. A server that is not configured is left out, or
// fails the test when CONVREPORT_REQUIRE_POSTGRES=1 (or _CLICKHOUSE=1).
func outDatabases(t *testing.T) map[string]outDatabase {
	t.Helper()
	out := map[string]outDatabase{}
	path := filepath.Join(t.TempDir(), "helpdesk.db")
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	out["sqlite"] = outDatabase{url: path, driver: "sqlite", db: db}
	name := fmt.Sprintf("convreport_cli_%d_%d", os.Getpid(), dbSeq.Add(1))
	for kind, env := range map[string]string{"postgresql": "CONVREPORT_POSTGRES_DSN", "clickhouse": "CONVREPORT_CLICKHOUSE_DSNS"} {
		dsn, _, _ := strings.Cut(os.Getenv(env), ",")
		require := "CONVREPORT_REQUIRE_" + strings.ToUpper(strings.TrimSuffix(kind, "ql"))
		if dsn == "" {
			if os.Getenv(require) == "1" {
				t.Fatalf("%s=1 but %s is not set", require, env)
			}
			t.Logf("%s left out: set %s", kind, env)
			continue
		}
		driver := map[string]string{"postgresql": "pgx", "clickhouse": "clickhouse"}[kind]
		admin, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Close() })
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatalf("%s: create database: %v", kind, err)
		}
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		db, err := sql.Open(driver, u.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			db.Close()
			if kind == "postgresql" {
				admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			} else {
				admin.Exec("DROP DATABASE IF EXISTS " + name)
			}
		})
		out[kind] = outDatabase{url: u.String(), driver: driver, db: db}
	}
	return out
}

func (o outDatabase) count(t *testing.T, query string) int {
	t.Helper()
	var n int64
	require.NoError(t, o.db.QueryRow(query).Scan(&n))
	return int(n)
}

// settledCount is count once it stops changing: a server may still apply
// an INSERT whose rows it had received whole when its client was killed
// (ClickHouse did, a batch after the first count), as the sharded import
// test below also waits for. A rerun is compared with what the table
// holds once that is done.
func (o outDatabase) settledCount(t *testing.T, query string) int {
	t.Helper()
	n := o.count(t, query)
	for range 30 {
		time.Sleep(500 * time.Millisecond)
		m := o.count(t, query)
		if m == n {
			return n
		}
		n = m
	}
	t.Fatalf("%s still changing after 15 s", query)
	return n
}

// An import killed midway (SIGKILL, after its first progress line) keeps
// what it wrote; the same command run again writes exactly the rest, and
// the database then answers every dashboard as the file does.
func TestImportKilledMidwayIsFinishedByARerun(t *testing.T) {
	const n = 30_000
	path := generated(t, n)
	for kind, out := range outDatabases(t) {
		t.Run(kind, func(t *testing.T) {
			cmd := exec.Command(binary, "import", "--data", path, "--out", out.url, "--batch", "200")
			stderr, err := cmd.StderrPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			var lines []string
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				lines = append(lines, sc.Text())
				if strings.HasPrefix(sc.Text(), "convreport: import: 10% (") {
					require.NoError(t, cmd.Process.Kill())
					break
				}
			}
			cmd.Wait()
			require.NotEmpty(t, lines)
			require.Regexp(t, `^convreport: import: 10% \(\d+ of 30000 conversations: \d+ written, 0 already there\)$`, lines[len(lines)-1], "progress on standard error: %q", lines)
			kept := out.settledCount(t, "SELECT COUNT(*) FROM conversations")
			require.GreaterOrEqual(t, kept, n/10, "the batches written before the kill are kept")
			require.Less(t, kept, n, "the kill stopped the import")

			o := cli(t, "", "import", "--data", path, "--out", out.url, "--batch", "5000")
			require.Equal(t, 0, o.code, o.stderr)
			lastLine := o.stderr[strings.LastIndex(strings.TrimSuffix(o.stderr, "\n"), "\n")+1:]
			require.Contains(t, lastLine, fmt.Sprintf("wrote %d conversations to ", n-kept))
			require.Contains(t, lastLine, fmt.Sprintf("(%d already there)", kept))
			require.Contains(t, o.stderr, "convreport: import: 100% (30000 of 30000 conversations")
			require.Equal(t, n, out.count(t, "SELECT COUNT(*) FROM conversations"))
			require.Equal(t, n, out.count(t, "SELECT COUNT(DISTINCT id) FROM conversations"))

			for _, dash := range []string{"chat-overview", "email-overview"} {
				args := []string{"run", "--dashboard", dash, "--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris", "--format", "json"}
				fromFile := cli(t, "", append(args, "--data", path)...)
				fromDB := cli(t, "", append(args, "--data", out.url)...)
				require.Equal(t, 0, fromFile.code, fromFile.stderr)
				require.Equal(t, 0, fromDB.code, fromDB.stderr)
				require.Equal(t, fromFile.stdout, fromDB.stdout, "%s: the database answers exactly as the file does", dash)
			}
		})
	}
}

// Two tenants imported into one table (--tenant) each get, from run and
// from the CSV export of a drill-down, exactly what their own file gives.
func TestTenantsFromTheCommandLine(t *testing.T) {
	files := map[string]string{"acme": generated(t, 2000)}
	globex := filepath.Join(t.TempDir(), "globex.jsonl")
	o := cli(t, "", "generate", "--n", "1500", "--seed", "8", "--out", globex)
	require.Equal(t, 0, o.code, o.stderr)
	files["globex"] = globex
	for kind, out := range outDatabases(t) {
		t.Run(kind, func(t *testing.T) {
			for tenant, file := range files {
				o := cli(t, "", "import", "--data", file, "--out", out.url, "--tenant", "account="+tenant)
				require.Equal(t, 0, o.code, o.stderr)
			}
			require.Equal(t, 3500, out.count(t, "SELECT COUNT(*) FROM conversations"))
			period := []string{"--dashboard", "chat-overview", "--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris"}
			// Read without a tenant, the table would mix both accounts'
			// rows: every command that reads it asks for one.
			for _, args := range [][]string{
				append([]string{"run", "--format", "json"}, period...),
				append([]string{"drill", "--report", "Conversations by rep", "--point", "assignee=(no value)"}, period...),
				{"import", "--out", filepath.Join(t.TempDir(), "all.parquet")},
			} {
				o := cli(t, "", append(args, "--data", out.url)...)
				require.Equal(t, 2, o.code, "%s: %s", args[0], o.stderr)
				require.Contains(t, o.stderr, `table "conversations" is shared by tenants (keyed by account and id): read one with --tenant account=VALUE`, args[0])
				require.Empty(t, o.stdout, args[0])
			}
			for tenant, file := range files {
				args := append([]string{"run", "--format", "json"}, period...)
				fromFile := cli(t, "", append(args, "--data", file)...)
				fromDB := cli(t, "", append(args, "--data", out.url, "--tenant", "account="+tenant)...)
				require.Equal(t, 0, fromDB.code, fromDB.stderr)
				require.Equal(t, fromFile.stdout, fromDB.stdout, "%s: run", tenant)

				// The first rep of the file's result, drilled into and
				// exported as CSV.
				var res struct {
					Reports []struct {
						Points []struct {
							Dimensions map[string]*string `json:"dimensions"`
						} `json:"points"`
					} `json:"reports"`
				}
				require.NoError(t, json.Unmarshal([]byte(fromFile.stdout), &res))
				rep := res.Reports[0].Points[0].Dimensions["assignee"]
				require.NotNil(t, rep)
				drill := append([]string{"drill", "--report", "Conversations by rep", "--point", "assignee=" + *rep, "--format", "csv", "--limit", "1000"}, period...)
				fromFile = cli(t, "", append(drill, "--data", file)...)
				fromDB = cli(t, "", append(drill, "--data", out.url, "--tenant", "account="+tenant)...)
				require.Equal(t, 0, fromFile.code, fromFile.stderr)
				require.Equal(t, 0, fromDB.code, fromDB.stderr)
				require.Greater(t, strings.Count(fromFile.stdout, "\n"), 2)
				require.Equal(t, fromFile.stdout, fromDB.stdout, "%s: drill-down CSV", tenant)
			}
		})
	}
}

// A database that cannot be reached is said so at once, naming the
// server, not taken for a missing table.
func TestImportUnreachableDatabase(t *testing.T) {
	path := generated(t, 10)
	o := cli(t, "", "import", "--data", path, "--out", "clickhouse://127.0.0.1:1/default")
	require.Equal(t, 1, o.code)
	require.Equal(t, 1, strings.Count(o.stderr, "\n"), o.stderr)
	require.Contains(t, o.stderr, "127.0.0.1:1")
}

// Into a Distributed table over two shards, an import killed midway and
// run again leaves every conversation on exactly one shard, once.
func TestImportIntoDistributedTableResumes(t *testing.T) {
	env := os.Getenv("CONVREPORT_CLICKHOUSE_DSNS")
	clusterName := os.Getenv("CONVREPORT_CLICKHOUSE_CLUSTER")
	if env == "" || clusterName == "" {
		if os.Getenv("CONVREPORT_REQUIRE_CLICKHOUSE") == "1" {
			t.Fatal("CONVREPORT_REQUIRE_CLICKHOUSE=1 but CONVREPORT_CLICKHOUSE_DSNS or _CLUSTER is not set")
		}
		t.Skip("set CONVREPORT_CLICKHOUSE_DSNS and CONVREPORT_CLICKHOUSE_CLUSTER (.ci/clickhouse-cluster does)")
	}
	const n = 20_000
	path := generated(t, n)
	name := fmt.Sprintf("convreport_cli_dist_%d", os.Getpid())
	var shards []*sql.DB
	var first string
	for i, dsn := range strings.Split(env, ",") {
		admin, err := sql.Open("clickhouse", dsn)
		require.NoError(t, err)
		t.Cleanup(func() { admin.Close() })
		_, err = admin.Exec("CREATE DATABASE " + name)
		require.NoError(t, err)
		t.Cleanup(func() { admin.Exec("DROP DATABASE IF EXISTS " + name) })
		u, err := url.Parse(dsn)
		require.NoError(t, err)
		u.Path = "/" + name
		db, err := sql.Open("clickhouse", u.String())
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.ClickHouse, sqlsource.Mapping{Table: "conversations_local"}, nil))
		if i == 0 {
			first = u.String()
			require.NoError(t, sqlsource.CreateDistributed(context.Background(), db, sqlsource.Mapping{}, nil, clusterName, "conversations_local"))
		}
		shards = append(shards, db)
	}
	require.Len(t, shards, 2)
	perShard := func() (counts []int, total int) {
		for _, db := range shards {
			var c uint64
			require.NoError(t, db.QueryRow("SELECT count() FROM conversations_local").Scan(&c))
			counts = append(counts, int(c))
			total += int(c)
		}
		return counts, total
	}

	cmd := exec.Command(binary, "import", "--data", path, "--out", first, "--batch", "200")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "convreport: import: 10% (") {
			require.NoError(t, cmd.Process.Kill())
			break
		}
	}
	cmd.Wait()
	// A batch the killed client had sent may still be finishing on the
	// server: count once the tables stop growing.
	_, kept := perShard()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		time.Sleep(500 * time.Millisecond)
		_, again := perShard()
		if again == kept {
			break
		}
		kept = again
	}
	require.GreaterOrEqual(t, kept, n/10)
	require.Less(t, kept, n)

	o := cli(t, "", "import", "--data", path, "--out", first)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, fmt.Sprintf("wrote %d conversations to ", n-kept))
	counts, total := perShard()
	require.Equal(t, n, total, "every conversation on one shard, once")
	require.Positive(t, counts[0])
	require.Positive(t, counts[1])
	var distinct uint64
	require.NoError(t, shards[0].QueryRow("SELECT uniqExact(id) FROM conversations").Scan(&distinct))
	require.Equal(t, uint64(n), distinct)

	args := []string{"run", "--dashboard", "email-overview", "--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris", "--format", "json"}
	fromFile := cli(t, "", append(args, "--data", path)...)
	fromDB := cli(t, "", append(args, "--data", first)...)
	require.Equal(t, 0, fromDB.code, fromDB.stderr)
	require.Equal(t, fromFile.stdout, fromDB.stdout)
}

// A JSON Lines or CSV file goes into a database in two reads, never
// held: a bad line anywhere, the last one too, writes nothing; with
// --skip-invalid every other line is written and the bad one reported
// once; --infer-schema prints the schema once and the second read uses
// it; the table then holds what the file does, as the run of a dashboard
// over each shows.
func TestImportFileIntoDatabaseChecksFirst(t *testing.T) {
	const n = 3000
	path := generated(t, n)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	badLine := `{"id":"late","channel":"chat","status":"open","created_at":"2025-13-01T00:00:00Z"}` + "\n"
	require.NoError(t, os.WriteFile(bad, append(slices.Clone(b), badLine...), 0o644))
	db := filepath.Join(dir, "out.db")
	o := cli(t, "", "import", "--data", bad, "--out", db, "--batch", "500")
	require.Equal(t, 1, o.code)
	require.Contains(t, o.stderr, fmt.Sprintf("bad.jsonl: line %d: created_at", n+1))
	require.NotContains(t, o.stderr, "import: ")
	_, err = os.Stat(db)
	require.True(t, os.IsNotExist(err), "nothing is created for bad input")

	o = cli(t, "", "import", "--data", bad, "--out", db, "--batch", "500", "--skip-invalid")
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, 1, strings.Count(o.stderr, fmt.Sprintf("line %d:", n+1)), o.stderr)
	require.Contains(t, o.stderr, fmt.Sprintf("convreport: wrote %d conversations to %s\n", n, db))
	args := []string{"run", "--dashboard", "chat-overview", "--range", "last_30_days", "--now", "2025-06-01", "--format", "json"}
	fromFile := cli(t, "", append(args, "--data", path)...)
	fromDB := cli(t, "", append(args, "--data", db)...)
	require.Equal(t, 0, fromDB.code, fromDB.stderr)
	require.Equal(t, fromFile.stdout, fromDB.stdout)

	// Without --data, the command says so; properties nobody declared get
	// the hint.
	o = cli(t, "", "import", "--out", db)
	require.Equal(t, 2, o.code)
	require.Contains(t, o.stderr, "--data is required")
	custom := filepath.Join(dir, "custom.jsonl")
	require.NoError(t, os.WriteFile(custom, []byte(
		`{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-03T09:00:00Z","properties":{"seats":3}}`+"\n"+
			`{"id":"c2","channel":"chat","status":"open","created_at":"2025-03-03T10:00:00Z","properties":{"seats":5}}`+"\n"), 0o644))
	db2 := filepath.Join(dir, "custom.db")
	o = cli(t, "", "import", "--data", custom, "--out", db2)
	require.Equal(t, 1, o.code)
	require.Contains(t, o.stderr, `unknown custom property "seats" (declare custom properties with --schema FILE.json or --infer-schema)`)
	o = cli(t, "", "import", "--data", custom, "--out", db2, "--infer-schema")
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, 1, strings.Count(o.stderr, "inferred schema"), o.stderr)
	schema := filepath.Join(dir, "schema.json")
	require.NoError(t, os.WriteFile(schema, []byte(`{"properties": [{"name": "seats", "kind": "number"}]}`), 0o644))
	o = cli(t, "", "drill", "--data", db2, "--schema", schema, "--dashboard", "chat-overview", "--report", "Conversations by rep",
		"--point", "assignee=", "--range", "this_year", "--now", "2025-06-01", "--columns", "ID,seats", "--format", "csv", "--where", "seats greater_than 4")
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, "id,seats\nc2,5\n", o.stdout)
}

// A database is copied as it is read: into each kind of database (from
// SQLite, through the same two reads as a file), and into a new Parquet
// file, one tenant's rows with --tenant; each copy answers the dashboards
// as the file imported first does.
func TestImportFromADatabase(t *testing.T) {
	acme := generated(t, 2500)
	dir := t.TempDir()
	globex := filepath.Join(dir, "globex.jsonl")
	o := cli(t, "", "generate", "--n", "1200", "--seed", "9", "--out", globex)
	require.Equal(t, 0, o.code, o.stderr)
	plain := filepath.Join(dir, "plain.db")
	o = cli(t, "", "import", "--data", acme, "--out", plain, "--batch", "700")
	require.Equal(t, 0, o.code, o.stderr)
	shared := filepath.Join(dir, "shared.db")
	for tenant, file := range map[string]string{"acme": acme, "globex": globex} {
		o = cli(t, "", "import", "--data", file, "--out", shared, "--tenant", "account="+tenant)
		require.Equal(t, 0, o.code, o.stderr)
	}
	run := []string{"run", "--dashboard", "email-overview", "--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris", "--format", "json"}
	want := cli(t, "", append(run, "--data", acme)...)
	require.Equal(t, 0, want.code, want.stderr)

	for kind, out := range outDatabases(t) {
		t.Run(kind, func(t *testing.T) {
			o := cli(t, "", "import", "--data", plain, "--out", out.url, "--batch", "1000")
			require.Equal(t, 0, o.code, o.stderr)
			require.Contains(t, o.stderr, "convreport: import: 100% (2500 of 2500 conversations: 2500 written, 0 already there)")
			require.Equal(t, 2500, out.count(t, "SELECT COUNT(*) FROM conversations"))
			got := cli(t, "", append(run, "--data", out.url)...)
			require.Equal(t, 0, got.code, got.stderr)
			require.Equal(t, want.stdout, got.stdout)
		})
	}

	pq := filepath.Join(dir, "acme.parquet")
	o = cli(t, "", "import", "--data", shared, "--tenant", "account=acme", "--out", pq)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, "wrote 2500 conversations to "+pq)
	got := cli(t, "", append(run, "--data", pq)...)
	require.Equal(t, 0, got.code, got.stderr)
	require.Equal(t, want.stdout, got.stdout)

	o = cli(t, "", "import", "--data", shared, "--tenant", "account=acme", "--out", filepath.Join(dir, "other.db"))
	require.Equal(t, 2, o.code, o.stderr)
	require.Contains(t, o.stderr, "--tenant with --data DB reads one tenant's rows, into a .parquet file")

	// Custom properties a table holds are copied with --schema; without
	// it they are not, and the copy says so.
	schema := filepath.Join(dir, "schema.json")
	require.NoError(t, os.WriteFile(schema, []byte(`{"properties": [{"name": "seats", "kind": "number"}, {"name": "plan", "kind": "string"}]}`), 0o644))
	custom := filepath.Join(dir, "custom.jsonl")
	require.NoError(t, os.WriteFile(custom, []byte(
		`{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-03T09:00:00Z","properties":{"seats":3}}`+"\n"+
			`{"id":"c2","channel":"chat","status":"open","created_at":"2025-03-03T10:00:00Z","properties":{"seats":5,"plan":"pro"}}`+"\n"), 0o644))
	customDB := filepath.Join(dir, "custom.db")
	o = cli(t, "", "import", "--data", custom, "--schema", schema, "--out", customDB)
	require.Equal(t, 0, o.code, o.stderr)
	bare := filepath.Join(dir, "bare.parquet")
	o = cli(t, "", "import", "--data", customDB, "--out", bare)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, "convreport: note: the table's rows have custom properties (plan, seats) that no --schema declares: they are not copied")
	full := filepath.Join(dir, "full.parquet")
	o = cli(t, "", "import", "--data", customDB, "--schema", schema, "--out", full)
	require.Equal(t, 0, o.code, o.stderr)
	require.NotContains(t, o.stderr, "note:")
	o = cli(t, "", "drill", "--data", full, "--dashboard", "chat-overview", "--report", "Conversations by rep", "--point", "assignee=",
		"--range", "this_year", "--now", "2025-06-01", "--columns", "ID,seats,plan", "--format", "csv")
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, "id,seats,plan\nc1,3,\nc2,5,pro\n", o.stdout)
}

// A Parquet file goes into a database, or a new Parquet file, a row group
// at a time; its bad rows and repeated IDs are refused before anything is
// written, or skipped with --skip-invalid, named by their rows.
func TestImportFromAParquetFile(t *testing.T) {
	dir := t.TempDir()
	pq := filepath.Join(dir, "in.parquet")
	o := cli(t, "", "generate", "--n", "3000", "--seed", "4", "--out", pq)
	require.Equal(t, 0, o.code, o.stderr)
	run := []string{"run", "--dashboard", "email-overview", "--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris", "--format", "json"}
	want := cli(t, "", append(run, "--data", pq)...)
	require.Equal(t, 0, want.code, want.stderr)

	for kind, out := range outDatabases(t) {
		t.Run(kind, func(t *testing.T) {
			o := cli(t, "", "import", "--data", pq, "--out", out.url, "--batch", "700")
			require.Equal(t, 0, o.code, o.stderr)
			require.Contains(t, o.stderr, "convreport: import: 100% (3000 of 3000 conversations: 3000 written, 0 already there)")
			require.Equal(t, 3000, out.count(t, "SELECT COUNT(*) FROM conversations"))
			got := cli(t, "", append(run, "--data", out.url)...)
			require.Equal(t, 0, got.code, got.stderr)
			require.Equal(t, want.stdout, got.stdout)
		})
	}

	// Parquet to Parquet: the same writer, the same bytes.
	copied := filepath.Join(dir, "copy.parquet")
	o = cli(t, "", "import", "--data", pq, "--out", copied)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, "wrote 3000 conversations to "+copied)
	a, err := os.ReadFile(pq)
	require.NoError(t, err)
	b, err := os.ReadFile(copied)
	require.NoError(t, err)
	require.True(t, bytes.Equal(a, b), "the copy differs from the file it copies")

	// A file with a conversation closed without a close time (row 1501)
	// and an ID given again (row 2801 repeats row 11).
	rows, err := parquetio.ReadFile(t.Context(), pq, ingest.Options{})
	require.NoError(t, err)
	rows[1500].Status, rows[1500].ClosedAt = convreport.Closed, time.Time{}
	rows[2800].ID = rows[10].ID
	bad := filepath.Join(dir, "bad.parquet")
	require.NoError(t, parquetio.WriteFile(bad, nil, rows))
	db := filepath.Join(dir, "bad.db")
	o = cli(t, "", "import", "--data", bad, "--out", db)
	require.Equal(t, 1, o.code, o.stderr)
	require.Contains(t, o.stderr, `bad.parquet: row 1501: conversation "`+rows[1500].ID+`": closed_at: is missing but the conversation is closed`)
	require.NotContains(t, o.stderr, "import:", "nothing is written before the whole file is checked")
	o = cli(t, "", "import", "--data", bad, "--out", db, "--skip-invalid")
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, "convreport: skipped invalid rows:\n")
	require.Contains(t, o.stderr, `bad.parquet: row 2801: conversation "`+rows[10].ID+`": id: duplicates the conversation on row 11`)
	require.Contains(t, o.stderr, "wrote 2998 conversations to "+db)
	// What a run over the file itself keeps, the database holds.
	fromFile := cli(t, "", append(run, "--data", bad, "--skip-invalid")...)
	require.Equal(t, 0, fromFile.code, fromFile.stderr)
	fromDB := cli(t, "", append(run, "--data", db)...)
	require.Equal(t, 0, fromDB.code, fromDB.stderr)
	require.Equal(t, fromFile.stdout, fromDB.stdout)
}

// --tenant gives its value as text; a PostgreSQL table whose tenant column
// is an integer (an embedder's own) is written and read with it as an
// integer, where reading failed with "operator does not exist: integer =
// text". A value that is no integer names the column.
func TestTenantIntegerColumnFromTheCommandLine(t *testing.T) {
	pg, ok := outDatabases(t)["postgresql"]
	if !ok {
		t.Skip("PostgreSQL left out: set CONVREPORT_POSTGRES_DSN")
	}
	ctx := context.Background()
	require.NoError(t, sqlsource.CreateTable(ctx, pg.db, sqlsource.PostgreSQL, sqlsource.Mapping{Tenant: "acct"}, nil))
	_, err := pg.db.Exec("ALTER TABLE conversations ALTER COLUMN acct TYPE integer USING acct::integer")
	require.NoError(t, err)
	files := map[string]string{"42": generated(t, 700)}
	other := filepath.Join(t.TempDir(), "other.jsonl")
	o := cli(t, "", "generate", "--n", "400", "--seed", "9", "--out", other)
	require.Equal(t, 0, o.code, o.stderr)
	files["7"] = other
	for tenant, file := range files {
		o := cli(t, "", "import", "--data", file, "--out", pg.url, "--tenant", "acct="+tenant)
		require.Equal(t, 0, o.code, o.stderr)
	}
	require.Equal(t, 700, pg.count(t, "SELECT COUNT(*) FROM conversations WHERE acct = 42"))
	require.Equal(t, 400, pg.count(t, "SELECT COUNT(*) FROM conversations WHERE acct = 7"))
	args := []string{"run", "--format", "json", "--dashboard", "chat-overview", "--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris"}
	for tenant, file := range files {
		fromFile := cli(t, "", append(args, "--data", file)...)
		fromDB := cli(t, "", append(args, "--data", pg.url, "--tenant", "acct="+tenant)...)
		require.Equal(t, 0, fromDB.code, fromDB.stderr)
		require.Equal(t, fromFile.stdout, fromDB.stdout, "tenant %s", tenant)
	}
	o = cli(t, "", append(args, "--data", pg.url, "--tenant", "acct=acme")...)
	require.Equal(t, 1, o.code)
	require.Contains(t, o.stderr, `sqlsource: tenant "acme": the tenant column "acct" of table "conversations" holds integers`)
}
