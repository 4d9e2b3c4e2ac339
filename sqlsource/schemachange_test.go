package sqlsource_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// alterFixture is a PostgreSQL table of conformance rows whose counts are
// integer (as tables were before CreateTable made them bigint), with a
// pushed-down source and a scanning one opened over it, and the same
// rows in memory for the expected answers.
type alterFixture struct {
	db          *sql.DB
	m           sqlsource.Mapping
	cs          []convreport.Conversation
	push, scan  *sqlsource.Source
	mem         *memory.Source
	schema      *convreport.Schema
	q           convreport.Query
	reports     []convreport.Report
	quotedTable string
}

func newAlterFixture(t *testing.T, prefix string) *alterFixture {
	t.Helper()
	ctx := context.Background()
	f := &alterFixture{db: openDB(t, sqlsource.PostgreSQL), schema: conformance.Schema(), cs: conformance.Generate(60, 31)}
	f.m = sqlsource.Mapping{Table: tableName(t, f.db, sqlsource.PostgreSQL, prefix)}
	f.quotedTable = quoteIdent(sqlsource.PostgreSQL, f.m.Table)
	require.NoError(t, sqlsource.CreateTable(ctx, f.db, sqlsource.PostgreSQL, f.m, f.schema))
	// Its columns' types are changed below as an embedder's migration
	// may, which the rules CreateTable keeps (a count compared with 0)
	// would stop for some types.
	dropRowRules(t, f.db, f.m.Table)
	f.exec(t, "ALTER TABLE %s ALTER COLUMN incoming_messages TYPE integer, ALTER COLUMN outgoing_messages TYPE integer", f.quotedTable)
	require.NoError(t, sqlsource.Insert(ctx, f.db, sqlsource.PostgreSQL, f.m, f.schema, f.cs))
	var err error
	f.push, err = sqlsource.New(f.db, sqlsource.PostgreSQL, sqlsource.WithSchema(f.schema), sqlsource.WithMapping(f.m))
	require.NoError(t, err)
	f.scan, err = sqlsource.New(f.db, sqlsource.PostgreSQL, sqlsource.WithSchema(f.schema), sqlsource.WithMapping(f.m), sqlsource.WithoutPushdown())
	require.NoError(t, err)
	f.mem, err = memory.New(f.cs, memory.WithSchema(f.schema))
	require.NoError(t, err)
	f.q = convreport.Query{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Now: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}
	f.reports = []convreport.Report{
		{Name: "by rep", Dimensions: []string{"Assignee"}},
		{Name: "chatty", Filter: "IncomingMessages > 2", Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}},
		{Name: "p90 wait by channel", Dimensions: []string{"Channel"}, Measure: convreport.Measure{Agg: convreport.Percentile, P: 90, Metric: convreport.WaitTime}},
	}
	return f
}

func (f *alterFixture) exec(t *testing.T, format string, args ...any) {
	t.Helper()
	_, err := f.db.Exec(fmt.Sprintf(format, args...))
	require.NoError(t, err)
}

// read runs every report on src, and the drill-down of the first
// report's first point sorted by incoming messages: what a dashboard
// and its drill dialog read. It returns them as text, or the first error.
func (f *alterFixture) read(ctx context.Context, src convreport.Source) (string, error) {
	eng := convreport.NewEngine(src)
	res, err := eng.Run(ctx, f.q, f.reports...)
	if err != nil {
		return "", err
	}
	page, err := eng.DrillPage(ctx, f.q, res[0].Report, res[0].Points[0], "IncomingMessages", true, 0, 15)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(resultText(res))
	fmt.Fprintf(&b, "drill total=%d\n", page.Total)
	for _, c := range page.Rows {
		fmt.Fprintf(&b, "%s %d %d\n", c.ID, c.IncomingMessages, c.OutgoingMessages)
	}
	return b.String(), nil
}

// A long-lived source over PostgreSQL keeps answering after the table
// changes in ways its statements read alike: counts widened from
// integer to bigint, text columns made varchar, a column added; and so
// do imports and New on the same pool. pgx's
// database/sql driver caches each statement prepared on each connection,
// and PostgreSQL refused every one that returns a changed column with
// "cached plan must not change result type", once per connection: a
// scan and a drill-down failed on every pooled connection in turn.
func TestPostgreSQLSourceSurvivesCompatibleAlter(t *testing.T) {
	ctx := context.Background()
	f := newAlterFixture(t, "alter_ok")
	want, err := f.read(ctx, f.mem)
	require.NoError(t, err)
	// Several connections, each with the statements cached.
	readAll := func(what string) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 4 {
			for _, src := range []*sqlsource.Source{f.push, f.scan} {
				wg.Go(func() {
					got, err := f.read(ctx, src)
					if err == nil && got != want {
						err = fmt.Errorf("%s: wrong answer:\n%s\nwant\n%s", what, got, want)
					}
					if err != nil {
						errs <- fmt.Errorf("%s: %w", what, err)
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
	}
	// An import of rows the table has looks their IDs up, and writes none.
	importAgain := func(what string) {
		t.Helper()
		prog, err := sqlsource.Import(ctx, f.db, sqlsource.PostgreSQL, f.m, f.schema, f.cs[:10], sqlsource.ImportOptions{})
		require.NoError(t, err, what)
		require.Zero(t, prog.Inserted, what)
	}
	readAll("before the change")
	importAgain("before the change")
	require.GreaterOrEqual(t, f.db.Stats().Idle, 2, "the reads must leave several connections with cached statements")

	f.exec(t, "ALTER TABLE %s ALTER COLUMN incoming_messages TYPE bigint, ALTER COLUMN outgoing_messages TYPE bigint, ALTER COLUMN assignee TYPE varchar(200), ALTER COLUMN id TYPE varchar(100), ADD COLUMN note text", f.quotedTable)
	importAgain("after the change")
	for i := range 3 {
		for _, src := range []*sqlsource.Source{f.push, f.scan} {
			got, err := f.read(ctx, src)
			require.NoError(t, err, "read %d after the change", i)
			require.Equal(t, want, got, "read %d after the change", i)
		}
	}
	readAll("after the change, concurrently")
}

// A change that takes away what the statements read fails the reads that
// need it with a *sqlsource.TableChangedError naming the column and
// what it is now, not the driver's words ("cached plan must not change
// result type", "operator does not exist: timestamp with time zone >=
// bigint"); the source answers again once the column is put back.
func TestPostgreSQLSourceNamesIncompatibleAlter(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name, alter, undo string
		column, property  string
		was, now          string
		msg               string
	}{
		{
			name: "dropped", alter: "ALTER TABLE %s DROP COLUMN assignee", undo: "ALTER TABLE %s ADD COLUMN assignee text",
			column: "assignee", property: "Assignee", was: "text",
			msg: `column "assignee" of Assignee was dropped: restore it, or map another column (Mapping.Columns) and open the source again`,
		},
		{
			name:  "count made text",
			alter: "ALTER TABLE %s ALTER COLUMN incoming_messages TYPE text", undo: "ALTER TABLE %s ALTER COLUMN incoming_messages TYPE integer USING incoming_messages::integer",
			column: "incoming_messages", property: "IncomingMessages", was: "integer", now: "text",
			msg: `column "incoming_messages" of IncomingMessages is now text (was integer): a count must be a number column (integer, bigint)`,
		},
		{
			name: "times made timestamptz",
			// The nanoseconds are kept aside: timestamptz has microseconds.
			alter:  "ALTER TABLE %[1]s RENAME COLUMN created_at TO created_ns; ALTER TABLE %[1]s ADD COLUMN created_at timestamptz; UPDATE %[1]s SET created_at = to_timestamp(created_ns / 1e9)",
			undo:   "ALTER TABLE %[1]s DROP COLUMN created_at; ALTER TABLE %[1]s RENAME COLUMN created_ns TO created_at",
			column: "created_at", property: "CreatedAt", was: "bigint", now: "timestamp with time zone",
			msg: `column "created_at" of CreatedAt is now timestamp with time zone (was bigint): the mapping reads times as bigint Unix nanoseconds: set Mapping.Times to Timestamp ("times": "timestamp") for timestamptz columns`,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newAlterFixture(t, "alter_bad")
			want, err := f.read(ctx, f.mem)
			require.NoError(t, err)
			for _, src := range []*sqlsource.Source{f.push, f.scan} {
				got, err := f.read(ctx, src)
				require.NoError(t, err)
				require.Equal(t, want, got)
			}
			f.exec(t, c.alter, f.quotedTable)
			for i, src := range []*sqlsource.Source{f.push, f.scan, f.push} {
				_, err := f.read(ctx, src)
				require.Error(t, err, "read %d", i)
				var tc *sqlsource.TableChangedError
				require.True(t, errors.As(err, &tc), "read %d: %v", i, err)
				require.Equal(t, f.m.Table, tc.Table)
				require.Equal(t, c.column, tc.Column)
				require.Equal(t, c.property, tc.Property)
				require.Equal(t, c.was, tc.Was)
				require.Equal(t, c.now, tc.Now)
				require.Contains(t, err.Error(), `table `+f.quotedTable+` changed since the source opened: `+c.msg)
				require.NotContains(t, err.Error(), "SQLSTATE")
				require.Error(t, tc.Err, "the database's error is kept")
			}
			f.exec(t, c.undo, f.quotedTable)
			if c.name == "dropped" {
				for _, cv := range f.cs {
					_, err := f.db.Exec("UPDATE "+f.quotedTable+" SET assignee = $1 WHERE id = $2", cv.Assignee, cv.ID)
					require.NoError(t, err)
				}
			}
			for _, src := range []*sqlsource.Source{f.push, f.scan} {
				got, err := f.read(ctx, src)
				require.NoError(t, err, "once the column is back")
				require.Equal(t, want, got, "once the column is back")
			}
		})
	}
}

// A dropped table is said so.
func TestPostgreSQLSourceNamesDroppedTable(t *testing.T) {
	ctx := context.Background()
	f := newAlterFixture(t, "alter_gone")
	_, err := f.read(ctx, f.push)
	require.NoError(t, err)
	f.exec(t, "DROP TABLE %s", f.quotedTable)
	for _, src := range []*sqlsource.Source{f.push, f.scan} {
		_, err = f.read(ctx, src)
		var tc *sqlsource.TableChangedError
		require.True(t, errors.As(err, &tc), "%v", err)
		require.Empty(t, tc.Column)
		require.Contains(t, err.Error(), `table `+f.quotedTable+` changed since the source opened: it no longer exists`)
	}
}

// The live change feed survives a change of the table: the trigger stays,
// the listening connection keeps listening, and the reads a signal
// prompts answer with the new rows.
func TestPostgreSQLWatchSurvivesAlter(t *testing.T) {
	ctx := context.Background()
	f := newAlterFixture(t, "alter_watch")
	require.NoError(t, sqlsource.InstallNotify(ctx, f.db, f.m))
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := f.push.Watch(wctx)
	require.NoError(t, err)
	count := func(src *sqlsource.Source) int64 {
		t.Helper()
		res, err := convreport.NewEngine(src).Run(ctx, f.q, convreport.Report{Name: "all"})
		require.NoError(t, err)
		_, err = f.read(ctx, src) // the drill-down reads the altered columns
		require.NoError(t, err)
		return res[0].Points[0].Count
	}
	require.EqualValues(t, 60, count(f.push))
	require.EqualValues(t, 60, count(f.scan))

	f.exec(t, "ALTER TABLE %s ALTER COLUMN incoming_messages TYPE bigint, ALTER COLUMN assignee TYPE varchar(200), ADD COLUMN note text", f.quotedTable)
	extra := conformance.Generate(65, 31)[60:]
	require.Equal(t, f.cs[59].ID, conformance.Generate(65, 31)[59].ID, "the first 60 are the table's")
	require.NoError(t, sqlsource.Insert(ctx, f.db, sqlsource.PostgreSQL, f.m, f.schema, extra))
	select {
	case c, ok := <-ch:
		require.True(t, ok, "the watch ended")
		require.NoError(t, c.Err)
	case <-time.After(5 * time.Second):
		t.Fatal("no signal within 5 s of an insert after the change")
	}
	require.EqualValues(t, 65, count(f.push))
	require.EqualValues(t, 65, count(f.scan))
}

// The statements are made for the types New read: a jsonb column of
// custom properties made json fails the reports that read it with jsonb's
// functions, as changed, naming the column, where PostgreSQL said
// "function jsonb_typeof(json) does not exist"; a scan, which reads
// the column as text, answers as before.
func TestPostgreSQLSourceNamesJSONMadeJSON(t *testing.T) {
	ctx := context.Background()
	f := newAlterFixture(t, "alter_json")
	f.reports = append(f.reports, convreport.Report{Name: "vip", Filter: "VIP == true"})
	want, err := f.read(ctx, f.mem)
	require.NoError(t, err)
	got, err := f.read(ctx, f.push)
	require.NoError(t, err)
	require.Equal(t, want, got)
	f.exec(t, "ALTER TABLE %s ALTER COLUMN properties TYPE json", f.quotedTable)
	_, err = f.read(ctx, f.push)
	var tc *sqlsource.TableChangedError
	require.True(t, errors.As(err, &tc), "%v", err)
	require.Equal(t, "properties", tc.Column)
	require.Equal(t, "jsonb", tc.Was)
	require.Equal(t, "json", tc.Now)
	require.Contains(t, err.Error(), `table `+f.quotedTable+` changed since the source opened: column "properties" is now json (was jsonb): the source's statements were made for its type when it opened: open the source again`)
	got, err = f.read(ctx, f.scan)
	require.NoError(t, err)
	require.Equal(t, want, got)
	reopened, err := sqlsource.New(f.db, sqlsource.PostgreSQL, sqlsource.WithSchema(f.schema), sqlsource.WithMapping(f.m))
	require.NoError(t, err)
	got, err = f.read(ctx, reopened)
	require.NoError(t, err)
	require.Equal(t, want, got, "opened again")
}
