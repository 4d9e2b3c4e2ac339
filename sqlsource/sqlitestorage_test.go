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

// A SQLite column keeps what each writer gave it: a string a driver wrote
// as a blob ([]byte) is that string to a scan, and to a pushed-down
// report too, which compares and groups it as text; SQLite itself would
// hold the blob apart from every string, and count it in no group of its
// text.
func TestSQLiteStringsStoredAsBlobsReadAsText(t *testing.T) {
	ctx := context.Background()
	d := sqlsource.SQLite
	db := openDB(t, d)
	march := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	schema, err := convreport.NewSchema(
		convreport.Property{Name: "note", Kind: convreport.KindString},
		convreport.Property{Name: "tier", Kind: convreport.KindEnum, Values: []string{"gold", "silver"}})
	require.NoError(t, err)
	m := sqlsource.Mapping{Table: tableName(t, db, d, "blobs"), Columns: map[string]string{"note": "note", "tier": "tier"}}
	require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, schema))
	m.Table = plainTwin(t, db, d, m.Table) // another program's table, without CreateTable's constraints
	row := func(id string, kv ...any) map[string]any {
		r := map[string]any{"id": id, "channel": "chat", "status": "open", "created_at": march.UnixNano(), "incoming_messages": int64(0), "outgoing_messages": int64(0)}
		for i := 0; i < len(kv); i += 2 {
			r[kv[i].(string)] = kv[i+1]
		}
		return r
	}
	for _, r := range []map[string]any{
		row("a", "inbox", "Sales", "note", "vip", "tier", "gold"),
		row("b", "inbox", []byte("Sales"), "note", []byte("vip"), "tier", []byte("gold"), "channel", []byte("email")),
		row("c", "inbox", []byte("Support"), "channel", "email", "tier", []byte("silver")),
		row("d", "inbox", []byte(""), "note", []byte("")), // unknown, as ''
	} {
		require.NoError(t, insertRaw(db, d, m.Table, r))
	}
	reports := []convreport.Report{
		{Name: "by inbox", Dimensions: []string{"Inbox"}},
		{Name: "by channel", Dimensions: []string{"Channel"}},
		{Name: "by tier", Dimensions: []string{"tier"}},
		{Name: "sales", Filter: `Inbox == "Sales"`},
		{Name: "vip", Filter: `note == "vip"`},
		{Name: "noted", Filter: `note != nil`},
		{Name: "gold or silver", Filter: `tier in ["gold", "silver"]`},
	}
	// By hand: a and b are Sales, vip and gold; c Support and silver; d
	// has no inbox and no note; b and c are email.
	want := map[string]string{
		"by inbox":       "Sales=2 Support=1 (no value)=1",
		"by channel":     "chat=2 email=2",
		"by tier":        "gold=2 silver=1 (no value)=1",
		"sales":          "=2",
		"vip":            "=2",
		"noted":          "=2",
		"gold or silver": "=3",
	}
	open := func(opts ...sqlsource.Option) *sqlsource.Source {
		src, err := sqlsource.New(db, d, append([]sqlsource.Option{sqlsource.WithMapping(m), sqlsource.WithSchema(schema)}, opts...)...)
		require.NoError(t, err)
		return src
	}
	pushed, scanned := open(), open(sqlsource.WithoutPushdown())
	counts := func(r convreport.Result) string {
		s := ""
		for _, p := range r.Points {
			if s != "" {
				s += " "
			}
			label := ""
			if len(p.Dimensions) > 0 {
				label = p.Dimensions[0].Label()
			}
			s += label + "=" + p.Value.Decimal.String()
		}
		return s
	}
	for _, r := range reports {
		w, err := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, r)
		require.NoError(t, err, r.Name)
		g, err := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, r)
		require.NoError(t, err, r.Name)
		require.Equal(t, want[r.Name], counts(w[0]), "%s, scanned", r.Name)
		require.Equal(t, want[r.Name], counts(g[0]), "%s, pushed down", r.Name)
		require.Equal(t, resultText(w), resultText(g), r.Name)

		// Each point's page lists its conversations, sorted by the note.
		for _, p := range g[0].Points {
			wp, err := convreport.NewEngine(scanned).DrillPage(ctx, floatCountQuery, r, p, "note", false, 0, 10)
			require.NoError(t, err, r.Name)
			gp, err := convreport.NewEngine(pushed).DrillPage(ctx, floatCountQuery, r, p, "note", false, 0, 10)
			require.NoError(t, err, r.Name)
			require.Equal(t, rowIDs(wp.Rows), rowIDs(gp.Rows), "%s: %v", r.Name, p.Dimensions)
			require.EqualValues(t, p.Count, len(gp.Rows), r.Name)
		}
	}
	require.EqualValues(t, len(reports), pushed.Stats().Answered)
	require.Zero(t, pushed.Stats().Declined)
}

// A SQLite number column without REAL affinity keeps integers, which
// SQLite compares exactly; a scan reads each as a float64, rounding one
// beyond 2^53 to the nearest, and a pushed-down report compares it so
// rounded too.
func TestSQLiteIntegersInANumberColumnRoundAsScanned(t *testing.T) {
	ctx := context.Background()
	d := sqlsource.SQLite
	db := openDB(t, d)
	march := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	schema, err := convreport.NewSchema(convreport.Property{Name: "score", Kind: convreport.KindNumber})
	require.NoError(t, err)
	m := sqlsource.Mapping{Table: ownTable(t, db, d, "integers", nil), Columns: map[string]string{"score": "score"}}
	for _, stmt := range []string{"ADD COLUMN score INTEGER", "ADD COLUMN properties TEXT"} {
		_, err := db.Exec("ALTER TABLE " + quoteIdent(d, m.Table) + " " + stmt)
		require.NoError(t, err, stmt)
	}
	for id, score := range map[string]int64{"a": 1<<53 + 1, "b": math.MaxInt64, "c": 7, "d": 1 << 53} {
		_, err := db.Exec("INSERT INTO "+quoteIdent(d, m.Table)+" (id, channel, status, created_at, incoming_messages, outgoing_messages, score) VALUES (?, 'chat', 'open', ?, 0, 0, ?)",
			id, march.UnixNano(), score)
		require.NoError(t, err)
	}
	// By hand, as float64s: a and d are 2^53, b is 2^63, c is 7; a
	// literal beyond 2^53 rounds alike.
	want := map[string]int64{
		`score > 9007199254740992`:          1, // b
		`score == 9007199254740992`:         2, // a, d
		`score in [9007199254740992, 7]`:    3, // a, c, d
		`score >= 9223372036854775807`:      1, // b
		`score < 9007199254740993`:          1, // c
		`score != nil and score != 7`:       3, // a, b, d
		`score in [9007199254740993, 1, 2]`: 2, // a, d
	}
	open := func(opts ...sqlsource.Option) *sqlsource.Source {
		src, err := sqlsource.New(db, d, append([]sqlsource.Option{sqlsource.WithMapping(m), sqlsource.WithSchema(schema)}, opts...)...)
		require.NoError(t, err)
		return src
	}
	pushed, scanned := open(), open(sqlsource.WithoutPushdown())
	for filter, n := range want {
		r := convreport.Report{Name: filter, Filter: filter}
		w, err := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, r)
		require.NoError(t, err, filter)
		require.Equal(t, n, w[0].Matched, "%s, scanned", filter)
		g, err := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, r)
		require.NoError(t, err, filter)
		require.Equal(t, n, g[0].Matched, "%s, pushed down", filter)
	}
	require.EqualValues(t, len(want), pushed.Stats().Answered)
}
