package sqlsource_test

import (
	"context"
	"database/sql"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// A custom number of -0 is 0 in every source, whatever the rows before it:
// it printed "0" in memory when the -0 row came first and "-0" after a
// 0.5 (the column had moved to float64s), "0" from PostgreSQL's jsonb
// (which drops the sign) and "-0" from a ClickHouse Float64 column. The
// rows are written with the sign, past Insert, which stores 0, so that
// reading is checked too.
func TestNegativeZeroIsZeroInEverySource(t *testing.T) {
	ctx := context.Background()
	schema, err := convreport.NewSchema(convreport.Property{Name: "seats", Kind: convreport.KindNumber})
	require.NoError(t, err)
	negZero := math.Copysign(0, -1)
	require.True(t, math.Signbit(negZero))
	t0 := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	// -0 first, then after a 0.5; by hand, each prints "0".
	rows := []convreport.Conversation{
		{ID: "z1", Channel: convreport.Chat, CreatedAt: t0, Properties: map[string]any{"seats": negZero}},
		{ID: "z2", Channel: convreport.Chat, CreatedAt: t0.Add(time.Hour), Properties: map[string]any{"seats": 0.5}},
		{ID: "z3", Channel: convreport.Chat, CreatedAt: t0.Add(2 * time.Hour), Properties: map[string]any{"seats": negZero}},
	}
	want := map[string]string{"z1": "0", "z2": "0.5", "z3": "0"}
	q := convreport.Query{From: t0.Add(-time.Hour), To: t0.Add(24 * time.Hour), Now: t0.Add(48 * time.Hour)}
	report := convreport.Report{Name: "all", Properties: []string{"ID", "seats"}}
	text := func(t *testing.T, v any) string {
		f, ok := v.(float64)
		require.True(t, ok, "%T", v)
		require.False(t, math.Signbit(f), "the sign of 0")
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	check := func(t *testing.T, src convreport.Source) {
		t.Helper()
		eng := convreport.NewEngine(src)
		res, err := eng.Run(ctx, q, report)
		require.NoError(t, err)
		require.Equal(t, int64(3), res[0].Matched)
		dr, err := eng.DrillDown(ctx, q, report, res[0].Points[0])
		require.NoError(t, err)
		got := map[string]string{}
		for c := range dr.All() {
			got[c.ID] = text(t, dr.Values(&c)[1])
		}
		require.Equal(t, want, got, "drill-down")
		page, err := eng.DrillPage(ctx, q, report, res[0].Points[0], "seats", false, 0, 10)
		require.NoError(t, err)
		got = map[string]string{}
		for _, c := range page.Rows {
			v, _ := schema.Value(&c, "seats")
			got[c.ID] = text(t, v)
		}
		require.Equal(t, want, got, "drill-down page")
		got = map[string]string{}
		for c, err := range src.Scan(ctx, convreport.ScanHint{}) {
			require.NoError(t, err)
			got[c.ID] = text(t, c.Properties["seats"])
		}
		require.Equal(t, want, got, "scan")
	}
	t.Run("memory", func(t *testing.T) {
		for _, order := range [][]int{{0, 1, 2}, {1, 2, 0}} {
			var cs []convreport.Conversation
			for _, i := range order {
				cs = append(cs, rows[i])
			}
			src, err := memory.New(cs, memory.WithSchema(schema))
			require.NoError(t, err)
			check(t, src)
		}
	})
	for _, d := range dialects {
		mappings := map[string]sqlsource.Mapping{"column": {Columns: map[string]string{"seats": "seats"}}}
		if d != sqlsource.ClickHouse {
			mappings["json"] = sqlsource.Mapping{}
		}
		for name, m := range mappings {
			t.Run(d.String()+"/"+name, func(t *testing.T) {
				db := openDB(t, d)
				m.Table = tableName(t, db, d, "h2negzero")
				require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, schema))
				for _, c := range rows {
					seats := any(c.Properties["seats"])
					col := "seats"
					if name == "json" {
						col = "properties"
						seats = `{"seats": ` + strconv.FormatFloat(c.Properties["seats"].(float64), 'f', -1, 64) + `}`
					}
					rawInsert(t, db, d, m.Table, c, col, seats)
				}
				if name == "column" && d != sqlsource.SQLite {
					// The column holds the sign (SQLite's REAL does not).
					var f float64
					require.NoError(t, db.QueryRow("SELECT seats FROM "+quoteIdent(d, m.Table)+" WHERE id = 'z1'").Scan(&f))
					require.True(t, math.Signbit(f), "-0 stored")
				}
				src, err := sqlsource.New(db, d, sqlsource.WithSchema(schema), sqlsource.WithMapping(m))
				require.NoError(t, err)
				check(t, src)

				// Insert stores 0.
				m.Table = tableName(t, db, d, "h2negzero_ins")
				require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, schema))
				require.NoError(t, sqlsource.Insert(ctx, db, d, m, schema, rows))
				stmt := "SELECT seats FROM " + quoteIdent(d, m.Table) + " WHERE id = 'z1'"
				if name == "json" {
					var js string
					require.NoError(t, db.QueryRow("SELECT properties FROM "+quoteIdent(d, m.Table)+" WHERE id = 'z1'").Scan(&js))
					require.JSONEq(t, `{"seats": 0}`, js)
					require.NotContains(t, js, "-")
				} else {
					var f float64
					require.NoError(t, db.QueryRow(stmt).Scan(&f))
					require.False(t, math.Signbit(f), "0 stored")
				}
				src, err = sqlsource.New(db, d, sqlsource.WithSchema(schema), sqlsource.WithMapping(m))
				require.NoError(t, err)
				check(t, src)
			})
		}
	}
}

// rawInsert writes c's ID, channel, status and creation time and val in
// column col of table, with the driver alone.
func rawInsert(t *testing.T, db *sql.DB, d sqlsource.Dialect, table string, c convreport.Conversation, col string, val any) {
	t.Helper()
	stmt := "INSERT INTO " + quoteIdent(d, table) + " (id, channel, status, created_at, " + quoteIdent(d, col) + ") VALUES "
	args := []any{c.ID, "chat", "open", c.CreatedAt.UnixNano(), val}
	switch d {
	case sqlsource.PostgreSQL:
		cast := "$5"
		if col == "properties" {
			cast = "$5::jsonb"
		}
		_, err := db.Exec(stmt+"($1, $2, $3, $4, "+cast+")", args...)
		require.NoError(t, err)
	case sqlsource.SQLite:
		_, err := db.Exec(stmt+"(?, ?, ?, ?, ?)", args...)
		require.NoError(t, err)
	case sqlsource.ClickHouse:
		tx, err := db.Begin()
		require.NoError(t, err)
		batch, err := tx.Prepare(stmt)
		require.NoError(t, err)
		_, err = batch.Exec(args...)
		require.NoError(t, err)
		require.NoError(t, tx.Commit())
	}
}
