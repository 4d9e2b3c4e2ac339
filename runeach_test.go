package convreport_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// runEachFixture holds four conversations on one Monday: Ana has three,
// two answered after 1 h and 3 h; Ben has one, answered after 2 h.
func runEachFixture(t *testing.T) (*convreport.Engine, convreport.Query) {
	t.Helper()
	t0 := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	cs := []convreport.Conversation{
		{ID: "c1", Assignee: "Ana", Channel: convreport.Chat, CreatedAt: t0, FirstResponseAt: t0.Add(time.Hour)},
		{ID: "c2", Assignee: "Ana", Channel: convreport.Chat, CreatedAt: t0.Add(time.Minute), FirstResponseAt: t0.Add(3*time.Hour + time.Minute)},
		{ID: "c3", Assignee: "Ana", Channel: convreport.Chat, CreatedAt: t0.Add(2 * time.Minute)},
		{ID: "c4", Assignee: "Ben", Channel: convreport.Email, CreatedAt: t0.Add(3 * time.Minute), FirstResponseAt: t0.Add(2*time.Hour + 3*time.Minute)},
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	office := &calendar.Calendar{Name: "office", Zone: time.UTC}
	for d := calendar.Monday; d <= calendar.Friday; d++ {
		office.Week.SetDay(d, []calendar.Hours{{Start: calendar.At(9, 0), End: calendar.At(17, 0)}})
	}
	set := &calendar.Set{Calendars: []*calendar.Calendar{office}}
	require.NoError(t, set.Validate())
	q := convreport.Query{From: t0.Add(-24 * time.Hour), To: t0.Add(24 * time.Hour), Now: t0.Add(48 * time.Hour),
		Calendars: set, Viewer: access.Viewer{UserID: "olivia"}}
	return convreport.NewEngine(src), q
}

type repCount struct {
	rep   string
	value string
}

func repCounts(r convreport.Result) []repCount {
	var out []repCount
	for _, p := range r.Points {
		out = append(out, repCount{p.Dimensions[0].Value, p.Value.Decimal.String()})
	}
	return out
}

// One report that no longer runs (a property the schema lacks, a filter
// that does not compile, an SLA measure with no policy given) leaves the
// others to run, each error at its report's place; RunDashboard fails
// whole as before.
func TestRunDashboardEachRunsTheOthers(t *testing.T) {
	eng, q := runEachFixture(t)
	byRep := convreport.Report{ID: "by-rep", Name: "Conversations by rep", Dimensions: []string{"Assignee"}, Sort: convreport.ByLabelAsc}
	frt := convreport.Report{ID: "frt", Name: "First response by rep", Dimensions: []string{"Assignee"}, Sort: convreport.ByLabelAsc,
		Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}}
	d := convreport.Dashboard{ID: "support", Name: "Support", Owner: "olivia", Reports: []convreport.Report{
		{ID: "by-plan", Name: "By plan", Dimensions: []string{"plan"}},
		byRep,
		{ID: "bad-filter", Name: "Chats", Filter: `Channel == `},
		{ID: "sla", Name: "Breaches", Measure: convreport.Measure{Agg: convreport.SLABreaches, SLA: "standard", Target: convreport.FirstResponseTarget}},
		frt,
	}}
	_, err := eng.RunDashboard(context.Background(), q, d)
	var re *convreport.ReportError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "By plan", re.Report)

	res, errs, err := eng.RunDashboardEach(context.Background(), q, d)
	require.NoError(t, err)
	require.Len(t, res, 5)
	require.Len(t, errs, 5)
	wantField := map[int]string{0: "dimensions", 2: "filter", 3: "measure"}
	for i := range d.Reports {
		field, stale := wantField[i]
		if !stale {
			require.NoError(t, errs[i], d.Reports[i].Name)
			require.Equal(t, d.Reports[i].ID, res[i].Report.ID)
			continue
		}
		require.ErrorAs(t, errs[i], &re, d.Reports[i].Name)
		require.Equal(t, d.Reports[i].Name, re.Report)
		require.Equal(t, field, re.Field)
		require.Empty(t, res[i].Points, "a report that did not run has no points")
	}
	var unknown *convreport.UnknownPropertyError
	require.ErrorAs(t, errs[0], &unknown)
	// By hand: Ana 3, Ben 1; Ana's answers average 2 h (7,200 s), Ben's 2 h.
	require.Equal(t, []repCount{{"Ana", "3"}, {"Ben", "1"}}, repCounts(res[1]))
	require.Equal(t, []repCount{{"Ana", "7200"}, {"Ben", "7200"}}, repCounts(res[4]))

	// Compared with the week before, the reports that run still do.
	cq := q
	cq.Compare = convreport.ComparePrevious
	res, errs, err = eng.RunDashboardEach(context.Background(), cq, d)
	require.NoError(t, err)
	require.NoError(t, errs[1])
	require.Equal(t, []repCount{{"Ana", "3"}, {"Ben", "1"}}, repCounts(res[1]))
	require.Error(t, errs[0])

	// RunEach is the same for a list of reports.
	res, errs, err = eng.RunEach(context.Background(), q, d.Reports[2], byRep)
	require.NoError(t, err)
	require.Error(t, errs[0])
	require.NoError(t, errs[1])
	require.Equal(t, []repCount{{"Ana", "3"}, {"Ben", "1"}}, repCounts(res[1]))

	// Nothing that runs: no error for the run, each report's own.
	res, errs, err = eng.RunEach(context.Background(), q, d.Reports[0])
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Error(t, errs[0])
}

// A calendar of the dashboard the query does not hold is the error of
// each report that counts by it; a report with its own calendar runs.
func TestRunDashboardEachLostCalendar(t *testing.T) {
	eng, q := runEachFixture(t)
	frt := func(id, cal string) convreport.Report {
		return convreport.Report{ID: id, Name: id, Calendar: cal, Dimensions: []string{"Assignee"}, Sort: convreport.ByLabelAsc,
			Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}}
	}
	d := convreport.Dashboard{ID: "support", Name: "Support", Owner: "olivia", Calendar: "night",
		Reports: []convreport.Report{frt("inherits", ""), frt("own", "office")}}
	res, errs, err := eng.RunDashboardEach(context.Background(), q, d)
	require.NoError(t, err)
	var de *convreport.DashboardError
	require.ErrorAs(t, errs[0], &de)
	require.Equal(t, "calendar", de.Field)
	require.Contains(t, de.Error(), `"night"`)
	require.NoError(t, errs[1])
	// Office hours, 09:00-17:00: Ana's answers took 1 h and 3 h, Ben's 2 h.
	require.Equal(t, []repCount{{"Ana", "7200"}, {"Ben", "7200"}}, repCounts(res[1]))
	require.True(t, res[1].BusinessHours)
}

// A viewer who may not see the dashboard runs nothing; a query that
// cannot resolve fails the whole run, as RunDashboard does.
func TestRunDashboardEachWholeErrors(t *testing.T) {
	eng, q := runEachFixture(t)
	d := convreport.Dashboard{ID: "support", Name: "Support", Owner: "olivia", Visibility: access.Private,
		Reports: []convreport.Report{{ID: "all", Name: "All"}}}
	other := q
	other.Viewer = access.Viewer{UserID: "mallory"}
	res, errs, err := eng.RunDashboardEach(context.Background(), other, d)
	require.ErrorIs(t, err, access.ErrForbidden)
	require.Nil(t, res)
	require.Nil(t, errs)

	bad := q
	bad.To = bad.From.Add(-time.Hour)
	_, _, err = eng.RunDashboardEach(context.Background(), bad, d)
	require.Error(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = eng.RunEach(ctx, q, d.Reports...)
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
}
