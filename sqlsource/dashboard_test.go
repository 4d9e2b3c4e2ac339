package sqlsource_test

import (
	"context"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// overviewReports is every template's reports (the overviews, Chatflow
// performance, SLA), plus the same reports as
// medians, 90th percentiles and shares within five minutes, so every
// measure the dashboards could be edited to runs on realistic data.
func overviewReports() []convreport.Report {
	var rs []convreport.Report
	for _, t := range library.All() {
		rs = append(rs, t.Reports...)
	}
	for _, t := range library.All() {
		for _, r := range t.Reports {
			if r.Measure.Metric == "" {
				continue
			}
			for _, m := range []convreport.Measure{
				{Agg: convreport.Median, Metric: r.Measure.Metric},
				{Agg: convreport.Percentile, P: 90, Metric: r.Measure.Metric},
				{Agg: convreport.ShareWithin, Threshold: convreport.Duration(5 * time.Minute), Metric: r.Measure.Metric},
				{Agg: convreport.Max, Metric: r.Measure.Metric},
			} {
				e := r
				e.Name += " / " + m.Key()
				e.Measure = m
				rs = append(rs, e)
			}
		}
	}
	return rs
}

func overviewQueries() map[string]convreport.Query {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	qs := map[string]convreport.Query{
		"last 30 days, Paris": {Range: convreport.Last30Days, Zone: paris, Now: time.Date(2025, 6, 1, 9, 30, 0, 0, paris)},
		// Three months across the spring DST change, daily buckets of 23
		// and 24 hours.
		"March to May, Paris": {From: time.Date(2025, 3, 1, 0, 0, 0, 0, paris), To: time.Date(2025, 6, 1, 0, 0, 0, 0, paris), Zone: paris, Now: time.Date(2025, 5, 15, 12, 0, 0, 0, paris)},
		// A viewer restricted to two inboxes: the scope is pushed down too.
		"last 7 days, scoped viewer": {Range: convreport.LastNDays(7), Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
			Viewer: access.Viewer{UserID: "u", Scope: access.Scope{Inboxes: []string{"Support", "Sales"}}}},
	}
	// The SLA template's policy, for its reports.
	for k, q := range qs {
		q.SLA = &convreport.SLASet{Policies: []*convreport.SLAPolicy{library.StandardSLA()}}
		qs[k] = q
	}
	return qs
}

// The overview dashboards give the same results, decimal for decimal,
// from memory, from SQLite and from PostgreSQL, pushed down or scanned.
func TestOverviewDashboardsMatchMemory(t *testing.T) {
	t.Parallel()
	n := 20_000
	if raceEnabled {
		n = 6_000 // the race detector slows pure-Go SQLite forty times
	}
	cs := sample.Generate(sample.Config{N: n, Seed: 7})
	mem, err := memory.New(cs)
	require.NoError(t, err)
	reports := overviewReports()
	ctx := context.Background()
	want := map[string]string{}
	for name, q := range overviewQueries() {
		res, err := convreport.NewEngine(mem).Run(ctx, q, reports...)
		require.NoError(t, err)
		want[name] = resultText(res)
	}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			db := openDB(t, d)
			m := sqlsource.Mapping{Table: tableName(t, db, d, "overview")}
			push := load(t, db, d, m, nil, cs)
			scan, err := sqlsource.New(db, d, sqlsource.WithMapping(m), sqlsource.WithoutPushdown())
			require.NoError(t, err)
			for name, q := range overviewQueries() {
				for mode, src := range map[string]*sqlsource.Source{"pushdown": push, "scan": scan} {
					res, err := convreport.NewEngine(src).Run(ctx, q, reports...)
					require.NoError(t, err, "%s, %s", name, mode)
					requireSameText(t, want[name], resultText(res), "%s, %s", name, mode)
				}
			}
			require.Equal(t, int64(len(overviewQueries())), push.Stats().Answered, "every dashboard was pushed down")
			require.Zero(t, push.Stats().Declined)
		})
	}
}
