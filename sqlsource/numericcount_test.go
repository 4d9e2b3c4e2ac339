package sqlsource_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// numericCountRows have counts up to 10^12 - 1, the largest numeric(12,0)
// holds.
func numericCountRows() []convreport.Conversation {
	t0 := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	return []convreport.Conversation{
		{ID: "a", Channel: convreport.Chat, CreatedAt: t0, IncomingMessages: 2, OutgoingMessages: 1},
		{ID: "b", Channel: convreport.Email, CreatedAt: t0.Add(time.Minute), IncomingMessages: 3},
		{ID: "c", Channel: convreport.Chat, CreatedAt: t0.Add(2 * time.Minute), IncomingMessages: 999_999_999_999, OutgoingMessages: 7},
	}
}

// A PostgreSQL count column of a numeric type is checked when the source
// opens, by its scale as well as its name: numeric(p,0) holds whole
// numbers and is read exactly, in a scan, a pushed-down filter and a
// drill-down, and written up to its 10^p - 1; a numeric with a scale
// (numeric(10,2), or a domain over one) is refused naming the table,
// column and type, where it was taken for any numeric and a count of
// 2.5 passed the pushed-down filters "> 2" and "< 3" alike.
func TestPostgreSQLNumericCountColumns(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, sqlsource.PostgreSQL)
	q := convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), Now: time.Date(2025, 4, 2, 0, 0, 0, 0, time.UTC)}

	t.Run("numeric(12,0) is read and written exactly", func(t *testing.T) {
		for _, how := range []string{"insert", "import"} {
			m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "numcount_"+how)}
			require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, nil))
			_, err := db.Exec("ALTER TABLE " + quoteIdent(sqlsource.PostgreSQL, m.Table) + " ALTER COLUMN incoming_messages TYPE numeric(12,0), ALTER COLUMN outgoing_messages TYPE numeric(5,0)")
			require.NoError(t, err)
			cs := numericCountRows()
			if how == "insert" {
				require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, nil, cs))
			} else {
				prog, err := sqlsource.Import(ctx, db, sqlsource.PostgreSQL, m, nil, cs, sqlsource.ImportOptions{})
				require.NoError(t, err)
				require.Equal(t, 3, prog.Inserted)
			}
			src, err := sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m))
			require.NoError(t, err, how)
			require.Equal(t, map[string][2]int{"a": {2, 1}, "b": {3, 0}, "c": {999_999_999_999, 7}}, countsOf(t, src), how)
			mem, err := memory.New(cs)
			require.NoError(t, err)
			for _, r := range []convreport.Report{
				{Name: "two", Filter: "IncomingMessages == 2"},
				{Name: "more than two", Filter: "IncomingMessages > 2"},
				{Name: "huge", Filter: "IncomingMessages >= 999999999999 && OutgoingMessages == 7"},
				{Name: "by channel", Dimensions: []string{"Channel"}, Filter: "IncomingMessages < 1000"},
			} {
				want, err := convreport.NewEngine(mem).Run(ctx, q, r)
				require.NoError(t, err)
				got, err := convreport.NewEngine(src).Run(ctx, q, r)
				require.NoError(t, err)
				require.Equal(t, resultText(want), resultText(got), "%s: %s", how, r.Name)
			}
			// By hand: two is a; more than two b and c; huge c.
			res, err := convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "two", Filter: "IncomingMessages == 2"}, convreport.Report{Name: "more", Filter: "IncomingMessages > 2"})
			require.NoError(t, err)
			require.EqualValues(t, 1, res[0].Matched)
			require.EqualValues(t, 2, res[1].Matched)
			page, err := convreport.NewEngine(src).DrillPage(ctx, q, res[1].Report, res[1].Points[0], "IncomingMessages", true, 0, 10)
			require.NoError(t, err)
			require.Len(t, page.Rows, 2)
			require.Equal(t, "c", page.Rows[0].ID)
			require.Equal(t, 999_999_999_999, page.Rows[0].IncomingMessages)

			// numeric(5,0) holds 99999: 100000 is refused before anything
			// is written.
			big := []convreport.Conversation{
				{ID: "d", Channel: convreport.Chat, CreatedAt: q.From, OutgoingMessages: 99_999},
				{ID: "e", Channel: convreport.Chat, CreatedAt: q.From, OutgoingMessages: 100_000},
			}
			err = sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, nil, big)
			require.ErrorContains(t, err, `100000 does not fit column "outgoing_messages", which is numeric(5,0) and holds at most 99999: make the column bigint`)
			_, err = sqlsource.Import(ctx, db, sqlsource.PostgreSQL, m, nil, big, sqlsource.ImportOptions{})
			require.ErrorContains(t, err, `100000 does not fit column "outgoing_messages", which is numeric(5,0) and holds at most 99999`)
			require.Len(t, countsOf(t, src), 3, "nothing written")
		}
	})

	t.Run("a numeric with a scale is refused", func(t *testing.T) {
		table := tableName(t, db, sqlsource.PostgreSQL, "numcount_frac")
		domain := table + "_count"
		_, err := db.Exec("CREATE DOMAIN " + quoteIdent(sqlsource.PostgreSQL, domain) + " AS numeric(8,1)")
		require.NoError(t, err)
		t.Cleanup(func() { db.Exec("DROP DOMAIN IF EXISTS " + quoteIdent(sqlsource.PostgreSQL, domain) + " CASCADE") })
		m := sqlsource.Mapping{Table: table}
		require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, nil))
		dropRowRules(t, db, m.Table) // the test writes 2.5, which they refuse
		require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, nil, numericCountRows()[:2]))
		qt := quoteIdent(sqlsource.PostgreSQL, table)
		for _, c := range []struct{ column, alter, typ string }{
			{"incoming_messages", "ALTER COLUMN incoming_messages TYPE numeric(10,2)", "numeric(10,2)"},
			{"outgoing_messages", "ALTER COLUMN incoming_messages TYPE bigint, ALTER COLUMN outgoing_messages TYPE " + quoteIdent(sqlsource.PostgreSQL, domain), "numeric(8,1)"},
		} {
			_, err := db.Exec("ALTER TABLE " + qt + " " + c.alter)
			require.NoError(t, err)
			_, err = db.Exec("UPDATE " + qt + " SET " + c.column + " = 2.5 WHERE id = 'a'")
			require.NoError(t, err)
			_, err = sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m))
			var ce *sqlsource.ColumnTypeError
			require.True(t, errors.As(err, &ce), "%v", err)
			require.Equal(t, table, ce.Table)
			require.Equal(t, c.column, ce.Column)
			require.Equal(t, c.typ, ce.Type)
			require.True(t, ce.Count)
			require.Contains(t, err.Error(), "sqlsource: table "+qt+": column \""+c.column+"\" of ")
			require.Contains(t, err.Error(), "(a message count) is "+c.typ+": a count is a whole number, and a numeric with a scale holds fractions")
			requireWritesRefused(t, db, sqlsource.PostgreSQL, m, err.Error())
			_, err = db.Exec("UPDATE " + qt + " SET " + c.column + " = 2 WHERE id = 'a'")
			require.NoError(t, err)
		}
	})

	// Plain numeric is unconstrained: it holds 2.5 as numeric(10,2) does,
	// and was taken as a count. numeric(p) is numeric(p,0), and is read.
	t.Run("a numeric declared without a scale is refused", func(t *testing.T) {
		table := tableName(t, db, sqlsource.PostgreSQL, "numcount_plain")
		domain := table + "_count"
		_, err := db.Exec("CREATE DOMAIN " + quoteIdent(sqlsource.PostgreSQL, domain) + " AS numeric")
		require.NoError(t, err)
		t.Cleanup(func() { db.Exec("DROP DOMAIN IF EXISTS " + quoteIdent(sqlsource.PostgreSQL, domain) + " CASCADE") })
		m := sqlsource.Mapping{Table: table}
		require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, nil))
		dropRowRules(t, db, m.Table) // the test writes 2.5, which they refuse
		require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, nil, numericCountRows()[:2]))
		qt := quoteIdent(sqlsource.PostgreSQL, table)
		for _, c := range []struct{ column, alter string }{
			{"incoming_messages", "ALTER COLUMN incoming_messages TYPE numeric"},
			{"outgoing_messages", "ALTER COLUMN incoming_messages TYPE bigint, ALTER COLUMN outgoing_messages TYPE " + quoteIdent(sqlsource.PostgreSQL, domain)},
		} {
			_, err := db.Exec("ALTER TABLE " + qt + " " + c.alter + "; UPDATE " + qt + " SET " + c.column + " = 2.5 WHERE id = 'a'")
			require.NoError(t, err)
			prop := map[string]string{"incoming_messages": "IncomingMessages", "outgoing_messages": "OutgoingMessages"}[c.column]
			want := `sqlsource: table ` + qt + `: column "` + c.column + `" of ` + prop + ` (a message count) is numeric: a count is a whole number, and a numeric declared without a scale holds fractions: want smallint, integer, bigint or numeric with scale 0 (make it bigint once its values are whole)`
			for _, opts := range [][]sqlsource.Option{nil, {sqlsource.WithoutPushdown()}} {
				src, err := sqlsource.New(db, sqlsource.PostgreSQL, append(opts, sqlsource.WithMapping(m))...)
				require.EqualError(t, err, want)
				require.Nil(t, src)
				var ce *sqlsource.ColumnTypeError
				require.True(t, errors.As(err, &ce))
				require.Equal(t, sqlsource.ColumnTypeError{Dialect: sqlsource.PostgreSQL, Table: table, Column: c.column, Property: prop,
					Kind: convreport.KindNumber, Count: true, Type: "numeric", Times: sqlsource.UnixNanos, Reason: ce.Reason}, *ce)
			}
			requireWritesRefused(t, db, sqlsource.PostgreSQL, m, want)
			_, err = db.Exec("UPDATE " + qt + " SET " + c.column + " = 2 WHERE id = 'a'")
			require.NoError(t, err)
		}
	})

	t.Run("numeric(p) is numeric(p,0)", func(t *testing.T) {
		m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "numcount_p")}
		require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, nil))
		_, err := db.Exec("ALTER TABLE " + quoteIdent(sqlsource.PostgreSQL, m.Table) + " ALTER COLUMN incoming_messages TYPE numeric(12), ALTER COLUMN outgoing_messages TYPE numeric(5)")
		require.NoError(t, err)
		require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, nil, numericCountRows()))
		src, err := sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m))
		require.NoError(t, err)
		require.Equal(t, map[string][2]int{"a": {2, 1}, "b": {3, 0}, "c": {999_999_999_999, 7}}, countsOf(t, src))
		// By hand: a has 2; b and c more than 2, c alone 7 outgoing.
		res, err := convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "two", Filter: "IncomingMessages == 2"},
			convreport.Report{Name: "more", Filter: "IncomingMessages > 2"}, convreport.Report{Name: "seven out", Filter: "OutgoingMessages == 7"})
		require.NoError(t, err)
		require.EqualValues(t, 1, res[0].Matched)
		require.EqualValues(t, 2, res[1].Matched)
		require.EqualValues(t, 1, res[2].Matched)
		require.EqualValues(t, 1, src.Stats().Answered, "pushed down")
		big := []convreport.Conversation{{ID: "e", Channel: convreport.Chat, CreatedAt: q.From, OutgoingMessages: 100_000}}
		require.ErrorContains(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, nil, big), `100000 does not fit column "outgoing_messages", which is numeric(5,0) and holds at most 99999`)
	})

	// PostgreSQL 15 takes a negative scale, which rounds what is written
	// to it: numeric(5,-2) stores 150 as 200.
	t.Run("a numeric with a negative scale is refused", func(t *testing.T) {
		var version int
		require.NoError(t, db.QueryRow("SELECT current_setting('server_version_num')::int").Scan(&version))
		if version < 150000 {
			t.Skipf("PostgreSQL %d has no negative numeric scale", version)
		}
		m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "numcount_neg")}
		require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, nil))
		qt := quoteIdent(sqlsource.PostgreSQL, m.Table)
		_, err := db.Exec("ALTER TABLE " + qt + " ALTER COLUMN incoming_messages TYPE numeric(5,-2)")
		require.NoError(t, err)
		want := `sqlsource: table ` + qt + `: column "incoming_messages" of IncomingMessages (a message count) is numeric(5,-2): a count is a whole number, and a numeric with a negative scale rounds it to a multiple of 10^2: want smallint, integer, bigint or numeric with scale 0 (make it bigint once its values are whole)`
		_, err = sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m))
		require.EqualError(t, err, want)
		// A count of 150 would be stored as 200.
		requireWritesRefused(t, db, sqlsource.PostgreSQL, m, want)
	})

	t.Run("made numeric with a scale after the source opened", func(t *testing.T) {
		m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "numcount_late")}
		require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, nil))
		require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, nil, numericCountRows()[:2]))
		src, err := sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m))
		require.NoError(t, err)
		require.Equal(t, map[string][2]int{"a": {2, 1}, "b": {3, 0}}, countsOf(t, src))
		res, err := convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "all"})
		require.NoError(t, err)
		drill := func() error {
			_, err := convreport.NewEngine(src).DrillPage(ctx, q, res[0].Report, res[0].Points[0], "", false, 0, 10)
			return err
		}
		require.NoError(t, drill())
		qt := quoteIdent(sqlsource.PostgreSQL, m.Table)
		// The rules CreateTable keeps refuse 2.5 in any column type; an
		// embedder's migration may drop them.
		dropRowRules(t, db, m.Table)
		_, err = db.Exec("ALTER TABLE " + qt + " ALTER COLUMN incoming_messages TYPE numeric(10,2); UPDATE " + qt + " SET incoming_messages = 2.5 WHERE id = 'a'")
		require.NoError(t, err)
		for _, err := range []error{
			func() error {
				for _, err := range src.Scan(ctx, convreport.ScanHint{}) {
					if err != nil {
						return err
					}
				}
				return nil
			}(),
			drill(),
		} {
			var tc *sqlsource.TableChangedError
			require.True(t, errors.As(err, &tc), "%v", err)
			require.Equal(t, "incoming_messages", tc.Column)
			require.Equal(t, "numeric(10,2)", tc.Now)
			require.Equal(t, "bigint", tc.Was)
			require.Contains(t, err.Error(), `column "incoming_messages" of IncomingMessages is now numeric(10,2) (was bigint): a count is a whole number`)
		}
		// The run too: its count reads no count, but the rows it counts
		// hold one, which the scan it falls back to refuses (as a
		// changed table, or as the value, on a connection that prepared
		// the scan before the change or not).
		_, err = convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "all"})
		var tc *sqlsource.TableChangedError
		if !errors.As(err, &tc) {
			require.ErrorContains(t, err, `conversation "a": column "incoming_messages": IncomingMessages: 2.5 is not a message count`)
		}
	})
}

func init() {
	sqlErrorProducers["sql-count-numeric"] = func(t *testing.T) error {
		db := openDB(t, sqlsource.PostgreSQL)
		db.Exec("DROP TABLE IF EXISTS conversations_doc")
		t.Cleanup(func() { db.Exec("DROP TABLE IF EXISTS conversations_doc") })
		m := sqlsource.Mapping{Table: "conversations_doc"}
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.PostgreSQL, m, nil))
		_, err := db.Exec("ALTER TABLE conversations_doc ALTER COLUMN incoming_messages TYPE numeric")
		require.NoError(t, err)
		_, err = sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m))
		return err
	}
	sqlErrorProducers["sql-count-fractions"] = func(t *testing.T) error {
		db := openDB(t, sqlsource.PostgreSQL)
		db.Exec("DROP TABLE IF EXISTS conversations_doc")
		t.Cleanup(func() { db.Exec("DROP TABLE IF EXISTS conversations_doc") })
		m := sqlsource.Mapping{Table: "conversations_doc"}
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.PostgreSQL, m, nil))
		_, err := db.Exec("ALTER TABLE conversations_doc ALTER COLUMN incoming_messages TYPE numeric(10,2)")
		require.NoError(t, err)
		_, err = sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m))
		return err
	}
}
