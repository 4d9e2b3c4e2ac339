package convreport_test

import (
	"context"
	"testing"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is small enough to compute every expected number by hand; the
// comments give each conversation's metrics.
func fixture() []convreport.Conversation {
	return []convreport.Conversation{
		// agent FRT 120 s, wait 180 s, time to close 3600 s
		{ID: "c1", Channel: convreport.Chat, Assignee: "A", Inbox: "Chat", Status: convreport.Closed,
			CreatedAt: at("2025-03-01T10:00:00Z"), FirstAssignedAt: at("2025-03-01T10:01:00Z"),
			FirstResponseAt: at("2025-03-01T10:03:00Z"), ClosedAt: at("2025-03-01T11:00:00Z")},
		// never assigned: agent FRT = wait = 30 s; open
		{ID: "c2", Channel: convreport.Chat, Assignee: "A", Inbox: "Chat", Status: convreport.Open,
			CreatedAt: at("2025-03-02T09:00:00Z"), FirstResponseAt: at("2025-03-02T09:00:30Z")},
		// never answered; time to close 86400 s
		{ID: "c3", Channel: convreport.Chat, Assignee: "B", Inbox: "Chat", Status: convreport.Closed,
			CreatedAt: at("2025-03-02T12:00:00Z"), FirstAssignedAt: at("2025-03-02T12:00:10Z"),
			ClosedAt: at("2025-03-03T12:00:00Z")},
		// agent FRT 3600 s, wait 5400 s, closed after the range (604800 s)
		{ID: "c4", Channel: convreport.Email, Assignee: "B", Inbox: "Billing", Status: convreport.Closed,
			CreatedAt: at("2025-03-03T08:00:00Z"), FirstAssignedAt: at("2025-03-03T08:30:00Z"),
			FirstResponseAt: at("2025-03-03T09:30:00Z"), ClosedAt: at("2025-03-10T08:00:00Z")},
		// unassigned, unanswered, open
		{ID: "c5", Channel: convreport.Chat, Inbox: "Chat", Status: convreport.Open,
			CreatedAt: at("2025-03-04T15:00:00Z")},
		// created before the range, closed inside it: time to close 7200 s
		{ID: "c6", Channel: convreport.Chat, Assignee: "A", Inbox: "Chat", Status: convreport.Closed,
			CreatedAt: at("2025-02-28T23:00:00Z"), FirstResponseAt: at("2025-03-01T00:10:00Z"),
			ClosedAt: at("2025-03-01T01:00:00Z")},
		// wait 0.5015 s: rounds half away from zero to 0.502 s
		{ID: "c7", Channel: convreport.Email, Assignee: "C", Inbox: "Billing", Status: convreport.Open,
			CreatedAt: at("2025-03-07T23:59:59.999Z"), FirstResponseAt: at("2025-03-08T00:00:00.5005Z")},
	}
}

func fixtureQuery() convreport.Query {
	return convreport.Query{From: at("2025-03-01T00:00:00Z"), To: at("2025-03-08T00:00:00Z"), Now: at("2025-03-05T00:00:00Z")}
}

type pt struct {
	label    string
	value    string // "" for no value
	count    int64
	excluded int64
}

func points(r convreport.Result) []pt {
	var out []pt
	for _, p := range r.Points {
		l := ""
		for i, d := range p.Dimensions {
			if i > 0 {
				l += "/"
			}
			l += d.Label()
		}
		if !p.Bucket.IsZero() {
			if l != "" {
				l += "@"
			}
			l += p.Bucket.Format("01-02")
		}
		if p.Other {
			l = "Other"
		}
		v := ""
		if p.Value.Valid {
			v = p.Value.Decimal.String()
		}
		out = append(out, pt{l, v, p.Count, p.Excluded})
	}
	return out
}

func runOne(t *testing.T, cs []convreport.Conversation, q convreport.Query, r convreport.Report) convreport.Result {
	t.Helper()
	src, err := memory.New(cs)
	require.NoError(t, err)
	res, err := convreport.NewEngine(src).Run(context.Background(), q, r)
	require.NoError(t, err)
	require.Len(t, res, 1)
	return res[0]
}

func TestRunHandComputed(t *testing.T) {
	byRep := []string{"Assignee"}
	cases := []struct {
		name   string
		report convreport.Report
		want   []pt
	}{
		{"count by rep, unassigned last among equals", convreport.Report{Dimensions: byRep},
			[]pt{{"A", "2", 2, 0}, {"B", "2", 2, 0}, {"C", "1", 1, 0}, {"(no value)", "1", 1, 0}}},
		{"average agent first response by rep excludes unanswered",
			convreport.Report{Dimensions: byRep, Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}},
			[]pt{{"B", "3600", 1, 1}, {"A", "75", 2, 0}, {"C", "0.502", 1, 0}}},
		{"average customer wait by rep",
			convreport.Report{Dimensions: byRep, Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}},
			[]pt{{"B", "5400", 1, 1}, {"A", "105", 2, 0}, {"C", "0.502", 1, 0}}},
		{"closed by rep dates on ClosedAt",
			convreport.Report{Dimensions: byRep, DateProperty: "ClosedAt"},
			[]pt{{"A", "2", 2, 0}, {"B", "1", 1, 0}}},
		{"time to close by rep counts closed ones in the close range",
			convreport.Report{Dimensions: byRep, DateProperty: "ClosedAt", Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.TimeToClose}},
			[]pt{{"B", "86400", 1, 0}, {"A", "5400", 2, 0}}},
		{"daily series is gap-filled",
			convreport.Report{Bucket: convreport.Day},
			[]pt{{"03-01", "1", 1, 0}, {"03-02", "2", 2, 0}, {"03-03", "1", 1, 0}, {"03-04", "1", 1, 0}, {"03-05", "0", 0, 0}, {"03-06", "0", 0, 0}, {"03-07", "1", 1, 0}}},
		{"daily average leaves empty buckets without value",
			convreport.Report{Bucket: convreport.Day, Measure: convreport.Measure{Agg: convreport.Max, Metric: convreport.WaitTime}},
			[]pt{{"03-01", "180", 1, 0}, {"03-02", "30", 1, 1}, {"03-03", "5400", 1, 0}, {"03-04", "", 0, 1}, {"03-05", "", 0, 0}, {"03-06", "", 0, 0}, {"03-07", "0.502", 1, 0}}},
		{"open at now is a snapshot",
			convreport.Report{Dimensions: []string{"Inbox"}, Snapshot: true},
			[]pt{{"Chat", "2", 2, 0}, {"Billing", "1", 1, 0}}},
		{"median and percentiles are nearest-rank",
			convreport.Report{Measure: convreport.Measure{Agg: convreport.Median, Metric: convreport.WaitTime}},
			// waits in range: 0.5015, 30, 180, 5400 → rank ceil(0.5×4) = 2
			[]pt{{"", "30", 4, 2}}},
		{"p75",
			convreport.Report{Measure: convreport.Measure{Agg: convreport.Percentile, P: 75, Metric: convreport.WaitTime}},
			[]pt{{"", "180", 4, 2}}},
		{"min",
			convreport.Report{Measure: convreport.Measure{Agg: convreport.Min, Metric: convreport.WaitTime}},
			[]pt{{"", "0.502", 4, 2}}},
		{"share answered within 3 minutes",
			convreport.Report{Measure: convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.WaitTime, Threshold: convreport.Duration(3 * time.Minute)}},
			// 3 of 4 waits are ≤ 180 s
			[]pt{{"", "75", 4, 2}}},
		{"limit folds the tail into Other",
			convreport.Report{Dimensions: byRep, Limit: 2},
			[]pt{{"A", "2", 2, 0}, {"B", "2", 2, 0}, {"Other", "2", 2, 0}}},
		{"label sort", convreport.Report{Dimensions: byRep, Sort: convreport.ByLabelDesc},
			[]pt{{"(no value)", "1", 1, 0}, {"C", "1", 1, 0}, {"B", "2", 2, 0}, {"A", "2", 2, 0}}},
		{"two dimensions", convreport.Report{Dimensions: []string{"Channel", "Assignee"}},
			[]pt{{"chat/A", "2", 2, 0}, {"chat/B", "1", 1, 0}, {"chat/(no value)", "1", 1, 0}, {"email/B", "1", 1, 0}, {"email/C", "1", 1, 0}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := runOne(t, fixture(), fixtureQuery(), tc.report)
			require.Equal(t, tc.want, points(got))
		})
	}
}

func TestBusinessHoursThroughTheEngine(t *testing.T) {
	// Sunday 00:00 to the next Saturday 23:59: 604740 s of calendar time,
	// of which Monday to Friday 09:00-17:00 make 5 × 8 h = 144000 s.
	sunday := at("2025-03-02T00:00:00Z")
	cs := []convreport.Conversation{{ID: "w", Channel: convreport.Email, Status: convreport.Closed,
		CreatedAt: sunday, FirstResponseAt: sunday.Add(25 * time.Hour), ClosedAt: at("2025-03-08T23:59:00Z")}}
	r := convreport.Report{DateProperty: "ClosedAt", Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.TimeToClose}}
	q := convreport.Query{From: at("2025-03-01T00:00:00Z"), To: at("2025-03-10T00:00:00Z")}
	require.Equal(t, []pt{{"", "604740", 1, 0}}, points(runOne(t, cs, q, r)))

	q.Calendar = calendar.OfficeHours(time.UTC, calendar.At(9, 0), calendar.At(17, 0),
		calendar.Monday, calendar.Tuesday, calendar.Wednesday, calendar.Thursday, calendar.Friday)
	require.Equal(t, []pt{{"", "144000", 1, 0}}, points(runOne(t, cs, q, r)))

	// The reply came Monday 01:00, before opening: no business time passed.
	r.Measure.Metric = convreport.WaitTime
	r.DateProperty = ""
	require.Equal(t, []pt{{"", "0", 1, 0}}, points(runOne(t, cs, q, r)))
}

func TestScopeCannotBeWidenedByAFilter(t *testing.T) {
	q := fixtureQuery()
	q.Viewer.Scope = access.Scope{Inboxes: []string{"Billing"}}
	// A filter asking for chats (all in the "Chat" inbox) finds nothing:
	// the scope applies on top of it.
	r := convreport.Report{Dimensions: []string{"Inbox"}, Filter: `Channel == "chat" || Inbox == "Chat"`}
	require.Empty(t, points(runOne(t, fixture(), q, r)))

	r = convreport.Report{Dimensions: []string{"Assignee"}}
	got := runOne(t, fixture(), q, r)
	require.Equal(t, []pt{{"B", "1", 1, 0}, {"C", "1", 1, 0}}, points(got))

	src, err := memory.New(fixture())
	require.NoError(t, err)
	d, err := convreport.NewEngine(src).DrillDown(context.Background(), q, r, got.Points[0])
	require.NoError(t, err)
	for c := range d.All() {
		require.Equal(t, "Billing", c.Inbox)
	}
	require.Equal(t, 1, d.Len())
}
