package sqlsource_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// A table CreateTable makes in SQLite or PostgreSQL holds its rows to the
// rules a scan applies, whoever writes them: a row a scan would refuse
// cannot be written, a row it takes can. Random rows around every edge
// (the earliest supported time, spans of exactly math.MaxInt64, counts of
// 2^53, stored zero values) go raw into such a table and into a table of
// the same columns without the constraint; the first takes a row exactly
// when a scan of the second reads and validates it.
func TestCreatedTablesKeepTheRulesAScanApplies(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 6))
	pick := func(vs ...any) any { return vs[r.IntN(len(vs))] }
	for _, d := range []sqlsource.Dialect{sqlsource.SQLite, sqlsource.PostgreSQL} {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			kept := sqlsource.Mapping{Table: tableName(t, db, d, "kept")}
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, kept, nil))
			plain := ownTable(t, db, d, "plain", nil)
			scan, err := sqlsource.New(db, d, sqlsource.WithMapping(sqlsource.Mapping{Table: plain}))
			require.NoError(t, err)
			took, refused := 0, 0
			for i := range 1000 {
				created := pick(int64(math.MinInt64), int64(math.MinInt64+1), int64(-1e18), int64(-1), int64(0), int64(1), int64(1.7e18), int64(math.MaxInt64)).(int64)
				later := func() any {
					switch r.IntN(9) {
					case 0, 1, 7:
						return nil
					case 2:
						return created - 1
					case 3:
						return created
					case 4:
						if created < 0 {
							return created + math.MaxInt64 // exactly the longest span
						}
						return int64(math.MaxInt64)
					case 5:
						if created < 0 && created > math.MinInt64 {
							return created + math.MaxInt64 + 1 // a nanosecond longer
						}
						return created + 1
					}
					return created + int64(r.IntN(1e12))
				}
				row := map[string]any{
					"id": pick(fmt.Sprint("r", i), fmt.Sprint("r", i), ""),
					// Never NULL: CreateTable's columns are NOT NULL, and
					// Insert writes what an empty one means.
					"channel":           pick("", "chat", "email", "sms"),
					"status":            pick("", "open", "closed", "pending"),
					"created_at":        created,
					"first_assigned_at": later(),
					"first_response_at": later(),
					"closed_at":         later(),
					"incoming_messages": pick(int64(0), int64(3), int64(0), int64(3), int64(-1), int64(1<<53), int64(1<<53+1)),
					"outgoing_messages": pick(int64(0), int64(1), int64(0), int64(1), int64(-2)),
				}
				for k, v := range row {
					if v == nil {
						delete(row, k)
					}
				}
				// The scan's verdict: the row alone in the plain table.
				_, err := db.Exec("DELETE FROM " + quoteIdent(d, plain))
				require.NoError(t, err)
				insertOwn(t, db, d, plain, row)
				var scanErr error
				for c, err := range scan.Scan(ctx, convreport.ScanHint{}) {
					if err == nil {
						err = c.Validate()
					}
					scanErr = err
				}
				_, insErr := db.Exec(rawInsertStmt(d, kept.Table, row), rawInsertArgs(row)...)
				if scanErr == nil {
					took++
					require.NoError(t, insErr, "row %v: a scan takes it", row)
				} else {
					refused++
					require.Error(t, insErr, "row %v: a scan refuses it (%v)", row, scanErr)
				}
			}
			require.Greater(t, took, 40)
			require.Greater(t, refused, 40)

			// The source finds the rules, and reads for no invalid row.
			src, err := sqlsource.New(db, d, sqlsource.WithMapping(kept))
			require.NoError(t, err)
			before := sqlsource.Probes.Load()
			_, err = convreport.NewEngine(src).Run(ctx, floatCountQuery, convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}})
			require.NoError(t, err)
			require.EqualValues(t, 1, src.Stats().Answered)
			require.Equal(t, before, sqlsource.Probes.Load(), "no probe on a table that keeps the rules")
			// A table without them is probed, for invalid rows and, with
			// no unique index on its IDs, for repeated ones.
			_, err = convreport.NewEngine(scan).Run(ctx, floatCountQuery, convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}})
			require.NoError(t, err)
			require.Equal(t, before+2, sqlsource.Probes.Load())
		})
	}
}

// rawInsertStmt and rawInsertArgs write one row of (column → value) with
// the driver alone, the columns in defaultColumns' order.
func rawInsertStmt(d sqlsource.Dialect, table string, row map[string]any) string {
	names, marks := "", ""
	n := 0
	for _, c := range defaultColumns {
		if _, ok := row[c]; !ok {
			continue
		}
		if n > 0 {
			names += ", "
			marks += ", "
		}
		n++
		names += quoteIdent(d, c)
		if d == sqlsource.PostgreSQL {
			marks += fmt.Sprint("$", n)
		} else {
			marks += "?"
		}
	}
	return "INSERT INTO " + quoteIdent(d, table) + " (" + names + ") VALUES (" + marks + ")"
}

func rawInsertArgs(row map[string]any) []any {
	var args []any
	for _, c := range defaultColumns {
		if v, ok := row[c]; ok {
			args = append(args, v)
		}
	}
	return args
}

// dropRowRules drops the constraint CreateTable gave a PostgreSQL table,
// for a test that changes a column's type as an embedder may after
// dropping it (a count made text no longer compares with 0).
func dropRowRules(t *testing.T, db *sql.DB, table string) {
	t.Helper()
	var name string
	require.NoError(t, db.QueryRow(`SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(quote_ident($1)) AND conname LIKE 'convreport_rows_%'`, table).Scan(&name))
	_, err := db.Exec("ALTER TABLE " + quoteIdent(sqlsource.PostgreSQL, table) + " DROP CONSTRAINT " + quoteIdent(sqlsource.PostgreSQL, name))
	require.NoError(t, err)
}

// A scan reads counts as float64, exact up to 2^53, and refuses a larger
// one: Insert and Import refuse to write it, in every dialect, before
// writing anything.
func TestWritesRefuseCountsAbove2To53(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			m := sqlsource.Mapping{Table: tableName(t, db, d, "over53")}
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, nil))
			cs := []convreport.Conversation{
				{ID: "ok", Channel: convreport.Chat, CreatedAt: t0, IncomingMessages: 1 << 53},
				{ID: "big", Channel: convreport.Chat, CreatedAt: t0, OutgoingMessages: 1<<53 + 1},
			}
			want := `outgoing_messages: 9007199254740993 is above 2^53 (9007199254740992), the largest count a scan reads back exactly`
			require.ErrorContains(t, sqlsource.Insert(ctx, db, d, m, nil, cs), want)
			_, err := sqlsource.Import(ctx, db, d, m, nil, cs, sqlsource.ImportOptions{})
			require.ErrorContains(t, err, want)
			var n int
			require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM "+quoteIdent(d, m.Table)).Scan(&n))
			require.Zero(t, n)
			require.NoError(t, sqlsource.Insert(ctx, db, d, m, nil, cs[:1]))
		})
	}
}
