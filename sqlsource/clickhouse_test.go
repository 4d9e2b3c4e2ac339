package sqlsource_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/sourcetest"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// shards opens every server of CONVREPORT_CLICKHOUSE_DSNS; the first is
// where Distributed tables are created and queried.
func shards(t testing.TB) []*sql.DB {
	t.Helper()
	var out []*sql.DB
	for _, dsn := range clickHouseDSNs(t) {
		db, err := sql.Open("clickhouse", dsn)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		require.NoError(t, db.PingContext(ctx), "connect to %s", dsn)
		cancel()
		out = append(out, db)
	}
	return out
}

// cluster returns the name of the cluster whose shards are the servers of
// CONVREPORT_CLICKHOUSE_DSNS, in order.
func cluster(t testing.TB, env string) string {
	t.Helper()
	c := os.Getenv(env)
	if c == "" {
		if os.Getenv("CONVREPORT_REQUIRE_CLICKHOUSE") == "1" {
			t.Fatalf("CONVREPORT_REQUIRE_CLICKHOUSE=1 but %s is not set", env)
		}
		t.Skipf("sharded ClickHouse tests skipped: set %s (.ci/clickhouse-cluster does)", env)
	}
	return c
}

// loadDistributed creates a MergeTree table on every shard and a
// Distributed table over them on the first, inserts cs through it and
// checks that the rows are spread over both shards by their IDs.
func loadDistributed(t testing.TB, dbs []*sql.DB, clusterName, prefix string, s *convreport.Schema, cs []convreport.Conversation, opts ...sqlsource.Option) *sqlsource.Source {
	t.Helper()
	ctx := context.Background()
	local := tableName(t, dbs[0], sqlsource.ClickHouse, prefix+"_local")
	for _, db := range dbs[1:] {
		t.Cleanup(func() { dropTable(db, sqlsource.ClickHouse, local) })
	}
	m := sqlsource.Mapping{Table: tableName(t, dbs[0], sqlsource.ClickHouse, prefix+"_dist")}
	for _, db := range dbs {
		require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.ClickHouse, sqlsource.Mapping{Table: local}, s))
	}
	require.NoError(t, sqlsource.CreateDistributed(ctx, dbs[0], m, s, clusterName, local))
	require.NoError(t, sqlsource.Insert(ctx, dbs[0], sqlsource.ClickHouse, m, s, cs))
	total := 0
	for i, db := range dbs {
		var n uint64
		require.NoError(t, db.QueryRow("SELECT count() FROM "+quoteIdent(sqlsource.ClickHouse, local)).Scan(&n))
		if len(cs) >= 100 {
			require.Positive(t, n, "shard %d holds some of the rows", i+1)
		}
		total += int(n)
	}
	require.Equal(t, len(cs), total, "every row on exactly one shard")
	src, err := sqlsource.New(dbs[0], sqlsource.ClickHouse, append([]sqlsource.Option{sqlsource.WithSchema(s), sqlsource.WithMapping(m)}, opts...)...)
	require.NoError(t, err)
	return src
}

// sourcetest passes on a Distributed table over two shards, pushed down
// and scanned.
func TestClickHouseDistributedConformance(t *testing.T) {
	t.Parallel()
	dbs := shards(t)
	name := cluster(t, "CONVREPORT_CLICKHOUSE_CLUSTER")
	require.Len(t, dbs, 2, "two shards")
	for mode, opts := range map[string][]sqlsource.Option{"pushdown": nil, "scan": {sqlsource.WithoutPushdown()}} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			var src *sqlsource.Source
			sourcetest.RunN(t, func(t *testing.T, cs []convreport.Conversation) convreport.Source {
				src = loadDistributed(t, dbs, name, "conf_"+mode, sourcetest.Schema(), cs, opts...)
				return src
			}, conformanceRows(), 13)
			st := src.Stats()
			if mode == "scan" {
				require.Zero(t, st.Answered)
				require.Zero(t, st.DrillsAnswered)
				return
			}
			total := int64(len(conformance.Cases()) * len(conformance.Queries()))
			// The business-hours query's durations are declined to the
			// scan, as on every SQL database.
			var business int64
			for _, c := range conformance.Cases() {
				if c.Report.Measure.Metric != "" {
					business++
				}
			}
			require.GreaterOrEqual(t, st.Answered, (total-business)*9/10, "pushed down")
			require.Positive(t, st.DrillsAnswered, "drill-down pages in SQL")
		})
	}
}

// The overview dashboards are decimal-equal from memory and from
// ClickHouse on one shard (a MergeTree table) and on two (a Distributed
// table); TestOverviewDashboardsMatchMemory checks SQLite and PostgreSQL
// against the same memory results.
func TestClickHouseOverviewDashboardsOneAndTwoShards(t *testing.T) {
	t.Parallel()
	dbs := shards(t)
	name := cluster(t, "CONVREPORT_CLICKHOUSE_CLUSTER")
	n := 20_000
	if raceEnabled {
		n = 6_000
	}
	cs := sample.Generate(sample.Config{N: n, Seed: 7})
	mem, err := memory.New(cs)
	require.NoError(t, err)
	ctx := context.Background()
	reports := overviewReports()
	one := load(t, dbs[0], sqlsource.ClickHouse, sqlsource.Mapping{Table: tableName(t, dbs[0], sqlsource.ClickHouse, "overview_one")}, nil, cs)
	two := loadDistributed(t, dbs, name, "overview_two", convreport.DefaultSchema(), cs)
	for qname, q := range overviewQueries() {
		want, err := convreport.NewEngine(mem).Run(ctx, q, reports...)
		require.NoError(t, err)
		for label, src := range map[string]*sqlsource.Source{"one shard": one, "two shards": two} {
			got, err := convreport.NewEngine(src).Run(ctx, q, reports...)
			require.NoError(t, err, "%s, %s", qname, label)
			requireSameText(t, resultText(want), resultText(got), "%s, %s", qname, label)
		}
	}
	for label, src := range map[string]*sqlsource.Source{"one shard": one, "two shards": two} {
		require.Equal(t, sqlsource.Stats{Answered: int64(len(overviewQueries()))}, src.Stats(), "%s: every dashboard pushed down", label)
	}
}

// A shard that is down fails the query with a *ShardError naming it, in
// pushdown and in scans; the server's skip_unavailable_shards=1, which
// would answer from the other shard, is overridden.
func TestClickHouseShardDownIsAnError(t *testing.T) {
	dbs := shards(t)
	broken := cluster(t, "CONVREPORT_CLICKHOUSE_BROKEN_CLUSTER")
	ctx := context.Background()
	db := dbs[0]
	local := tableName(t, db, sqlsource.ClickHouse, "down_local")
	m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.ClickHouse, "down_dist")}
	cs := sourcetest.Generate(200, 3)
	schema := sourcetest.Schema()
	require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.ClickHouse, sqlsource.Mapping{Table: local}, schema))
	require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.ClickHouse, sqlsource.Mapping{Table: local}, schema, cs))
	require.NoError(t, sqlsource.CreateDistributed(ctx, db, m, schema, broken, local))

	// A profile that skips unreachable shards, as a user's may.
	skipping, err := sql.Open("clickhouse", clickHouseDSNs(t)[0]+"&skip_unavailable_shards=1")
	require.NoError(t, err)
	defer skipping.Close()
	var n uint64
	require.NoError(t, skipping.QueryRow("SELECT count() FROM "+quoteIdent(sqlsource.ClickHouse, m.Table)).Scan(&n))
	require.Equal(t, uint64(len(cs)), n, "the setting is in force: ClickHouse answers from the shard that is up")

	q := conformance.Queries()[1].Query
	report := convreport.Report{Name: "by inbox", Dimensions: []string{"Inbox"}, Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}}
	for mode, opts := range map[string][]sqlsource.Option{"pushdown": nil, "scan": {sqlsource.WithoutPushdown()}} {
		t.Run(mode, func(t *testing.T) {
			src, err := sqlsource.New(skipping, sqlsource.ClickHouse, append(opts, sqlsource.WithSchema(schema), sqlsource.WithMapping(m))...)
			require.NoError(t, err)
			res, err := convreport.NewEngine(src).Run(ctx, q, report)
			require.Error(t, err)
			require.Nil(t, res, "no partial result")
			var se *sqlsource.ShardError
			require.True(t, errors.As(err, &se), "a *ShardError, got %T: %v", err, err)
			require.Equal(t, broken, se.Cluster)
			require.Equal(t, 2, se.Shard, "the second shard is the one down")
			require.Regexp(t, `^127\.0\.0\.1:\d+$`, se.Addr)
			require.ErrorContains(t, err, fmt.Sprintf("shard 2 of cluster %q at %s is unreachable", broken, se.Addr))

			// The pool stays usable after the failure.
			ok, err := sqlsource.New(skipping, sqlsource.ClickHouse, sqlsource.WithSchema(schema), sqlsource.WithMapping(sqlsource.Mapping{Table: local}))
			require.NoError(t, err)
			_, err = convreport.NewEngine(ok).Run(ctx, q, report)
			require.NoError(t, err)
		})
	}
}

// Sums of durations are exact far past int64: ClickHouse's own sum of
// Int64 would wrap around.
func TestClickHouseSumsDoNotWrap(t *testing.T) {
	db := openDB(t, sqlsource.ClickHouse)
	base := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	var cs []convreport.Conversation
	for i := range 4 {
		created := base.Add(time.Duration(i) * time.Second)
		cs = append(cs, convreport.Conversation{
			ID: fmt.Sprintf("c%d", i), Channel: convreport.Chat, Status: convreport.Closed,
			// A close 200 years later: 6.3e18 ns each, 2.5e19 together.
			CreatedAt: created, ClosedAt: created.AddDate(200, 0, 0),
		})
	}
	q := convreport.Query{From: base, To: base.AddDate(0, 0, 1), Now: base}
	r := convreport.Report{Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.TimeToClose}}
	mem, err := memory.New(cs)
	require.NoError(t, err)
	want, err := convreport.NewEngine(mem).Run(context.Background(), q, r)
	require.NoError(t, err)
	src := load(t, db, sqlsource.ClickHouse, sqlsource.Mapping{Table: tableName(t, db, sqlsource.ClickHouse, "sums")}, nil, cs)
	got, err := convreport.NewEngine(src).Run(context.Background(), q, r)
	require.NoError(t, err)
	requireSameText(t, resultText(want), resultText(got), "average of huge durations")
	require.Equal(t, int64(1), src.Stats().Answered)
}

// What a ClickHouse mapping cannot be is refused at New and CreateTable,
// before any SQL runs.
func TestClickHouseMappingRefusals(t *testing.T) {
	db := openDB(t, sqlsource.ClickHouse)
	ctx := context.Background()
	for name, c := range map[string]struct {
		m    sqlsource.Mapping
		want string
	}{
		"a JSON column":           {sqlsource.Mapping{JSON: "props"}, "custom properties in columns"},
		"JSON keys":               {sqlsource.Mapping{JSONKeys: map[string]string{"VIP": "vip"}}, "custom properties in columns"},
		"a column like an alias":  {sqlsource.Mapping{Columns: map[string]string{"Inbox": "convreport_b"}}, "aliases"},
		"timestamptz":             {sqlsource.Mapping{Times: sqlsource.Timestamp}, "needs PostgreSQL"},
		"a NUL in the table name": {sqlsource.Mapping{Table: "a\x00b"}, "NUL"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithSchema(sourcetest.Schema()), sqlsource.WithMapping(c.m))
			require.ErrorContains(t, err, "sqlsource: mapping:")
			require.ErrorContains(t, err, c.want)
			require.ErrorContains(t, sqlsource.CreateTable(ctx, db, sqlsource.ClickHouse, c.m, sourcetest.Schema()), c.want)
		})
	}
	t.Run("a column of the wrong type names it", func(t *testing.T) {
		table := tableName(t, db, sqlsource.ClickHouse, "wrongtype")
		_, err := db.Exec("CREATE TABLE " + quoteIdent(sqlsource.ClickHouse, table) + " (id String, channel String, status String, created_at DateTime," +
			" first_assigned_at Nullable(Int64), first_response_at Nullable(Int64), closed_at Nullable(Int64), inbox Nullable(String), assignee Nullable(String)," +
			" team Nullable(String), closed_by Nullable(String), origin_url Nullable(String), chatflow Nullable(String), source Nullable(String)," +
			" contact_id Nullable(String), subject Nullable(String), incoming_messages Int64, outgoing_messages Int64) ENGINE = MergeTree ORDER BY id")
		require.NoError(t, err)
		_, err = sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
		require.ErrorContains(t, err, "column `created_at` of CreatedAt (time) is DateTime; it must be Int64 (Unix nanoseconds)")
	})
	t.Run("a missing column names it", func(t *testing.T) {
		m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.ClickHouse, "missing")}
		require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.ClickHouse, m, nil))
		m.Columns = map[string]string{"Inbox": "mailbox"}
		_, err := sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithMapping(m))
		require.ErrorContains(t, err, "mailbox")
	})
}
