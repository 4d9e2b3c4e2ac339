package sqlsource_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// PostgreSQL's JSON column of custom properties is checked when the
// source opens, as the time and count columns are: a text column failed
// the first report that read it with "operator does not exist: text ->
// text", a json one with "function jsonb_typeof(json) does not exist". A
// json column is read as jsonb, answering as the jsonb table does, and
// written to; a text one is refused naming the column and the fix.
func TestPostgreSQLJSONColumnType(t *testing.T) {
	ctx := context.Background()
	schema, err := convreport.NewSchema(
		convreport.Property{Name: "seats", Kind: convreport.KindNumber},
		convreport.Property{Name: "plan", Kind: convreport.KindString},
		convreport.Property{Name: "renewal", Kind: convreport.KindTime})
	require.NoError(t, err)
	t0 := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	cs := []convreport.Conversation{
		{ID: "a", Channel: convreport.Chat, Assignee: "Ana", CreatedAt: t0, Properties: map[string]any{"seats": 3.0, "plan": "pro", "renewal": t0.Add(time.Hour)}},
		{ID: "b", Channel: convreport.Chat, Assignee: "Bob", CreatedAt: t0.Add(time.Minute), Properties: map[string]any{"seats": 12.0, "plan": "free"}},
		{ID: "c", Channel: convreport.Chat, Assignee: "Bob", CreatedAt: t0.Add(2 * time.Minute), Properties: map[string]any{"seats": 40.0, "plan": "pro", "renewal": t0.Add(48 * time.Hour)}},
		{ID: "d", Channel: convreport.Chat, Assignee: "Cy", CreatedAt: t0.Add(3 * time.Minute)},
	}
	more := []convreport.Conversation{
		{ID: "e", Channel: convreport.Chat, Assignee: "Cy", CreatedAt: t0.Add(4 * time.Minute), Properties: map[string]any{"seats": 20.0, "plan": "pro"}},
	}
	q := convreport.Query{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), Now: t0.Add(2 * time.Hour)}
	reports := []convreport.Report{
		// By hand: seats > 10 is b, c (and e once written).
		{Name: "many seats", Filter: "seats > 10"},
		{Name: "by plan", Dimensions: []string{"plan"}},
		{Name: "renewing", Filter: `renewal < date("2025-03-04")`},
	}
	wantMatched := map[string]int64{"many seats": 2, "by plan": 4, "renewing": 1}
	db := openDB(t, sqlsource.PostgreSQL)
	m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "h3json")}
	require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, schema))
	require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, schema, cs))
	alter := func(typ string) *sql.DB {
		_, err := db.Exec("ALTER TABLE " + quoteIdent(sqlsource.PostgreSQL, m.Table) + " ALTER COLUMN properties TYPE " + typ + " USING properties::" + typ)
		require.NoError(t, err)
		// A new pool: pgx's cached statements would not survive the
		// change of the column's type.
		return openDB(t, sqlsource.PostgreSQL)
	}
	run := func(db *sql.DB, data []convreport.Conversation) {
		t.Helper()
		mem, err := memory.New(data, memory.WithSchema(schema))
		require.NoError(t, err)
		src, err := sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithSchema(schema), sqlsource.WithMapping(m))
		require.NoError(t, err)
		for _, r := range reports {
			want, err := convreport.NewEngine(mem).Run(ctx, q, r)
			require.NoError(t, err)
			got, err := convreport.NewEngine(src).Run(ctx, q, r)
			require.NoError(t, err, r.Name)
			require.Equal(t, resultText(want), resultText(got), r.Name)
			if len(data) == len(cs) {
				require.Equal(t, wantMatched[r.Name], got[0].Matched, r.Name)
			}
		}
		all := convreport.Report{Name: "all"}
		res, err := convreport.NewEngine(mem).Run(ctx, q, all)
		require.NoError(t, err)
		want, err := convreport.NewEngine(mem).DrillPage(ctx, q, all, res[0].Points[0], "seats", true, 0, 10)
		require.NoError(t, err)
		got, err := convreport.NewEngine(src).DrillPage(ctx, q, all, res[0].Points[0], "seats", true, 0, 10)
		require.NoError(t, err)
		var wantIDs, gotIDs []string
		for i := range want.Rows {
			wantIDs, gotIDs = append(wantIDs, want.Rows[i].ID), append(gotIDs, got.Rows[i].ID)
		}
		require.Equal(t, wantIDs, gotIDs, "sorted by seats")
		require.Equal(t, sqlsource.Stats{Answered: int64(len(reports)), DrillsAnswered: 1}, src.Stats(), "every report and the page answered in SQL")
	}
	run(db, cs)

	jsonDB := alter("json")
	run(jsonDB, cs)
	_, err = sqlsource.Import(ctx, jsonDB, sqlsource.PostgreSQL, m, schema, more, sqlsource.ImportOptions{})
	require.NoError(t, err, "written to the json column")
	run(jsonDB, append(cs, more...))
	src, err := sqlsource.New(jsonDB, sqlsource.PostgreSQL, sqlsource.WithSchema(schema), sqlsource.WithMapping(m))
	require.NoError(t, err)
	res, err := convreport.NewEngine(src).Run(ctx, q, reports[0])
	require.NoError(t, err)
	require.Equal(t, wantMatched["many seats"]+1, res[0].Matched, "b, c and e")

	textDB := alter("text")
	_, err = sqlsource.New(textDB, sqlsource.PostgreSQL, sqlsource.WithSchema(schema), sqlsource.WithMapping(m))
	table := quoteIdent(sqlsource.PostgreSQL, m.Table)
	require.EqualError(t, err, `sqlsource: table `+table+`: column "properties", the JSON object of custom properties, is text: custom properties are read as jsonb: make it jsonb (ALTER TABLE `+table+` ALTER COLUMN "properties" TYPE jsonb USING "properties"::jsonb)`)
	var cte *sqlsource.ColumnTypeError
	require.ErrorAs(t, err, &cte)
	require.True(t, cte.JSON)
	require.Equal(t, "properties", cte.Column)
	require.Equal(t, "text", cte.Type)

	// Without a custom property in it, the column is not read: no check.
	_, err = sqlsource.New(textDB, sqlsource.PostgreSQL, sqlsource.WithMapping(m))
	require.NoError(t, err)
}
