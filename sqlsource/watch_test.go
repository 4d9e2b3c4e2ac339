package sqlsource_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// A PostgreSQL table with the notify trigger tells Watch of every
// committed write to it (insert, update, delete), not of writes to other
// tables, and a run after the signal sees the change.
func TestWatchPostgreSQL(t *testing.T) {
	db := openDB(t, sqlsource.PostgreSQL)
	ctx := context.Background()
	s := conformance.Schema()
	cs := conformance.Generate(40, 21)
	m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "watch")}
	src := load(t, db, sqlsource.PostgreSQL, m, s, cs)

	_, err := src.Watch(ctx)
	require.ErrorContains(t, err, "InstallNotify", "watching without the trigger must say how to install it")

	require.NoError(t, sqlsource.InstallNotify(ctx, db, m))
	require.NoError(t, sqlsource.InstallNotify(ctx, db, m), "installing twice replaces the trigger")
	other := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "watch_other")}
	load(t, db, sqlsource.PostgreSQL, other, s, nil)
	require.NoError(t, sqlsource.InstallNotify(ctx, db, other))

	wctx, cancel := context.WithCancel(ctx)
	ch, err := src.Watch(wctx)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	count := func() int64 {
		res, err := eng.Run(ctx, q, convreport.Report{})
		require.NoError(t, err)
		return res[0].Points[0].Count
	}
	require.EqualValues(t, 40, count())

	expect := func(what string) {
		t.Helper()
		select {
		case c := <-ch:
			require.NoError(t, c.Err, what)
		case <-time.After(5 * time.Second):
			t.Fatalf("no signal within 5 s after %s", what)
		}
	}
	quiet := func(what string) {
		t.Helper()
		select {
		case c := <-ch:
			t.Fatalf("a signal (%+v) after %s", c, what)
		case <-time.After(300 * time.Millisecond):
		}
	}

	require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, other, s, conformance.Generate(3, 22)))
	quiet("a write to another table")

	extra := conformance.Generate(45, 23)[40:]
	for i := range extra {
		extra[i].ID = "extra-" + extra[i].ID
		extra[i].CreatedAt = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	}
	require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, s, extra))
	expect("an insert")
	require.EqualValues(t, 45, count())

	_, err = db.ExecContext(ctx, `DELETE FROM "`+m.Table+`" WHERE id LIKE 'extra-%'`)
	require.NoError(t, err)
	expect("a delete")
	require.EqualValues(t, 40, count())

	_, err = db.ExecContext(ctx, `UPDATE "`+m.Table+`" SET assignee = 'someone' WHERE id = $1`, cs[0].ID)
	require.NoError(t, err)
	expect("an update")
	quiet("one transaction")

	cancel()
	select {
	case _, open := <-ch:
		require.False(t, open, "a value after cancel")
	case <-time.After(5 * time.Second):
		t.Fatal("the channel did not close after ctx was done")
	}
}

// Databases without notifications say so with ErrUnsupported.
func TestWatchSQLiteUnsupported(t *testing.T) {
	db := openDB(t, sqlsource.SQLite)
	m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.SQLite, "watch")}
	src := load(t, db, sqlsource.SQLite, m, conformance.Schema(), nil)
	_, err := src.Watch(context.Background())
	require.True(t, errors.Is(err, convreport.ErrUnsupported), "%v", err)
}
