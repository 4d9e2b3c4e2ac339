package convreport_test

import (
	"context"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// A drill-down of a point from a run lists exactly what the point counts,
// or says it cannot: drilled with another report (a dashboard's report
// without the dashboard's filters), another period, another report's
// point, or after the data changed, it used to return rows that did not
// add up to the point, with no error. Counts here are by hand.
func TestDrillDownOfAPointItDoesNotCountIsAnError(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday
	at := func(d, h int) time.Time { return day.AddDate(0, 0, d).Add(time.Duration(h) * time.Hour) }
	cs := []convreport.Conversation{
		// ana: two chats this week, one email last week, one chat last week.
		{ID: "a1", Channel: convreport.Chat, Inbox: "Sales", Assignee: "ana", CreatedAt: at(7, 9), FirstResponseAt: at(7, 10)},
		{ID: "a2", Channel: convreport.Chat, Inbox: "Sales", Assignee: "ana", CreatedAt: at(8, 9)},
		{ID: "a3", Channel: convreport.Email, Inbox: "Sales", Assignee: "ana", CreatedAt: at(1, 9), FirstResponseAt: at(1, 11)},
		{ID: "a4", Channel: convreport.Chat, Inbox: "Sales", Assignee: "ana", CreatedAt: at(2, 9), FirstResponseAt: at(2, 12)},
		// bo: one chat this week.
		{ID: "b1", Channel: convreport.Chat, Inbox: "Support", Assignee: "bo", CreatedAt: at(9, 9), FirstResponseAt: at(9, 9)},
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	ctx := context.Background()
	now := at(10, 0)
	twoWeeks := convreport.Query{From: day, To: at(14, 0), Now: now}
	thisWeek := convreport.Query{From: at(7, 0), To: at(14, 0), Now: now}

	d := convreport.Dashboard{Name: "Chats", Filters: []convreport.Condition{{Property: "Channel", Op: convreport.IsAnyOf, Values: []string{"chat"}}},
		Reports: []convreport.Report{
			{ID: "by-rep", Name: "By rep", Dimensions: []string{"Assignee"}, Sort: convreport.ByLabelAsc},
			{ID: "by-inbox", Name: "By inbox", Dimensions: []string{"Inbox"}, Sort: convreport.ByLabelAsc},
		}}
	byRep := d.Runnable(d.Reports[0])
	res, err := eng.Run(ctx, twoWeeks, byRep)
	require.NoError(t, err)
	ana := res[0].Points[0]
	require.Equal(t, "ana", ana.Dimensions[0].Value)
	require.Equal(t, int64(3), ana.Count, "a1, a2, a4: chats only")

	mismatch := func(err error, list string, want int64, got int) {
		t.Helper()
		var pm *convreport.PointMismatchError
		require.ErrorAs(t, err, &pm)
		require.Equal(t, convreport.PointMismatchError{Report: byRep.Name, List: list, Want: want, Got: got}, *pm)
		require.Contains(t, err.Error(), "Dashboard.Runnable")
	}

	// As run: its three chats.
	dr, err := eng.DrillDown(ctx, twoWeeks, byRep, ana)
	require.NoError(t, err)
	require.Equal(t, []string{"a4", "a1", "a2"}, ids(dr))

	// The dashboard's report as stored, without its filters: the email
	// too.
	_, err = eng.DrillDown(ctx, twoWeeks, d.Reports[0], ana)
	mismatch(err, "Count", 3, 4)

	// Another period, which a point of no bucket does not say: this week
	// has two of ana's chats.
	_, err = eng.DrillDown(ctx, thisWeek, byRep, ana)
	mismatch(err, "Count", 3, 2)

	// Another report's point: one that groups by another property says
	// so; one of the same grouping counts other conversations.
	_, err = eng.DrillDown(ctx, twoWeeks, d.Runnable(d.Reports[1]), ana)
	require.EqualError(t, err, `convreport: drill-down: point dimension 0 is "Assignee", report "By inbox" groups by "Inbox"`)
	emails := convreport.Report{Name: "Emails by rep", Dimensions: []string{"Assignee"},
		Conditions: []convreport.Condition{{Property: "Channel", Op: convreport.IsAnyOf, Values: []string{"email"}}}}
	_, err = eng.DrillDown(ctx, twoWeeks, emails, ana)
	var pm *convreport.PointMismatchError
	require.ErrorAs(t, err, &pm)
	require.Equal(t, convreport.PointMismatchError{Report: "Emails by rep", List: "Count", Want: 3, Got: 1}, *pm)

	// The data changed since the run: the point no longer adds up, and
	// its group alone lists what matches now.
	require.NoError(t, src.Add(convreport.Conversation{ID: "a5", Channel: convreport.Chat, Inbox: "Sales", Assignee: "ana", CreatedAt: at(9, 15)}))
	_, err = eng.DrillDown(ctx, twoWeeks, byRep, ana)
	mismatch(err, "Count", 3, 4)
	dr, err = eng.DrillDown(ctx, twoWeeks, byRep, ana.Unchecked())
	require.NoError(t, err)
	require.Equal(t, []string{"a4", "a1", "a2", "a5"}, ids(dr))
	page, err := eng.DrillPage(ctx, twoWeeks, byRep, ana, "", false, 0, 10)
	require.Nil(t, page)
	mismatch(err, "Count", 3, 4)

	// A point made by hand, of its group alone, is drilled as the data
	// stands.
	dr, err = eng.DrillDown(ctx, thisWeek, byRep, convreport.Point{Dimensions: []convreport.DimensionValue{{Property: "Assignee", Value: "ana", Known: true}}})
	require.NoError(t, err)
	require.Equal(t, []string{"a1", "a2", "a5"}, ids(dr))

	// The conversations a response time leaves out: as many as the
	// point's Excluded, or an error. Rerun after the change: a2 and a5
	// are unanswered.
	avg := byRep
	avg.Measure = convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}
	res, err = eng.Run(ctx, twoWeeks, avg)
	require.NoError(t, err)
	ana = res[0].Points[0]
	require.Equal(t, []int64{2, 2}, []int64{ana.Count, ana.Excluded})
	dr, err = eng.DrillExcluded(ctx, twoWeeks, avg, ana)
	require.NoError(t, err)
	require.Equal(t, []string{"a2", "a5"}, ids(dr))
	_, err = eng.DrillExcluded(ctx, thisWeek, avg, ana)
	require.NoError(t, err, "this week leaves out the same two")
	wrong := ana
	wrong.Excluded = 1
	_, err = eng.DrillExcluded(ctx, twoWeeks, avg, wrong)
	var xe *convreport.PointMismatchError
	require.ErrorAs(t, err, &xe)
	require.Equal(t, convreport.PointMismatchError{Report: avg.Name, List: "Excluded", Want: 1, Got: 2}, *xe)
}

// An SLA point's drill-down lists its Breaches, and is checked against
// them.
func TestDrillDownOfAnSLAPointIsCheckedAgainstItsBreaches(t *testing.T) {
	day := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	cs := []convreport.Conversation{
		{ID: "met", Channel: convreport.Chat, Inbox: "a", CreatedAt: at(8, 0), FirstResponseAt: at(8, 5)},
		{ID: "late", Channel: convreport.Chat, Inbox: "a", CreatedAt: at(9, 0), FirstResponseAt: at(9, 30)},
		{ID: "later", Channel: convreport.Chat, Inbox: "a", CreatedAt: at(10, 0), FirstResponseAt: at(11, 0)},
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{Name: "std", FirstResponse: &convreport.SLATarget{Within: convreport.Duration(10 * time.Minute)}}}}
	q := convreport.Query{From: day, To: day.AddDate(0, 0, 1), Now: at(12, 0), SLA: set}
	r := convreport.Report{Name: "met", Measure: slaMeasure(convreport.SLAMet, convreport.FirstResponseTarget)}
	res, err := eng.Run(context.Background(), q, r)
	require.NoError(t, err)
	p := res[0].Points[0]
	require.Equal(t, []int64{3, 2}, []int64{p.Count, p.Breaches})
	dr, err := eng.DrillDown(context.Background(), q, r, p)
	require.NoError(t, err)
	require.Equal(t, []string{"late", "later"}, ids(dr))

	p.Breaches = 3
	_, err = eng.DrillDown(context.Background(), q, r, p)
	var pm *convreport.PointMismatchError
	require.ErrorAs(t, err, &pm)
	require.Equal(t, convreport.PointMismatchError{Report: "met", List: "Breaches", Want: 3, Got: 2}, *pm)
}

// ids returns the IDs of d's conversations, in its order.
func ids(d *convreport.Drill) []string {
	var out []string
	for c := range d.All() {
		out = append(out, c.ID)
	}
	return out
}
