package sqlsource_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sourcetest"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// trickySchema has a custom property of every kind.
func trickySchema(t testing.TB) *convreport.Schema {
	s, err := convreport.NewSchema(
		convreport.Property{Name: "VIP", Kind: convreport.KindBool},
		convreport.Property{Name: "Priority", Kind: convreport.KindEnum, Values: []string{"low", "normal", "high", "urgent"}},
		convreport.Property{Name: "Score", Kind: convreport.KindNumber},
		convreport.Property{Name: "Tag", Kind: convreport.KindString},
		convreport.Property{Name: "DueAt", Kind: convreport.KindTime},
		convreport.Property{Name: "SLA", Kind: convreport.KindDuration},
	)
	require.NoError(t, err)
	return s
}

// trickyStrings are values SQL must carry byte for byte: quotes, comments,
// LIKE wildcards, case, unicode, spaces.
var trickyStrings = []string{
	"plain", "it's", `naïve "quotes"`, "'; DROP TABLE conversations; --", "/* comment */ x", "semi;colon",
	"back`tick", `back\slash`, "50% _off_", "日本語", "emoji 🎉", "Ünïcödé", "trailing space ", " leading",
	"CASE sensitive", "case sensitive", "?", "x?", "--", "a'b\"c`d",
}

// trickyData is generated conversations with tricky strings and every kind
// of custom property; withNUL adds strings holding NUL bytes and invalid
// UTF-8, which SQLite keeps and PostgreSQL text cannot.
func trickyData(n int, withNUL bool) []convreport.Conversation {
	cs := sourcetest.Generate(n, 21)
	rng := rand.New(rand.NewPCG(3, 4))
	strs := trickyStrings
	if withNUL {
		strs = append(strs[:len(strs):len(strs)], "nul\x00inside", "\x00", "bad \xff utf8")
	}
	pick := func() string {
		if rng.IntN(6) == 0 {
			return ""
		}
		return strs[rng.IntN(len(strs))]
	}
	for i := range cs {
		c := &cs[i]
		c.Subject = pick()
		c.ClosedBy = pick()
		if rng.IntN(3) == 0 {
			c.Inbox = pick()
		}
		if tag := pick(); tag != "" && utf8.ValidString(tag) { // JSON holds only UTF-8
			c.Properties["Tag"] = tag
		}
		if rng.IntN(2) == 0 {
			c.Properties["DueAt"] = c.CreatedAt.Add(time.Duration(rng.Int64N(int64(72 * time.Hour))))
		}
		if rng.IntN(2) == 0 {
			c.Properties["SLA"] = time.Duration(rng.Int64N(int64(3 * time.Hour)))
		}
	}
	return cs
}

// trickyReports exercise every condition operator on built-in, derived
// and custom properties, and dimensions of every groupable kind.
func trickyReports() []convreport.Report {
	avg := convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}
	filters := []string{
		`Subject == "it's"`,
		`Subject != "it's"`,
		`Subject contains "'"`,
		`Subject contains "%"`,
		`Subject contains "_"`,
		`Subject startsWith "50%"`,
		`Subject endsWith " "`,
		`Subject endsWith "?"`,
		`Subject startsWith "é"`,
		`Subject contains "é"`,
		`Subject in ["日本語", "emoji 🎉", "case sensitive"]`,
		`Subject not in ["日本語", "CASE sensitive"]`,
		`Subject == "case sensitive"`,
		`Subject == nil`,
		`Subject != nil && ClosedBy == nil`,
		`ClosedBy contains "--" || ClosedBy contains "/*"`,
		`Inbox == nil`,
		`Inbox != "Sales"`,
		`Tag == "back\\slash"`,
		`Tag startsWith "a'b"`,
		`Tag == nil`,
		`VIP == false`,
		`VIP != true`,
		`Priority not in ["low"]`,
		`Score >= 5 && Score < 7.5`,
		`Score == 3`,
		`DueAt < date("2025-05-01")`,
		`DueAt >= date("2025-05-01T10:00:00Z") || DueAt == nil`,
		`SLA > duration("1h")`,
		`SLA <= duration("30m") && SLA != nil`,
		`SLA == nil`,
		`FirstResponseTime > duration("10m")`,
		`TimeToClose < duration("1h") || TimeToClose == nil`,
		`WaitTime >= duration("90s") && !(WaitTime >= duration("2h"))`,
		`ClosedAt >= daysAgo(20) && ClosedAt != nil`,
		`FirstAssignedAt == nil`,
		`!(Channel in ["chat", "email"])`,
		`IncomingMessages in [0, 2]`,
		// Times outside the supported ones, which have no nanosecond count.
		`DueAt < date("2300-01-01") && CreatedAt > date("1600-01-01")`,
		`DueAt >= date("2300-01-01") || ClosedAt <= date("1600-01-01")`,
		`DueAt in [date("2300-01-01"), date("2025-05-01T10:00:00Z")] || DueAt != date("1500-01-01") && Inbox == "Sales"`,
		`DueAt not in [date("1500-01-01"), date("2025-05-01T10:00:00Z")]`,
	}
	var rs []convreport.Report
	for _, f := range filters {
		rs = append(rs, convreport.Report{Name: "filter " + f, Filter: f, Dimensions: []string{"Inbox"}, Measure: avg})
	}
	rs = append(rs,
		convreport.Report{Name: "by subject", Dimensions: []string{"Subject"}},
		convreport.Report{Name: "by closed by and tag", Dimensions: []string{"ClosedBy", "Tag"}},
		convreport.Report{Name: "by vip and priority", Dimensions: []string{"VIP", "Priority"}, Measure: convreport.Measure{Agg: convreport.Min, Metric: convreport.FirstResponseTime}},
		convreport.Report{Name: "median close by tag", Dimensions: []string{"Tag"}, DateProperty: "ClosedAt", Measure: convreport.Measure{Agg: convreport.Median, Metric: convreport.TimeToClose}},
		convreport.Report{Name: "p95 by inbox, top 3", Dimensions: []string{"Inbox"}, Limit: 3, Measure: convreport.Measure{Agg: convreport.Percentile, P: 95, Metric: convreport.WaitTime}},
		convreport.Report{Name: "by vip and priority, top 3", Dimensions: []string{"VIP", "Priority"}, Limit: 3},
		convreport.Report{Name: "weekly by subject, top 4", Dimensions: []string{"Subject"}, Bucket: convreport.Week, Limit: 4},
		convreport.Report{Name: "weekly by closed by, top 2", Dimensions: []string{"ClosedBy"}, Bucket: convreport.Week, Limit: 2, Sort: convreport.ByValueAsc},
		convreport.Report{Name: "p33.333333 by inbox", Dimensions: []string{"Inbox"}, Measure: convreport.Measure{Agg: convreport.Percentile, P: 33.333333, Metric: convreport.FirstResponseTime}},
		convreport.Report{Name: "daily by due date", Bucket: convreport.Day, DateProperty: "DueAt"},
		convreport.Report{Name: "structured conditions", Dimensions: []string{"Subject"}, Conditions: []convreport.Condition{
			{Property: "Subject", Op: convreport.IsNoneOf, Values: []string{"'; DROP TABLE conversations; --", `naïve "quotes"`}},
			{Property: "Tag", Op: convreport.StartsWith, Values: []string{"/*"}},
		}},
		convreport.Report{Name: "scoped snapshot", Dimensions: []string{"Inbox"}, Snapshot: true},
	)
	return rs
}

func trickyQuery(t testing.TB) convreport.Query {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	return convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, paris), To: time.Date(2025, 7, 1, 0, 0, 0, 0, paris), Zone: paris, Now: time.Date(2025, 6, 10, 0, 0, 0, 0, paris)}
}

// blankUnknowns turns half the NULL strings of the table into empty
// strings: a user's table may hold either for "no value".
func blankUnknowns(t *testing.T, db *sql.DB, d sqlsource.Dialect, table string, cols ...string) {
	t.Helper()
	q := func(s string) string { return quoteIdent(d, s) }
	for _, c := range cols {
		if d == sqlsource.ClickHouse {
			clickHouseUpdate(t, db, table, fmt.Sprintf("%s = '' WHERE %s IS NULL AND (%s LIKE '%%0' OR %s LIKE '%%2')", q(c), q(c), q("id"), q("id")))
			continue
		}
		res, err := db.Exec(fmt.Sprintf("UPDATE %s SET %s = '' WHERE %s IS NULL AND %s LIKE '%%0' OR %s LIKE '%%2' AND %s IS NULL", q(table), q(c), q(c), q("id"), q("id"), q(c)))
		require.NoError(t, err)
		n, err := res.RowsAffected()
		require.NoError(t, err)
		require.Positive(t, n, "some %s made empty", c)
	}
}

// Every operator, kind and layout gives the memory engine's results,
// decimal for decimal, pushed down and scanned.
func TestSemanticsMatchMemory(t *testing.T) {
	layouts := map[string]func(table string) sqlsource.Mapping{
		"custom properties in JSON": func(table string) sqlsource.Mapping {
			return sqlsource.Mapping{Table: table, JSON: "extra", JSONKeys: map[string]string{"Tag": "tag key", "SLA": "sla.ns"}}
		},
		"custom properties in columns": func(table string) sqlsource.Mapping {
			return sqlsource.Mapping{Table: table, Columns: map[string]string{
				"VIP": "is_vip", "Priority": "prio", "Score": "score", "Tag": "Tag", "DueAt": "due_at", "SLA": "sla_ns",
				"Subject": "topic", "assignee": "owner",
			}}
		},
	}
	ctx := context.Background()
	schema := trickySchema(t)
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			cs := trickyData(800, d != sqlsource.PostgreSQL)
			mem, err := memory.New(cs, memory.WithSchema(schema))
			require.NoError(t, err)
			want, err := convreport.NewEngine(mem).Run(ctx, trickyQuery(t), trickyReports()...)
			require.NoError(t, err)
			// Limits that make the earlier period of a compared top N
			// fold groups, or go over its points, so that the engine runs
			// it again kept to the series shown now.
			cq := trickyQuery(t)
			cq.Compare = convreport.ComparePrevious
			tight := []convreport.Limits{{MaxGroups: 4}, {MaxPoints: 150}}
			wantCompared := make([][]convreport.Result, len(tight))
			for j, lim := range tight {
				wantCompared[j], err = convreport.NewEngine(mem, convreport.WithLimits(lim)).Run(ctx, cq, trickyReports()...)
				require.NoError(t, err)
				requireComparedValues(t, wantCompared[j])
			}
			for name, layout := range layouts {
				if d == sqlsource.ClickHouse && name == "custom properties in JSON" {
					// ClickHouse refuses a JSON column (mapping_test checks it).
					continue
				}
				t.Run(name, func(t *testing.T) {
					m := layout(tableName(t, db, d, "tricky"))
					push := load(t, db, d, m, schema, cs)
					blankUnknowns(t, db, d, m.Table, "inbox", "closed_by")
					scan, err := sqlsource.New(db, d, sqlsource.WithSchema(schema), sqlsource.WithMapping(m), sqlsource.WithoutPushdown())
					require.NoError(t, err)
					for i, r := range trickyReports() {
						for mode, src := range map[string]*sqlsource.Source{"pushdown": push, "scan": scan} {
							got, err := convreport.NewEngine(src).Run(ctx, trickyQuery(t), r)
							require.NoError(t, err, "%s: %s", mode, r.Name)
							requireSameText(t, resultText(want[i:i+1]), resultText(got), "%s: %s", mode, r.Name)
						}
					}
					require.Equal(t, int64(len(trickyReports())), push.Stats().Answered, "every report pushed down")
					// A compared run keeps the earlier period to the
					// series a top N shows now: by values of every kind,
					// unknown and empty ones among them.
					for j, lim := range tight {
						for i, r := range trickyReports() {
							if r.Limit == 0 {
								continue
							}
							want := wantCompared[j][i : i+1]
							for mode, src := range map[string]*sqlsource.Source{"pushdown": push, "scan": scan} {
								got, err := convreport.NewEngine(src, convreport.WithLimits(lim)).Run(ctx, cq, r)
								require.NoError(t, err, "%s: %s compared, %+v", mode, r.Name, lim)
								requireSameText(t, resultText(want)+previousText(want), resultText(got)+previousText(got), "%s: %s compared, %+v", mode, r.Name, lim)
							}
						}
					}
				})
			}
		})
	}
}

// A table of the user's own making: other names, other column order, an
// extra column, and case-insensitive columns, which must not make "Sales"
// equal "sales".
func TestOwnTableLayout(t *testing.T) {
	db := openDB(t, sqlsource.SQLite)
	_, err := db.Exec("CREATE TABLE tickets (" +
		"notes TEXT, ticket_id TEXT PRIMARY KEY, medium TEXT, queue TEXT COLLATE NOCASE, agent TEXT COLLATE NOCASE, squad TEXT, state TEXT," +
		"opened INTEGER, assigned INTEGER, answered INTEGER, solved INTEGER, solver TEXT, page TEXT, flow TEXT, origin TEXT," +
		"customer TEXT, title TEXT COLLATE NOCASE, msgs_in INTEGER, msgs_out INTEGER, attrs TEXT)")
	require.NoError(t, err)
	m := sqlsource.Mapping{Table: "tickets", JSON: "attrs", Columns: map[string]string{
		"ID": "ticket_id", "Channel": "medium", "Inbox": "queue", "Assignee": "agent", "Team": "squad", "Status": "state",
		"CreatedAt": "opened", "FirstAssignedAt": "assigned", "FirstResponseAt": "answered", "ClosedAt": "solved",
		"ClosedBy": "solver", "OriginURL": "page", "Chatflow": "flow", "Source": "origin", "ContactID": "customer",
		"Subject": "title", "IncomingMessages": "msgs_in", "OutgoingMessages": "msgs_out",
	}}
	cs := sourcetest.Generate(600, 8)
	for i := range cs {
		if i%2 == 0 {
			cs[i].Inbox = strings.ToLower(cs[i].Inbox)
			cs[i].Assignee = strings.ToUpper(cs[i].Assignee)
		}
	}
	src := load(t, db, sqlsource.SQLite, m, sourcetest.Schema(), cs)
	mem, err := memory.New(cs, memory.WithSchema(sourcetest.Schema()))
	require.NoError(t, err)
	reports := []convreport.Report{
		{Name: "by inbox", Dimensions: []string{"Inbox"}},
		{Name: "by assignee", Dimensions: []string{"Assignee"}, Filter: `Inbox in ["Sales", "support"]`},
		{Name: "subject", Dimensions: []string{"Subject"}, Filter: `Subject startsWith "refund" || Subject == "hello"`},
	}
	q := conformance.Queries()[1].Query
	want, err := convreport.NewEngine(mem).Run(context.Background(), q, reports...)
	require.NoError(t, err)
	got, err := convreport.NewEngine(src).Run(context.Background(), q, reports...)
	require.NoError(t, err)
	requireSameText(t, resultText(want), resultText(got), "own table")
	require.Equal(t, int64(1), src.Stats().Answered)
	require.Contains(t, resultText(got), "Inbox=sales", "case variants stay apart")
}

// clickHouseUpdate runs ALTER TABLE … UPDATE set (a mutation, which runs in
// the background) and waits for it: 18.16 has no mutations_sync.
func clickHouseUpdate(t *testing.T, db *sql.DB, table, set string) {
	t.Helper()
	_, err := db.Exec("ALTER TABLE " + quoteIdent(sqlsource.ClickHouse, table) + " UPDATE " + set)
	require.NoError(t, err)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var pending uint64
		require.NoError(t, db.QueryRow("SELECT count() FROM system.mutations WHERE database = currentDatabase() AND table = ? AND is_done = 0", table).Scan(&pending))
		if pending == 0 {
			return
		}
		require.True(t, time.Now().Before(deadline), "the mutation on %s did not finish", table)
		time.Sleep(50 * time.Millisecond)
	}
}

// requireComparedValues asserts that the compared run of each top N has
// earlier values to compare, some of them not zero: else the comparison
// would prove nothing.
func requireComparedValues(t *testing.T, rs []convreport.Result) {
	t.Helper()
	for _, r := range rs {
		if r.Report.Limit == 0 {
			continue
		}
		var some bool
		for _, p := range r.Points {
			some = some || p.Previous != nil && p.Previous.Count > 0
		}
		require.True(t, some, "%s: no earlier value", r.Report.Name)
	}
}
