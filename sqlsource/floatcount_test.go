package sqlsource_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// floatCountWant is the message New gives for a PostgreSQL message count
// column incoming_messages of floating-point type typ in table.
func floatCountWant(table, typ string) string {
	return fmt.Sprintf(`sqlsource: table "%s": column "incoming_messages" of IncomingMessages (a message count) is %s: a count is a whole number, and %s holds fractions: want smallint, integer, bigint or numeric with scale 0 (make it bigint once its values are whole)`,
		table, typ, typ)
}

// A PostgreSQL count column of type real or double precision was taken
// at New: a pushed-down filter IncomingMessages > 2 counted a 2.5 that a
// scan, later, refused. New refuses it now, as it does a numeric with a
// scale and a ClickHouse Float, naming the table, the column, its type
// and the types a count may have; a domain over one is refused by its
// base type.
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
	})
}

// SQLite is dynamically typed: a count column of INTEGER or NUMERIC
// affinity, or of none, is taken (a fraction in it is refused by the
// scan). One declared REAL, FLOAT or DOUBLE, or a view's column cast to
// REAL, is declared to hold fractions as PostgreSQL's real is, and is
// refused alike.
func TestSQLiteFloatingPointCountColumns(t *testing.T) {
	db := openDB(t, sqlsource.SQLite)
	for _, typ := range []string{"REAL", "FLOAT", "DOUBLE", "DOUBLE PRECISION", "float8"} {
		table := ownTable(t, db, sqlsource.SQLite, "floatcount", map[string]string{"outgoing_messages": typ})
		_, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
		require.EqualError(t, err, fmt.Sprintf("sqlsource: table `%s`: column `outgoing_messages` of OutgoingMessages (a message count) is %s: a count is a whole number, and a column of REAL affinity holds fractions: make it an INTEGER column once its values are whole", table, typ))
		var ce *sqlsource.ColumnTypeError
		require.True(t, errors.As(err, &ce))
		require.True(t, ce.Count)
		require.Equal(t, typ, ce.Type)
	}
	for _, typ := range []string{"INTEGER", "BIGINT", "NUMERIC", "DECIMAL(10,0)"} {
		table := ownTable(t, db, sqlsource.SQLite, "floatcount", map[string]string{"outgoing_messages": typ})
		_, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
		require.NoError(t, err, typ)
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
