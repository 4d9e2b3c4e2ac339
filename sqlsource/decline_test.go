package sqlsource_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sourcetest"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// What SQL cannot compute exactly is declined, with a reason, and the
// engine's scan gives the memory engine's answer all the same.
func TestDeclinedPlansFallBackToTheSameAnswer(t *testing.T) {
	schema := trickySchema(t)
	cs := trickyData(400, false)
	mem, err := memory.New(cs, memory.WithSchema(schema))
	require.NoError(t, err)
	ctx := context.Background()
	q := trickyQuery(t)
	inHours := q
	inHours.Calendar = calendar.OfficeHours(q.Zone, calendar.At(9, 0), calendar.At(18, 0), calendar.Monday, calendar.Tuesday, calendar.Wednesday, calendar.Thursday, calendar.Friday)
	avg := convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}
	// A calendar a report names, with another for some inboxes: per-report
	// and per-inbox business hours are declined as the query's are.
	named := q
	office := calendar.OfficeHours(q.Zone, calendar.At(8, 0), calendar.At(12, 0), calendar.Monday, calendar.Wednesday)
	office.Name = "office"
	late := calendar.OfficeHours(time.UTC, calendar.At(14, 0), calendar.At(22, 0), calendar.Tuesday, calendar.Saturday)
	late.Name = "late"
	inboxes := map[string]string{}
	for _, c := range cs[:40] {
		inboxes[c.Inbox] = "late"
	}
	named.Calendars = &calendar.Set{Calendars: []*calendar.Calendar{office, late}, Inboxes: inboxes}
	cases := []struct {
		name   string
		q      convreport.Query
		r      convreport.Report
		reason string            // in the decline's message
		only   sqlsource.Dialect // 0: both dialects decline
	}{
		{"business hours", inHours, convreport.Report{Dimensions: []string{"Assignee"}, Measure: avg}, "Calendar", 0},
		{"a named calendar and inbox calendars", named, convreport.Report{Dimensions: []string{"Inbox"}, Calendar: "office", Measure: convreport.Measure{Agg: convreport.Median, Metric: convreport.TimeToClose}}, "Calendar", 0},
		{"an expression", q, convreport.Report{Filter: `len(Subject) > 5`, Dimensions: []string{"Inbox"}}, "no SQL equivalent", 0},
		{"a NUL byte in PostgreSQL", q, convreport.Report{Dimensions: []string{"Subject"}, Conditions: []convreport.Condition{{Property: "Subject", Op: convreport.NotEquals, Values: []string{"it's\x00"}}}}, "NUL or invalid UTF-8", sqlsource.PostgreSQL},
	}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			var reason error
			src := load(t, db, d, sqlsource.Mapping{Table: tableName(t, db, d, "decline")}, schema, cs,
				sqlsource.WithDeclineHook(func(err error) { reason = err }))
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					reason = nil
					before := src.Stats()
					want, err := convreport.NewEngine(mem).Run(ctx, c.q, c.r)
					require.NoError(t, err)
					got, err := convreport.NewEngine(src).Run(ctx, c.q, c.r)
					require.NoError(t, err)
					requireSameText(t, resultText(want), resultText(got), "%s", c.name)
					after := src.Stats()
					if c.only != 0 && c.only != d {
						require.Equal(t, before.Answered+1, after.Answered, "answered in SQL")
						return
					}
					require.Equal(t, before.Declined+1, after.Declined, "declined")
					require.ErrorIs(t, reason, convreport.ErrUnsupported)
					require.ErrorContains(t, reason, c.reason)
				})
			}
		})
	}
}

// A plan with a report SQL cannot express is declined as a whole; the
// engine then offers each report alone, so the others still run in SQL.
func TestOneDeclinedReportDeclinesThePlan(t *testing.T) {
	db := openDB(t, sqlsource.SQLite)
	cs := sourcetest.Generate(200, 1)
	src := load(t, db, sqlsource.SQLite, sqlsource.Mapping{}, sourcetest.Schema(), cs)
	_, err := src.Aggregate(context.Background(), nil)
	require.Error(t, err) // a nil plan is a caller's bug, not a decline
	eng := convreport.NewEngine(src)
	_, err = eng.Run(context.Background(), conformance.Queries()[0].Query,
		convreport.Report{Dimensions: []string{"Inbox"}},
		convreport.Report{Filter: `lower(Subject) contains "x"`})
	require.NoError(t, err)
	require.Equal(t, sqlsource.Stats{Answered: 1, Declined: 2}, src.Stats())
}

// In a dashboard that counts business hours for one report only, that
// report goes to the scan and the others stay in SQL, each with the
// memory engine's number.
func TestOnlyBusinessHoursReportsAreDeclined(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) { onlyBusinessHoursDeclined(t, d) })
	}
}

func onlyBusinessHoursDeclined(t *testing.T, d sqlsource.Dialect) {
	db := openDB(t, d)
	cs := sourcetest.Generate(300, 4)
	src := load(t, db, d, sqlsource.Mapping{Table: tableName(t, db, d, "bizhours")}, sourcetest.Schema(), cs)
	mem, err := memory.New(cs, memory.WithSchema(sourcetest.Schema()))
	require.NoError(t, err)
	q := conformance.Queries()[0].Query
	office := calendar.OfficeHours(q.Zone, calendar.At(9, 0), calendar.At(17, 0), calendar.Monday, calendar.Tuesday, calendar.Wednesday, calendar.Thursday, calendar.Friday)
	office.Name = "office"
	q.Calendars = &calendar.Set{Calendars: []*calendar.Calendar{office}}
	q.Viewer = access.Viewer{UserID: "me"}
	wait := convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}
	dash := convreport.Dashboard{Name: "D", Owner: "me", Reports: []convreport.Report{
		{ID: "biz", Name: "Business", Calendar: "office", Dimensions: []string{"Inbox"}, Measure: wait},
		{ID: "cal", Name: "Calendar time", Dimensions: []string{"Inbox"}, Measure: wait},
	}}
	want, err := convreport.NewEngine(mem).RunDashboard(context.Background(), q, dash)
	require.NoError(t, err)
	got, err := convreport.NewEngine(src).RunDashboard(context.Background(), q, dash)
	require.NoError(t, err)
	requireSameText(t, resultText(want), resultText(got), "dashboard")
	require.NotEqual(t, want[0].Points, want[1].Points, "business hours change the numbers")
	require.True(t, want[0].BusinessHours)
	require.False(t, want[1].BusinessHours)
	require.Equal(t, sqlsource.Stats{Answered: 1, Declined: 2}, src.Stats())
}

// Scan pushes the creation-time hint down, and stops when the consumer
// or the context does.
func TestScanPushesTheHintDown(t *testing.T) {
	cs := sourcetest.Generate(500, 9)
	from := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2025, 5, 1, 0, 0, 0, 1, time.UTC)
	var want []string
	for _, c := range cs {
		if !c.CreatedAt.Before(from) && c.CreatedAt.Before(to) {
			want = append(want, c.ID)
		}
	}
	require.NotEmpty(t, want)
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			src := load(t, db, d, sqlsource.Mapping{Table: tableName(t, db, d, "scan")}, sourcetest.Schema(), cs)
			var got []string
			for c, err := range src.Scan(context.Background(), convreport.ScanHint{CreatedFrom: from, CreatedTo: to}) {
				require.NoError(t, err)
				got = append(got, c.ID)
			}
			require.ElementsMatch(t, want, got)

			// Every conversation comes back as it went in.
			byID := map[string]convreport.Conversation{}
			for _, c := range cs {
				byID[c.ID] = c
			}
			n := 0
			for c, err := range src.Scan(context.Background(), convreport.ScanHint{}) {
				require.NoError(t, err)
				w := byID[c.ID]
				if len(w.Properties) == 0 {
					w.Properties = nil
				}
				require.Equal(t, w.CreatedAt.UnixNano(), c.CreatedAt.UnixNano())
				w.CreatedAt, w.FirstAssignedAt, w.FirstResponseAt, w.ClosedAt = c.CreatedAt, sameInstant(w.FirstAssignedAt, c.FirstAssignedAt), sameInstant(w.FirstResponseAt, c.FirstResponseAt), sameInstant(w.ClosedAt, c.ClosedAt)
				require.Equal(t, w, *c)
				n++
			}
			require.Equal(t, len(cs), n)

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			n = 0
			var last error
			for _, err := range src.Scan(ctx, convreport.ScanHint{}) {
				if err != nil {
					last = err
					break
				}
				if n++; n == 10 {
					cancel()
				}
			}
			require.True(t, errors.Is(last, context.Canceled) || strings.Contains(last.Error(), "cancel"), "got %v", last)
		})
	}
}

// sameInstant returns got when it is the instant want is, so structs
// compare equal whatever their locations.
func sameInstant(want, got time.Time) time.Time {
	if want.Equal(got) {
		return got
	}
	return want
}

// A PostgreSQL table with timestamptz columns works the same, on data
// with microsecond times; finer times are refused at Insert.
func TestPostgresTimestampColumns(t *testing.T) {
	db := openDB(t, sqlsource.PostgreSQL)
	schema := trickySchema(t)
	cs := trickyData(600, false)
	for i := range cs {
		c := &cs[i]
		for _, p := range []*time.Time{&c.CreatedAt, &c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
			*p = p.Truncate(time.Microsecond)
		}
		if v, ok := c.Properties["DueAt"].(time.Time); ok {
			c.Properties["DueAt"] = v.Truncate(time.Microsecond)
		}
	}
	m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.PostgreSQL, "tstz"), Times: sqlsource.Timestamp, Columns: map[string]string{"DueAt": "due_at"}}
	push := load(t, db, sqlsource.PostgreSQL, m, schema, cs)
	var typ string
	require.NoError(t, db.QueryRow(`SELECT data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = 'created_at'`, m.Table).Scan(&typ))
	require.Equal(t, "timestamp with time zone", typ)
	scan, err := sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithSchema(schema), sqlsource.WithMapping(m), sqlsource.WithoutPushdown())
	require.NoError(t, err)
	mem, err := memory.New(cs, memory.WithSchema(schema))
	require.NoError(t, err)
	ctx := context.Background()
	// Bounds between two microseconds check the rounding of the pushed
	// bounds.
	q := trickyQuery(t)
	q.From = q.From.Add(500 * time.Nanosecond)
	want, err := convreport.NewEngine(mem).Run(ctx, q, trickyReports()...)
	require.NoError(t, err)
	for mode, src := range map[string]*sqlsource.Source{"pushdown": push, "scan": scan} {
		got, err := convreport.NewEngine(src).Run(ctx, q, trickyReports()...)
		require.NoError(t, err)
		requireSameText(t, resultText(want), resultText(got), "%s", mode)
	}
	require.Equal(t, int64(1), push.Stats().Answered)

	fine := cs[0]
	fine.ID = "fine"
	fine.CreatedAt = fine.CreatedAt.Add(time.Nanosecond)
	err = sqlsource.Insert(ctx, db, sqlsource.PostgreSQL, m, schema, []convreport.Conversation{fine})
	require.ErrorContains(t, err, "finer than the microsecond")
}
