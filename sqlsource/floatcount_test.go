package sqlsource_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// floatCountQuery spans the rows the count type tests write.
var floatCountQuery = convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), Now: time.Date(2025, 4, 2, 0, 0, 0, 0, time.UTC)}

// floatCountWant is the message New gives for a PostgreSQL message count
// column incoming_messages of floating-point type typ in table.
func floatCountWant(table, typ string) string {
	return fmt.Sprintf(`sqlsource: table "%s": column "incoming_messages" of IncomingMessages (a message count) is %s: a count is a whole number, and %s holds fractions: want smallint, integer, bigint or numeric with scale 0 (make it bigint once its values are whole)`,
		table, typ, typ)
}

// requireWritesRefused checks that every write into m's table (Insert,
// Import, ImportAll and its check given the database) is refused with
// want, New's message, and that the table still holds the rows it had:
// a count written into a column New refuses could never be reported.
func requireWritesRefused(t *testing.T, db *sql.DB, d sqlsource.Dialect, m sqlsource.Mapping, want string) {
	t.Helper()
	ctx := context.Background()
	count := func() int64 {
		var n int64
		require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM "+quoteIdent(d, m.Table)).Scan(&n))
		return n
	}
	before := count()
	cs := []convreport.Conversation{{ID: "new", Channel: convreport.Chat, CreatedAt: time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC), IncomingMessages: 4, OutgoingMessages: 1}}
	seq := func(yield func(convreport.Conversation, error) bool) {
		for _, c := range cs {
			if !yield(c, nil) {
				return
			}
		}
	}
	require.EqualError(t, sqlsource.Insert(ctx, db, d, m, nil, cs), want, "Insert")
	_, err := sqlsource.Import(ctx, db, d, m, nil, cs, sqlsource.ImportOptions{})
	require.EqualError(t, err, want, "Import")
	_, err = sqlsource.ImportAll(ctx, db, d, m, nil, seq, sqlsource.ImportOptions{CheckOnly: true})
	require.EqualError(t, err, want, "ImportAll's check")
	_, err = sqlsource.ImportAll(ctx, db, d, m, nil, seq, sqlsource.ImportOptions{})
	require.EqualError(t, err, want, "ImportAll")
	var ce *sqlsource.ColumnTypeError
	require.True(t, errors.As(err, &ce))
	require.True(t, ce.Count)
	require.Equal(t, before, count(), "nothing written")
}

// A PostgreSQL count column of type real or double precision was taken
// at New: a pushed-down filter IncomingMessages > 2 counted a 2.5 that a
// scan, later, refused. New refuses it now, as it does a numeric with a
// scale and a ClickHouse Float, naming the table, the column, its type
// and the types a count may have; a domain over one is refused by its
// base type. Insert and Import wrote into such a table all the same;
// they refuse it now with New's message, writing nothing.
func TestPostgreSQLFloatingPointCountColumns(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, sqlsource.PostgreSQL)
	for _, c := range []struct{ name, alter, typ string }{
		{"real", "real", "real"},
		{"double precision", "double precision", "double precision"},
		{"float8", "float8", "double precision"},
		{"a domain over double precision", "", "double precision"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "floatcount")}
			qt := quoteIdent(sqlsource.PostgreSQL, m.Table)
			require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, nil))
			dropRowRules(t, db, m.Table) // the test writes 2.5, which they refuse
			require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, nil, numericCountRows()[:2]))
			alter := c.alter
			if alter == "" {
				domain := m.Table + "_count"
				_, err := db.Exec("CREATE DOMAIN " + quoteIdent(sqlsource.PostgreSQL, domain) + " AS double precision")
				require.NoError(t, err)
				t.Cleanup(func() { db.Exec("DROP DOMAIN IF EXISTS " + quoteIdent(sqlsource.PostgreSQL, domain) + " CASCADE") })
				alter = quoteIdent(sqlsource.PostgreSQL, domain)
			}
			_, err := db.Exec("ALTER TABLE " + qt + " ALTER COLUMN incoming_messages TYPE " + alter + "; UPDATE " + qt + " SET incoming_messages = 2.5 WHERE id = 'a'")
			require.NoError(t, err)
			for _, opts := range [][]sqlsource.Option{nil, {sqlsource.WithoutPushdown()}} {
				src, err := sqlsource.New(db, sqlsource.PostgreSQL, append(opts, sqlsource.WithMapping(m))...)
				require.EqualError(t, err, floatCountWant(m.Table, c.typ))
				require.Nil(t, src)
				var ce *sqlsource.ColumnTypeError
				require.True(t, errors.As(err, &ce))
				require.Equal(t, sqlsource.ColumnTypeError{Dialect: sqlsource.PostgreSQL, Table: m.Table, Column: "incoming_messages", Property: "IncomingMessages",
					Kind: convreport.KindNumber, Count: true, Type: c.typ, Times: sqlsource.UnixNanos, Reason: ce.Reason}, *ce)
			}
			requireWritesRefused(t, db, sqlsource.PostgreSQL, m, floatCountWant(m.Table, c.typ))
		})
	}
	t.Run("a custom number may still be double precision", func(t *testing.T) {
		schema, err := convreport.NewSchema(convreport.Property{Name: "seats", Kind: convreport.KindNumber})
		require.NoError(t, err)
		m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "floatcount"), Columns: map[string]string{"seats": "seats"}}
		require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, schema))
		var typ string
		require.NoError(t, db.QueryRow("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'seats'", quoteIdent(sqlsource.PostgreSQL, m.Table)).Scan(&typ))
		require.Equal(t, "double precision", typ)
		_, err = sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithSchema(schema), sqlsource.WithMapping(m))
		require.NoError(t, err)
		cs := []convreport.Conversation{{ID: "a", Channel: convreport.Chat, CreatedAt: time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC), IncomingMessages: 2,
			Properties: map[string]any{"seats": 2.5}}}
		require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, schema, cs))
	})
}

// SQLite is dynamically typed: a count column of INTEGER or NUMERIC
// affinity, or of none, is taken (a fraction in it is refused by the
// scan). One declared REAL, FLOAT or DOUBLE, or a view's column cast to
// REAL, is declared to hold fractions as PostgreSQL's real is, and is
// refused alike, by New and by the writes. The others are written and
// read back exactly.
func TestSQLiteFloatingPointCountColumns(t *testing.T) {
	db := openDB(t, sqlsource.SQLite)
	ctx := context.Background()
	for _, typ := range []string{"REAL", "FLOAT", "DOUBLE", "DOUBLE PRECISION", "float8"} {
		table := ownTable(t, db, sqlsource.SQLite, "floatcount", map[string]string{"outgoing_messages": typ})
		_, err := db.Exec("INSERT INTO " + quoteIdent(sqlsource.SQLite, table) + " (id, channel, status, created_at, incoming_messages, outgoing_messages) VALUES ('a', 'chat', 'open', 1, 2, 1.5)")
		require.NoError(t, err)
		_, err = sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
		want := fmt.Sprintf("sqlsource: table `%s`: column `outgoing_messages` of OutgoingMessages (a message count) is %s: a count is a whole number, and a column of REAL affinity holds fractions: make it an INTEGER column once its values are whole", table, typ)
		require.EqualError(t, err, want)
		var ce *sqlsource.ColumnTypeError
		require.True(t, errors.As(err, &ce))
		require.True(t, ce.Count)
		require.Equal(t, typ, ce.Type)
		requireWritesRefused(t, db, sqlsource.SQLite, sqlsource.Mapping{Table: table}, want)
	}
	for _, typ := range []string{"INTEGER", "BIGINT", "NUMERIC", "DECIMAL(10,0)"} {
		table := ownTable(t, db, sqlsource.SQLite, "floatcount", map[string]string{"outgoing_messages": typ})
		m := sqlsource.Mapping{Table: table}
		t0 := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
		require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.SQLite, m, nil, []convreport.Conversation{{ID: "a", Channel: convreport.Chat, CreatedAt: t0, IncomingMessages: 2, OutgoingMessages: 1}}), typ)
		prog, err := sqlsource.Import(ctx, db, sqlsource.SQLite, m, nil, []convreport.Conversation{{ID: "b", Channel: convreport.Chat, CreatedAt: t0, OutgoingMessages: 3}}, sqlsource.ImportOptions{})
		require.NoError(t, err, typ)
		require.Equal(t, 1, prog.Inserted, typ)
		src, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(m))
		require.NoError(t, err, typ)
		require.Equal(t, map[string][2]int{"a": {2, 1}, "b": {0, 3}}, countsOf(t, src), typ)
		res, err := convreport.NewEngine(src).Run(ctx, floatCountQuery, convreport.Report{Name: "more than one out", Filter: "OutgoingMessages > 1"})
		require.NoError(t, err, typ)
		require.EqualValues(t, 1, res[0].Matched, "%s: b alone", typ)
	}

	table := ownTable(t, db, sqlsource.SQLite, "floatcount", nil)
	var cols string
	for i, c := range defaultColumns {
		if i > 0 {
			cols += ", "
		}
		if c == "incoming_messages" {
			cols += "CAST(incoming_messages AS REAL) AS incoming_messages"
		} else {
			cols += quoteIdent(sqlsource.SQLite, c)
		}
	}
	view := table + "_view"
	_, err := db.Exec("CREATE VIEW " + quoteIdent(sqlsource.SQLite, view) + " AS SELECT " + cols + " FROM " + quoteIdent(sqlsource.SQLite, table))
	require.NoError(t, err)
	_, err = sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(sqlsource.Mapping{Table: view}))
	require.ErrorContains(t, err, "column `incoming_messages` of IncomingMessages (a message count) is REAL: a count is a whole number")
}

func init() {
	sqlErrorProducers["sql-count-double"] = func(t *testing.T) error {
		db := openDB(t, sqlsource.PostgreSQL)
		db.Exec("DROP TABLE IF EXISTS conversations_doc")
		t.Cleanup(func() { db.Exec("DROP TABLE IF EXISTS conversations_doc") })
		m := sqlsource.Mapping{Table: "conversations_doc"}
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.PostgreSQL, m, nil))
		_, err := db.Exec("ALTER TABLE conversations_doc ALTER COLUMN incoming_messages TYPE double precision")
		require.NoError(t, err)
		_, err = sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m))
		return err
	}
}
