package sqlsource

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sourcetest"
)

// openPostgreSQL returns the server of CONVREPORT_POSTGRES_DSN, or skips.
func openPostgreSQL(t *testing.T) *sql.DB {
	t.Helper()
	dsn := os.Getenv("CONVREPORT_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CONVREPORT_REQUIRE_POSTGRES") == "1" {
			t.Fatal("CONVREPORT_REQUIRE_POSTGRES=1 but CONVREPORT_POSTGRES_DSN is not set")
		}
		t.Skip("PostgreSQL tests skipped: set CONVREPORT_POSTGRES_DSN to run them")
	}
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// copyTable makes a table of the default layout for the test, dropped
// at its end.
func copyTable(t *testing.T, db *sql.DB, m Mapping, s *convreport.Schema, prefix string) Mapping {
	t.Helper()
	m.Table = fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), time.Now().UnixNano())
	t.Cleanup(func() { db.Exec("DROP TABLE IF EXISTS " + PostgreSQL.quote(m.Table)) })
	require.NoError(t, CreateTable(context.Background(), db, PostgreSQL, m, s))
	return m
}

// rowsOf is every row of table as JSON, then num as text (JSON has no
// negative zero), in ID order: two tables compare value for value.
func rowsOf(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	rs, err := db.Query("SELECT to_jsonb(t)::text || ' ' || coalesce(num::text, 'null') FROM " + PostgreSQL.quote(table) + " t ORDER BY id")
	require.NoError(t, err)
	defer rs.Close()
	var out []string
	for rs.Next() {
		var s string
		require.NoError(t, rs.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rs.Err())
	return out
}

// A batch into PostgreSQL goes in with COPY, and stores exactly what the
// INSERTs store: every kind of property, NULLs, both time storages, a
// string and an integer tenant, infinite numbers and the extremes of a
// message count.
func TestCopyStoresWhatTheInsertsStore(t *testing.T) {
	db := openPostgreSQL(t)
	schema := sourcetest.Schema()
	cs := sourcetest.Generate(2500, 6)
	for i := range cs {
		cs[i].ID = fmt.Sprintf("cp-%05d", i)
	}
	var number string
	for _, p := range schema.Properties() {
		if p.Custom && p.Kind == convreport.KindNumber {
			number = p.Name
		}
	}
	require.NotEmpty(t, number, "the schema has a custom number")
	for i, x := range []float64{math.Inf(1), math.Inf(-1), math.Copysign(0, -1), math.SmallestNonzeroFloat64, 1e300} {
		if cs[i].Properties == nil {
			cs[i].Properties = map[string]any{}
		}
		cs[i].Properties[number] = x
	}
	cs[7].IncomingMessages, cs[8].OutgoingMessages = math.MaxInt32, 0
	// Times on both sides of 1970 and 2000, where COPY's count starts,
	// to the limits of int64 nanoseconds.
	for i, at := range []time.Time{
		time.Date(1999, 12, 31, 23, 59, 59, 500_000_000, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999_999_000, time.FixedZone("", -5*3600)),
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, math.MinInt64).Add(time.Microsecond).Truncate(time.Microsecond),
		time.Unix(0, math.MaxInt64).Truncate(time.Microsecond),
	} {
		c := &cs[20+i]
		*c = convreport.Conversation{ID: c.ID, CreatedAt: at}
	}
	for _, times := range []TimeStorage{UnixNanos, Timestamp} {
		for _, tenant := range []any{nil, "acme", int64(42)} {
			t.Run(fmt.Sprintf("times=%d/tenant=%v", times, tenant), func(t *testing.T) {
				// The number in a column of its own (JSON cannot hold an
				// infinity), the other custom properties in JSON.
				m := Mapping{Times: times, Columns: map[string]string{number: "num"}}
				if tenant != nil {
					m.Tenant = "account"
				}
				rows := cs
				if times == Timestamp {
					// A timestamptz holds microseconds.
					rows = make([]convreport.Conversation, len(cs))
					copy(rows, cs)
					for i := range rows {
						c := &rows[i]
						for _, p := range []*time.Time{&c.CreatedAt, &c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
							*p = p.Truncate(time.Microsecond)
						}
						props := map[string]any{}
						for k, v := range c.Properties {
							if tv, ok := v.(time.Time); ok {
								v = tv.Truncate(time.Microsecond)
							}
							props[k] = v
						}
						c.Properties = props
					}
				}
				copied := copyTable(t, db, m, schema, "copied")
				inserted := copyTable(t, db, m, schema, "inserted")
				if _, isInt := tenant.(int64); isInt {
					// CreateTable makes a text tenant column.
					for _, table := range []string{copied.Table, inserted.Table} {
						_, err := db.Exec("ALTER TABLE " + PostgreSQL.quote(table) + " ALTER COLUMN account TYPE bigint USING account::bigint")
						require.NoError(t, err)
					}
				}
				before := copiedBatches.Load()
				_, err := Import(context.Background(), db, PostgreSQL, copied, schema, rows, ImportOptions{Tenant: tenant, BatchSize: 1000})
				require.NoError(t, err)
				require.Equal(t, int64(3), copiedBatches.Load()-before, "three batches copied")

				l, err := newLayout(PostgreSQL, schema, inserted)
				require.NoError(t, err)
				tx, err := db.Begin()
				require.NoError(t, err)
				require.NoError(t, l.insertSQL(context.Background(), tx, tenant, rows))
				require.NoError(t, tx.Commit())

				want, got := rowsOf(t, db, inserted.Table), rowsOf(t, db, copied.Table)
				require.Len(t, got, len(rows))
				for i := range want {
					require.Equal(t, want[i], got[i], "row %d", i)
				}
			})
		}
	}
}

// COPY is not used where it would store otherwise than the INSERTs: a
// column of another type (made so after an import, on the same pooled
// connection), a table with a rule on INSERT. The INSERTs then write the
// batch, casting as they always did.
func TestCopyOnlyWhereItStoresTheSame(t *testing.T) {
	db := openPostgreSQL(t)
	db.SetMaxOpenConns(1) // one connection: what it learnt of the table must not matter
	schema, err := convreport.NewSchema(convreport.Property{Name: "score", Kind: convreport.KindNumber})
	require.NoError(t, err)
	m := copyTable(t, db, Mapping{Columns: map[string]string{"score": "score"}}, schema, "retyped")
	row := func(id string, score float64) convreport.Conversation {
		return convreport.Conversation{ID: id, CreatedAt: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), Properties: map[string]any{"score": score}}
	}
	before := copiedBatches.Load()
	_, err = Import(context.Background(), db, PostgreSQL, m, schema, []convreport.Conversation{row("a", 2)}, ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(1), copiedBatches.Load()-before)

	_, err = db.Exec("ALTER TABLE " + PostgreSQL.quote(m.Table) + " ALTER COLUMN score TYPE bigint")
	require.NoError(t, err)
	_, err = Import(context.Background(), db, PostgreSQL, m, schema, []convreport.Conversation{row("b", 2), row("c", 2.7)}, ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(1), copiedBatches.Load()-before, "not copied into a bigint")
	var scores []int64
	rs, err := db.Query("SELECT score FROM " + PostgreSQL.quote(m.Table) + " ORDER BY id")
	require.NoError(t, err)
	for rs.Next() {
		var s int64
		require.NoError(t, rs.Scan(&s))
		scores = append(scores, s)
	}
	require.NoError(t, rs.Err())
	require.Equal(t, []int64{2, 2, 3}, scores, "cast as the INSERTs cast: 2.7 rounds to 3")

	table := PostgreSQL.quote(m.Table)
	_, err = db.Exec("ALTER TABLE " + table + " ALTER COLUMN score TYPE double precision")
	require.NoError(t, err)
	_, err = Import(context.Background(), db, PostgreSQL, m, schema, []convreport.Conversation{row("d", 1)}, ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(2), copiedBatches.Load()-before, "copied again once the type is back")

	_, err = db.Exec("CREATE RULE keep AS ON INSERT TO " + table + " DO ALSO NOTIFY imported")
	require.NoError(t, err)
	_, err = Import(context.Background(), db, PostgreSQL, m, schema, []convreport.Conversation{row("e", 1)}, ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(2), copiedBatches.Load()-before, "not copied past a rule")
	_, err = db.Exec("DROP RULE keep ON " + table)
	require.NoError(t, err)

	_, err = db.Exec("CREATE FUNCTION " + m.Table + "_count() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'")
	require.NoError(t, err)
	t.Cleanup(func() { db.Exec("DROP FUNCTION IF EXISTS " + m.Table + "_count()") })
	_, err = db.Exec("CREATE TRIGGER counted AFTER INSERT ON " + table + " FOR EACH STATEMENT EXECUTE FUNCTION " + m.Table + "_count()")
	require.NoError(t, err)
	_, err = Import(context.Background(), db, PostgreSQL, m, schema, []convreport.Conversation{row("f", 1)}, ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(2), copiedBatches.Load()-before, "not copied past a trigger")
	_, err = db.Exec("DROP TRIGGER counted ON " + table)
	require.NoError(t, err)

	// An identity column GENERATED ALWAYS refuses the INSERTs' value;
	// COPY would take it.
	_, err = db.Exec("ALTER TABLE " + table + " ALTER COLUMN outgoing_messages DROP DEFAULT, ALTER COLUMN outgoing_messages ADD GENERATED ALWAYS AS IDENTITY")
	require.NoError(t, err)
	_, err = Import(context.Background(), db, PostgreSQL, m, schema, []convreport.Conversation{row("g", 1)}, ImportOptions{})
	require.ErrorContains(t, err, "cannot insert a non-DEFAULT value into column")
	require.Equal(t, int64(2), copiedBatches.Load()-before, "not copied into an identity column")
	var n int
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM "+table).Scan(&n))
	require.Equal(t, 6, n)
	// SAVEPOINT fails outside a transaction block.
	_, err = db.Exec("SAVEPOINT left_open")
	require.ErrorContains(t, err, "SAVEPOINT can only be used in transaction blocks", "the pooled connection is not left in a transaction")
}
