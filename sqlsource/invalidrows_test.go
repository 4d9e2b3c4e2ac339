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

// A table filled by another program can hold a row that is not a
// conversation. A scan refuses it, naming it; a pushed-down report
// counted it as it was (a closed conversation without a close, a
// negative count), so one table gave numbers pushed down and an error
// scanned. Now the source declines a plan whose dates hold such a row,
// and the engine's scan refuses it with the very error a scan gives.
func TestPushdownRefusesInvalidRowsAsTheScanDoes(t *testing.T) {
	ctx := context.Background()
	march := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC).UnixNano()
	feb := time.Date(2025, 2, 3, 10, 0, 0, 0, time.UTC).UnixNano()
	hour := int64(time.Hour)
	good := []map[string]any{
		{"id": "g1", "channel": "chat", "status": "open", "created_at": march, "assignee": "Ana", "incoming_messages": int64(2), "outgoing_messages": int64(1)},
		{"id": "g2", "channel": "email", "status": "closed", "created_at": march + hour, "closed_at": march + 2*hour, "first_response_at": march + hour + 60, "assignee": "Bo", "incoming_messages": int64(1), "outgoing_messages": int64(3)},
		// Stored zero values a scan reads as other, and as closed by its close.
		{"id": "g3", "channel": "", "status": "", "created_at": march + 2*hour, "closed_at": march + 3*hour},
	}
	type bad struct {
		name    string
		row     map[string]any
		only    sqlsource.Dialect // set: this dialect alone can hold the row
		outside bool              // created outside the query's dates
	}
	bads := []bad{
		{name: "negative count", row: map[string]any{"id": "b", "channel": "chat", "status": "open", "created_at": march, "outgoing_messages": int64(-3)}},
		{name: "count beyond 2^53", row: map[string]any{"id": "b", "channel": "chat", "status": "open", "created_at": march, "incoming_messages": int64(1<<53 + 2)}},
		{name: "closed without a close", row: map[string]any{"id": "b", "channel": "chat", "status": "closed", "created_at": march}},
		{name: "open with a close", row: map[string]any{"id": "b", "channel": "chat", "status": "open", "created_at": march, "closed_at": march + hour}},
		{name: "reply before creation", row: map[string]any{"id": "b", "channel": "chat", "status": "open", "created_at": march, "first_response_at": march - 1}},
		{name: "assigned before creation", row: map[string]any{"id": "b", "channel": "chat", "status": "open", "created_at": march, "first_assigned_at": march - hour}},
		{name: "unknown channel", row: map[string]any{"id": "b", "channel": "sms", "status": "open", "created_at": march}},
		{name: "unknown status", row: map[string]any{"id": "b", "channel": "chat", "status": "pending", "created_at": march}},
		{name: "empty ID", row: map[string]any{"id": "", "channel": "chat", "status": "open", "created_at": march}},
		{name: "fraction in a count", only: sqlsource.SQLite, row: map[string]any{"id": "b", "channel": "chat", "status": "open", "created_at": march, "incoming_messages": 2.5}},
		{name: "text in a time", only: sqlsource.SQLite, row: map[string]any{"id": "b", "channel": "chat", "status": "open", "created_at": march, "first_response_at": "soon"}},
		// Outside the dates a scan reads: both answer, alike.
		{name: "negative count in February", outside: true, row: map[string]any{"id": "b", "channel": "chat", "status": "open", "created_at": feb, "outgoing_messages": int64(-3)}},
	}
	reports := []convreport.Report{
		{Name: "by rep", Dimensions: []string{"Assignee"}},
		{Name: "replies", Filter: "OutgoingMessages > 1"},
	}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			for _, b := range bads {
				if b.only != 0 && b.only != d {
					continue
				}
				table := ownTable(t, db, d, "invalid", nil)
				insertOwn(t, db, d, table, append(good, b.row)...)
				m := sqlsource.WithMapping(sqlsource.Mapping{Table: table})
				var declines []error
				pushed, err := sqlsource.New(db, d, m, sqlsource.WithDeclineHook(func(err error) { declines = append(declines, err) }))
				require.NoError(t, err)
				scanned, err := sqlsource.New(db, d, m, sqlsource.WithoutPushdown())
				require.NoError(t, err)
				want, werr := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, reports...)
				got, gerr := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, reports...)
				if b.outside {
					require.NoError(t, werr, b.name)
					require.NoError(t, gerr, b.name)
					require.Empty(t, declines, b.name)
					require.Equal(t, want, got, b.name)
					continue
				}
				require.Error(t, werr, "%s: the scan refuses the row", b.name)
				require.EqualError(t, gerr, werr.Error(), b.name)
				require.NotEmpty(t, declines, b.name)
				require.ErrorIs(t, declines[0], convreport.ErrUnsupported, b.name)
				require.ErrorContains(t, declines[0], "is not a conversation, and the scan refuses it", b.name)

				// Without the check, the row is counted as it is stored.
				trusting, err := sqlsource.New(db, d, m, sqlsource.WithoutRowCheck())
				require.NoError(t, err)
				res, err := convreport.NewEngine(trusting).Run(ctx, floatCountQuery, reports...)
				require.NoError(t, err, b.name)
				require.EqualValues(t, len(good)+1, res[0].Matched, b.name)
				require.EqualValues(t, 1, trusting.Stats().Answered, b.name)
			}
		})
	}
}

// The probe for invalid rows is wider than the rules; a valid row it
// reads back (one created before 1970 and answered after) is checked and
// kept, and the plan is pushed down. A row created before 1970 and
// closed more than 292 years later is invalid, and refused.
func TestPushdownKeepsValidRowsTheProbeReads(t *testing.T) {
	ctx := context.Background()
	created := time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC).UnixNano()
	q := convreport.Query{From: time.Date(1680, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), Now: time.Date(2200, 1, 2, 0, 0, 0, 0, time.UTC)}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			table := ownTable(t, db, d, "probe", nil)
			insertOwn(t, db, d, table,
				map[string]any{"id": "old", "channel": "chat", "status": "closed", "created_at": created, "first_response_at": created + int64(2*time.Hour), "closed_at": created + int64(3*time.Hour), "assignee": "Ana"},
				map[string]any{"id": "new", "channel": "chat", "status": "open", "created_at": int64(0), "assignee": "Bo"})
			var declines []error
			src, err := sqlsource.New(db, d, sqlsource.WithMapping(sqlsource.Mapping{Table: table}), sqlsource.WithDeclineHook(func(err error) { declines = append(declines, err) }))
			require.NoError(t, err)
			res, err := convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}})
			require.NoError(t, err)
			require.Empty(t, declines)
			require.EqualValues(t, 2, res[0].Matched)
			require.EqualValues(t, 1, src.Stats().Answered)

			// 1684 to 2255: longer than any duration.
			insertOwn(t, db, d, table, map[string]any{"id": "span", "channel": "chat", "status": "closed", "created_at": int64(-9e18), "closed_at": int64(math.MaxInt64 - 1e17)})
			_, err = convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}})
			require.ErrorContains(t, err, `conversation "span": closed_at:`)
			require.ErrorContains(t, err, "is more than 292 years after created_at")
			require.NotEmpty(t, declines)

			// Created at int64's first nanosecond, before the first
			// supported one: only a plan open at the start (a snapshot)
			// reads it.
			table = ownTable(t, db, d, "probe", nil)
			insertOwn(t, db, d, table, map[string]any{"id": "first", "channel": "email", "status": "open", "created_at": int64(math.MinInt64)})
			declines = nil
			src, err = sqlsource.New(db, d, sqlsource.WithMapping(sqlsource.Mapping{Table: table}), sqlsource.WithDeclineHook(func(err error) { declines = append(declines, err) }))
			require.NoError(t, err)
			_, err = convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "open", Snapshot: true})
			require.ErrorContains(t, err, `conversation "first": column `)
			require.ErrorContains(t, err, "is outside the supported times")
			require.NotEmpty(t, declines)
		})
	}
}

// PostgreSQL's timestamptz columns hold times beyond int64 nanoseconds,
// which a scan refuses; the probe compares them as timestamps.
func TestPushdownRefusesInvalidTimestamps(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, sqlsource.PostgreSQL)
	march := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	for _, b := range []struct {
		name, set, want string
	}{
		{"reply before creation", "first_response_at = created_at - interval '1 second'", "is before created_at"},
		{"reply in 1600", "first_response_at = '1600-01-01T00:00:00Z'", "is outside the supported times"},
		{"close in 2300", "status = 'closed', closed_at = '2300-01-01T00:00:00Z'", "is outside the supported times"},
		{"closed without a close", "status = 'closed'", "is missing but the conversation is closed"},
	} {
		m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "tstzbad"), Times: sqlsource.Timestamp}
		require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.PostgreSQL, m, nil))
		require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, nil, []convreport.Conversation{
			{ID: "a", Channel: convreport.Chat, CreatedAt: march, Assignee: "Ana"},
			{ID: "b", Channel: convreport.Chat, CreatedAt: march.Add(time.Hour), Assignee: "Bo"},
		}))
		_, err := db.Exec("UPDATE " + quoteIdent(sqlsource.PostgreSQL, m.Table) + " SET " + b.set + " WHERE id = 'b'")
		require.NoError(t, err, b.name)
		var declines []error
		pushed, err := sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m), sqlsource.WithDeclineHook(func(err error) { declines = append(declines, err) }))
		require.NoError(t, err)
		scanned, err := sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m), sqlsource.WithoutPushdown())
		require.NoError(t, err)
		_, werr := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}})
		require.ErrorContains(t, werr, b.want, b.name)
		_, gerr := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}})
		require.EqualError(t, gerr, werr.Error(), b.name)
		require.NotEmpty(t, declines, b.name)
	}
}

// A drill-down page decodes its rows as a scan does and validates them: a
// row changed since the report ran into one a scan refuses is refused,
// not listed.
func TestDrillPageRefusesInvalidRows(t *testing.T) {
	ctx := context.Background()
	march := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC).UnixNano()
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			table := ownTable(t, db, d, "drillbad", nil)
			insertOwn(t, db, d, table,
				map[string]any{"id": "a", "channel": "chat", "status": "open", "created_at": march, "assignee": "Ana"},
				map[string]any{"id": "b", "channel": "chat", "status": "open", "created_at": march + 1, "assignee": "Ana"})
			src, err := sqlsource.New(db, d, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
			require.NoError(t, err)
			eng := convreport.NewEngine(src)
			res, err := eng.Run(ctx, floatCountQuery, convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}})
			require.NoError(t, err)
			page, err := eng.DrillPage(ctx, floatCountQuery, res[0].Report, res[0].Points[0], "", false, 0, 10)
			require.NoError(t, err)
			require.Equal(t, 2, page.Total)

			stmt := "UPDATE " + quoteIdent(d, table) + " SET status = 'closed' WHERE id = 'b'"
			if d == sqlsource.ClickHouse {
				stmt = "ALTER TABLE " + quoteIdent(d, table) + " UPDATE status = 'closed' WHERE id = 'b'"
			}
			_, err = db.Exec(stmt)
			require.NoError(t, err)
			require.Eventually(t, func() bool {
				_, err = eng.DrillPage(ctx, floatCountQuery, res[0].Report, res[0].Points[0], "", false, 0, 10)
				return err != nil
			}, 10*time.Second, 50*time.Millisecond, "a ClickHouse mutation applies in the background")
			require.ErrorContains(t, err, `conversation "b": closed_at: is missing but the conversation is closed`)
		})
	}
}

// A table with no unique index on its IDs can hold one ID twice: a scan
// refuses it, a pushed-down count counted both rows. Such a plan now
// declines, and the engine's scan refuses the ID; a table whose IDs are
// unique (a unique index, a primary key) is not grouped by ID. ClickHouse
// keys nothing, and is not looked at: grouping every ID of a large table
// would take the server's memory.
func TestPushdownRefusesRepeatedIDsAsTheScanDoes(t *testing.T) {
	ctx := context.Background()
	march := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC).UnixNano()
	for _, d := range []sqlsource.Dialect{sqlsource.SQLite, sqlsource.PostgreSQL} {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			rows := []map[string]any{
				{"id": "a", "channel": "chat", "status": "open", "created_at": march, "assignee": "Ana"},
				{"id": "b", "channel": "chat", "status": "open", "created_at": march + 1, "assignee": "Bo"},
			}
			report := convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}}

			// Unique IDs in a table with no index on them: grouped, and
			// pushed down.
			table := ownTable(t, db, d, "dupid", nil)
			insertOwn(t, db, d, table, rows...)
			m := sqlsource.WithMapping(sqlsource.Mapping{Table: table})
			src, err := sqlsource.New(db, d, m)
			require.NoError(t, err)
			before := sqlsource.Probes.Load()
			res, err := convreport.NewEngine(src).Run(ctx, floatCountQuery, report)
			require.NoError(t, err)
			require.EqualValues(t, 2, res[0].Matched)
			require.EqualValues(t, 1, src.Stats().Answered)
			require.Equal(t, before+2, sqlsource.Probes.Load(), "invalid rows, and repeated IDs")

			// One of them twice.
			insertOwn(t, db, d, table, map[string]any{"id": "a", "channel": "email", "status": "open", "created_at": march + 2, "assignee": "Cy"})
			scanned, err := sqlsource.New(db, d, m, sqlsource.WithoutPushdown())
			require.NoError(t, err)
			_, werr := convreport.NewEngine(scanned).Run(ctx, floatCountQuery, report)
			require.ErrorIs(t, werr, convreport.ErrDuplicateID)
			var declines []error
			pushed, err := sqlsource.New(db, d, m, sqlsource.WithDeclineHook(func(err error) { declines = append(declines, err) }))
			require.NoError(t, err)
			_, gerr := convreport.NewEngine(pushed).Run(ctx, floatCountQuery, report)
			require.EqualError(t, gerr, werr.Error())
			require.NotEmpty(t, declines)
			require.ErrorContains(t, declines[0], `conversation ID "a" is in more than one row`)

			// A unique index on the IDs: not grouped.
			table = ownTable(t, db, d, "uniqid", nil)
			insertOwn(t, db, d, table, rows...)
			_, err = db.Exec("CREATE UNIQUE INDEX " + quoteIdent(d, table+"_id") + " ON " + quoteIdent(d, table) + " (id)")
			require.NoError(t, err)
			src, err = sqlsource.New(db, d, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
			require.NoError(t, err)
			before = sqlsource.Probes.Load()
			_, err = convreport.NewEngine(src).Run(ctx, floatCountQuery, report)
			require.NoError(t, err)
			require.Equal(t, before+1, sqlsource.Probes.Load(), "invalid rows alone")

			// CreateTable's table: a primary key, and the rules kept.
			cm := sqlsource.Mapping{Table: tableName(t, db, d, "madeid")}
			src = load(t, db, d, cm, nil, []convreport.Conversation{{ID: "a", Channel: convreport.Chat, CreatedAt: time.Unix(0, march)}})
			before = sqlsource.Probes.Load()
			_, err = convreport.NewEngine(src).Run(ctx, floatCountQuery, report)
			require.NoError(t, err)
			require.Equal(t, before, sqlsource.Probes.Load(), "no read at all")
		})
	}
}
