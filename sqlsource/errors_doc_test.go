package sqlsource_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/sourcetest"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// sqlErrorProducers make the errors docs/errors.md shows under the ids
// starting with sql-: bad servers, credentials and tables, each at New or
// at first use, never a panic. The server-dependent parts of a message
// (a port, a server's own explanation) are cut by the example: an example
// ending in "…" gives the message's start.
var sqlErrorProducers = map[string]func(t *testing.T) error{
	"sql-unreachable": func(t *testing.T) error {
		db, err := sql.Open("clickhouse", "clickhouse://127.0.0.1:1/default")
		require.NoError(t, err)
		defer db.Close()
		_, err = sqlsource.New(db, sqlsource.ClickHouse)
		return err
	},
	"sql-wrong-password": func(t *testing.T) error {
		u := strings.Replace(clickHouseDSNs(t)[0], "clickhouse://", "clickhouse://default:wrong@", 1)
		db, err := sql.Open("clickhouse", u)
		require.NoError(t, err)
		defer db.Close()
		_, err = sqlsource.New(db, sqlsource.ClickHouse)
		return err
	},
	"sql-missing-column": func(t *testing.T) error {
		db := openDB(t, sqlsource.ClickHouse)
		m := docTable(t, db)
		m.Columns = map[string]string{"Inbox": "mailbox"}
		_, err := sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithMapping(m))
		return err
	},
	"sql-wrong-type": func(t *testing.T) error {
		db := openDB(t, sqlsource.ClickHouse)
		m := docTable(t, db)
		_, err := db.Exec("ALTER TABLE conversations_doc MODIFY COLUMN first_response_at Nullable(Float64)")
		require.NoError(t, err)
		_, err = sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithMapping(m))
		return err
	},
	"sql-text-times": func(t *testing.T) error {
		db := openDB(t, sqlsource.SQLite)
		table := ownTable(t, db, sqlsource.SQLite, "doc", map[string]string{"created_at": "TEXT"})
		_, err := db.Exec("ALTER TABLE " + quoteIdent(sqlsource.SQLite, table) + " RENAME TO conversations")
		require.NoError(t, err)
		_, err = sqlsource.New(db, sqlsource.SQLite)
		return err
	},
	"sql-invalid-value": func(t *testing.T) error {
		db := openDB(t, sqlsource.SQLite)
		schema, err := convreport.NewSchema(convreport.Property{Name: "tier", Kind: convreport.KindEnum, Values: []string{"gold", "silver"}})
		require.NoError(t, err)
		m := sqlsource.Mapping{Table: "tickets", Columns: map[string]string{"tier": "tier"}}
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.SQLite, m, schema))
		q := conformance.Queries()[1].Query
		_, err = db.Exec("INSERT INTO tickets (id, channel, status, created_at, tier) VALUES ('t-17', 'chat', 'open', ?, 'platinum')", q.From.UnixNano())
		require.NoError(t, err)
		src, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(m), sqlsource.WithSchema(schema))
		require.NoError(t, err)
		_, err = convreport.NewEngine(src).Run(context.Background(), q, convreport.Report{Name: "by tier", Dimensions: []string{"tier"}})
		return err
	},
	"sql-timestamptz": func(t *testing.T) error {
		db := openDB(t, sqlsource.PostgreSQL)
		db.Exec("DROP TABLE IF EXISTS conversations_doc")
		t.Cleanup(func() { db.Exec("DROP TABLE IF EXISTS conversations_doc") })
		m := sqlsource.Mapping{Table: "conversations_doc", Times: sqlsource.Timestamp}
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.PostgreSQL, m, nil))
		_, err := sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(sqlsource.Mapping{Table: "conversations_doc"}))
		return err
	},
	"sql-column-dropped": func(t *testing.T) error {
		db := openDB(t, sqlsource.ClickHouse)
		m := docTable(t, db)
		src, err := sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithMapping(m))
		require.NoError(t, err)
		_, err = db.Exec("ALTER TABLE conversations_doc DROP COLUMN assignee")
		require.NoError(t, err)
		r := convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}}
		_, err = convreport.NewEngine(src).Run(context.Background(), conformance.Queries()[1].Query, r)
		return err
	},
	"sql-shard-down": func(t *testing.T) error {
		dbs := shards(t)
		broken := cluster(t, "CONVREPORT_CLICKHOUSE_BROKEN_CLUSTER")
		ctx := context.Background()
		db := dbs[0]
		db.Exec("DROP TABLE IF EXISTS conversations_doc_local")
		db.Exec("DROP TABLE IF EXISTS conversations_doc")
		t.Cleanup(func() {
			db.Exec("DROP TABLE IF EXISTS conversations_doc")
			db.Exec("DROP TABLE IF EXISTS conversations_doc_local")
		})
		require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.ClickHouse, sqlsource.Mapping{Table: "conversations_doc_local"}, nil))
		m := sqlsource.Mapping{Table: "conversations_doc"}
		require.NoError(t, sqlsource.CreateDistributed(ctx, db, m, nil, broken, "conversations_doc_local"))
		src, err := sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithMapping(m))
		require.NoError(t, err)
		r := convreport.Report{Name: "by inbox", Dimensions: []string{"Inbox"}}
		_, err = convreport.NewEngine(src).Run(ctx, conformance.Queries()[1].Query, r)
		return err
	},
	"sql-unknown-cluster": func(t *testing.T) error {
		dsn, dbs := shardedDatabase(t)
		opened := 0
		_, err := sqlsource.CreateSharded(context.Background(), dbs[0], sqlsource.Mapping{}, nil, "nope", "conversations_local", connectLike(dsn, &opened))
		return err
	},
	"sql-sharded-shard-down": func(t *testing.T) error {
		broken := cluster(t, "CONVREPORT_CLICKHOUSE_BROKEN_CLUSTER")
		dsn, dbs := shardedDatabase(t)
		opened := 0
		_, err := sqlsource.CreateSharded(context.Background(), dbs[0], sqlsource.Mapping{}, nil, broken, "conversations_local", connectLike(dsn, &opened))
		return err
	},
	"sql-sharded-server-twice": func(t *testing.T) error {
		twice := cluster(t, "CONVREPORT_CLICKHOUSE_TWICE_CLUSTER")
		dsn, dbs := shardedDatabase(t)
		opened := 0
		_, err := sqlsource.CreateSharded(context.Background(), dbs[0], sqlsource.Mapping{}, nil, twice, "conversations_local", connectLike(dsn, &opened))
		return err
	},
	"sql-sharded-replicas": func(t *testing.T) error {
		replicas := cluster(t, "CONVREPORT_CLICKHOUSE_REPLICAS_CLUSTER")
		dsn, dbs := shardedDatabase(t)
		opened := 0
		_, err := sqlsource.CreateSharded(context.Background(), dbs[0], sqlsource.Mapping{}, nil, replicas, "conversations_local", connectLike(dsn, &opened))
		return err
	},
	"sql-sharded-not-distributed": func(t *testing.T) error {
		name := cluster(t, "CONVREPORT_CLICKHOUSE_CLUSTER")
		dsn, dbs := shardedDatabase(t)
		ctx := context.Background()
		m := sqlsource.Mapping{Table: "conversations_doc"}
		require.NoError(t, sqlsource.CreateTable(ctx, dbs[0], sqlsource.ClickHouse, m, nil))
		opened := 0
		_, err := sqlsource.CreateSharded(ctx, dbs[0], m, nil, name, "conversations_doc_local", connectLike(dsn, &opened))
		return err
	},
	"sql-no-tenant": func(t *testing.T) error {
		db := openDB(t, sqlsource.SQLite)
		m := sqlsource.Mapping{Table: "conversations", Tenant: "account"}
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.SQLite, m, nil))
		src, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(m))
		require.NoError(t, err)
		_, err = convreport.NewEngine(src).Run(context.Background(), conformance.Queries()[1].Query, convreport.Report{Name: "all"})
		return err
	},
	"sql-import-stopped": func(t *testing.T) error {
		db := openDB(t, sqlsource.SQLite)
		m := sqlsource.Mapping{Table: "conversations"}
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.SQLite, m, nil))
		cs := sourcetest.Generate(300, 1)
		for i := range cs {
			cs[i].ID = fmt.Sprintf("c%d", i)
			cs[i].Properties = nil
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		prog, err := sqlsource.Import(ctx, db, sqlsource.SQLite, m, nil, cs, sqlsource.ImportOptions{BatchSize: 100, Progress: func(p sqlsource.ImportProgress) {
			if p.Done == 200 {
				cancel()
			}
		}})
		if err == nil {
			return nil
		}
		return fmt.Errorf("import stopped after %d of %d conversations: %w", prog.Done, prog.Total, err)
	},
}

// docTable makes the ClickHouse table conversations_doc, dropped at the
// end of the test, and returns its mapping: the examples name it.
func docTable(t *testing.T, db *sql.DB) sqlsource.Mapping {
	t.Helper()
	db.Exec("DROP TABLE IF EXISTS conversations_doc")
	t.Cleanup(func() { db.Exec("DROP TABLE IF EXISTS conversations_doc") })
	m := sqlsource.Mapping{Table: "conversations_doc"}
	require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.ClickHouse, m, nil))
	return m
}

var sqlDocExample = regexp.MustCompile("(?s)<!-- error: (sql-\\S+)((?: \\S+)*) -->\n```text\n(.*?)\n```")

// TestSQLErrorCatalogue requires each sql- example of docs/errors.md to be
// the message its producer gets, and every producer to be shown.
func TestSQLErrorCatalogue(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "errors.md"))
	require.NoError(t, err)
	used := map[string]bool{}
	for _, m := range sqlDocExample.FindAllStringSubmatch(string(b), -1) {
		id, expect, want := m[1], strings.Fields(m[2]), m[3]
		used[id] = true
		t.Run(id, func(t *testing.T) {
			produce, ok := sqlErrorProducers[id]
			require.True(t, ok, "docs/errors.md shows %s, which no producer makes", id)
			err := produce(t)
			require.Error(t, err)
			got := err.Error()
			if prefix, cut := strings.CutSuffix(want, "…"); cut {
				require.True(t, strings.HasPrefix(got, prefix), "the message of %s changed: update docs/errors.md\nwant %s…\ngot  %s", id, prefix, got)
			} else {
				require.Equal(t, want, got, "the message of %s changed: update docs/errors.md", id)
			}
			for _, typ := range expect {
				switch typ {
				case "*sqlsource.ShardError":
					var se *sqlsource.ShardError
					require.True(t, errors.As(err, &se), "no %s in %v", typ, err)
				case "*sqlsource.UnknownClusterError":
					var ue *sqlsource.UnknownClusterError
					require.True(t, errors.As(err, &ue), "no %s in %v", typ, err)
				case "*sqlsource.ColumnTypeError":
					var ce *sqlsource.ColumnTypeError
					require.True(t, errors.As(err, &ce), "no %s in %v", typ, err)
				case "*convreport.SourceError":
					var se *convreport.SourceError
					require.True(t, errors.As(err, &se), "no %s in %v", typ, err)
				case "is:context.Canceled":
					require.ErrorIs(t, err, context.Canceled)
				default:
					t.Fatalf("unknown expectation %s", typ)
				}
			}
		})
	}
	for id := range sqlErrorProducers {
		require.True(t, used[id], "producer %s is not in docs/errors.md", id)
	}
}
