package convreport_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// byContact returns n conversations, each of its own contact, created one
// every 7 minutes from start (so a day of hours holds 8 or 9).
func byContact(n int, start time.Time) []convreport.Conversation {
	cs := make([]convreport.Conversation, n)
	for i := range cs {
		cs[i] = convreport.Conversation{ID: fmt.Sprintf("c%06d", i), ContactID: fmt.Sprintf("contact-%06d", i),
			CreatedAt: start.Add(time.Duration(i) * 7 * time.Minute)}
	}
	return cs
}

// pointsRefusal asserts that err is the refusal of report name's points:
// a *LimitError in a *ReportError on its bucket.
func pointsRefusal(t *testing.T, err error, name string, max, got int) {
	t.Helper()
	var re *convreport.ReportError
	require.ErrorAs(t, err, &re)
	require.Equal(t, name, re.Report)
	require.Equal(t, "bucket", re.Field)
	var le *convreport.LimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, convreport.LimitError{Limit: "points per report", Max: max, Got: got}, *le)
	require.EqualError(t, err, fmt.Sprintf(`convreport: report %q: bucket: points per report %d is over the limit of %d`, name, got, max))
}

func TestDefaultAndCeilingOfMaxPoints(t *testing.T) {
	require.Equal(t, 1_000_000, convreport.DefaultLimits().MaxPoints)
	require.Equal(t, 10_000_000, convreport.MaxLimits().MaxPoints)
	src, err := memory.New(nil)
	require.NoError(t, err)
	require.Equal(t, 1_000_000, convreport.NewEngine(src).Limits().MaxPoints)
	require.Equal(t, 10_000_000, convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 1 << 40})).Limits().MaxPoints)
	require.Equal(t, 500, convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 500})).Limits().MaxPoints)
}

// A time series' points are its series times its buckets: at the limit it
// runs, one point over it is refused, naming the points it would have.
func TestPointsLimitAtItsEdge(t *testing.T) {
	day := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	src, err := memory.New(byContact(5, day)) // five contacts, in the day's first hour
	require.NoError(t, err)
	q := convreport.Query{From: day, To: day.Add(24 * time.Hour), Now: day}
	r := convreport.Report{Name: "hourly by contact", Dimensions: []string{"ContactID"}, Bucket: convreport.Hour}

	res, err := convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 5 * 24})).Run(context.Background(), q, r)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 5*24)

	_, err = convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 5*24 - 1})).Run(context.Background(), q, r)
	pointsRefusal(t, err, "hourly by contact", 5*24-1, 5*24)

	// A top 2 shows 2 series and Other: 72 points.
	top := r
	top.Limit = 2
	res, err = convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 3 * 24})).Run(context.Background(), q, top)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 3*24)
	require.Equal(t, 3, res[0].Folded)
	_, err = convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 3*24 - 1})).Run(context.Background(), q, top)
	pointsRefusal(t, err, "hourly by contact", 3*24-1, 3*24)

	// Without dimensions the points are the buckets, refused before
	// anything is read.
	total := convreport.Report{Name: "hourly", Bucket: convreport.Hour}
	_, err = convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 23})).Run(context.Background(), q, total)
	pointsRefusal(t, err, "hourly", 23, 24)
	res, err = convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 24})).Run(context.Background(), q, total)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 24)

	// A report over no time has at most MaxGroups points, whatever
	// MaxPoints says.
	res, err = convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 2})).Run(context.Background(), q,
		convreport.Report{Name: "by contact", Dimensions: []string{"ContactID"}})
	require.NoError(t, err)
	require.Len(t, res[0].Points, 5)
}

// Hours by contact over 30 days of 5000 contacts would be 3.6 million
// points, hundreds of megabytes: the run is refused, quickly, having
// allocated a small part of that. The scan stops at the first series
// past the limit, 1 000 000 / 720 + 1 of them, whatever the order the
// workers meet them in.
func TestPointsLimitStopsBeforeTheMemoryIsSpent(t *testing.T) {
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	cs := byContact(5000, start) // 5000 × 7 minutes: 24.3 days
	src, err := memory.New(cs)
	require.NoError(t, err)
	q := convreport.Query{From: start, To: start.AddDate(0, 0, 30), Now: start}
	r := convreport.Report{Name: "hourly by contact", Dimensions: []string{"ContactID"}, Bucket: convreport.Hour}
	for _, workers := range []int{1, 4} {
		eng := convreport.NewEngine(src, convreport.WithWorkers(workers))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		began := time.Now()
		_, err = eng.Run(context.Background(), q, r)
		took := time.Since(began)
		runtime.ReadMemStats(&after)
		pointsRefusal(t, err, "hourly by contact", 1_000_000, (1_000_000/720+1)*720)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%d workers: refused in %s, %d KiB allocated", workers, took, alloc>>10)
		// The points alone would take 3.6 million Points (over 100 bytes
		// each) and as many dimension values.
		require.Less(t, alloc, uint64(32<<20), "%d workers: %d bytes allocated", workers, alloc)
		require.Less(t, took, 10*time.Second, "%d workers", workers)
	}

	// The same 30 days in days are 150 000 points, and run; so does a
	// top 10 in hours (11 series of 720 points), and the hours of the
	// 100 series MaxGroups keeps.
	res, err := convreport.NewEngine(src).Run(context.Background(), q, convreport.Report{Name: "daily", Dimensions: []string{"ContactID"}, Bucket: convreport.Day})
	require.NoError(t, err)
	require.Len(t, res[0].Points, 5000*30)
	top := r
	top.Limit = 10
	res, err = convreport.NewEngine(src).Run(context.Background(), q, top)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 11*720)
	res, err = convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxGroups: 100})).Run(context.Background(), q, r)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 100*720)
	require.Equal(t, 5000-99, res[0].Folded, "99 series and Other")
}

// A series is what the result shows: one whose conversations the
// measure all leaves out (never answered) has no point, and does not
// count.
func TestPointsLimitCountsSeriesShown(t *testing.T) {
	day := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	cs := byContact(6, day)
	for i := range cs[:3] {
		cs[i].Status, cs[i].FirstResponseAt = convreport.Open, cs[i].CreatedAt.Add(time.Minute)
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	q := convreport.Query{From: day, To: day.Add(24 * time.Hour), Now: day}
	r := convreport.Report{Name: "waits", Dimensions: []string{"ContactID"}, Bucket: convreport.Hour,
		Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}}
	res, err := convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 3 * 24})).Run(context.Background(), q, r)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 3*24)
	_, err = convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 3*24 - 1})).Run(context.Background(), q, r)
	pointsRefusal(t, err, "waits", 3*24-1, 3*24)
}

// RunEach and RunDashboardEach set aside a report refused for its points,
// known only as it runs, and run the others.
func TestRunEachSetsAsideAReportOverItsPoints(t *testing.T) {
	day := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	src, err := memory.New(byContact(5, day))
	require.NoError(t, err)
	eng := convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 100}))
	q := convreport.Query{From: day, To: day.Add(24 * time.Hour), Now: day}
	reports := []convreport.Report{
		{Name: "total"},
		{Name: "hourly by contact", Dimensions: []string{"ContactID"}, Bucket: convreport.Hour},
		{Name: "hourly", Bucket: convreport.Hour},
		{Name: "hourly top 2", Dimensions: []string{"ContactID"}, Bucket: convreport.Hour, Limit: 2},
		{Name: "hourly by contact, again", Dimensions: []string{"ContactID"}, Bucket: convreport.Hour},
	}
	results, errs, err := eng.RunEach(context.Background(), q, reports...)
	require.NoError(t, err)
	require.NoError(t, errs[0])
	pointsRefusal(t, errs[1], "hourly by contact", 100, 5*24)
	require.NoError(t, errs[2])
	require.NoError(t, errs[3])
	pointsRefusal(t, errs[4], "hourly by contact, again", 100, 5*24)
	require.Equal(t, int64(5), results[0].Points[0].Count)
	require.Empty(t, results[1].Points)
	require.Len(t, results[2].Points, 24)
	require.Len(t, results[3].Points, 3*24)
	require.Empty(t, results[4].Points)

	d := convreport.Dashboard{ID: "d", Name: "d", Owner: "olivia", Reports: reports}
	q.Viewer.UserID = "olivia"
	results, errs, err = eng.RunDashboardEach(context.Background(), q, d)
	require.NoError(t, err)
	require.Error(t, errs[1])
	require.NoError(t, errs[2])
	require.Len(t, results[2].Points, 24)

	// Run and RunDashboard refuse the whole run with the report's error.
	_, err = eng.Run(context.Background(), q, reports...)
	pointsRefusal(t, err, "hourly by contact", 100, 5*24)
	_, err = eng.RunDashboard(context.Background(), q, d)
	pointsRefusal(t, err, "hourly by contact", 100, 5*24)
}

// A compared run keeps the earlier period to the series shown now: a top
// 1 by contact fits its points in both periods, however many contacts the
// earlier one holds, and its Previous values are those of its series.
func TestPointsLimitInTheComparedPeriod(t *testing.T) {
	day := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	cs := byContact(5, day.AddDate(0, 0, -1)) // five contacts the day before, all in its first hour
	for i, at := range []time.Duration{time.Hour, 90 * time.Minute} {
		cs = append(cs, convreport.Conversation{ID: fmt.Sprint("now-", i), ContactID: "contact-000003", CreatedAt: day.Add(at)})
	}
	cs = append(cs, convreport.Conversation{ID: "now", ContactID: "contact-now", CreatedAt: day.Add(time.Hour)})
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 100}))
	q := convreport.Query{From: day, To: day.Add(24 * time.Hour), Now: day.Add(2 * time.Hour), Compare: convreport.ComparePrevious}
	top := convreport.Report{Name: "hourly top 1", Dimensions: []string{"ContactID"}, Bucket: convreport.Hour, Limit: 1}
	res, err := eng.Run(context.Background(), q, top)
	require.NoError(t, err, "5 series × 24 hours the day before would be 120 points")
	// contact-000003 (2 now) and Other (1), hour by hour.
	require.Len(t, res[0].Points, 2*24)
	for _, p := range res[0].Points {
		h := p.Bucket.Sub(day) / time.Hour
		if p.Other {
			require.Nil(t, p.Previous, "Other is not compared")
			require.Equal(t, map[bool]int64{true: 1}[h == 1], p.Count, "Other at hour %d", h)
			continue
		}
		require.Equal(t, "contact-000003", p.Dimensions[0].Value)
		require.Equal(t, map[bool]int64{true: 2}[h == 1], p.Count, "hour %d", h)
		require.NotNil(t, p.Previous, "hour %d", h)
		require.Equal(t, map[bool]int64{true: 1}[h == 0], p.Previous.Count, "the day before, hour %d", h)
	}
}

// With more than one dimension, the earlier period keeps the values each
// dimension shows now, and so can hold series that are not shown: three
// contacts on two channels make six, over the points where the three
// shown now fit. Refused there, the report is set aside at its own index.
func TestPointsLimitInTheComparedPeriodOfTwoDimensions(t *testing.T) {
	day := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	var cs []convreport.Conversation
	add := func(id, contact string, ch convreport.Channel, at time.Time) {
		cs = append(cs, convreport.Conversation{ID: id, ContactID: contact, Channel: ch, CreatedAt: at})
	}
	add("n0", "c0", convreport.Chat, day.Add(time.Hour))
	add("n1", "c1", convreport.Email, day.Add(time.Hour))
	add("n2", "c2", convreport.Chat, day.Add(time.Hour))
	for i, c := range []string{"c0", "c1", "c2"} {
		add(fmt.Sprint("p-chat-", i), c, convreport.Chat, day.Add(-time.Hour))
		add(fmt.Sprint("p-email-", i), c, convreport.Email, day.Add(-time.Hour))
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 100}))
	q := convreport.Query{From: day, To: day.Add(24 * time.Hour), Now: day.Add(2 * time.Hour), Compare: convreport.ComparePrevious}
	reports := []convreport.Report{
		{Name: "hourly", Bucket: convreport.Hour},
		{Name: "hourly by contact and channel", Dimensions: []string{"ContactID", "Channel"}, Bucket: convreport.Hour},
	}
	results, errs, err := eng.RunEach(context.Background(), q, reports...)
	require.NoError(t, err)
	require.NoError(t, errs[0])
	// The error says the earlier period was over, not the current one.
	var le *convreport.LimitError
	require.ErrorAs(t, errs[1], &le)
	require.Equal(t, convreport.LimitError{Limit: "points per report", Max: 100, Got: 6 * 24}, *le)
	require.EqualError(t, errs[1], `convreport: report "hourly by contact and channel": bucket: in the compared period, 2025-03-02T00:00:00Z to 2025-03-03T00:00:00Z: points per report 144 is over the limit of 100`)
	require.Len(t, results[0].Points, 24)
	require.Equal(t, int64(6), results[0].Points[23].Previous.Count, "the day before's last hour")
	require.Equal(t, int64(3), results[0].Points[1].Count)

	// Without the comparison, the three series shown fit.
	q.Compare = convreport.NoCompare
	res, err := eng.Run(context.Background(), q, reports[1])
	require.NoError(t, err)
	require.Len(t, res[0].Points, 3*24)
}

// An Aggregator's groups put a time series over its points: the report's
// error, as a scan's, however the source wraps it.
func TestPointsLimitOfPushedDownGroups(t *testing.T) {
	day := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	src := &aggFunc{rowSource: &rowSource{schema: convreport.DefaultSchema()}, f: func(p *convreport.Pushdown) ([]convreport.Result, error) {
		var groups []convreport.Group
		for i := range 5 {
			v := fmt.Sprint("contact-", i)
			groups = append(groups, convreport.Group{Values: []*string{&v}, Bucket: i, Count: 1})
		}
		res, err := p.Result(0, groups)
		if err != nil {
			return nil, fmt.Errorf("a source: report %q: %w", p.Reports[0].Report.Name, err)
		}
		return []convreport.Result{res}, nil
	}}
	q := convreport.Query{From: day, To: day.Add(24 * time.Hour), Now: day}
	r := convreport.Report{Name: "hourly by contact", Dimensions: []string{"ContactID"}, Bucket: convreport.Hour}
	_, err := convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 100})).Run(context.Background(), q, r)
	pointsRefusal(t, err, "hourly by contact", 100, 5*24)
	var se *convreport.SourceError
	require.False(t, errors.As(err, &se), "the report's error, not the source's")
	res, err := convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxPoints: 120})).Run(context.Background(), q, r)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 120)
}
