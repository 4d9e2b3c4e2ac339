package sqlsource_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sourcetest"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// shardedDatabase makes a database of its own on every server of
// CONVREPORT_CLICKHOUSE_DSNS, dropped at the end, and returns the DSN of
// the first one's and a connection to each.
func shardedDatabase(t *testing.T) (string, []*sql.DB) {
	t.Helper()
	name := fmt.Sprintf("convreport_sharded_%d_%d", os.Getpid(), tableSeq.Add(1))
	var first string
	var dbs []*sql.DB
	for i, dsn := range clickHouseDSNs(t) {
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
		if i == 0 {
			first = u.String()
		}
		dbs = append(dbs, db)
	}
	require.Len(t, dbs, 2, "two servers")
	return first, dbs
}

// connectLike connects to a shard as dsn does (user, database).
func connectLike(dsn string, opened *int) func(context.Context, sqlsource.Shard) (*sql.DB, error) {
	return func(_ context.Context, sh sqlsource.Shard) (*sql.DB, error) {
		*opened++
		shardDSN, err := sh.DSN(dsn)
		if err != nil {
			return nil, err
		}
		return sql.Open("clickhouse", shardDSN)
	}
}

// tablesOf lists the tables of db's database.
func tablesOf(t *testing.T, db *sql.DB) []string {
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

func shardRows(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n uint64
	require.NoError(t, db.QueryRow("SELECT count() FROM "+quoteIdent(sqlsource.ClickHouse, table)).Scan(&n))
	return int(n)
}

// CreateSharded makes the local table on both shards and the Distributed
// table over them: rows inserted through it land on both, reports over it
// equal those over the same rows in memory, and a second call does
// nothing, not even connecting to the other shard.
func TestCreateSharded(t *testing.T) {
	t.Parallel()
	clusterName := cluster(t, "CONVREPORT_CLICKHOUSE_CLUSTER")
	dsn, dbs := shardedDatabase(t)
	ctx := context.Background()
	s := sourcetest.Schema()
	m := sqlsource.Mapping{}
	opened := 0
	made, err := sqlsource.CreateSharded(ctx, dbs[0], m, s, clusterName, "conversations_local", connectLike(dsn, &opened))
	require.NoError(t, err)
	require.Equal(t, 1, opened, "the first server is the one asked, reached through its own connection")
	require.Empty(t, made.Found)
	require.Len(t, made.Made, 2)
	port := func(i int) int {
		u, err := url.Parse(clickHouseDSNs(t)[i])
		require.NoError(t, err)
		var p int
		fmt.Sscan(u.Port(), &p)
		return p
	}
	require.Equal(t, sqlsource.Shard{Cluster: clusterName, Num: 1, Replica: 1, Host: "127.0.0.1", Address: "127.0.0.1", Port: port(0), Local: true}, made.Made[0])
	require.Equal(t, sqlsource.Shard{Cluster: clusterName, Num: 2, Replica: 1, Host: "127.0.0.1", Address: "127.0.0.1", Port: port(1)}, made.Made[1])
	require.Equal(t, []string{"conversations", "conversations_local"}, tablesOf(t, dbs[0]))
	require.Equal(t, []string{"conversations_local"}, tablesOf(t, dbs[1]))

	cs := sourcetest.Generate(400, 7)
	require.NoError(t, sqlsource.Insert(ctx, dbs[0], sqlsource.ClickHouse, m, s, cs))
	n1, n2 := shardRows(t, dbs[0], "conversations_local"), shardRows(t, dbs[1], "conversations_local")
	require.Positive(t, n1)
	require.Positive(t, n2)
	require.Equal(t, len(cs), n1+n2, "every row on one shard")

	src, err := sqlsource.New(dbs[0], sqlsource.ClickHouse, sqlsource.WithSchema(s), sqlsource.WithMapping(m))
	require.NoError(t, err)
	mem, err := memory.New(cs, memory.WithSchema(s))
	require.NoError(t, err)
	q := convreport.Query{From: cs[0].CreatedAt.AddDate(-1, 0, 0), To: cs[0].CreatedAt.AddDate(1, 0, 0)}
	for _, r := range []convreport.Report{
		{Name: "all"},
		{Name: "by rep", Dimensions: []string{"Assignee"}},
		{Name: "by channel and status", Dimensions: []string{"Channel", "Status"}},
	} {
		want, err := convreport.NewEngine(mem).Run(ctx, q, r)
		require.NoError(t, err)
		got, err := convreport.NewEngine(src).Run(ctx, q, r)
		require.NoError(t, err)
		require.Equal(t, want[0].Points, got[0].Points, r.Name)
	}

	opened = 0
	made, err = sqlsource.CreateSharded(ctx, dbs[0], m, s, clusterName, "conversations_local", connectLike(dsn, &opened))
	require.NoError(t, err)
	require.Nil(t, made, "made before")
	require.Zero(t, opened)
	require.Equal(t, len(cs), shardRows(t, dbs[0], "conversations"))
}

// The local tables of a half-made layout (a shard's made, the Distributed
// table not) are taken as they are when CreateTable made them, custom
// properties and a tenant column included, and refused otherwise, naming
// the shard and the columns; nothing is created then.
func TestCreateShardedLocalTables(t *testing.T) {
	t.Parallel()
	clusterName := cluster(t, "CONVREPORT_CLICKHOUSE_CLUSTER")
	dsn, dbs := shardedDatabase(t)
	ctx := context.Background()
	s := sourcetest.Schema()
	m := sqlsource.Mapping{Table: "tickets", Tenant: "account"}
	local := sqlsource.Mapping{Table: "tickets_shard", Tenant: "account"}
	require.NoError(t, sqlsource.CreateTable(ctx, dbs[1], sqlsource.ClickHouse, local, s))
	opened := 0
	made, err := sqlsource.CreateSharded(ctx, dbs[0], m, s, clusterName, "tickets_shard", connectLike(dsn, &opened))
	require.NoError(t, err)
	require.Len(t, made.Made, 1)
	require.Equal(t, 1, made.Made[0].Num, "made on the first shard")
	require.Len(t, made.Found, 1)
	require.Equal(t, 2, made.Found[0].Num, "the second shard's was there")
	require.Equal(t, []string{"tickets", "tickets_shard"}, tablesOf(t, dbs[0]))
	require.NoError(t, sqlsource.InsertTenant(ctx, dbs[0], sqlsource.ClickHouse, m, s, "acme", sourcetest.Generate(200, 3)))
	require.Equal(t, 200, shardRows(t, dbs[0], "tickets"))

	// Another layout: the default schema's table where the sourcetest
	// schema's custom properties and the tenant are wanted.
	require.NoError(t, sqlsource.CreateTable(ctx, dbs[1], sqlsource.ClickHouse, sqlsource.Mapping{Table: "other_shard"}, nil))
	_, err = dbs[1].Exec("ALTER TABLE other_shard MODIFY COLUMN assignee Nullable(Int64)")
	require.NoError(t, err)
	_, err = sqlsource.CreateSharded(ctx, dbs[0], sqlsource.Mapping{Table: "other", Tenant: "account"}, s, clusterName, "other_shard", connectLike(dsn, &opened))
	require.Error(t, err)
	msg := err.Error()
	require.True(t, strings.HasPrefix(msg, fmt.Sprintf("sqlsource: shard 2 of cluster %q at 127.0.0.1:", clusterName)), msg)
	require.Contains(t, msg, " already has a table `other_shard` of another layout (column `assignee` is Nullable(Int64), not Nullable(String); no column ")
	require.Contains(t, msg, "more): drop it, or give the local tables another name")
	require.Equal(t, []string{"tickets", "tickets_shard"}, tablesOf(t, dbs[0]), "nothing created")

	// Another engine.
	_, err = dbs[1].Exec("CREATE TABLE log_shard (id String) ENGINE = Log")
	require.NoError(t, err)
	_, err = sqlsource.CreateSharded(ctx, dbs[0], sqlsource.Mapping{Table: "logged"}, nil, clusterName, "log_shard", connectLike(dsn, &opened))
	require.ErrorContains(t, err, "already has a table `log_shard`, a Log table: the local tables are MergeTree ones")
	require.Equal(t, []string{"tickets", "tickets_shard"}, tablesOf(t, dbs[0]), "nothing created")
}

// A table of the name that is not a Distributed one over the cluster is
// refused, and so is a cluster the server does not define, listing those
// it does; nothing is created.
func TestCreateShardedRefuses(t *testing.T) {
	t.Parallel()
	clusterName := cluster(t, "CONVREPORT_CLICKHOUSE_CLUSTER")
	broken := cluster(t, "CONVREPORT_CLICKHOUSE_BROKEN_CLUSTER")
	dsn, dbs := shardedDatabase(t)
	ctx := context.Background()
	opened := 0
	connect := connectLike(dsn, &opened)

	_, err := sqlsource.CreateSharded(ctx, dbs[0], sqlsource.Mapping{}, nil, "nope", "conversations_local", connect)
	var ue *sqlsource.UnknownClusterError
	require.True(t, errors.As(err, &ue), "%v", err)
	require.Equal(t, "nope", ue.Cluster)
	require.Subset(t, ue.Known, []string{clusterName, broken})
	require.Contains(t, err.Error(), `defines no cluster "nope": it defines `)

	require.NoError(t, sqlsource.CreateTable(ctx, dbs[0], sqlsource.ClickHouse, sqlsource.Mapping{Table: "plain"}, nil))
	_, err = sqlsource.CreateSharded(ctx, dbs[0], sqlsource.Mapping{Table: "plain"}, nil, clusterName, "plain_local", connect)
	require.EqualError(t, err, fmt.Sprintf("sqlsource: table `plain` exists and is a MergeTree table, not a Distributed one over cluster %q: write into it as it is, or give the sharded table another name", clusterName))

	require.NoError(t, sqlsource.CreateTable(ctx, dbs[0], sqlsource.ClickHouse, sqlsource.Mapping{Table: "elsewhere_local"}, nil))
	require.NoError(t, sqlsource.CreateDistributed(ctx, dbs[0], sqlsource.Mapping{Table: "elsewhere"}, nil, broken, "elsewhere_local"))
	_, err = sqlsource.CreateSharded(ctx, dbs[0], sqlsource.Mapping{Table: "elsewhere"}, nil, clusterName, "elsewhere_local", connect)
	require.EqualError(t, err, fmt.Sprintf("sqlsource: table `elsewhere` is a Distributed table over cluster %q, not %q", broken, clusterName))

	_, err = sqlsource.CreateSharded(ctx, dbs[0], sqlsource.Mapping{}, nil, clusterName, "conversations", connect)
	require.ErrorContains(t, err, "the local tables need a name of their own")
	_, err = sqlsource.CreateSharded(ctx, dbs[0], sqlsource.Mapping{}, nil, clusterName, "conversations_local", nil)
	require.ErrorContains(t, err, "no connect function was given")
	require.Zero(t, opened)
	require.Equal(t, []string{"elsewhere", "elsewhere_local", "plain"}, tablesOf(t, dbs[0]))
	require.Empty(t, tablesOf(t, dbs[1]))
}

// A cluster listing one server as two shards, or with replicas, is
// refused before any server is connected to or any table made.
func TestCreateShardedRefusesLayouts(t *testing.T) {
	t.Parallel()
	twice := cluster(t, "CONVREPORT_CLICKHOUSE_TWICE_CLUSTER")
	replicas := cluster(t, "CONVREPORT_CLICKHOUSE_REPLICAS_CLUSTER")
	dsn, dbs := shardedDatabase(t)
	ctx := context.Background()
	first, err := url.Parse(clickHouseDSNs(t)[0])
	require.NoError(t, err)
	second, err := url.Parse(clickHouseDSNs(t)[1])
	require.NoError(t, err)
	opened := 0

	_, err = sqlsource.CreateSharded(ctx, dbs[0], sqlsource.Mapping{}, nil, twice, "conversations_local", connectLike(dsn, &opened))
	require.EqualError(t, err, fmt.Sprintf("sqlsource: cluster %q lists a server as several shards (shards 1 and 2 are one server at %s): the Distributed table would read its local table once for each, counting every row as many times; list each server once, as one shard", twice, first.Host))

	_, err = sqlsource.CreateSharded(ctx, dbs[0], sqlsource.Mapping{}, nil, replicas, "conversations_local", connectLike(dsn, &opened))
	require.EqualError(t, err, fmt.Sprintf("sqlsource: cluster %q has replicas (shard 1 has 2: %s, %s): plain MergeTree local tables cannot keep replicas in step, so rows written to one would be missing from reads of another; make such a cluster's local tables by hand with Replicated engines, then the Distributed table with CreateDistributed", replicas, first.Host, second.Host))

	require.Zero(t, opened)
	require.Empty(t, tablesOf(t, dbs[0]))
	require.Empty(t, tablesOf(t, dbs[1]))
}

// A shard that cannot be reached is named, as a *ShardError, and nothing
// is created, on the shard that answers neither.
func TestCreateShardedShardDown(t *testing.T) {
	t.Parallel()
	broken := cluster(t, "CONVREPORT_CLICKHOUSE_BROKEN_CLUSTER")
	dsn, dbs := shardedDatabase(t)
	opened := 0
	_, err := sqlsource.CreateSharded(context.Background(), dbs[0], sqlsource.Mapping{}, nil, broken, "conversations_local", connectLike(dsn, &opened))
	var se *sqlsource.ShardError
	require.True(t, errors.As(err, &se), "%v", err)
	require.Equal(t, broken, se.Cluster)
	require.Equal(t, 2, se.Shard)
	require.True(t, strings.HasPrefix(se.Addr, "127.0.0.1:"), se.Addr)
	require.Contains(t, err.Error(), fmt.Sprintf("sqlsource: cannot connect to ClickHouse shard 2 of cluster %q at %s, so no table was created: ", broken, se.Addr))
	require.Contains(t, err.Error(), "connection refused")
	require.Equal(t, 1, opened)
	require.Empty(t, tablesOf(t, dbs[0]))
}

// DSN keeps the user, password, database and parameters, and puts the
// shard's address in, an IPv6 one bracketed; a DSN that is no URL is
// refused without repeating it (it may hold a password).
func TestShardDSN(t *testing.T) {
	sh := sqlsource.Shard{Cluster: "main", Num: 2, Replica: 1, Host: "ch-2.internal", Port: 9440}
	got, err := sh.DSN("clickhouse://ana:s3cret@ch-1.internal:9000/helpdesk?secure=true&insert_distributed_sync=1")
	require.NoError(t, err)
	require.Equal(t, "clickhouse://ana:s3cret@ch-2.internal:9440/helpdesk?secure=true&insert_distributed_sync=1", got)
	sh.Host = "::1"
	got, err = sh.DSN("clickhouse://127.0.0.1:9000/default")
	require.NoError(t, err)
	require.Equal(t, "clickhouse://[::1]:9440/default", got)
	require.Equal(t, `shard 2 of cluster "main" at [::1]:9440`, sh.String())
	sh.Replica = 3
	require.Equal(t, `shard 2 replica 3 of cluster "main" at [::1]:9440`, sh.String())
	_, err = sh.DSN("ana:s3cret@ch-1")
	require.EqualError(t, err, `sqlsource: the DSN for shard 2 replica 3 of cluster "main" at [::1]:9440: want a URL such as clickhouse://user:password@host:9000/database`)
	require.NotContains(t, err.Error(), "s3cret")
}
