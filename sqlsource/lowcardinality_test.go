package sqlsource_test

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// ClickHouse's driver gave the values of a LowCardinality(Nullable(…))
// column as pointers, which database/sql cannot store: such a table
// opened, but every scan, drill-down and report grouped by such a column
// failed with "storing driver.Value type *string into type *string".
// A table of them now reads as the same table of Nullable columns does:
// the same conversations, the same numbers pushed down or scanned, the
// same drill-down pages.
func TestClickHouseLowCardinalityNullableColumns(t *testing.T) {
	db := openDB(t, sqlsource.ClickHouse)
	// LowCardinality is experimental in ClickHouse 18.16: a table of it
	// is created with the setting that allows it.
	lcDB, err := sql.Open("clickhouse", clickHouseDSNs(t)[0]+"&allow_experimental_low_cardinality_type=1")
	require.NoError(t, err)
	t.Cleanup(func() { lcDB.Close() })
	ctx := context.Background()

	t0 := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	cs := []convreport.Conversation{
		{ID: "a", Channel: convreport.Chat, Inbox: "Sales", Assignee: "Ana", Team: "T1", CreatedAt: t0, FirstResponseAt: t0.Add(2 * time.Minute), IncomingMessages: 3, OutgoingMessages: 1},
		{ID: "b", Channel: convreport.Email, Inbox: "Support", Assignee: "Ana", CreatedAt: t0.Add(time.Hour), FirstResponseAt: t0.Add(time.Hour + 4*time.Minute), IncomingMessages: 1},
		{ID: "c", Channel: convreport.Chat, Inbox: "Sales", Assignee: "Bob", Team: "T2", CreatedAt: t0.Add(2 * time.Hour), FirstResponseAt: t0.Add(2*time.Hour + 10*time.Minute), IncomingMessages: 5, OutgoingMessages: 2},
		{ID: "d", Channel: convreport.Chat, Inbox: "Sales", CreatedAt: t0.Add(3 * time.Hour)},
		{ID: "e", Channel: convreport.Email, Assignee: "Bob", CreatedAt: t0.Add(4 * time.Hour), FirstResponseAt: t0.Add(4*time.Hour + 6*time.Minute)},
		{ID: "f", Channel: convreport.Chat, Inbox: "Support", Assignee: "Cy", Status: convreport.Closed, CreatedAt: t0.Add(5 * time.Hour), FirstResponseAt: t0.Add(5*time.Hour + time.Minute), ClosedAt: t0.Add(6 * time.Hour), ClosedBy: "Cy", IncomingMessages: 2},
	}

	// The same columns, Nullable in one table and LowCardinality(Nullable)
	// in the other: strings, a time, and counts.
	plainTypes := map[string]string{"first_response_at": "Nullable(Int64)", "incoming_messages": "Nullable(Int32)", "outgoing_messages": "Nullable(UInt16)"}
	lcTypes := map[string]string{}
	for _, c := range defaultColumns {
		switch {
		case c == "id" || c == "created_at":
		case plainTypes[c] != "":
			lcTypes[c] = "LowCardinality(" + plainTypes[c] + ")"
		case c == "first_assigned_at" || c == "closed_at":
		default:
			lcTypes[c] = "LowCardinality(Nullable(String))"
		}
	}
	plain := sqlsource.Mapping{Table: ownTable(t, db, sqlsource.ClickHouse, "lcplain", plainTypes)}
	lc := sqlsource.Mapping{Table: ownTable(t, lcDB, sqlsource.ClickHouse, "lcnull", lcTypes)}
	for _, m := range []sqlsource.Mapping{plain, lc} {
		require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.ClickHouse, m, nil, cs), m.Table)
	}
	var typ string
	require.NoError(t, db.QueryRow("SELECT type FROM system.columns WHERE database = currentDatabase() AND table = ? AND name = 'assignee'", lc.Table).Scan(&typ))
	require.Equal(t, "LowCardinality(Nullable(String))", typ)

	open := func(m sqlsource.Mapping, opts ...sqlsource.Option) *sqlsource.Source {
		src, err := sqlsource.New(db, sqlsource.ClickHouse, append(opts, sqlsource.WithMapping(m))...)
		require.NoError(t, err, m.Table)
		return src
	}
	scanned := func(src *sqlsource.Source) []convreport.Conversation {
		var out []convreport.Conversation
		for c, err := range src.Scan(ctx, convreport.ScanHint{}) {
			require.NoError(t, err)
			out = append(out, *c)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		return out
	}
	want := scanned(open(plain))
	require.Len(t, want, len(cs))
	require.Equal(t, want, scanned(open(lc)), "scan")
	require.Equal(t, "Ana", want[0].Assignee)
	require.Equal(t, "", want[3].Assignee, "d is unassigned")
	require.Equal(t, 3, want[0].IncomingMessages)
	require.Equal(t, 0, want[4].IncomingMessages, "e's count is NULL, read as 0")

	q := convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), Now: time.Date(2025, 4, 2, 0, 0, 0, 0, time.UTC)}
	avgFRT := convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}
	reports := []convreport.Report{
		{Name: "sales by rep", Dimensions: []string{"Assignee"}, Filter: `Inbox == "Sales"`},
		{Name: "Bob's by inbox", Dimensions: []string{"Inbox"}, Conditions: []convreport.Condition{{Property: "Assignee", Op: convreport.IsAnyOf, Values: []string{"Bob"}}}},
		{Name: "assigned", Filter: "Assignee != nil"},
		{Name: "chatty", Filter: "IncomingMessages > 2"},
		{Name: "avg first response by rep", Dimensions: []string{"Assignee"}, Measure: avgFRT},
		{Name: "avg first response, sales", Measure: avgFRT, Conditions: []convreport.Condition{{Property: "Inbox", Op: convreport.Equals, Values: []string{"Sales"}}}},
	}
	mem, err := memory.New(cs)
	require.NoError(t, err)
	ref, err := convreport.NewEngine(mem).Run(ctx, q, reports...)
	require.NoError(t, err)
	// By hand: Sales holds a (Ana), c (Bob) and d (no one); Bob has c in
	// Sales and e in no inbox; first responses take Ana 2m and 4m, Bob
	// 10m and 6m, Cy 1m; in Sales 2m and 10m, d unanswered.
	wantText := resultText(ref)
	for _, line := range []string{
		"  Assignee=Ana other=false count=1 excluded=0 value=1\n",
		"  Inbox=Sales other=false count=1 excluded=0 value=1\n",
		"report \"assigned\" matched=5 ",
		"report \"chatty\" matched=2 ",
		"  Assignee=Bob other=false count=2 excluded=0 value=480\n",
		"  Assignee=Cy other=false count=1 excluded=0 value=60\n",
		"report \"avg first response, sales\" matched=3 excluded=1 ",
	} {
		require.Contains(t, wantText, line)
	}

	for _, mode := range []struct {
		name string
		opts []sqlsource.Option
	}{{"pushdown", nil}, {"scan", []sqlsource.Option{sqlsource.WithoutPushdown()}}} {
		t.Run(mode.name, func(t *testing.T) {
			srcs := map[string]*sqlsource.Source{"plain": open(plain, mode.opts...), "lc": open(lc, mode.opts...)}
			results := map[string][]convreport.Result{}
			for name, src := range srcs {
				res, err := convreport.NewEngine(src).Run(ctx, q, reports...)
				require.NoError(t, err, name)
				requireSameText(t, wantText, resultText(res), "%s table", name)
				results[name] = res
				if mode.opts == nil {
					require.Positive(t, src.Stats().Answered, "%s: pushed down", name)
					require.Zero(t, src.Stats().Declined, "%s: every report pushed down", name)
				}
			}
			// Drill-downs: a rep's point, the point of no rep, and every
			// conversation sorted by rep (no rep last, ties by ID).
			drill := func(name string, r, p int, sortBy string) []string {
				page, err := convreport.NewEngine(srcs[name]).DrillPage(ctx, q, results[name][r].Report, results[name][r].Points[p], sortBy, false, 0, 10)
				require.NoError(t, err, name)
				var ids []string
				for _, c := range page.Rows {
					ids = append(ids, c.ID)
				}
				require.Equal(t, len(ids), page.Total)
				return ids
			}
			for _, name := range []string{"plain", "lc"} {
				points := results[name][0].Points
				require.Len(t, points, 3, "Ana, Bob and no one")
				for p, want := range map[int][]string{0: {"a"}, 1: {"c"}, 2: {"d"}} {
					require.Equal(t, want, drill(name, 0, p, "Assignee"), "%s: sales by rep, point %d", name, p)
				}
				require.Equal(t, []string{"c", "e"}, append(drill(name, 1, 0, "Inbox"), drill(name, 1, 1, "Inbox")...), name)
				require.Equal(t, []string{"a", "b", "c", "e", "f"}, drill(name, 2, 0, "Assignee"), name)
				require.Equal(t, []string{"a", "c"}, drill(name, 3, 0, "IncomingMessages"), name)
			}
			if mode.opts == nil {
				require.Positive(t, srcs["lc"].Stats().DrillsAnswered, "drill-downs in SQL")
			}
		})
	}
}

// Import looks up which IDs the table holds already: an ID column of
// LowCardinality(Nullable(String)) is read as a Nullable one, so that a
// second import of the same rows skips them all.
func TestClickHouseImportLowCardinalityNullableID(t *testing.T) {
	lcDB, err := sql.Open("clickhouse", clickHouseDSNs(t)[0]+"&allow_experimental_low_cardinality_type=1")
	require.NoError(t, err)
	t.Cleanup(func() { lcDB.Close() })
	db := openDB(t, sqlsource.ClickHouse)
	ctx := context.Background()
	table := tableName(t, db, sqlsource.ClickHouse, "lcid")
	var cols []string
	for _, c := range defaultColumns {
		typ := "Nullable(String)"
		switch {
		case c == "id":
			typ = "LowCardinality(Nullable(String))"
		case c == "created_at":
			typ = "Int64"
		case strings.HasSuffix(c, "_at") || strings.HasSuffix(c, "_messages"):
			typ = "Nullable(Int64)"
		}
		cols = append(cols, quoteIdent(sqlsource.ClickHouse, c)+" "+typ)
	}
	// A Nullable column cannot be in the sorting key: created_at alone.
	_, err = lcDB.Exec("CREATE TABLE " + quoteIdent(sqlsource.ClickHouse, table) + " (" + strings.Join(cols, ", ") + ") ENGINE = MergeTree ORDER BY created_at")
	require.NoError(t, err)
	t0 := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	cs := []convreport.Conversation{
		{ID: "a", Channel: convreport.Chat, CreatedAt: t0},
		{ID: "b", Channel: convreport.Chat, CreatedAt: t0.Add(time.Minute)},
	}
	m := sqlsource.Mapping{Table: table}
	for i, want := range []sqlsource.ImportProgress{{Done: 2, Total: 2, Inserted: 2}, {Done: 2, Total: 2, Skipped: 2}} {
		prog, err := sqlsource.Import(ctx, db, sqlsource.ClickHouse, m, nil, cs, sqlsource.ImportOptions{})
		require.NoError(t, err, "import %d", i+1)
		require.Equal(t, want, prog, "import %d", i+1)
	}
	var n uint64
	require.NoError(t, db.QueryRow("SELECT count() FROM "+quoteIdent(sqlsource.ClickHouse, table)).Scan(&n))
	require.Equal(t, uint64(2), n)
}
