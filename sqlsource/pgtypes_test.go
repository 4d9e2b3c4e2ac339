package sqlsource_test

import (
	"context"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// An embedder's PostgreSQL table may keep an enum property in a column of
// an enum type, custom properties in a json column holding text jsonb
// cannot (a \u0000 escape), a custom number in a numeric column holding
// more than a float64. Each reads as a scan reads it: the first two count
// alike (the string with the escape, which PostgreSQL cannot give as
// text, scanned), the last is refused alike.
func TestPostgreSQLColumnsOfOtherTypesReadAsScanned(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, sqlsource.PostgreSQL)
	march := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC).UnixNano()
	schema, err := convreport.NewSchema(
		convreport.Property{Name: "tier", Kind: convreport.KindEnum, Values: []string{"gold", "silver"}},
		convreport.Property{Name: "score", Kind: convreport.KindNumber},
		convreport.Property{Name: "note", Kind: convreport.KindString})
	require.NoError(t, err)
	m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "pgtypes"), Columns: map[string]string{"tier": "tier", "score": "score"}}
	kept := m.Table
	require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, schema))
	m.Table = plainTwin(t, db, sqlsource.PostgreSQL, kept)
	typ := tableName(t, db, sqlsource.PostgreSQL, "tier")
	t.Cleanup(func() { db.Exec("DROP TYPE IF EXISTS " + quoteIdent(sqlsource.PostgreSQL, typ)) })
	for _, stmt := range []string{
		"CREATE TYPE " + quoteIdent(sqlsource.PostgreSQL, typ) + " AS ENUM ('gold', 'silver', 'platinum')",
		"ALTER TABLE " + quoteIdent(sqlsource.PostgreSQL, m.Table) + " ALTER COLUMN tier TYPE " + quoteIdent(sqlsource.PostgreSQL, typ) + " USING tier::" + quoteIdent(sqlsource.PostgreSQL, typ),
		"ALTER TABLE " + quoteIdent(sqlsource.PostgreSQL, m.Table) + " ALTER COLUMN properties TYPE json",
		"ALTER TABLE " + quoteIdent(sqlsource.PostgreSQL, m.Table) + " ALTER COLUMN score TYPE numeric",
	} {
		_, err := db.Exec(stmt)
		require.NoError(t, err, stmt)
	}
	row := func(id, tier string, score any, props string) map[string]any {
		return map[string]any{"id": id, "channel": "chat", "status": "open", "created_at": march, "incoming_messages": int64(0), "outgoing_messages": int64(0), "tier": tier, "score": score, "properties": props}
	}
	for _, r := range []map[string]any{row("a", "gold", "2", `{"note": "x\u0000y"}`), row("b", "silver", "0.5", `{"note": "z"}`), row("c", "gold", "7", `{}`)} {
		require.NoError(t, insertRaw(db, sqlsource.PostgreSQL, m.Table, r))
	}
	reports := []convreport.Report{
		{Name: "by tier", Dimensions: []string{"tier"}},
		{Name: "gold", Filter: `tier == "gold"`},
		{Name: "noted", Filter: `note != nil`},
		{Name: "scored", Filter: `score > 1`},
	}
	// By hand: gold a and c; a and b noted; a and c scored above 1.
	want := map[string]int64{"by tier": 3, "gold": 2, "noted": 2, "scored": 2}
	var declines []error
	open := func(opts ...sqlsource.Option) *sqlsource.Source {
		src, err := sqlsource.New(openDB(t, sqlsource.PostgreSQL), sqlsource.PostgreSQL, append([]sqlsource.Option{sqlsource.WithMapping(m), sqlsource.WithSchema(schema)}, opts...)...)
		require.NoError(t, err)
		return src
	}
	pushed := open(sqlsource.WithDeclineHook(func(err error) { declines = append(declines, err) }))
	scanned := open(sqlsource.WithoutPushdown())
	for _, r := range reports {
		w, err := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, r)
		require.NoError(t, err, r.Name)
		require.Equal(t, want[r.Name], w[0].Matched, "%s, scanned", r.Name)
		g, err := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, r)
		require.NoError(t, err, r.Name)
		require.Equal(t, want[r.Name], g[0].Matched, "%s, pushed down", r.Name)
		require.Equal(t, resultText(w), resultText(g), r.Name)
	}
	// Only the report that reads the note is scanned: text cannot hold
	// the one with a \u0000 escape.
	require.Len(t, declines, 1)
	require.ErrorContains(t, declines[0], "JSON text PostgreSQL cannot read as text")
	require.EqualValues(t, 3, pushed.Stats().Answered)

	// Refused alike: an enum value the type holds and the schema lacks, a
	// number beyond float64.
	for _, bad := range []map[string]any{row("d", "platinum", "1", `{}`), row("d", "gold", "1e400", `{}`)} {
		_, err := db.Exec("DELETE FROM " + quoteIdent(sqlsource.PostgreSQL, m.Table) + " WHERE id = 'd'")
		require.NoError(t, err)
		require.NoError(t, insertRaw(db, sqlsource.PostgreSQL, m.Table, bad))
		_, werr := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, reports[0])
		require.ErrorContains(t, werr, `conversation "d"`)
		_, gerr := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, reports[0])
		require.EqualError(t, gerr, werr.Error())
	}

	// An enum in the json column: the probe reads it, and the string
	// with the escape, which text cannot hold, has every plan scanned.
	lanes, err := convreport.NewSchema(append(schema.Custom(), convreport.Property{Name: "lane", Kind: convreport.KindEnum, Values: []string{"a", "b"}})...)
	require.NoError(t, err)
	_, err = db.Exec("DELETE FROM " + quoteIdent(sqlsource.PostgreSQL, m.Table) + " WHERE id = 'd'")
	require.NoError(t, err)
	declines = nil
	pushed = open(sqlsource.WithSchema(lanes), sqlsource.WithDeclineHook(func(err error) { declines = append(declines, err) }))
	scanned = open(sqlsource.WithSchema(lanes), sqlsource.WithoutPushdown())
	w, err := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, reports[1])
	require.NoError(t, err)
	g, err := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, reports[1])
	require.NoError(t, err)
	require.Equal(t, resultText(w), resultText(g))
	require.Len(t, declines, 1)
	require.NoError(t, insertRaw(db, sqlsource.PostgreSQL, m.Table, row("d", "gold", "1", `{"lane": "c"}`)))
	_, werr := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, reports[1])
	require.ErrorContains(t, werr, `"c" is not one of a, b`)
	_, gerr := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, reports[1])
	require.EqualError(t, gerr, werr.Error())
}

// A statement that fails for a reason no row gives (a column dropped
// since the source opened) is not followed by a read for invalid rows:
// a timeout, say, would only be met twice.
func TestFailedStatementsReadForInvalidRowsOnlyOnDataErrors(t *testing.T) {
	ctx := context.Background()
	for _, d := range []sqlsource.Dialect{sqlsource.PostgreSQL, sqlsource.ClickHouse} {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			table := ownTable(t, db, d, "dropped", nil)
			insertOwn(t, db, d, table, map[string]any{"id": "a", "channel": "chat", "status": "open", "created_at": time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC).UnixNano(), "assignee": "Ana"})
			src, err := sqlsource.New(db, d, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
			require.NoError(t, err)
			_, err = db.Exec("ALTER TABLE " + quoteIdent(d, table) + " DROP COLUMN assignee")
			require.NoError(t, err)
			before := sqlsource.Probes.Load()
			_, err = convreport.NewEngine(src).Run(ctx, floatCountQuery, convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}})
			require.Error(t, err)
			require.Equal(t, before, sqlsource.Probes.Load())
		})
	}
}

// PostgreSQL's timestamptz holds infinity and -infinity, which no time of
// a conversation can be. A scan refuses a row with one, naming it; a
// pushed-down report or drill-down page gives the scan's error, whether
// its statement reads the time (PostgreSQL fails it, "cannot convert
// infinity to bigint", 0A000) or not.
func TestPostgreSQLInfiniteTimesRefusedAsScanned(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, sqlsource.PostgreSQL)
	march := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	schema, err := convreport.NewSchema(convreport.Property{Name: "due", Kind: convreport.KindTime})
	require.NoError(t, err)
	m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "infinite"), Columns: map[string]string{"due": "due"}, Times: sqlsource.Timestamp}
	kept := m.Table
	require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, schema))
	m.Table = plainTwin(t, db, sqlsource.PostgreSQL, kept)
	row := func(id string, kv ...any) map[string]any {
		r := map[string]any{"id": id, "channel": "chat", "status": "closed", "created_at": march, "closed_at": march.Add(2 * time.Hour), "incoming_messages": int64(0), "outgoing_messages": int64(0), "properties": "{}"}
		for i := 0; i < len(kv); i += 2 {
			r[kv[i].(string)] = kv[i+1]
		}
		return r
	}
	require.NoError(t, insertRaw(db, sqlsource.PostgreSQL, m.Table, row("a", "due", march.Add(time.Hour))))
	reports := []convreport.Report{
		{Name: "all"},
		{Name: "due", Filter: `due != nil`},
		{Name: "due by day", Filter: `due != nil`, Bucket: convreport.Day},
		{Name: "time to close", Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.TimeToClose}},
	}
	open := func(opts ...sqlsource.Option) *sqlsource.Source {
		src, err := sqlsource.New(openDB(t, sqlsource.PostgreSQL), sqlsource.PostgreSQL, append([]sqlsource.Option{sqlsource.WithMapping(m), sqlsource.WithSchema(schema)}, opts...)...)
		require.NoError(t, err)
		return src
	}
	pushed, scanned := open(), open(sqlsource.WithoutPushdown())
	// By hand, of a alone: one conversation, due, closed in two hours.
	points := map[string]convreport.Point{}
	for _, r := range reports {
		res, err := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, r)
		require.NoError(t, err, r.Name)
		require.EqualValues(t, 1, res[0].Matched, r.Name)
		for _, p := range res[0].Points { // by day: March 3 alone counts
			if p.Count == 1 {
				points[r.Name] = p
			}
		}
		require.Contains(t, points, r.Name)
	}
	require.Equal(t, march.Truncate(24*time.Hour), points["due by day"].Bucket.UTC())
	require.Equal(t, "7200", points["time to close"].Value.Decimal.String())
	require.EqualValues(t, len(reports), pushed.Stats().Answered)

	for _, bad := range []map[string]any{
		row("b", "due", "infinity"),
		row("b", "due", "-infinity"),
		row("b", "closed_at", "infinity"),
	} {
		_, err := db.Exec("DELETE FROM " + quoteIdent(sqlsource.PostgreSQL, m.Table) + " WHERE id = 'b'")
		require.NoError(t, err)
		require.NoError(t, insertRaw(db, sqlsource.PostgreSQL, m.Table, bad))
		for _, r := range reports {
			_, werr := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, r)
			require.ErrorContains(t, werr, `conversation "b"`, r.Name)
			require.ErrorContains(t, werr, `infinity" is outside the supported times`, r.Name)
			_, gerr := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, r)
			require.EqualError(t, gerr, werr.Error(), r.Name)

			// A drill-down page refuses the row where it lists it: a
			// scan's always (it reads every row), a pushed-down one's
			// where b is of the point, as every conversation is of all.
			for _, src := range []*sqlsource.Source{scanned, pushed} {
				page, err := convreport.NewEngine(src).DrillPage(ctx, floatCountQuery, r, points[r.Name], "", false, 0, 10)
				if err == nil && src == pushed && r.Name != "all" {
					require.Len(t, page.Rows, 1, r.Name)
					require.Equal(t, "a", page.Rows[0].ID, r.Name)
					continue
				}
				require.ErrorContains(t, err, `conversation "b"`, r.Name)
				require.ErrorContains(t, err, `infinity" is outside the supported times`, r.Name)
				require.NotContains(t, err.Error(), "sqlsource: drill-down: sqlsource:", r.Name)
			}
		}
	}
}
