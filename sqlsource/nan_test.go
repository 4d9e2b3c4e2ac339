package sqlsource_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// A float column of PostgreSQL or ClickHouse can hold NaN. A scan reads it
// as the engine holds every number, where NaN is unknown: it matches no
// comparison, "score == nil" takes it, and a drill-down sorted by the
// number lists it with the unknown ones, last. PostgreSQL orders NaN above
// every number, so a pushed-down "score > 1" counted it; now every
// statement reads NaN as unknown, as the scan does.
func TestNaNNumbersAreUnknownAsTheScanReadsThem(t *testing.T) {
	ctx := context.Background()
	march := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC).UnixNano()
	schema, err := convreport.NewSchema(convreport.Property{Name: "score", Kind: convreport.KindNumber})
	require.NoError(t, err)
	reports := []convreport.Report{
		{Name: "scored high", Filter: "score > 1"},
		{Name: "scored low", Filter: "score < 10"},
		{Name: "not scored", Filter: "score == nil"},
		{Name: "scored", Filter: "score != nil"},
		{Name: "not five", Filter: "score != 5"},
		{Name: "by rep", Dimensions: []string{"Assignee"}},
	}
	// By hand: a is 5, b NaN, c unknown, d 0.5.
	want := map[string]int64{"scored high": 1, "scored low": 2, "not scored": 2, "scored": 2, "not five": 3, "by rep": 4}
	for _, d := range []sqlsource.Dialect{sqlsource.PostgreSQL, sqlsource.ClickHouse} {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			m := sqlsource.Mapping{Table: tableName(t, db, d, "nan"), Columns: map[string]string{"score": "score"}}
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, schema))
			row := func(id string, score any) map[string]any {
				r := map[string]any{"id": id, "channel": "chat", "status": "open", "created_at": march, "assignee": "Ana", "incoming_messages": int64(0), "outgoing_messages": int64(0)}
				if score != nil {
					r["score"] = score
				}
				return r
			}
			for _, r := range []map[string]any{row("a", 5.0), row("b", math.NaN()), row("c", nil), row("d", 0.5)} {
				require.NoError(t, insertRaw(db, d, m.Table, r))
			}
			var declines []error
			pushed, err := sqlsource.New(db, d, sqlsource.WithMapping(m), sqlsource.WithSchema(schema), sqlsource.WithDeclineHook(func(err error) { declines = append(declines, err) }))
			require.NoError(t, err)
			scanned, err := sqlsource.New(db, d, sqlsource.WithMapping(m), sqlsource.WithSchema(schema), sqlsource.WithoutPushdown())
			require.NoError(t, err)
			for _, r := range reports {
				w, err := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, r)
				require.NoError(t, err)
				require.Equal(t, want[r.Name], w[0].Matched, "%s, scanned", r.Name)
				g, err := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, r)
				require.NoError(t, err)
				require.Equal(t, want[r.Name], g[0].Matched, "%s, pushed down", r.Name)
			}
			require.Empty(t, declines)
			// Sorted by score, NaN with the unknown ones, last, by ID.
			eng := convreport.NewEngine(pushed)
			res, err := eng.Run(ctx, floatCountQuery, reports[5])
			require.NoError(t, err)
			for _, desc := range []bool{false, true} {
				page, err := eng.DrillPage(ctx, floatCountQuery, res[0].Report, res[0].Points[0], "score", desc, 0, 10)
				require.NoError(t, err)
				var ids []string
				for _, c := range page.Rows {
					ids = append(ids, c.ID)
				}
				if desc {
					require.Equal(t, []string{"a", "d", "b", "c"}, ids)
				} else {
					require.Equal(t, []string{"d", "a", "b", "c"}, ids)
				}
			}
			require.EqualValues(t, 2, pushed.Stats().DrillsAnswered)

			// Integer and decimal columns, which hold no NaN, are read
			// through the same expression.
			types := []string{"bigint", "integer", "numeric(10,2)", "numeric", "real"}
			if d == sqlsource.ClickHouse {
				types = []string{"Nullable(Int32)", "Nullable(Int64)", "Nullable(Float32)", "Nullable(Float64)", "Nullable(UInt8)"} // NULL for unknown
			}
			for _, typ := range types {
				m := sqlsource.Mapping{Table: tableName(t, db, d, "nantyped"), Columns: map[string]string{"score": "score"}}
				require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, schema))
				stmt := "ALTER TABLE " + quoteIdent(d, m.Table) + " ALTER COLUMN score TYPE " + typ
				if d == sqlsource.ClickHouse {
					stmt = "ALTER TABLE " + quoteIdent(d, m.Table) + " MODIFY COLUMN score " + typ
				}
				_, err := db.Exec(stmt)
				require.NoError(t, err, stmt)
				for _, r := range []map[string]any{row("a", int64(5)), row("c", nil), row("d", int64(0))} {
					require.NoError(t, insertRaw(db, d, m.Table, r))
				}
				pushed, err := sqlsource.New(db, d, sqlsource.WithMapping(m), sqlsource.WithSchema(schema))
				require.NoError(t, err, typ)
				// By hand: a is 5, c unknown, d 0.
				for name, n := range map[string]int64{"scored high": 1, "scored low": 2, "not scored": 1, "not five": 2} {
					for _, r := range reports {
						if r.Name != name {
							continue
						}
						g, err := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, r)
						require.NoError(t, err, "%s, %s", typ, name)
						require.Equal(t, n, g[0].Matched, "%s, %s", typ, name)
					}
				}
				require.EqualValues(t, 4, pushed.Stats().Answered, typ)
			}
		})
	}
}
