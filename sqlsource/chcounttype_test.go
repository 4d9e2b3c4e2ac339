package sqlsource_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// chCountTime is the creation time of the rows the count type tests
// write, inside chCountQuery's range.
var chCountTime = time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)

var chCountQuery = convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), Now: time.Date(2025, 4, 2, 0, 0, 0, 0, time.UTC)}

// chCountWant is the message New gives for a ClickHouse message count
// column of type typ in table.
func chCountWant(table, column, property, typ string) string {
	return fmt.Sprintf("sqlsource: table `%s`: column `%s` of %s (a message count) is %s: want an integer type (Int8…Int64, UInt8…UInt32, Nullable or not): a count is a whole number, and Int64 holds every one",
		table, column, property, typ)
}

// chInsertCounts writes rows a and b, with incoming counts a and b (SQL
// literals), into an ownTable by INSERT … SELECT, which needs no
// parameter of the column's type.
func chInsertCounts(t *testing.T, db *sql.DB, table, a, b string) {
	t.Helper()
	stmt := fmt.Sprintf("INSERT INTO %s (id, channel, status, created_at, incoming_messages) SELECT arrayElement(['a', 'b'], toUInt32(number + 1)), 'chat', 'open', %d, arrayElement([%s, %s], toUInt32(number + 1)) FROM system.numbers LIMIT 2",
		quoteIdent(sqlsource.ClickHouse, table), chCountTime.UnixNano(), a, b)
	_, err := db.Exec(stmt)
	require.NoError(t, err, stmt)
}

// A ClickHouse message count column of a Float or Decimal type took 2.5
// and 1e20: New accepted it, a pushed-down filter IncomingMessages > 2
// counted the 2.5 while a scan failed on it. New refuses it now, naming
// the table, the column and its type, and so do Insert and Import,
// before anything is written.
func TestClickHouseCountColumnOfNonIntegerType(t *testing.T) {
	db := openDB(t, sqlsource.ClickHouse)
	ctx := context.Background()
	for _, typ := range []string{"Float64", "Float32", "Nullable(Float64)", "Nullable(Float32)", "Decimal(20, 2)", "Nullable(Decimal(20, 2))"} {
		t.Run(typ, func(t *testing.T) {
			table := ownTable(t, db, sqlsource.ClickHouse, "h2chcount", map[string]string{"incoming_messages": typ})
			chInsertCounts(t, db, table, "2.5", "1e17")
			m := sqlsource.Mapping{Table: table}
			want := chCountWant(table, "incoming_messages", "IncomingMessages", typ)
			for _, opts := range [][]sqlsource.Option{nil, {sqlsource.WithoutPushdown()}} {
				src, err := sqlsource.New(db, sqlsource.ClickHouse, append(opts, sqlsource.WithMapping(m))...)
				require.EqualError(t, err, want)
				require.Nil(t, src)
				var ce *sqlsource.ColumnTypeError
				require.True(t, errors.As(err, &ce))
				require.Equal(t, sqlsource.ColumnTypeError{Dialect: sqlsource.ClickHouse, Table: table, Column: "incoming_messages", Property: "IncomingMessages",
					Kind: convreport.KindNumber, Count: true, Type: typ, Times: sqlsource.UnixNanos, Reason: ce.Reason}, *ce)
			}

			cs := []convreport.Conversation{{ID: "c", Channel: convreport.Chat, CreatedAt: chCountTime, IncomingMessages: 3}}
			_, err := sqlsource.Import(ctx, db, sqlsource.ClickHouse, m, nil, cs, sqlsource.ImportOptions{})
			require.EqualError(t, err, want)
			require.EqualError(t, sqlsource.Insert(ctx, db, sqlsource.ClickHouse, m, nil, cs), want)
			var n uint64
			require.NoError(t, db.QueryRow("SELECT count() FROM "+quoteIdent(sqlsource.ClickHouse, table)).Scan(&n))
			require.Equal(t, uint64(2), n, "nothing written")
		})
	}
	t.Run("the outgoing count is checked too", func(t *testing.T) {
		table := ownTable(t, db, sqlsource.ClickHouse, "h2chcount", map[string]string{"outgoing_messages": "Float32"})
		_, err := sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
		require.EqualError(t, err, chCountWant(table, "outgoing_messages", "OutgoingMessages", "Float32"))
	})
	t.Run("a custom number may still be a Float64", func(t *testing.T) {
		schema, err := convreport.NewSchema(convreport.Property{Name: "seats", Kind: convreport.KindNumber})
		require.NoError(t, err)
		m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.ClickHouse, "h2chcount")}
		require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.ClickHouse, m, schema))
		_, err = sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithSchema(schema), sqlsource.WithMapping(m))
		require.NoError(t, err)
	})
}

// Integer count columns, of every width the source reads and wrapped in
// Nullable, LowCardinality or both, are still accepted, and read exactly in a
// scan and in a pushed-down filter.
func TestClickHouseCountColumnOfIntegerType(t *testing.T) {
	db := openDB(t, sqlsource.ClickHouse)
	// LowCardinality is experimental in ClickHouse 18.16: a table of it
	// is created with the setting that allows it.
	lc, err := sql.Open("clickhouse", clickHouseDSNs(t)[0]+"&allow_experimental_low_cardinality_type=1")
	require.NoError(t, err)
	t.Cleanup(func() { lc.Close() })
	for _, typ := range []string{"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "Nullable(Int32)", "Nullable(UInt8)",
		"LowCardinality(Int64)", "LowCardinality(UInt16)", "LowCardinality(Nullable(Int32))"} {
		t.Run(typ, func(t *testing.T) {
			table := ownTable(t, lc, sqlsource.ClickHouse, "h2chcount", map[string]string{"incoming_messages": typ})
			chInsertCounts(t, db, table, "2", "100")
			src, err := sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
			require.NoError(t, err)
			require.Equal(t, map[string][2]int{"a": {2, 0}, "b": {100, 0}}, countsOf(t, src))
			res, err := convreport.NewEngine(src).Run(context.Background(), chCountQuery, convreport.Report{Name: "more than 2", Filter: "IncomingMessages > 2"})
			require.NoError(t, err)
			require.Equal(t, int64(1), res[0].Matched, "b alone")
			require.Equal(t, int64(1), src.Stats().Answered, "pushed down")
		})
	}
}

// A Distributed table's columns are its own definition's: a Float64
// count declared there, over shards whose tables have one too, is
// refused, naming the Distributed table.
func TestClickHouseDistributedCountColumnType(t *testing.T) {
	dbs := shards(t)
	clusterName := cluster(t, "CONVREPORT_CLICKHOUSE_CLUSTER")
	ctx := context.Background()
	local := tableName(t, dbs[0], sqlsource.ClickHouse, "h2chcount_local")
	for _, db := range dbs[1:] {
		t.Cleanup(func() { dropTable(db, sqlsource.ClickHouse, local) })
	}
	var cols []string
	for _, c := range defaultColumns {
		typ := "Nullable(String)"
		switch {
		case c == "id" || c == "channel" || c == "status":
			typ = "String"
		case c == "created_at":
			typ = "Int64"
		case c == "incoming_messages":
			typ = "Float64"
		case strings.HasSuffix(c, "_at") || strings.HasSuffix(c, "_messages"):
			typ = "Nullable(Int64)"
		}
		cols = append(cols, quoteIdent(sqlsource.ClickHouse, c)+" "+typ)
	}
	for _, db := range dbs {
		_, err := db.Exec(fmt.Sprintf("CREATE TABLE %s (%s) ENGINE = MergeTree ORDER BY (created_at, id)", quoteIdent(sqlsource.ClickHouse, local), strings.Join(cols, ", ")))
		require.NoError(t, err)
	}
	dist := tableName(t, dbs[0], sqlsource.ClickHouse, "h2chcount_dist")
	_, err := dbs[0].Exec(fmt.Sprintf("CREATE TABLE %s (%s) ENGINE = Distributed(%s, currentDatabase(), %s, cityHash64(id))",
		quoteIdent(sqlsource.ClickHouse, dist), strings.Join(cols, ", "), quoteIdent(sqlsource.ClickHouse, clusterName), quoteIdent(sqlsource.ClickHouse, local)))
	require.NoError(t, err)
	_, err = sqlsource.New(dbs[0], sqlsource.ClickHouse, sqlsource.WithMapping(sqlsource.Mapping{Table: dist}))
	require.EqualError(t, err, chCountWant(dist, "incoming_messages", "IncomingMessages", "Float64"))

	m := sqlsource.Mapping{Table: tableName(t, dbs[0], sqlsource.ClickHouse, "h2chcount_dist")}
	require.NoError(t, sqlsource.CreateDistributed(ctx, dbs[0], m, nil, clusterName, local))
	// An Int64 count declared over shards' Float64 columns is refused
	// by the server itself, whose shards' blocks do not match.
	_, err = sqlsource.New(dbs[0], sqlsource.ClickHouse, sqlsource.WithMapping(m))
	require.ErrorContains(t, err, "sqlsource: table `"+m.Table+"` ")
	require.ErrorContains(t, err, "code: 171")
}
