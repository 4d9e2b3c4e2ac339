package sqlsource_test

import (
	"context"
	"database/sql"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// defaultColumns are the columns of the default mapping for the default
// schema, in the order ownTable declares them.
var defaultColumns = []string{"id", "channel", "inbox", "assignee", "team", "status", "created_at", "first_assigned_at",
	"first_response_at", "closed_at", "closed_by", "origin_url", "chatflow", "source", "contact_id", "subject",
	"incoming_messages", "outgoing_messages"}

// ownTable creates, by hand rather than with CreateTable, a table of the
// default layout as an embedder might declare it: every column nullable,
// with the types in types (column → declared type) replacing the usual
// ones. It returns the table's name.
func ownTable(t *testing.T, db *sql.DB, d sqlsource.Dialect, prefix string, types map[string]string) string {
	t.Helper()
	table := tableName(t, db, d, prefix)
	var cols []string
	for _, c := range defaultColumns {
		typ := types[c]
		if typ == "" {
			integer := c == "created_at" || strings.HasSuffix(c, "_at") || strings.HasSuffix(c, "_messages")
			switch {
			case d == sqlsource.ClickHouse && c == "id", d == sqlsource.ClickHouse && c == "created_at":
				typ = map[string]string{"id": "String", "created_at": "Int64"}[c]
			case d == sqlsource.ClickHouse && integer:
				typ = "Nullable(Int64)"
			case d == sqlsource.ClickHouse:
				typ = "Nullable(String)"
			case d == sqlsource.PostgreSQL && integer:
				typ = "bigint"
			case integer:
				typ = "INTEGER"
			default:
				typ = "TEXT"
			}
		}
		cols = append(cols, quoteIdent(d, c)+" "+typ)
	}
	stmt := "CREATE TABLE " + quoteIdent(d, table) + " (" + strings.Join(cols, ", ") + ")"
	if d == sqlsource.ClickHouse {
		stmt += " ENGINE = MergeTree ORDER BY (created_at, id)"
	}
	_, err := db.Exec(stmt)
	require.NoError(t, err, stmt)
	return table
}

// insertOwn inserts rows of (column → value) into an ownTable, one
// statement a row.
func insertOwn(t *testing.T, db *sql.DB, d sqlsource.Dialect, table string, rows ...map[string]any) {
	t.Helper()
	for _, r := range rows {
		var names, marks []string
		var args []any
		for _, c := range defaultColumns {
			v, ok := r[c]
			if !ok {
				continue
			}
			names = append(names, quoteIdent(d, c))
			args = append(args, v)
			if d == sqlsource.PostgreSQL {
				marks = append(marks, "$"+strconv.Itoa(len(args)))
			} else {
				marks = append(marks, "?")
			}
		}
		stmt := "INSERT INTO " + quoteIdent(d, table) + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ")"
		if d == sqlsource.ClickHouse {
			// The driver sends an INSERT's rows as a batch: a prepared
			// statement in a transaction.
			tx, err := db.Begin()
			require.NoError(t, err)
			batch, err := tx.Prepare(stmt)
			require.NoError(t, err, stmt)
			_, err = batch.Exec(args...)
			require.NoError(t, err, stmt)
			require.NoError(t, tx.Commit())
			continue
		}
		_, err := db.Exec(stmt, args...)
		require.NoError(t, err, stmt)
	}
}

// A table the embedder fills itself may leave a message count NULL. A
// count is never unknown: a scan reads NULL as 0, and so must every
// statement, or a pushed-down "IncomingMessages < 2" drops the rows a
// scan counts, and a drill-down sorted by the count puts them last.
func TestNullMessageCountsReadAsZero(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	// In memory, the counts the NULLs stand for: 0.
	cs := []convreport.Conversation{
		{ID: "a", Channel: convreport.Chat, Assignee: "Ana", CreatedAt: t0},
		{ID: "b", Channel: convreport.Chat, Assignee: "Ana", CreatedAt: t0.Add(time.Minute), IncomingMessages: 3, OutgoingMessages: 1},
		{ID: "c", Channel: convreport.Chat, Assignee: "Bob", CreatedAt: t0.Add(2 * time.Minute)},
		{ID: "d", Channel: convreport.Chat, Assignee: "Bob", CreatedAt: t0.Add(3 * time.Minute), OutgoingMessages: 2},
		{ID: "e", Channel: convreport.Chat, Assignee: "Cy", CreatedAt: t0.Add(4 * time.Minute), IncomingMessages: 1},
	}
	mem, err := memory.New(cs)
	require.NoError(t, err)
	q := convreport.Query{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), Now: t0.Add(2 * time.Hour)}
	reports := []struct {
		r    convreport.Report
		want int64 // matched, by hand
	}{
		{convreport.Report{Name: "few incoming", Dimensions: []string{"Assignee"}, Filter: "IncomingMessages < 2"}, 4}, // a c d e
		{convreport.Report{Name: "no incoming", Filter: "IncomingMessages == 0"}, 3},                                   // a c d
		{convreport.Report{Name: "not one outgoing", Filter: "OutgoingMessages != 1"}, 4},                              // a c d e
		{convreport.Report{Name: "any", Filter: "IncomingMessages >= 0 && OutgoingMessages <= 2"}, 5},
		{convreport.Report{Name: "in list", Filter: "OutgoingMessages in [0, 2]"}, 4}, // a c d e
		{convreport.Report{Name: "unknown", Conditions: []convreport.Condition{{Property: "IncomingMessages", Op: convreport.IsUnknown}}}, 0},
	}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			table := ownTable(t, db, d, "nullcount", nil)
			rows := make([]map[string]any, len(cs))
			for i, c := range cs {
				rows[i] = map[string]any{"id": c.ID, "channel": "chat", "assignee": c.Assignee, "status": "open", "created_at": c.CreatedAt.UnixNano()}
				// A zero count is stored as NULL, but for c, which
				// stores 0 itself.
				if c.IncomingMessages > 0 || c.ID == "c" {
					rows[i]["incoming_messages"] = int64(c.IncomingMessages)
				}
				if c.OutgoingMessages > 0 || c.ID == "c" {
					rows[i]["outgoing_messages"] = int64(c.OutgoingMessages)
				}
			}
			insertOwn(t, db, d, table, rows...)
			m := sqlsource.Mapping{Table: table}
			push, err := sqlsource.New(db, d, sqlsource.WithMapping(m))
			require.NoError(t, err)
			scan, err := sqlsource.New(db, d, sqlsource.WithMapping(m), sqlsource.WithoutPushdown())
			require.NoError(t, err)
			for _, c := range reports {
				want, err := convreport.NewEngine(mem).Run(ctx, q, c.r)
				require.NoError(t, err)
				require.Equal(t, c.want, want[0].Matched, "%s: in memory", c.r.Name)
				for name, src := range map[string]*sqlsource.Source{"pushed down": push, "scanned": scan} {
					got, err := convreport.NewEngine(src).Run(ctx, q, c.r)
					require.NoError(t, err)
					require.Equal(t, resultText(want), resultText(got), "%s: %s", c.r.Name, name)
				}
			}
			require.EqualValues(t, len(reports), push.Stats().Answered, "every report pushed down")
			// A drill-down sorted by a count: the NULLs are zeros among
			// the others, not unknown values sorted last.
			all := convreport.Report{Name: "all"}
			res, err := convreport.NewEngine(mem).Run(ctx, q, all)
			require.NoError(t, err)
			for _, sort := range []string{"IncomingMessages", "OutgoingMessages"} {
				for _, desc := range []bool{false, true} {
					want, err := convreport.NewEngine(mem).DrillPage(ctx, q, all, res[0].Points[0], sort, desc, 0, 10)
					require.NoError(t, err)
					got, err := convreport.NewEngine(push).DrillPage(ctx, q, all, res[0].Points[0], sort, desc, 0, 10)
					require.NoError(t, err)
					require.Equal(t, rowIDs(want.Rows), rowIDs(got.Rows), "sorted by %s, desc %v", sort, desc)
				}
			}
			require.Positive(t, push.Stats().DrillsAnswered)
		})
	}
}

// A custom property whose value in the JSON column is of another JSON
// type than its kind — "9" for a number, 5 for a string, 1.5 or an
// integer beyond int64 for a time or duration — is unknown: pushed down,
// scanned, and sorted in a drill-down alike, as in memory where the
// value is missing.
func TestMistypedJSONValuesAreUnknown(t *testing.T) {
	ctx := context.Background()
	schema, err := convreport.NewSchema(
		convreport.Property{Name: "Score", Kind: convreport.KindNumber},
		convreport.Property{Name: "Plan", Kind: convreport.KindString},
		convreport.Property{Name: "Vip", Kind: convreport.KindBool},
		convreport.Property{Name: "Renewed", Kind: convreport.KindTime},
		convreport.Property{Name: "Handle", Kind: convreport.KindDuration},
	)
	require.NoError(t, err)
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	renewed := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	conv := func(id string, props map[string]any) convreport.Conversation {
		return convreport.Conversation{ID: id, Channel: convreport.Chat, CreatedAt: t0.Add(time.Duration(id[0]-'a') * time.Minute), Properties: props}
	}
	// As stored: a and d are overwritten below with values of the wrong
	// JSON types, e with hand-written JSON of the right ones.
	stored := []convreport.Conversation{
		conv("a", map[string]any{"Score": 1.0, "Plan": "pro"}),
		conv("b", map[string]any{"Score": 8.0, "Plan": "free", "Vip": true, "Renewed": renewed, "Handle": 2 * time.Second}),
		conv("c", map[string]any{"Score": 3.0, "Plan": "pro", "Vip": false, "Renewed": renewed.Add(time.Hour), "Handle": 500 * time.Millisecond}),
		conv("d", nil),
		conv("e", nil),
	}
	// In memory, what they mean: a and d know none of them.
	cs := []convreport.Conversation{
		conv("a", nil), stored[1], stored[2], conv("d", nil),
		conv("e", map[string]any{"Score": 7.0, "Plan": "pro", "Vip": true, "Renewed": renewed.Add(-time.Hour), "Handle": 3 * time.Second}),
	}
	mistyped := map[string]string{
		"a": `{"Score": "9", "Plan": 5, "Vip": "yes", "Renewed": 1.5, "Handle": "5m"}`,
		"d": `{"Score": true, "Plan": ["x"], "Vip": 1, "Renewed": 9223372036854775808, "Handle": 1.0}`,
		"e": `{"Score": 7, "Plan": "pro", "Vip": true, "Renewed": ` + strconv.FormatInt(renewed.Add(-time.Hour).UnixNano(), 10) + `, "Handle": 3000000000}`,
	}
	mem, err := memory.New(cs, memory.WithSchema(schema))
	require.NoError(t, err)
	q := convreport.Query{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), Now: t0.Add(2 * time.Hour)}
	reports := []struct {
		r    convreport.Report
		want int64 // matched, by hand
	}{
		{convreport.Report{Name: "high score", Filter: "Score > 5"}, 2},                 // b e
		{convreport.Report{Name: "no score", Filter: "Score == nil"}, 2},                // a d
		{convreport.Report{Name: "not pro", Filter: `Plan != "pro"`}, 3},                // a b d
		{convreport.Report{Name: "vip", Filter: "Vip == true"}, 2},                      // b e
		{convreport.Report{Name: "not vip", Filter: "Vip != true"}, 3},                  // a c d
		{convreport.Report{Name: "renewed", Filter: `Renewed < date("2025-03-01")`}, 3}, // b c e
		{convreport.Report{Name: "slow", Filter: `Handle > duration("1s")`}, 2},         // b e
		{convreport.Report{Name: "handled", Conditions: []convreport.Condition{{Property: "Handle", Op: convreport.IsKnown}}}, 3},
		{convreport.Report{Name: "by plan", Dimensions: []string{"Plan"}, Sort: convreport.ByLabelAsc}, 5},
		{convreport.Report{Name: "by vip", Dimensions: []string{"Vip"}, Sort: convreport.ByLabelAsc}, 5},
	}
	for _, d := range []sqlsource.Dialect{sqlsource.SQLite, sqlsource.PostgreSQL} {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			m := sqlsource.Mapping{Table: tableName(t, db, d, "mistyped")}
			push := load(t, db, d, m, schema, stored)
			for id, js := range mistyped {
				_, err := db.Exec("UPDATE "+quoteIdent(d, m.Table)+" SET properties = "+map[sqlsource.Dialect]string{sqlsource.SQLite: "?", sqlsource.PostgreSQL: "$1::jsonb"}[d]+" WHERE id = '"+id+"'", js)
				require.NoError(t, err)
			}
			scan, err := sqlsource.New(db, d, sqlsource.WithSchema(schema), sqlsource.WithMapping(m), sqlsource.WithoutPushdown())
			require.NoError(t, err)
			for _, c := range reports {
				want, err := convreport.NewEngine(mem).Run(ctx, q, c.r)
				require.NoError(t, err)
				require.Equal(t, c.want, want[0].Matched, "%s: in memory", c.r.Name)
				for name, src := range map[string]*sqlsource.Source{"pushed down": push, "scanned": scan} {
					got, err := convreport.NewEngine(src).Run(ctx, q, c.r)
					require.NoError(t, err, "%s: %s", c.r.Name, name)
					require.Equal(t, resultText(want), resultText(got), "%s: %s", c.r.Name, name)
				}
			}
			require.EqualValues(t, len(reports), push.Stats().Answered, "every report pushed down")
			all := convreport.Report{Name: "all"}
			res, err := convreport.NewEngine(mem).Run(ctx, q, all)
			require.NoError(t, err)
			for _, sort := range []string{"Score", "Plan", "Vip", "Renewed", "Handle"} {
				for _, desc := range []bool{false, true} {
					want, err := convreport.NewEngine(mem).DrillPage(ctx, q, all, res[0].Points[0], sort, desc, 0, 10)
					require.NoError(t, err)
					for name, src := range map[string]*sqlsource.Source{"pushed down": push, "scanned": scan} {
						got, err := convreport.NewEngine(src).DrillPage(ctx, q, all, res[0].Points[0], sort, desc, 0, 10)
						require.NoError(t, err, "sorted by %s: %s", sort, name)
						require.Equal(t, rowIDs(want.Rows), rowIDs(got.Rows), "sorted by %s, desc %v: %s", sort, desc, name)
						require.Equal(t, want.Rows, got.Rows, "sorted by %s: %s: the rows as memory holds them", sort, name)
					}
				}
			}
			require.Positive(t, push.Stats().DrillsAnswered)
		})
	}
}

// New refuses a time, duration or count column whose declared type the
// statements would misread, naming the column, its type and what to do:
// an SQLite TEXT column of ISO dates compares above every integer, so
// every report counted nothing; a PostgreSQL timestamptz compared with
// nanoseconds failed with a raw operator error. Tables CreateTable makes,
// in either time storage, pass (the other tests load them).
func TestColumnTypesCheckedAtNew(t *testing.T) {
	ctx := context.Background()
	schema, err := convreport.NewSchema(convreport.Property{Name: "Handle", Kind: convreport.KindDuration})
	require.NoError(t, err)
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	q := convreport.Query{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), Now: t0.Add(2 * time.Hour)}
	cases := []struct {
		d      sqlsource.Dialect
		types  map[string]string
		m      sqlsource.Mapping
		schema *convreport.Schema
		want   []string // in the error; nil: accepted
	}{
		{sqlsource.SQLite, map[string]string{"created_at": "TEXT"}, sqlsource.Mapping{}, nil,
			[]string{"column `created_at` of CreatedAt (time) is TEXT", "INTEGER Unix nanoseconds"}},
		{sqlsource.SQLite, map[string]string{"closed_at": "DATETIME"}, sqlsource.Mapping{}, nil,
			[]string{"column `closed_at` of ClosedAt (time) is DATETIME", "INTEGER Unix nanoseconds"}},
		{sqlsource.SQLite, map[string]string{"first_response_at": "REAL"}, sqlsource.Mapping{}, nil,
			[]string{"column `first_response_at` of FirstResponseAt (time) is REAL"}},
		{sqlsource.SQLite, map[string]string{"incoming_messages": "varchar(10)"}, sqlsource.Mapping{}, nil,
			[]string{"column `incoming_messages` of IncomingMessages (a message count) is varchar(10)", "INTEGER"}},
		{sqlsource.SQLite, map[string]string{"handle": "TEXT"}, sqlsource.Mapping{Columns: map[string]string{"Handle": "handle"}}, schema,
			[]string{"column `handle` of Handle (duration) is TEXT"}},
		// A count declared to hold fractions.
		{sqlsource.SQLite, map[string]string{"outgoing_messages": "REAL"}, sqlsource.Mapping{}, nil,
			[]string{"column `outgoing_messages` of OutgoingMessages (a message count) is REAL", "INTEGER"}},
		// Integer affinity, a number, or no declared type at all.
		{sqlsource.SQLite, map[string]string{"created_at": "BIGINT", "closed_at": "NUMERIC", "first_assigned_at": "", "outgoing_messages": "NUMERIC"}, sqlsource.Mapping{}, nil, nil},
		{sqlsource.PostgreSQL, map[string]string{"created_at": "timestamptz", "closed_at": "timestamptz", "first_assigned_at": "timestamptz", "first_response_at": "timestamptz"}, sqlsource.Mapping{}, nil,
			[]string{`column "created_at" of CreatedAt (time) is timestamp with time zone`, `set Mapping.Times to Timestamp ("times": "timestamp")`}},
		{sqlsource.PostgreSQL, nil, sqlsource.Mapping{Times: sqlsource.Timestamp}, nil,
			[]string{`column "created_at" of CreatedAt (time) is bigint`, `set it to UnixNanos ("times": "unix_nanos")`}},
		{sqlsource.PostgreSQL, map[string]string{"closed_at": "timestamp"}, sqlsource.Mapping{}, nil,
			[]string{`column "closed_at" of ClosedAt (time) is timestamp without time zone`, "make it timestamptz"}},
		{sqlsource.PostgreSQL, map[string]string{"created_at": "text"}, sqlsource.Mapping{}, nil,
			[]string{`column "created_at" of CreatedAt (time) is text`, "bigint Unix nanoseconds"}},
		{sqlsource.PostgreSQL, map[string]string{"outgoing_messages": "text"}, sqlsource.Mapping{}, nil,
			[]string{`column "outgoing_messages" of OutgoingMessages (a message count) is text`}},
		{sqlsource.PostgreSQL, map[string]string{"handle": "integer"}, sqlsource.Mapping{Columns: map[string]string{"Handle": "handle"}}, schema,
			[]string{`column "handle" of Handle (duration) is integer`, "bigint nanoseconds"}},
		// The storage that matches: read, and counted.
		{sqlsource.PostgreSQL, map[string]string{"created_at": "timestamptz", "closed_at": "timestamptz", "first_assigned_at": "timestamptz", "first_response_at": "timestamptz", "incoming_messages": "integer"},
			sqlsource.Mapping{Times: sqlsource.Timestamp}, nil, nil},
	}
	for i, c := range cases {
		t.Run(c.d.String()+"/"+strconv.Itoa(i), func(t *testing.T) {
			db := openDB(t, c.d)
			types := c.types
			if c.m.Columns["Handle"] != "" {
				types = maps.Clone(types)
				delete(types, "handle")
			}
			table := ownTable(t, db, c.d, "coltypes", types)
			if c.m.Columns["Handle"] != "" {
				_, err := db.Exec("ALTER TABLE " + quoteIdent(c.d, table) + " ADD COLUMN handle " + c.types["handle"])
				require.NoError(t, err)
			}
			created := any(t0.UnixNano())
			switch strings.ToLower(c.types["created_at"]) {
			case "timestamptz":
				created = t0
			case "text":
				created = t0.Format(time.RFC3339)
			}
			insertOwn(t, db, c.d, table, map[string]any{"id": "a", "channel": "chat", "status": "open", "created_at": created})
			m := c.m
			m.Table = table
			opts := []sqlsource.Option{sqlsource.WithMapping(m)}
			if c.schema != nil {
				opts = append(opts, sqlsource.WithSchema(c.schema))
			}
			src, err := sqlsource.New(db, c.d, opts...)
			if c.want == nil {
				require.NoError(t, err)
				res, err := convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "all"})
				require.NoError(t, err)
				require.Equal(t, int64(1), res[0].Matched)
				return
			}
			require.Error(t, err)
			for _, w := range c.want {
				require.Contains(t, err.Error(), w)
			}
			// The fields say the same as the message, for a program
			// that words the fix its own way.
			var cte *sqlsource.ColumnTypeError
			require.ErrorAs(t, err, &cte)
			require.Equal(t, table, cte.Table)
			require.Equal(t, c.d, cte.Dialect)
			require.Equal(t, c.m.Times, cte.Times)
			require.Contains(t, err.Error(), " is "+cte.Type+": "+cte.Reason)
			require.Contains(t, c.want[0], cte.Column)
			require.Contains(t, c.want[0], " of "+cte.Property+" (")
		})
	}
}

// Mapping.Check refuses, without a database, what New would refuse of
// the mapping itself, in New's words.
func TestMappingCheckWithoutADatabase(t *testing.T) {
	schema, err := convreport.NewSchema(convreport.Property{Name: "plan", Kind: convreport.KindString})
	require.NoError(t, err)
	require.NoError(t, sqlsource.Mapping{Table: "tickets", Columns: map[string]string{"Assignee": "agent", "plan": "plan"}}.Check(sqlsource.SQLite, schema))
	require.NoError(t, sqlsource.Mapping{Times: sqlsource.Timestamp, Tenant: "account"}.Check(sqlsource.PostgreSQL, nil))
	for _, c := range []struct {
		m    sqlsource.Mapping
		d    sqlsource.Dialect
		want string
	}{
		{sqlsource.Mapping{Columns: map[string]string{"Asignee": "agent"}}, sqlsource.SQLite, `sqlsource: mapping: column for "Asignee": the schema has no such property`},
		{sqlsource.Mapping{Columns: map[string]string{"plan": "plan"}}, sqlsource.SQLite, `sqlsource: mapping: column for "plan": the schema has no such property`},
		{sqlsource.Mapping{Times: sqlsource.Timestamp}, sqlsource.SQLite, "sqlsource: mapping: Timestamp storage needs PostgreSQL, not sqlite"},
		{sqlsource.Mapping{Columns: map[string]string{"Assignee": "inbox"}}, sqlsource.PostgreSQL, `sqlsource: mapping: Inbox and Assignee both map to column "inbox"`},
		{sqlsource.Mapping{Tenant: "id"}, sqlsource.PostgreSQL, `sqlsource: mapping: tenant column "id" is also the column of ID`},
	} {
		require.EqualError(t, c.m.Check(c.d, nil), c.want)
		db := openDB(t, c.d)
		_, err := sqlsource.New(db, c.d, sqlsource.WithMapping(c.m))
		require.EqualError(t, err, c.want, "New says the same")
	}
}

// The way out the SQLite error names: a view that converts a TEXT column
// of dates to nanoseconds is read, its expression having no declared
// type.
func TestTextTimesThroughAView(t *testing.T) {
	db := openDB(t, sqlsource.SQLite)
	table := ownTable(t, db, sqlsource.SQLite, "texttimes", map[string]string{"created_at": "TEXT"})
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	insertOwn(t, db, sqlsource.SQLite, table,
		map[string]any{"id": "a", "channel": "chat", "status": "open", "created_at": "2025-03-01T10:00:00Z"},
		map[string]any{"id": "b", "channel": "chat", "status": "open", "created_at": "2025-03-02T10:00:00Z"})
	_, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
	require.ErrorContains(t, err, "is TEXT")
	var cols []string
	for _, c := range defaultColumns {
		if c == "created_at" {
			c = "unixepoch(created_at) * 1000000000 AS created_at"
		}
		cols = append(cols, c)
	}
	view := table + "_view"
	_, err = db.Exec("CREATE VIEW " + view + " AS SELECT " + strings.Join(cols, ", ") + " FROM " + table)
	require.NoError(t, err)
	src, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(sqlsource.Mapping{Table: view}))
	require.NoError(t, err)
	q := convreport.Query{From: at.Add(-time.Hour), To: at.Add(time.Hour), Now: at.Add(2 * time.Hour)}
	res, err := convreport.NewEngine(src).Run(context.Background(), q, convreport.Report{Name: "all"})
	require.NoError(t, err)
	require.Equal(t, int64(1), res[0].Matched, "a, created in the range; b the next day")
}
