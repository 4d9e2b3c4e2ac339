package convreport_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/plan"
	"github.com/stretchr/testify/require"
)

// Each part that makes no sense, alone or with another, is refused with
// the field a person changes, and the dashboard is left as it was.
func TestReportCheckRefusals(t *testing.T) {
	avg := convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}
	type edit = func(r *convreport.Report)
	measure := func(m convreport.Measure) edit { return func(r *convreport.Report) { r.Measure = m } }
	dims := func(d ...string) edit { return func(r *convreport.Report) { r.Dimensions = d } }
	chart := func(c convreport.Chart) edit { return func(r *convreport.Report) { r.Chart = c } }
	cases := []struct {
		name  string
		edits []edit
		field string
	}{
		{"percentile without P", []edit{measure(convreport.Measure{Agg: convreport.Percentile, Metric: convreport.WaitTime})}, "measure"},
		{"percentile over 100", []edit{measure(convreport.Measure{Agg: convreport.Percentile, P: 101, Metric: convreport.WaitTime})}, "measure"},
		{"average of nothing", []edit{measure(convreport.Measure{Agg: convreport.Average})}, "measure"},
		{"share without threshold", []edit{measure(convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.WaitTime})}, "measure"},
		{"count of a metric", []edit{measure(convreport.Measure{Metric: convreport.WaitTime})}, "measure"},
		{"unknown aggregation", []edit{measure(convreport.Measure{Agg: "mode", Metric: convreport.WaitTime})}, "measure"},
		{"unknown property", []edit{dims("Colour")}, "dimensions"},
		{"a time is no grouping", []edit{dims("CreatedAt")}, "dimensions"},
		{"by ID", []edit{dims("ID")}, "dimensions"},
		{"twice", []edit{dims("Inbox", "inbox")}, "dimensions"},
		{"date that is not one", []edit{func(r *convreport.Report) { r.DateProperty = "Inbox" }}, "date_property"},
		{"unknown bucket", []edit{func(r *convreport.Report) { r.Bucket = "fortnight" }}, "bucket"},
		{"unknown sort", []edit{func(r *convreport.Report) { r.Sort = "random" }}, "sort"},
		{"negative top", []edit{func(r *convreport.Report) { r.Limit = -1 }}, "limit"},
		{"pie with a breakdown", []edit{dims("Assignee", "Inbox"), chart(convreport.Chart{Type: convreport.PieChart})}, "chart"},
		{"donut over time", []edit{dims(), func(r *convreport.Report) { r.Bucket = convreport.Day }, chart(convreport.Chart{Type: convreport.DonutChart})}, "chart"},
		{"pie of averages", []edit{measure(avg), chart(convreport.Chart{Type: convreport.PieChart})}, "chart"},
		{"stacked without breakdown", []edit{chart(convreport.Chart{Type: convreport.BarChart, Stacked: true})}, "chart"},
		{"100 % without breakdown", []edit{chart(convreport.Chart{Type: convreport.ColumnChart, Percent: true})}, "chart"},
		{"stacked averages", []edit{measure(avg), dims("Assignee", "Inbox"), chart(convreport.Chart{Type: convreport.BarChart, Stacked: true})}, "chart"},
		{"stacked line", []edit{dims("Assignee", "Inbox"), chart(convreport.Chart{Type: convreport.LineChart, Stacked: true})}, "chart"},
		{"grouped summary", []edit{chart(convreport.Chart{Type: convreport.SummaryChart})}, "chart"},
		{"snapshot over time", []edit{func(r *convreport.Report) { r.Snapshot, r.Bucket = true, convreport.Day }}, "bucket"},
		{"snapshot of a closed date", []edit{func(r *convreport.Report) { r.Snapshot, r.DateProperty = true, "ClosedAt" }}, "date_property"},
		{"snapshot time to close", []edit{func(r *convreport.Report) { r.Snapshot = true }, measure(convreport.Measure{Agg: convreport.Average, Metric: convreport.TimeToClose})}, "measure"},
		{"top N of one number", []edit{dims(), func(r *convreport.Report) { r.Limit = 3 }}, "limit"},
		{"sorting one number", []edit{dims(), func(r *convreport.Report) { r.Sort = convreport.ByLabelAsc }}, "sort"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDash(t, byRepReport("By rep"))
			before := d.Clone()
			r, _ := d.Report("by-rep")
			for _, e := range c.edits {
				e(&r)
			}
			_, err := d.UpdateReport(nil, r)
			var re *convreport.ReportError
			require.True(t, errors.As(err, &re), "%v", err)
			require.Equal(t, c.field, re.Field, re.Error())
			require.Equal(t, before, d)
			r.ID = ""
			_, err = d.AddReport(nil, plan.Plan{}, r)
			require.True(t, errors.As(err, &re), "%v", err)
			require.Equal(t, c.field, re.Field, re.Error())
			require.Equal(t, c.field, func() string { errors.As(r.Check(nil), &re); return re.Field }())
		})
	}
}

func TestReportCheck(t *testing.T) {
	var re *convreport.ReportError
	require.True(t, errors.As(convreport.Report{}.Check(nil), &re))
	require.Equal(t, "name", re.Field, "a new report needs a name")

	r := convreport.Report{Name: "Open by inbox", Dimensions: []string{"Inbox"}, Snapshot: true, Chart: convreport.Chart{Type: convreport.DonutChart}}
	require.NoError(t, r.Check(nil))
	d, err := newDash(t, byRepReport("By rep")).AddReport(nil, plan.Plan{}, r)
	require.NoError(t, err)
	require.Equal(t, "open-by-inbox", d.Reports[1].ID)
}

// The rules refuse saving, not running: a report saved before a rule
// existed still runs.
func TestCombinationRulesDoNotStopRuns(t *testing.T) {
	day := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	src, err := memory.New([]convreport.Conversation{
		{ID: "a", CreatedAt: day, Inbox: "Sales", Assignee: "x"},
		{ID: "b", CreatedAt: day, Inbox: "Sales", Assignee: "y"},
		{ID: "c", CreatedAt: day, Inbox: "Support", Assignee: "x"},
	})
	require.NoError(t, err)
	pie := convreport.Report{Name: "Old pie", Dimensions: []string{"Inbox", "Assignee"}, Chart: convreport.Chart{Type: convreport.PieChart}}
	eng := convreport.NewEngine(src)
	require.NoError(t, eng.CheckReport(pie))
	res, err := eng.Run(context.Background(), convreport.Query{From: day.Add(-time.Hour), To: day.Add(time.Hour), Zone: time.UTC}, pie)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 3) // Sales/x, Sales/y, Support/x
	_, err = newDash(t, byRepReport("By rep")).AddReport(nil, plan.Plan{}, pie)
	require.Error(t, err, "but it is not saved anew")
}

func TestBuilderChoices(t *testing.T) {
	s := convreport.DefaultSchema()
	for _, p := range s.GroupableProperties() {
		require.True(t, p.Kind == convreport.KindString || p.Kind == convreport.KindEnum || p.Kind == convreport.KindBool, p.Name)
		require.NotEqual(t, "ID", p.Name)
		require.NoError(t, convreport.Report{Name: "R", Dimensions: []string{p.Name}}.Check(s), "every groupable property groups: %s", p.Name)
	}
	for _, p := range s.DateProperties() {
		r := convreport.Report{Name: "R", DateProperty: p.Name, Bucket: convreport.Day}
		require.NoError(t, r.Check(s), "every date property takes a range and a bucket: %s", p.Name)
	}
	for _, a := range convreport.Aggregations() {
		m := convreport.Measure{Agg: a, Metric: convreport.WaitTime}
		switch a {
		case convreport.Count:
			m = convreport.Measure{Agg: a}
		case convreport.Percentile:
			m.P = 95
		case convreport.ShareWithin:
			m.Threshold = convreport.Duration(time.Minute)
		}
		require.NoError(t, convreport.Report{Name: "R", Measure: m}.Check(s), "%s", a)
	}
	require.Len(t, convreport.Buckets(), 6)
	require.Equal(t, convreport.ByValueDesc, convreport.Sorts()[0])
}

// Every aggregation a pie or a stack refuses is named in the refusal: the
// SLA ones read "and  is not" before they had a phrase.
func TestRefusedChartsNameTheMeasure(t *testing.T) {
	for _, agg := range []convreport.Aggregation{convreport.Average, convreport.Median, convreport.Min, convreport.Max,
		convreport.SLAMet, convreport.SLABreaches, convreport.SLAAvgOver, convreport.SLATotalOver} {
		m := convreport.Measure{Agg: agg, Metric: convreport.WaitTime}
		if strings.HasPrefix(string(agg), "sla_") {
			m = convreport.Measure{Agg: agg, SLA: "standard", Target: convreport.FirstResponseTarget}
		}
		for _, chart := range []convreport.Chart{{Type: convreport.PieChart}, {Type: convreport.BarChart, Stacked: true}} {
			r := convreport.Report{Name: "x", Dimensions: []string{"Inbox", "Team"}, Chart: chart, Measure: m}
			if chart.Type == convreport.PieChart {
				r.Dimensions = r.Dimensions[:1]
			}
			err := r.Check(nil)
			require.Error(t, err, "%s %s", agg, chart.Type)
			require.NotContains(t, err.Error(), "  ", "%s %s: %v", agg, chart.Type, err)
		}
	}
}
