package main_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// clusterEnv returns the servers of CONVREPORT_CLICKHOUSE_DSNS and the
// names of the two-shard cluster and of the one with a closed shard, or
// skips the test when they are not set.
func clusterEnv(t *testing.T) (dsns []string, cluster, broken string) {
	t.Helper()
	env := os.Getenv("CONVREPORT_CLICKHOUSE_DSNS")
	cluster = os.Getenv("CONVREPORT_CLICKHOUSE_CLUSTER")
	broken = os.Getenv("CONVREPORT_CLICKHOUSE_BROKEN_CLUSTER")
	if env == "" || cluster == "" || broken == "" {
		if os.Getenv("CONVREPORT_REQUIRE_CLICKHOUSE") == "1" {
			t.Fatal("CONVREPORT_REQUIRE_CLICKHOUSE=1 but CONVREPORT_CLICKHOUSE_DSNS, _CLUSTER or _BROKEN_CLUSTER is not set")
		}
		t.Skip("set CONVREPORT_CLICKHOUSE_DSNS, CONVREPORT_CLICKHOUSE_CLUSTER and CONVREPORT_CLICKHOUSE_BROKEN_CLUSTER (.ci/clickhouse-cluster does)")
	}
	return strings.Split(env, ","), cluster, broken
}

// tableNames lists the tables of db's database.
func tableNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name")
	require.NoError(t, err)
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	require.NoError(t, rows.Err())
	return names
}

// import --cluster makes the Distributed table and its local tables in a
// database with none, and the rows land on both shards, once; a rerun
// writes nothing. A cluster the server does not define, and one whose
// shard is closed, are said so and make nothing; a table of the name that
// is not Distributed is refused; --cluster is for ClickHouse alone.
func TestImportClusterMakesShardedTable(t *testing.T) {
	dsns, clusterName, broken := clusterEnv(t)
	require.Len(t, dsns, 2)
	const n = 3000
	path := generated(t, n)
	name := fmt.Sprintf("convreport_cli_cluster_%d", os.Getpid())
	var shards []*sql.DB
	var out string
	for i, dsn := range dsns {
		admin, err := sql.Open("clickhouse", dsn)
		require.NoError(t, err)
		t.Cleanup(func() { admin.Close() })
		admin.Exec("DROP DATABASE IF EXISTS " + name)
		_, err = admin.Exec("CREATE DATABASE " + name)
		require.NoError(t, err)
		t.Cleanup(func() { admin.Exec("DROP DATABASE IF EXISTS " + name) })
		u, err := url.Parse(dsn)
		require.NoError(t, err)
		u.Path = "/" + name
		db, err := sql.Open("clickhouse", u.String())
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			out = u.String()
		}
		shards = append(shards, db)
	}
	noTables := func() {
		t.Helper()
		for i, db := range shards {
			require.Empty(t, tableNames(t, db), "server %d", i+1)
		}
	}

	o := cli(t, "", "import", "--data", path, "--out", out, "--cluster", "nope")
	require.Equal(t, 1, o.code, o.stderr)
	known, ok := strings.CutPrefix(o.stderr, fmt.Sprintf("convreport: --out %s: sqlsource: the ClickHouse server defines no cluster \"nope\": it defines ", out))
	require.True(t, ok, o.stderr)
	require.Subset(t, strings.Split(strings.TrimSuffix(known, "\n"), ", "), []string{clusterName, broken})
	noTables()

	o = cli(t, "", "import", "--data", path, "--out", out, "--cluster", broken)
	require.Equal(t, 1, o.code, o.stderr)
	require.Equal(t, 1, strings.Count(o.stderr, "\n"), o.stderr)
	require.Contains(t, o.stderr, fmt.Sprintf("sqlsource: cannot connect to ClickHouse shard 2 of cluster %q at 127.0.0.1:", broken))
	require.Contains(t, o.stderr, ", so no table was created: ")
	noTables()

	o = cli(t, "", "import", "--data", path, "--out", out, "--cluster", clusterName, "--batch", "500")
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, fmt.Sprintf("convreport: made table conversations_local on the 2 servers of cluster %q (127.0.0.1:", clusterName))
	require.Contains(t, o.stderr, "and the Distributed table conversations over them\n")
	require.Contains(t, o.stderr, fmt.Sprintf("convreport: wrote %d conversations to %s\n", n, out))
	require.Equal(t, []string{"conversations", "conversations_local"}, tableNames(t, shards[0]))
	require.Equal(t, []string{"conversations_local"}, tableNames(t, shards[1]))
	perShard := func() []int {
		var counts []int
		for _, db := range shards {
			var c uint64
			require.NoError(t, db.QueryRow("SELECT count() FROM conversations_local").Scan(&c))
			counts = append(counts, int(c))
		}
		return counts
	}
	counts := perShard()
	require.Positive(t, counts[0])
	require.Positive(t, counts[1])
	require.Equal(t, n, counts[0]+counts[1], "every conversation on one shard")
	var distinct uint64
	require.NoError(t, shards[0].QueryRow("SELECT uniqExact(id) FROM conversations").Scan(&distinct))
	require.Equal(t, uint64(n), distinct)

	// The same reports from the file (in memory), from SQLite and from
	// the shards.
	db := filepath.Join(t.TempDir(), "out.db")
	o = cli(t, "", "import", "--data", path, "--out", db)
	require.Equal(t, 0, o.code, o.stderr)
	for _, dash := range []string{"chat-overview", "email-overview"} {
		args := []string{"run", "--dashboard", dash, "--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris", "--format", "json"}
		fromFile := cli(t, "", append(args, "--data", path)...)
		require.Equal(t, 0, fromFile.code, fromFile.stderr)
		fromSQLite := cli(t, "", append(args, "--data", db)...)
		require.Equal(t, 0, fromSQLite.code, fromSQLite.stderr)
		fromShards := cli(t, "", append(args, "--data", out)...)
		require.Equal(t, 0, fromShards.code, fromShards.stderr)
		require.Equal(t, fromFile.stdout, fromSQLite.stdout, dash)
		require.Equal(t, fromFile.stdout, fromShards.stdout, dash)
	}

	o = cli(t, "", "import", "--data", path, "--out", out, "--cluster", clusterName)
	require.Equal(t, 0, o.code, o.stderr)
	require.NotContains(t, o.stderr, "made table")
	require.Contains(t, o.stderr, fmt.Sprintf("convreport: wrote 0 conversations to %s (%d already there)\n", out, n))
	require.Equal(t, counts, perShard())

	// A table of the name that is not Distributed, made by an import
	// without --cluster.
	mapping := filepath.Join(t.TempDir(), "plain.json")
	require.NoError(t, os.WriteFile(mapping, []byte(`{"table": "plain"}`), 0o644))
	o = cli(t, "", "import", "--data", path, "--out", out, "--out-mapping", mapping)
	require.Equal(t, 0, o.code, o.stderr)
	o = cli(t, "", "import", "--data", path, "--out", out, "--out-mapping", mapping, "--cluster", clusterName)
	require.Equal(t, 1, o.code, o.stderr)
	require.Equal(t, fmt.Sprintf("convreport: --out %s: sqlsource: table `plain` exists and is a MergeTree table, not a Distributed one over cluster %q: write into it as it is, or give the sharded table another name\n", out, clusterName), o.stderr)
	require.Equal(t, []string{"conversations_local"}, tableNames(t, shards[1]))

	// A Distributed table over another cluster.
	o = cli(t, "", "import", "--data", path, "--out", out, "--cluster", broken)
	require.Equal(t, 1, o.code, o.stderr)
	require.Equal(t, fmt.Sprintf("convreport: --out %s: sqlsource: table `conversations` is a Distributed table over cluster %q, not %q\n", out, clusterName, broken), o.stderr)

	// A rerun after a failure part way, the second shard's local table
	// made and nothing else: it says which server it made the table on
	// and which had it, and writes the first shard's rows again.
	for _, q := range []string{"DROP TABLE conversations", "DROP TABLE conversations_local"} {
		_, err := shards[0].Exec(q)
		require.NoError(t, err)
	}
	hosts := make([]string, len(dsns))
	for i, dsn := range dsns {
		u, err := url.Parse(dsn)
		require.NoError(t, err)
		hosts[i] = u.Host
	}
	o = cli(t, "", "import", "--data", path, "--out", out, "--cluster", clusterName)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, fmt.Sprintf("convreport: made table conversations_local on 1 of the 2 servers of cluster %q (%s; %s had it already) and the Distributed table conversations over them\n", clusterName, hosts[0], hosts[1]))
	require.Contains(t, o.stderr, fmt.Sprintf("convreport: wrote %d conversations to %s (%d already there)\n", counts[0], out, counts[1]))
	require.Equal(t, counts, perShard())
}

// --cluster and --local-table are refused where they make nothing, before
// any file is read or database opened.
func TestImportClusterFlagsRefused(t *testing.T) {
	path := generated(t, 10)
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", filepath.Join(dir, "out.db"), "--cluster", "main"}, "--out " + filepath.Join(dir, "out.db") + " is not a clickhouse:// URL"},
		{[]string{"--out", "postgres://ana:s3cret@127.0.0.1:1/helpdesk", "--cluster", "main"}, "--out postgres://ana:xxxxx@127.0.0.1:1/helpdesk is not a clickhouse:// URL"},
		{[]string{"--out", filepath.Join(dir, "out.parquet"), "--cluster", "main"}, "is not a clickhouse:// URL"},
		{[]string{"--out", "clickhouse://127.0.0.1:1/default", "--local-table", "mine"}, "--local-table names the tables --cluster makes on the shards: give --cluster NAME too"},
	} {
		o := cli(t, "", append([]string{"import", "--data", path}, c.args...)...)
		require.Equal(t, 2, o.code, o.stderr)
		require.Contains(t, o.stderr, c.want)
		require.NotContains(t, o.stderr, "s3cret")
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries)
}
