package sqlsource_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// customSchema has a custom property of every kind; customMapping puts
// the first five in columns of their own and, outside ClickHouse (which
// has no JSON column), the others in the JSON column.
func customSchema(t *testing.T, enums bool) *convreport.Schema {
	t.Helper()
	props := []convreport.Property{
		{Name: "score", Kind: convreport.KindNumber},
		{Name: "vip", Kind: convreport.KindBool},
		{Name: "due", Kind: convreport.KindTime},
		{Name: "wait", Kind: convreport.KindDuration},
		{Name: "opened", Kind: convreport.KindTime},
		{Name: "rating", Kind: convreport.KindNumber},
	}
	if enums {
		props = append(props,
			convreport.Property{Name: "tier", Kind: convreport.KindEnum, Values: []string{"gold", "silver"}},
			convreport.Property{Name: "region", Kind: convreport.KindEnum, Values: []string{"eu", "us"}})
	}
	s, err := convreport.NewSchema(props...)
	require.NoError(t, err)
	return s
}

func customMapping(d sqlsource.Dialect, table string) sqlsource.Mapping {
	m := sqlsource.Mapping{Table: table}
	if d != sqlsource.ClickHouse {
		m.Columns = map[string]string{"tier": "tier", "score": "score", "vip": "vip", "due": "due", "wait": "wait"}
	}
	return m
}

// without leaves out of m the columns of properties schema s lacks.
func without(m sqlsource.Mapping, s *convreport.Schema) sqlsource.Mapping {
	cols := map[string]string{}
	for p, c := range m.Columns {
		if _, ok := s.Lookup(p); ok {
			cols[p] = c
		}
	}
	m.Columns = cols
	return m
}

// plainTwin creates a table of kept's columns without its constraints, as
// an embedder's own table may be.
func plainTwin(t *testing.T, db *sql.DB, d sqlsource.Dialect, kept string) string {
	t.Helper()
	plain := tableName(t, db, d, "plain")
	stmt := "CREATE TABLE " + quoteIdent(d, plain) + " (LIKE " + quoteIdent(d, kept) + ")"
	if d == sqlsource.SQLite {
		// The declared types come from the columns' affinities: INT,
		// REAL, TEXT, NUM.
		stmt = "CREATE TABLE " + quoteIdent(d, plain) + " AS SELECT * FROM " + quoteIdent(d, kept) + " WHERE 0"
	}
	_, err := db.Exec(stmt)
	require.NoError(t, err, stmt)
	return plain
}

// insertRaw writes one row of (column → value) with the driver alone.
func insertRaw(db *sql.DB, d sqlsource.Dialect, table string, row map[string]any) error {
	var names, marks []string
	var args []any
	for _, c := range slices.Sorted(func(yield func(string) bool) {
		for k := range row {
			if !yield(k) {
				return
			}
		}
	}) {
		names = append(names, quoteIdent(d, c))
		args = append(args, row[c])
		if d == sqlsource.PostgreSQL {
			marks = append(marks, fmt.Sprint("$", len(args)))
		} else {
			marks = append(marks, "?")
		}
	}
	stmt := "INSERT INTO " + quoteIdent(d, table) + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ")"
	if d != sqlsource.ClickHouse {
		_, err := db.Exec(stmt, args...)
		return err
	}
	// The driver sends an INSERT's rows as a batch: a prepared statement
	// in a transaction.
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	batch, err := tx.Prepare(stmt)
	if err != nil {
		return err
	}
	if _, err := batch.Exec(args...); err != nil {
		return err
	}
	return tx.Commit()
}

// A custom property's value can break the rules a scan holds a row to: an
// enum's value none of its values, a JSON column that is not an object,
// text in a SQLite number column. A scan refuses such a row; a
// pushed-down report grouped or filtered by the value as it was stored.
// Now the source declines the plan, and the engine's scan refuses the row
// with the scan's own error.
func TestPushdownRefusesInvalidCustomValuesAsTheScanDoes(t *testing.T) {
	ctx := context.Background()
	march := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	hour := time.Hour
	schema := customSchema(t, true)
	good := []convreport.Conversation{
		{ID: "g1", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: march, Assignee: "Ana", Properties: map[string]any{"tier": "gold", "score": 3.0, "vip": true, "region": "eu", "rating": 4.5, "due": march.Add(hour)}},
		{ID: "g2", Channel: convreport.Email, Status: convreport.Open, CreatedAt: march.Add(hour), Assignee: "Bo", Properties: map[string]any{"tier": "silver", "score": 0.5, "vip": false, "wait": time.Minute, "opened": march}},
		{ID: "g3", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: march.Add(2 * hour)},
	}
	base := func(kv ...any) map[string]any {
		row := map[string]any{"id": "b", "channel": "chat", "status": "open", "created_at": march.Add(3 * hour).UnixNano(), "incoming_messages": int64(0), "outgoing_messages": int64(0)}
		for i := 0; i < len(kv); i += 2 {
			row[kv[i].(string)] = kv[i+1]
		}
		return row
	}
	type bad struct {
		name       string
		row        map[string]any
		json       bool // the value is in the JSON column: not in ClickHouse
		sqlite     bool // only SQLite can hold the value
		clickhouse bool // only ClickHouse can
		outside    bool // created outside the query's dates
	}
	bads := []bad{
		{name: "enum value not listed", row: base("tier", "platinum")},
		{name: "enum value not listed, in another case", row: base("tier", "Gold")},
		{name: "time at int64's first nanosecond", row: base("due", int64(math.MinInt64))},
		{name: "enum value not listed, in JSON", json: true, row: base("properties", `{"region": "mars"}`)},
		{name: "JSON array", json: true, row: base("properties", `[1, 2]`)},
		{name: "JSON string", json: true, row: base("properties", `"eu"`)},
		{name: "not JSON", json: true, sqlite: true, row: base("properties", `{oops`)},
		// SQLite's JSON functions read a repeated key's first value.
		{name: "a repeated JSON key, the first not listed", json: true, sqlite: true, row: base("properties", `{"region": "mars", "region": "eu"}`)},
		{name: "text in a number", sqlite: true, row: base("score", "high")},
		{name: "text in a bool", sqlite: true, row: base("vip", "yes")},
		{name: "2 in a bool", sqlite: true, row: base("vip", int64(2))},
		{name: "a fraction in a bool", sqlite: true, row: base("vip", 0.5)},
		{name: "text in a duration", sqlite: true, row: base("wait", "long")},
		{name: "text in a time", sqlite: true, row: base("due", "soon")},
		{name: "2 in a UInt8 bool", clickhouse: true, row: base("vip", uint8(2))},
		{name: "enum value not listed, in February", outside: true, row: base("tier", "platinum", "created_at", march.AddDate(0, -1, 0).UnixNano())},
	}
	// Values the probe may read back, which a scan takes: pushed down.
	fine := []map[string]any{
		base("tier", ""),
		base("vip", int64(1), "score", int64(7)), // PostgreSQL: true

		base("properties", "null"),
		base("properties", ""),
		base("properties", `{"region": "", "rating": "9", "opened": 1.5}`),
		// No instant the engine holds: unknown, as a JSON value of
		// another type is.
		base("properties", `{"opened": -9223372036854775808}`),
		// In SQLite: the first of a repeated key's values.
		base("properties", `{"region": "eu", "region": "mars", "rating": 1, "rating": "x"}`),
		// A number a float64 cannot hold is unknown (PostgreSQL cannot
		// convert it, and declines); one beyond 2^53 rounds.
		base("properties", `{"rating": 1e400}`),
		base("properties", `{"rating": 9007199254740993}`),
		// int64's first nanosecond is the engine's unknown duration.
		base("wait", int64(math.MinInt64)),
		base("properties", `{"wait": -9223372036854775808}`),
		// -0 is 0, in a list too.
		base("score", math.Copysign(0, -1)),
	}
	reports := []convreport.Report{
		{Name: "by tier", Dimensions: []string{"tier"}},
		{Name: "scored", Filter: "score > 1"},
		{Name: "by region", Dimensions: []string{"region"}},
		{Name: "opened", Filter: "opened != nil"},
		{Name: "rated", Filter: "rating != nil"},
		{Name: "rated 2^53", Filter: "rating == 9007199254740992"},
		{Name: "waited", Filter: "wait != nil"},
		{Name: "scored 0 or 1", Filter: "score in [0, 1]"},
	}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			newTable := func() string {
				m := customMapping(d, tableName(t, db, d, "custombad"))
				require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, schema))
				if d == sqlsource.ClickHouse {
					return m.Table
				}
				return plainTwin(t, db, d, m.Table)
			}
			open := func(table string, opts ...sqlsource.Option) *sqlsource.Source {
				src, err := sqlsource.New(db, d, append([]sqlsource.Option{sqlsource.WithMapping(customMapping(d, table)), sqlsource.WithSchema(schema)}, opts...)...)
				require.NoError(t, err)
				return src
			}
			for _, f := range fine {
				if p, _ := f["properties"].(string); d == sqlsource.ClickHouse && f["properties"] != nil || d == sqlsource.PostgreSQL && (p == "" || strings.Contains(p, `"region": "mars"`)) {
					continue // no JSON column; jsonb holds no empty text, and keeps a repeated key's last value
				}
				table := newTable()
				require.NoError(t, sqlsource.Insert(ctx, db, d, customMapping(d, table), schema, good))
				if d == sqlsource.PostgreSQL && f["vip"] != nil {
					f = base("vip", true, "score", 7.0)
				}
				require.NoError(t, insertRaw(db, d, table, f))
				var declines []error
				pushed := open(table, sqlsource.WithDeclineHook(func(err error) { declines = append(declines, err) }))
				want, err := convreport.NewEngine(open(table, sqlsource.WithoutPushdown())).Run(ctx, floatCountQuery, reports...)
				require.NoError(t, err, "%v", f)
				got, err := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, reports...)
				require.NoError(t, err, "%v", f)
				if p, _ := f["properties"].(string); d != sqlsource.PostgreSQL || !strings.Contains(p, "1e400") {
					require.Empty(t, declines, "%v", f)
				}
				require.Equal(t, want, got, "%v", f)
			}
			for _, b := range bads {
				if b.json && d == sqlsource.ClickHouse || b.sqlite && d != sqlsource.SQLite || b.clickhouse && d != sqlsource.ClickHouse {
					continue
				}
				t.Run(b.name, func(t *testing.T) {
					table := newTable()
					require.NoError(t, sqlsource.Insert(ctx, db, d, customMapping(d, table), schema, good))
					byRegion, err := convreport.NewEngine(open(table)).Run(ctx, floatCountQuery, reports[2])
					require.NoError(t, err)
					require.NoError(t, insertRaw(db, d, table, b.row), b.name)
					var declines []error
					pushed := open(table, sqlsource.WithDeclineHook(func(err error) { declines = append(declines, err) }))
					want, werr := convreport.NewEngine(open(table, sqlsource.WithoutPushdown())).Run(ctx, floatCountQuery, reports...)
					got, gerr := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, reports...)
					if b.outside {
						require.NoError(t, werr, b.name)
						require.NoError(t, gerr, b.name)
						require.Empty(t, declines, b.name)
						require.Equal(t, want, got, b.name)
						return
					}
					require.Error(t, werr, "%s: the scan refuses the row", b.name)
					require.EqualError(t, gerr, werr.Error(), b.name)
					require.NotEmpty(t, declines, b.name)
					require.ErrorContains(t, declines[0], "is not a conversation, and the scan refuses it", b.name)

					// A drill-down page that lists the row refuses it too, as
					// does one whose statement fails on it (SQLite's JSON
					// functions on text that is not JSON), in a scan's words.
					byTier, err := convreport.NewEngine(open(table, sqlsource.WithoutRowCheck())).Run(ctx, floatCountQuery, reports[0])
					require.NoError(t, err, b.name)
					eng := convreport.NewEngine(pushed)
					refused := 0
					for _, res := range []convreport.Result{byTier[0], byRegion[0]} {
						for _, p := range res.Points {
							if _, err := eng.DrillPage(ctx, floatCountQuery, res.Report, p.Unchecked(), "", false, 0, 10); err != nil {
								require.ErrorContains(t, err, `conversation "b"`, b.name)
								refused++
							}
						}
					}
					require.GreaterOrEqual(t, refused, 1, "%s: the page of the row's point", b.name)
				})
			}
		})
	}
}

// A table CreateTable makes in SQLite or PostgreSQL holds each custom
// column, and the JSON column, to the rules of a scan that do not change
// with the schema: every value a scan refuses is refused when written, by
// any writer, and every value it takes is taken. The same values go raw
// into such a table and into its twin without the constraints; the first
// takes a row exactly when a scan of the second reads and validates it.
// A source on it then reads for no invalid row, unless its schema has an
// enum, whose values may grow.
func TestCreatedTablesKeepTheCustomRulesAScanApplies(t *testing.T) {
	ctx := context.Background()
	march := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC).UnixNano()
	schema := customSchema(t, false)
	values := map[sqlsource.Dialect]map[string][]any{
		sqlsource.SQLite: {
			"score":      {nil, 3.5, int64(7), "7", "high", []byte("x"), "Infinity", "-inf"},
			"vip":        {nil, int64(0), int64(1), "1", int64(2), int64(-1), "yes", "true", "t", 0.5},
			"due":        {nil, int64(math.MinInt64), int64(math.MinInt64 + 1), int64(0), "12", "soon", 1.5},
			"wait":       {nil, int64(-5), int64(math.MinInt64), "long", 2.5},
			"properties": {nil, "", "null", "{}", `{"rating": 4}`, `{"rating": "x", "opened": 1.5}`, "[1]", `"x"`, "{oops", "3", `{rating: 4}`, `{"rating": Infinity}`, `{"rating": 1,}`},
		},
		sqlsource.PostgreSQL: {
			"score":      {nil, 3.5, -7.0},
			"vip":        {nil, true, false},
			"due":        {nil, int64(math.MinInt64), int64(math.MinInt64 + 1), int64(0)},
			"wait":       {nil, int64(-5), int64(math.MinInt64)},
			"properties": {nil, "null", "{}", `{"rating": 4}`, `{"rating": "x", "opened": 1.5}`, "[1]", `"x"`, "3"},
		},
	}
	for _, d := range []sqlsource.Dialect{sqlsource.SQLite, sqlsource.PostgreSQL} {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			kept := without(customMapping(d, tableName(t, db, d, "customkept")), schema)
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, kept, schema))
			plain := plainTwin(t, db, d, kept.Table)
			scan, err := sqlsource.New(db, d, sqlsource.WithMapping(without(customMapping(d, plain), schema)), sqlsource.WithSchema(schema))
			require.NoError(t, err)
			took, refused := 0, 0
			for col, vs := range values[d] {
				for i, v := range vs {
					row := map[string]any{"id": fmt.Sprint(col, i), "channel": "chat", "status": "open", "created_at": march, "incoming_messages": int64(0), "outgoing_messages": int64(0)}
					if v != nil {
						row[col] = v
					}
					_, err := db.Exec("DELETE FROM " + quoteIdent(d, plain))
					require.NoError(t, err)
					require.NoError(t, insertRaw(db, d, plain, row))
					var scanErr error
					for c, err := range scan.Scan(ctx, convreport.ScanHint{}) {
						if err == nil {
							err = schema.Validate(c)
						}
						scanErr = err
					}
					insErr := insertRaw(db, d, kept.Table, row)
					if scanErr == nil {
						took++
						require.NoError(t, insErr, "%s = %#v: a scan takes it", col, v)
					} else {
						refused++
						require.Error(t, insErr, "%s = %#v: a scan refuses it (%v)", col, v, scanErr)
					}
				}
			}
			require.Greater(t, took, 10)
			require.Greater(t, refused, 3)

			// No read for invalid rows: the constraints keep every rule of
			// this schema.
			run := func(s *convreport.Schema) int64 {
				t.Helper()
				src, err := sqlsource.New(db, d, sqlsource.WithMapping(without(customMapping(d, kept.Table), s)), sqlsource.WithSchema(s))
				require.NoError(t, err)
				before := sqlsource.Probes.Load()
				_, err = convreport.NewEngine(src).Run(ctx, floatCountQuery, convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}})
				require.NoError(t, err)
				require.EqualValues(t, 1, src.Stats().Answered)
				return sqlsource.Probes.Load() - before
			}
			require.Zero(t, run(schema))
			// An enum is read for.
			grown, err := convreport.NewSchema(append(schema.Custom(), convreport.Property{Name: "region", Kind: convreport.KindEnum, Values: []string{"eu"}})...)
			require.NoError(t, err)
			require.EqualValues(t, 1, run(grown))
			// It finds a value outside them, which the constraints let
			// through, in the JSON object they vouch for.
			require.NoError(t, insertRaw(db, d, kept.Table, map[string]any{"id": "mars", "channel": "chat", "status": "open", "created_at": march, "incoming_messages": int64(0), "outgoing_messages": int64(0), "properties": `{"region": "mars"}`}))
			m := sqlsource.WithMapping(without(customMapping(d, kept.Table), grown))
			scanned, err := sqlsource.New(db, d, m, sqlsource.WithSchema(grown), sqlsource.WithoutPushdown())
			require.NoError(t, err)
			pushed, err := sqlsource.New(db, d, m, sqlsource.WithSchema(grown))
			require.NoError(t, err)
			r := convreport.Report{Name: "by region", Dimensions: []string{"region"}}
			_, werr := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, r)
			require.ErrorContains(t, werr, `"mars" is not one of eu`)
			_, gerr := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, r)
			require.EqualError(t, gerr, werr.Error())
			require.EqualValues(t, 1, pushed.Stats().Declined)
		})
	}
}
