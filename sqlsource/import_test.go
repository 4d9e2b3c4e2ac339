package sqlsource_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sourcetest"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// An import stopped midway keeps every batch it committed, and a rerun
// writes exactly the rest: the table then holds the input, row for row,
// property for property. A third run writes nothing.
func TestImportResumes(t *testing.T) {
	schema := sourcetest.Schema()
	cs := sourcetest.Generate(1000, 4)
	for i := range cs {
		cs[i].ID = fmt.Sprintf("imp-%04d", i)
	}
	for _, d := range dialects {
		for _, tenant := range []any{nil, "acme"} {
			t.Run(fmt.Sprintf("%v/tenant=%v", d, tenant), func(t *testing.T) {
				db := openDB(t, d)
				m := sqlsource.Mapping{Table: tableName(t, db, d, "import")}
				if tenant != nil {
					m.Tenant = "account"
				}
				require.NoError(t, sqlsource.CreateTable(context.Background(), db, d, m, schema))
				if tenant != nil {
					// Another tenant's rows with the same IDs are no reason to skip.
					require.NoError(t, sqlsource.InsertTenant(context.Background(), db, d, m, schema, "other", cs[:400]))
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var seen []sqlsource.ImportProgress
				opt := sqlsource.ImportOptions{Tenant: tenant, BatchSize: 120, Progress: func(p sqlsource.ImportProgress) {
					seen = append(seen, p)
					if len(seen) == 3 {
						cancel() // the process is stopped after the third batch
					}
				}}
				prog, err := sqlsource.Import(ctx, db, d, m, schema, cs, opt)
				require.ErrorIs(t, err, context.Canceled)
				require.Equal(t, sqlsource.ImportProgress{Done: 360, Total: 1000, Inserted: 360}, prog)
				require.Equal(t, []int{120, 240, 360}, doneOf(seen))
				require.Equal(t, 360, countRows(t, db, d, m, tenant), "the committed batches are kept")

				seen = nil
				opt.Progress = func(p sqlsource.ImportProgress) { seen = append(seen, p) }
				prog, err = sqlsource.Import(context.Background(), db, d, m, schema, cs, opt)
				require.NoError(t, err)
				require.Equal(t, sqlsource.ImportProgress{Done: 1000, Total: 1000, Inserted: 640, Skipped: 360}, prog)
				require.Len(t, seen, 9)
				requireTableHolds(t, db, d, m, schema, tenant, cs)

				prog, err = sqlsource.Import(context.Background(), db, d, m, schema, cs, opt)
				require.NoError(t, err)
				require.Equal(t, sqlsource.ImportProgress{Done: 1000, Total: 1000, Skipped: 1000}, prog)
				requireTableHolds(t, db, d, m, schema, tenant, cs)
			})
		}
	}
}

// Bad input writes nothing: every row is checked before the first batch.
func TestImportRefusesBadInputWhole(t *testing.T) {
	db := openDB(t, sqlsource.SQLite)
	m := sqlsource.Mapping{Table: "conversations"}
	require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.SQLite, m, nil))
	cs := sourcetest.Generate(50, 1)
	for i := range cs {
		cs[i].ID = fmt.Sprintf("c%d", i)
		cs[i].Properties = nil
	}
	dup := append(slices.Clone(cs), cs[3])
	_, err := sqlsource.Import(context.Background(), db, sqlsource.SQLite, m, nil, dup, sqlsource.ImportOptions{BatchSize: 10})
	require.EqualError(t, err, `sqlsource: import: conversation "c3" is given twice (at 3 and 50)`)
	bad := slices.Clone(cs)
	bad[40].CreatedAt = time.Time{}
	_, err = sqlsource.Import(context.Background(), db, sqlsource.SQLite, m, nil, bad, sqlsource.ImportOptions{BatchSize: 10})
	var ve *convreport.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, 40, ve.Index)
	require.Zero(t, countRows(t, db, sqlsource.SQLite, m, nil))
}

func doneOf(ps []sqlsource.ImportProgress) []int {
	var out []int
	for _, p := range ps {
		out = append(out, p.Done)
	}
	return out
}

// countRows counts the table's rows (of the tenant) with SQL of its own.
func countRows(t *testing.T, db *sql.DB, d sqlsource.Dialect, m sqlsource.Mapping, tenant any) int {
	t.Helper()
	q := "SELECT COUNT(*) FROM " + quoteIdent(d, m.Table)
	var args []any
	if tenant != nil {
		q += " WHERE account = "
		if d == sqlsource.PostgreSQL {
			q += "$1"
		} else {
			q += "?"
		}
		args = append(args, tenant)
	}
	var n int64
	require.NoError(t, db.QueryRow(q, args...).Scan(&n))
	return int(n)
}

// requireTableHolds reads the table back (the tenant's rows) and requires
// exactly cs: the same IDs once each, every property equal.
func requireTableHolds(t *testing.T, db *sql.DB, d sqlsource.Dialect, m sqlsource.Mapping, s *convreport.Schema, tenant any, cs []convreport.Conversation) {
	t.Helper()
	opts := []sqlsource.Option{sqlsource.WithSchema(s), sqlsource.WithMapping(m)}
	if tenant != nil {
		opts = append(opts, sqlsource.WithTenant(tenant))
	}
	src, err := sqlsource.New(db, d, opts...)
	require.NoError(t, err)
	got := map[string]*convreport.Conversation{}
	for c, err := range src.Scan(context.Background(), convreport.ScanHint{}) {
		require.NoError(t, err)
		require.NotContains(t, got, c.ID, "ID %s twice", c.ID)
		got[c.ID] = c
	}
	require.Len(t, got, len(cs))
	for i := range cs {
		want := &cs[i]
		c, ok := got[want.ID]
		require.True(t, ok, "%s is missing", want.ID)
		for _, p := range s.Properties() {
			if p.Derived {
				continue
			}
			a, aok := s.Value(want, p.Name)
			b, bok := s.Value(c, p.Name)
			require.Equal(t, aok, bok, "%s: %s known", want.ID, p.Name)
			if ta, isTime := a.(time.Time); isTime {
				require.True(t, ta.Equal(b.(time.Time)), "%s: %s: %v vs %v", want.ID, p.Name, a, b)
				continue
			}
			require.Equal(t, a, b, "%s: %s", want.ID, p.Name)
		}
	}
}

// ImportAll reads its rows once, a batch at a time: stopped midway it
// keeps the batches it committed and a rerun writes the rest, as Import;
// a bad row, a repeated ID or an error of the sequence stops it after the
// batches before it; with CheckOnly it finds the same faults and writes
// nothing.
func TestImportAllStreams(t *testing.T) {
	schema := sourcetest.Schema()
	cs := sourcetest.Generate(1000, 5)
	for i := range cs {
		cs[i].ID = fmt.Sprintf("all-%04d", i)
	}
	// rows yields cs, with the row at bad made invalid and an error in
	// place of the row at fail (-1: none).
	rows := func(cs []convreport.Conversation, bad, fail int) iter.Seq2[convreport.Conversation, error] {
		return func(yield func(convreport.Conversation, error) bool) {
			for i, c := range cs {
				if i == fail {
					yield(convreport.Conversation{}, errors.New("the input broke"))
					return
				}
				if i == bad {
					c.CreatedAt = time.Time{}
				}
				if !yield(c, nil) {
					return
				}
			}
		}
	}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			m := sqlsource.Mapping{Table: tableName(t, db, d, "importall")}
			require.NoError(t, sqlsource.CreateTable(context.Background(), db, d, m, schema))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var seen []sqlsource.ImportProgress
			opt := sqlsource.ImportOptions{BatchSize: 120, Progress: func(p sqlsource.ImportProgress) {
				seen = append(seen, p)
				if len(seen) == 3 {
					cancel()
				}
			}}
			prog, err := sqlsource.ImportAll(ctx, db, d, m, schema, rows(cs, -1, -1), opt)
			require.ErrorIs(t, err, context.Canceled)
			require.Equal(t, sqlsource.ImportProgress{Done: 360, Inserted: 360}, prog)
			require.Equal(t, []int{120, 240, 360}, doneOf(seen))
			require.Equal(t, 360, countRows(t, db, d, m, nil))

			// Checking finds the bad row and the repeated ID, writing nothing.
			opt.Progress = nil
			check := opt
			check.CheckOnly = true
			_, err = sqlsource.ImportAll(context.Background(), nil, d, m, schema, rows(cs, 700, -1), check)
			var ve *convreport.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, 700, ve.Index)
			dup := append(slices.Clone(cs), cs[3])
			_, err = sqlsource.ImportAll(context.Background(), nil, d, m, schema, rows(dup, -1, -1), check)
			require.EqualError(t, err, `sqlsource: import: conversation "all-0003" is given twice (at 3 and 1000)`)
			prog, err = sqlsource.ImportAll(context.Background(), nil, d, m, schema, rows(cs, -1, -1), check)
			require.NoError(t, err)
			require.Equal(t, sqlsource.ImportProgress{Done: 1000}, prog)
			require.Equal(t, 360, countRows(t, db, d, m, nil))

			// Without checking, the batches before the bad row's are
			// written: rows 360 to 599, the bad row's batch being 600 to 719.
			prog, err = sqlsource.ImportAll(context.Background(), db, d, m, schema, rows(cs, 700, -1), opt)
			require.ErrorAs(t, err, &ve)
			require.Equal(t, 700, ve.Index)
			require.Equal(t, sqlsource.ImportProgress{Done: 600, Inserted: 240, Skipped: 360}, prog)
			require.Equal(t, 600, countRows(t, db, d, m, nil))
			// An error of the sequence stops it where it is.
			prog, err = sqlsource.ImportAll(context.Background(), db, d, m, schema, rows(cs, -1, 850), opt)
			require.EqualError(t, err, "the input broke")
			require.Equal(t, sqlsource.ImportProgress{Done: 840, Inserted: 240, Skipped: 600}, prog)

			// The rest, then nothing.
			prog, err = sqlsource.ImportAll(context.Background(), db, d, m, schema, rows(cs, -1, -1), opt)
			require.NoError(t, err)
			require.Equal(t, sqlsource.ImportProgress{Done: 1000, Inserted: 160, Skipped: 840}, prog)
			requireTableHolds(t, db, d, m, schema, nil, cs)
			opt.UniqueIDs = true
			prog, err = sqlsource.ImportAll(context.Background(), db, d, m, schema, rows(cs, -1, -1), opt)
			require.NoError(t, err)
			require.Equal(t, sqlsource.ImportProgress{Done: 1000, Skipped: 1000}, prog)
			// A batch larger than the input reserves no memory for itself.
			check.BatchSize = 1 << 40
			prog, err = sqlsource.ImportAll(context.Background(), nil, d, m, schema, rows(cs, -1, -1), check)
			require.NoError(t, err)
			require.Equal(t, 1000, prog.Done)
		})
	}
}
