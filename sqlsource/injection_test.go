package sqlsource_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sourcetest"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// injections are strings that would end, comment out or chain a statement
// if they were ever spliced into SQL.
var injections = []string{
	`'; DROP TABLE sentinel; --`,
	`"; DROP TABLE sentinel; --`,
	"`; DROP TABLE sentinel; --",
	`x'); DROP TABLE sentinel; /*`,
	`*/ OR 1=1 --`,
	`' OR '1'='1`,
	`" OR "1"="1`,
	`; DELETE FROM sentinel;`,
	`$1::text`,
	`?`,
	`\'; DROP TABLE sentinel; --`,
	`🎉'--`,
	"line\nbreak'--",
}

// weirdMapping names the table and every column with quotes, comments and
// semicolons.
func weirdMapping(d sqlsource.Dialect, prefix string, s *convreport.Schema) sqlsource.Mapping {
	m := sqlsource.Mapping{
		Table:   prefix + "\"`'; DROP TABLE sentinel; --",
		Columns: map[string]string{},
		JSON:    "props\"; DROP TABLE sentinel; /* `x` */",
	}
	for i, p := range s.Properties() {
		if p.Derived || p.Custom {
			continue
		}
		m.Columns[p.Name] = fmt.Sprintf("%s%s", p.Key, injections[i%len(injections)])
	}
	m.Columns["Score"] = "score'); DROP TABLE sentinel; --"
	m.JSONKeys = map[string]string{"Priority": "prio'; DROP TABLE sentinel; --"}
	if d == sqlsource.ClickHouse {
		// No JSON column: the custom properties get weird columns.
		m.JSON, m.JSONKeys = "", nil
		m.Columns["Priority"] = "prio'; DROP TABLE sentinel; --"
		m.Columns["VIP"] = "vip\"; DROP TABLE sentinel; /* `x` */ \\`"
	}
	return m
}

func createSentinel(t *testing.T, db *sql.DB, d sqlsource.Dialect) {
	t.Helper()
	dropTable(db, d, "sentinel")
	create := `CREATE TABLE sentinel (n integer)`
	if d == sqlsource.ClickHouse {
		create = `CREATE TABLE sentinel (n Int64) ENGINE = Memory`
	}
	_, err := db.Exec(create)
	require.NoError(t, err)
	insert := `INSERT INTO sentinel (n) VALUES (1), (2), (3)`
	if d == sqlsource.ClickHouse {
		// The driver sends INSERT … VALUES as a batch that awaits rows.
		insert = `INSERT INTO sentinel SELECT number + 1 FROM system.numbers LIMIT 3`
	}
	_, err = db.Exec(insert)
	require.NoError(t, err)
	t.Cleanup(func() { dropTable(db, d, "sentinel") })
}

func sentinelRows(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM sentinel`).Scan(&n), "the sentinel table is still there")
	return n
}

// Quotes, comments, semicolons and unicode in property values, filter
// strings and mapped names change nothing: same results as memory, no
// table dropped, no row lost.
func TestInjectionChangesNothing(t *testing.T) {
	schema := sourcetest.Schema()
	cs := sourcetest.Generate(300, 5)
	for i := range cs {
		c := &cs[i]
		inj := injections[i%len(injections)]
		c.ID += inj
		c.Subject = inj
		if i%3 == 0 {
			c.Assignee = inj
		}
		if i%4 == 0 {
			c.Inbox = "inbox " + inj
		}
		if i%5 == 0 {
			c.OriginURL = "https://example.com/?q=" + inj
		}
		if i%2 == 0 {
			c.Properties["Priority"] = "high"
		}
	}
	conds := func(op convreport.Op, vals ...string) []convreport.Condition {
		return []convreport.Condition{{Property: "Subject", Op: op, Values: vals}}
	}
	reports := []convreport.Report{
		{Name: "by subject", Dimensions: []string{"Subject"}},
		{Name: "by assignee and inbox", Dimensions: []string{"Assignee", "Inbox"}, Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}},
		{Name: "any of", Dimensions: []string{"Subject"}, Conditions: conds(convreport.IsAnyOf, injections[:5]...)},
		{Name: "none of", Dimensions: []string{"Subject"}, Conditions: conds(convreport.IsNoneOf, injections[3:8]...)},
		{Name: "equals", Dimensions: []string{"Assignee"}, Conditions: conds(convreport.Equals, injections[0])},
		{Name: "contains", Dimensions: []string{"Subject"}, Conditions: conds(convreport.Contains, "; DROP")},
		{Name: "starts with", Dimensions: []string{"Subject"}, Conditions: conds(convreport.StartsWith, `"; `)},
		{Name: "filter text", Dimensions: []string{"Inbox"}, Filter: `Subject == "'; DROP TABLE sentinel; --" || Assignee == "\"; DROP TABLE sentinel; --" || Inbox contains "*/ OR 1=1 --"`},
		{Name: "url", Dimensions: []string{"OriginURL"}, Filter: `OriginURL endsWith "DROP TABLE sentinel; --"`},
		{Name: "priority in JSON under a weird key", Dimensions: []string{"Priority"}, Measure: convreport.Measure{Agg: convreport.Median, Metric: convreport.TimeToClose}},
		{Name: "score column", Dimensions: []string{"VIP"}, Filter: `Score > 2`},
		{Name: "daily", Bucket: convreport.Day, Filter: `ID startsWith "conv-00"`},
	}
	ctx := context.Background()
	q := conformance.Queries()[1].Query
	mem, err := memory.New(cs, memory.WithSchema(schema))
	require.NoError(t, err)
	want, err := convreport.NewEngine(mem).Run(ctx, q, reports...)
	require.NoError(t, err)
	require.Positive(t, want[2].Matched, "the any-of report selects rows")
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			createSentinel(t, db, d)
			m := weirdMapping(d, tableName(t, db, d, "inj"), schema)
			t.Cleanup(func() { dropTable(db, d, m.Table) })
			push := load(t, db, d, m, schema, cs)
			scan, err := sqlsource.New(db, d, sqlsource.WithSchema(schema), sqlsource.WithMapping(m), sqlsource.WithoutPushdown())
			require.NoError(t, err)
			for mode, src := range map[string]*sqlsource.Source{"pushdown": push, "scan": scan} {
				eng := convreport.NewEngine(src)
				got, err := eng.Run(ctx, q, reports...)
				require.NoError(t, err, mode)
				requireSameText(t, resultText(want), resultText(got), "%s", mode)
				// A drill-down reads the rows back, IDs and all.
				drill, err := eng.DrillDown(ctx, q, reports[2], got[2].Points[0])
				require.NoError(t, err)
				require.Equal(t, int(got[2].Points[0].Count), drill.Len())
				for c := range drill.All() {
					require.Contains(t, injections[:5], c.Subject)
				}
			}
			require.Equal(t, int64(1), push.Stats().Answered)
			require.Equal(t, 3, sentinelRows(t, db))
			var n int
			require.NoError(t, db.QueryRow("SELECT count(*) FROM "+quoteIdent(d, m.Table)).Scan(&n))
			require.Equal(t, len(cs), n)
		})
	}
}

// Names that cannot be identifiers are refused before any SQL runs.
func TestMappingRefusesBadNames(t *testing.T) {
	db := openDB(t, sqlsource.SQLite)
	for name, m := range map[string]sqlsource.Mapping{
		"NUL in the table":       {Table: "conv\x00ersations"},
		"NUL in a column":        {Columns: map[string]string{"Inbox": "in\x00box"}},
		"invalid UTF-8":          {Columns: map[string]string{"Inbox": "in\xffbox"}},
		"empty column":           {Columns: map[string]string{"Inbox": ""}},
		"unknown property":       {Columns: map[string]string{"Mailbox": "mailbox"}},
		"derived property":       {Columns: map[string]string{"WaitTime": "wait"}},
		"two in one column":      {Columns: map[string]string{"Inbox": "team"}},
		"same column, case":      {Columns: map[string]string{"Inbox": "TEAM"}},
		"JSON key with a quote":  {JSONKeys: map[string]string{"VIP": `v"ip`}},
		"JSON key of a built-in": {JSONKeys: map[string]string{"Inbox": "inbox"}},
		"timestamptz in SQLite":  {Times: sqlsource.Timestamp},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithSchema(sourcetest.Schema()), sqlsource.WithMapping(m))
			require.Error(t, err)
			require.ErrorContains(t, err, "sqlsource: mapping:")
			err = sqlsource.CreateTable(context.Background(), db, sqlsource.SQLite, m, sourcetest.Schema())
			require.ErrorContains(t, err, "sqlsource: mapping:")
		})
	}
	t.Run("PostgreSQL would truncate a long name", func(t *testing.T) {
		m := sqlsource.Mapping{Table: strings.Repeat("t", 64)}
		err := sqlsource.CreateTable(context.Background(), db, sqlsource.PostgreSQL, m, nil)
		require.ErrorContains(t, err, "at most 63")
	})
	t.Run("a column the table lacks", func(t *testing.T) {
		m := sqlsource.Mapping{Table: "t"}
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.SQLite, m, nil))
		_, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(sqlsource.Mapping{Table: "t", Columns: map[string]string{"Inbox": "mailbox"}}))
		require.ErrorContains(t, err, "mailbox")
		_, err = sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(sqlsource.Mapping{Table: "missing"}))
		require.ErrorContains(t, err, "missing")
	})
}

func TestMappingJSON(t *testing.T) {
	var m sqlsource.Mapping
	require.NoError(t, json.Unmarshal([]byte(`{"table": "tickets", "columns": {"Assignee": "agent"}, "json_keys": {"VIP": "vip"}, "times": "timestamp"}`), &m))
	require.Equal(t, sqlsource.Mapping{Table: "tickets", Columns: map[string]string{"Assignee": "agent"}, JSONKeys: map[string]string{"VIP": "vip"}, Times: sqlsource.Timestamp}, m)
	b, err := json.Marshal(sqlsource.Mapping{Table: "t"})
	require.NoError(t, err)
	require.JSONEq(t, `{"table": "t"}`, string(b))
	require.ErrorContains(t, json.Unmarshal([]byte(`{"times": "seconds"}`), &m), "want unix_nanos or timestamp")
}
