package sqlsource_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// bigCountRows are conversations whose counts an int32 column cannot
// hold: 2^31, and 2^53, the largest a file's count may be.
func bigCountRows() []convreport.Conversation {
	t0 := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	return []convreport.Conversation{
		{ID: "ok", Channel: convreport.Chat, CreatedAt: t0, IncomingMessages: 1},
		{ID: "big", Channel: convreport.Chat, CreatedAt: t0, IncomingMessages: 1 << 31, OutgoingMessages: 2},
		{ID: "huge", Channel: convreport.Chat, CreatedAt: t0, IncomingMessages: 1 << 53, OutgoingMessages: 1<<31 - 1},
	}
}

// countsOf scans src: ID → incoming and outgoing counts.
func countsOf(t *testing.T, src *sqlsource.Source) map[string][2]int {
	t.Helper()
	out := map[string][2]int{}
	for c, err := range src.Scan(context.Background(), convreport.ScanHint{}) {
		require.NoError(t, err)
		out[c.ID] = [2]int{c.IncomingMessages, c.OutgoingMessages}
	}
	return out
}

// Counts above 2^31 go into the tables CreateTable makes, through Insert
// and through Import (PostgreSQL's COPY), and are read back exactly, in
// a scan and in a pushed-down filter. PostgreSQL's count columns were
// integer, and the INSERTs cast counts to it.
func TestCountsAbove2To31InCreatedTables(t *testing.T) {
	ctx := context.Background()
	want := map[string][2]int{"ok": {1, 0}, "big": {1 << 31, 2}, "huge": {1 << 53, 1<<31 - 1}}
	q := convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), Now: time.Date(2025, 4, 2, 0, 0, 0, 0, time.UTC)}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			for _, how := range []string{"insert", "import"} {
				m := sqlsource.Mapping{Table: tableName(t, db, d, "h1big_"+how)}
				require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, nil))
				before := sqlsource.CopiedBatches.Load()
				if how == "insert" {
					require.NoError(t, sqlsource.Insert(ctx, db, d, m, nil, bigCountRows()))
				} else {
					prog, err := sqlsource.Import(ctx, db, d, m, nil, bigCountRows(), sqlsource.ImportOptions{})
					require.NoError(t, err)
					require.Equal(t, 3, prog.Inserted)
				}
				if d == sqlsource.PostgreSQL {
					var typ string
					require.NoError(t, db.QueryRow(`SELECT data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = 'incoming_messages'`, m.Table).Scan(&typ))
					require.Equal(t, "bigint", typ)
					copied := int64(0)
					if how == "import" {
						copied = 1
					}
					require.Equal(t, copied, sqlsource.CopiedBatches.Load()-before, "written by COPY on import, by INSERT otherwise")
				}
				src, err := sqlsource.New(db, d, sqlsource.WithMapping(m))
				require.NoError(t, err)
				require.Equal(t, want, countsOf(t, src), how)
				res, err := convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "many", Filter: "IncomingMessages >= 2147483648"})
				require.NoError(t, err)
				require.Equal(t, int64(2), res[0].Matched, "%s: big and huge", how)
			}
		})
	}
}

// A table made before counts were 64-bit integers (PostgreSQL integer,
// ClickHouse Int32 or UInt16) still takes the counts it holds, by COPY
// in PostgreSQL and in the column's own type in ClickHouse, whose driver
// took nothing but Int64. A count it cannot hold is refused before
// anything is written, naming the conversation and the column, by
// Insert, by Import, and by ImportAll's check given the database; a
// wider column then takes it.
func TestCountTooLargeForANarrowColumn(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		d              sqlsource.Dialect
		in, out        string // the count columns' types
		outMax         int    // the largest outgoing count its column holds
		wantErr, widen string
	}{
		{sqlsource.PostgreSQL, "integer", "smallint", 32767,
			`sqlsource: insert conversation "big": incoming_messages: 2147483648 does not fit column "incoming_messages", which is integer and holds at most 2147483647: make the column bigint`,
			`ALTER TABLE %s ALTER COLUMN incoming_messages TYPE bigint`},
		{sqlsource.ClickHouse, "Nullable(Int32)", "UInt16", 65535,
			"sqlsource: insert conversation \"big\": incoming_messages: 2147483648 does not fit column `incoming_messages`, which is Int32 and holds at most 2147483647: make the column Int64",
			`ALTER TABLE %s MODIFY COLUMN incoming_messages Nullable(Int64)`},
	}
	t0 := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	big := []convreport.Conversation{
		{ID: "c", Channel: convreport.Chat, CreatedAt: t0, IncomingMessages: 5},
		{ID: "big", Channel: convreport.Chat, CreatedAt: t0, IncomingMessages: 1 << 31},
	}
	for _, c := range cases {
		t.Run(c.d.String(), func(t *testing.T) {
			fit := []convreport.Conversation{
				{ID: "a", Channel: convreport.Chat, CreatedAt: t0, IncomingMessages: 1<<31 - 1, OutgoingMessages: c.outMax},
				{ID: "b", Channel: convreport.Chat, CreatedAt: t0, IncomingMessages: 3},
			}
			db := openDB(t, c.d)
			table := ownTable(t, db, c.d, "h1narrow", map[string]string{"incoming_messages": c.in, "outgoing_messages": c.out})
			m := sqlsource.Mapping{Table: table}
			rows := func() int {
				var n int
				require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM "+quoteIdent(c.d, table)).Scan(&n))
				return n
			}
			before := sqlsource.CopiedBatches.Load()
			_, err := sqlsource.Import(ctx, db, c.d, m, nil, fit, sqlsource.ImportOptions{BatchSize: 1})
			require.NoError(t, err)
			if c.d == sqlsource.PostgreSQL {
				require.Equal(t, int64(2), sqlsource.CopiedBatches.Load()-before, "copied into the integer columns")
			}
			src, err := sqlsource.New(db, c.d, sqlsource.WithMapping(m))
			require.NoError(t, err)
			require.Equal(t, map[string][2]int{"a": {1<<31 - 1, c.outMax}, "b": {3, 0}}, countsOf(t, src))

			// Refused before the first batch (c) is written.
			_, err = sqlsource.Import(ctx, db, c.d, m, nil, big, sqlsource.ImportOptions{BatchSize: 1})
			require.EqualError(t, err, c.wantErr)
			err = sqlsource.Insert(ctx, db, c.d, m, nil, big)
			require.EqualError(t, err, c.wantErr)
			seq := func(yield func(convreport.Conversation, error) bool) {
				for _, cv := range big {
					if !yield(cv, nil) {
						return
					}
				}
			}
			_, err = sqlsource.ImportAll(ctx, db, c.d, m, nil, seq, sqlsource.ImportOptions{BatchSize: 1, CheckOnly: true})
			require.EqualError(t, err, c.wantErr, "the check reads the column types")
			require.Equal(t, 2, rows(), "nothing written")
			_, err = sqlsource.ImportAll(ctx, nil, c.d, m, nil, seq, sqlsource.ImportOptions{BatchSize: 1, CheckOnly: true})
			require.NoError(t, err, "without the database, nothing says the column is narrow")
			tooMany := slices.Clone(fit[1:])
			tooMany[0].ID, tooMany[0].OutgoingMessages = "d", c.outMax+1
			_, err = sqlsource.Import(ctx, db, c.d, m, nil, tooMany, sqlsource.ImportOptions{})
			require.ErrorContains(t, err, fmt.Sprintf(`conversation "d": outgoing_messages: %d does not fit column `, c.outMax+1))
			if c.d == sqlsource.PostgreSQL {
				require.ErrorContains(t, err, "which is smallint and holds at most 32767: make the column bigint")
			} else {
				require.ErrorContains(t, err, "which is UInt16 and holds at most 65535: make the column Int64")
			}

			_, err = db.Exec(fmt.Sprintf(c.widen, quoteIdent(c.d, table)))
			require.NoError(t, err)
			// A new pool: pgx's cached statements would not survive the
			// change of a column's type.
			db = openDB(t, c.d)
			_, err = sqlsource.Import(ctx, db, c.d, m, nil, big, sqlsource.ImportOptions{BatchSize: 1})
			require.NoError(t, err)
			src, err = sqlsource.New(db, c.d, sqlsource.WithMapping(m))
			require.NoError(t, err)
			got := countsOf(t, src)
			require.Equal(t, [2]int{1 << 31, 0}, got["big"])
			require.Equal(t, []string{"a", "b", "big", "c"}, slices.Sorted(maps.Keys(got)))
		})
	}
}
