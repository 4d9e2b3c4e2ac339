package convreport_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/plan"
	"github.com/stretchr/testify/require"
)

func TestReportBuilderEdits(t *testing.T) {
	d := newDash(t, byRepReport("By rep"))
	d2, err := d.UpdateReport(nil, "by-rep",
		convreport.SetMeasure(convreport.Measure{Agg: convreport.Percentile, P: 90, Metric: convreport.WaitTime}),
		convreport.SetDimensions("inbox", "Channel"), // names resolve as in filters
		convreport.SetDateProperty("ClosedAt"),
		convreport.SetSort(convreport.ByLabelAsc),
		convreport.SetLimit(5),
		convreport.SetChart(convreport.Chart{Type: convreport.BarChart}),
	)
	require.NoError(t, err)
	r := d2.Reports[0]
	require.Equal(t, convreport.Measure{Agg: convreport.Percentile, P: 90, Metric: convreport.WaitTime}, r.Measure)
	require.Equal(t, []string{"Inbox", "Channel"}, r.Dimensions)
	require.Equal(t, "ClosedAt", r.DateProperty)
	require.Equal(t, convreport.ByLabelAsc, r.Sort)
	require.Equal(t, 5, r.Limit)

	// Reordering is setting them again; a time series without groups.
	d3, err := d2.UpdateReport(nil, "by-rep", convreport.SetDimensions("Channel", "Inbox"))
	require.NoError(t, err)
	require.Equal(t, []string{"Channel", "Inbox"}, d3.Reports[0].Dimensions)
	d3, err = d3.UpdateReport(nil, "by-rep", convreport.SetDimensions(), convreport.SetLimit(0), convreport.SetSort(""),
		convreport.SetBucket(convreport.Week), convreport.SetDateProperty("CreatedAt"),
		convreport.SetMeasure(convreport.Measure{Agg: convreport.Count, Metric: "", P: 90}))
	require.NoError(t, err)
	r = d3.Reports[0]
	require.Nil(t, r.Dimensions)
	require.Equal(t, convreport.Week, r.Bucket)
	require.Empty(t, r.DateProperty, "CreatedAt is the default, stored as such")
	require.Equal(t, convreport.Measure{}, r.Measure, "a count is the zero measure; P is dropped")
	require.Empty(t, r.Sort)

	// A share keeps its threshold, drops a stray P.
	d4, err := d.UpdateReport(nil, "by-rep", convreport.SetMeasure(convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.FirstResponseTime, P: 50, Threshold: convreport.Duration(5 * time.Minute)}))
	require.NoError(t, err)
	require.Equal(t, convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.FirstResponseTime, Threshold: convreport.Duration(5 * time.Minute)}, d4.Reports[0].Measure)
}

// Each part that makes no sense, alone or with another, is refused with
// the field a person changes, and the dashboard is left as it was.
func TestReportBuilderRefusals(t *testing.T) {
	avg := convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}
	cases := []struct {
		name  string
		edits []convreport.ReportEdit
		field string
	}{
		{"percentile without P", []convreport.ReportEdit{convreport.SetMeasure(convreport.Measure{Agg: convreport.Percentile, Metric: convreport.WaitTime})}, "measure"},
		{"percentile over 100", []convreport.ReportEdit{convreport.SetMeasure(convreport.Measure{Agg: convreport.Percentile, P: 101, Metric: convreport.WaitTime})}, "measure"},
		{"average of nothing", []convreport.ReportEdit{convreport.SetMeasure(convreport.Measure{Agg: convreport.Average})}, "measure"},
		{"share without threshold", []convreport.ReportEdit{convreport.SetMeasure(convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.WaitTime})}, "measure"},
		{"count of a metric", []convreport.ReportEdit{convreport.SetMeasure(convreport.Measure{Metric: convreport.WaitTime})}, "measure"},
		{"unknown aggregation", []convreport.ReportEdit{convreport.SetMeasure(convreport.Measure{Agg: "mode", Metric: convreport.WaitTime})}, "measure"},
		{"unknown property", []convreport.ReportEdit{convreport.SetDimensions("Colour")}, "dimensions"},
		{"a time is no grouping", []convreport.ReportEdit{convreport.SetDimensions("CreatedAt")}, "dimensions"},
		{"by ID", []convreport.ReportEdit{convreport.SetDimensions("ID")}, "dimensions"},
		{"twice", []convreport.ReportEdit{convreport.SetDimensions("Inbox", "inbox")}, "dimensions"},
		{"three groupings", []convreport.ReportEdit{convreport.SetDimensions("Inbox", "Team", "Channel")}, "dimensions"},
		{"date that is not one", []convreport.ReportEdit{convreport.SetDateProperty("Inbox")}, "date_property"},
		{"unknown bucket", []convreport.ReportEdit{convreport.SetBucket("fortnight")}, "bucket"},
		{"unknown sort", []convreport.ReportEdit{convreport.SetSort("random")}, "sort"},
		{"negative top", []convreport.ReportEdit{convreport.SetLimit(-1)}, "limit"},
		{"pie with a breakdown", []convreport.ReportEdit{convreport.SetDimensions("Assignee", "Inbox"), convreport.SetChart(convreport.Chart{Type: convreport.PieChart})}, "chart"},
		{"donut over time", []convreport.ReportEdit{convreport.SetDimensions(), convreport.SetBucket(convreport.Day), convreport.SetChart(convreport.Chart{Type: convreport.DonutChart})}, "chart"},
		{"pie of averages", []convreport.ReportEdit{convreport.SetMeasure(avg), convreport.SetChart(convreport.Chart{Type: convreport.PieChart})}, "chart"},
		{"stacked without breakdown", []convreport.ReportEdit{convreport.SetChart(convreport.Chart{Type: convreport.BarChart, Stacked: true})}, "chart"},
		{"100 % without breakdown", []convreport.ReportEdit{convreport.SetChart(convreport.Chart{Type: convreport.ColumnChart, Percent: true})}, "chart"},
		{"stacked averages", []convreport.ReportEdit{convreport.SetMeasure(avg), convreport.SetDimensions("Assignee", "Inbox"), convreport.SetChart(convreport.Chart{Type: convreport.BarChart, Stacked: true})}, "chart"},
		{"stacked line", []convreport.ReportEdit{convreport.SetDimensions("Assignee", "Inbox"), convreport.SetChart(convreport.Chart{Type: convreport.LineChart, Stacked: true})}, "chart"},
		{"grouped summary", []convreport.ReportEdit{convreport.SetChart(convreport.Chart{Type: convreport.SummaryChart})}, "chart"},
		{"snapshot over time", []convreport.ReportEdit{convreport.SetSnapshot(true), convreport.SetBucket(convreport.Day)}, "bucket"},
		{"snapshot of a closed date", []convreport.ReportEdit{convreport.SetSnapshot(true), convreport.SetDateProperty("ClosedAt")}, "date_property"},
		{"snapshot time to close", []convreport.ReportEdit{convreport.SetSnapshot(true), convreport.SetMeasure(convreport.Measure{Agg: convreport.Average, Metric: convreport.TimeToClose})}, "measure"},
		{"top N of one number", []convreport.ReportEdit{convreport.SetDimensions(), convreport.SetLimit(3)}, "limit"},
		{"sorting one number", []convreport.ReportEdit{convreport.SetDimensions(), convreport.SetSort(convreport.ByLabelAsc)}, "sort"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDash(t, byRepReport("By rep"))
			before := d.Clone()
			_, err := d.UpdateReport(nil, "by-rep", c.edits...)
			var re *convreport.ReportError
			require.True(t, errors.As(err, &re), "%v", err)
			require.Equal(t, c.field, re.Field, re.Error())
			require.Equal(t, before, d)
			_, err = convreport.NewReport(nil, append([]convreport.ReportEdit{convreport.Rename("New"), convreport.SetDimensions("Assignee")}, c.edits...)...)
			require.True(t, errors.As(err, &re), "%v", err)
			require.Equal(t, c.field, re.Field, re.Error())
		})
	}
}

func TestNewReport(t *testing.T) {
	_, err := convreport.NewReport(nil)
	var re *convreport.ReportError
	require.True(t, errors.As(err, &re))
	require.Equal(t, "name", re.Field, "a new report needs a name")

	r, err := convreport.NewReport(nil, convreport.Rename("Open by inbox"), convreport.SetDimensions("Inbox"), convreport.SetSnapshot(true),
		convreport.SetChart(convreport.Chart{Type: convreport.DonutChart}))
	require.NoError(t, err)
	require.Equal(t, convreport.Report{Name: "Open by inbox", Dimensions: []string{"Inbox"}, Snapshot: true, Chart: convreport.Chart{Type: convreport.DonutChart}}, r)
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
		_, err := convreport.NewReport(s, convreport.Rename("R"), convreport.SetDimensions(p.Name))
		require.NoError(t, err, "every groupable property groups: %s", p.Name)
	}
	for _, p := range s.DateProperties() {
		_, err := convreport.NewReport(s, convreport.Rename("R"), convreport.SetDateProperty(p.Name), convreport.SetBucket(convreport.Day))
		require.NoError(t, err, "every date property takes a range and a bucket: %s", p.Name)
	}
	for _, a := range convreport.Aggregations() {
		m := convreport.Measure{Agg: a, Metric: convreport.WaitTime, P: 95, Threshold: convreport.Duration(time.Minute)}
		if a == convreport.Count {
			m = convreport.Measure{Agg: a}
		}
		_, err := convreport.NewReport(s, convreport.Rename("R"), convreport.SetMeasure(m))
		require.NoError(t, err, "%s", a)
	}
	require.Len(t, convreport.Buckets(), 6)
	require.Equal(t, convreport.ByValueDesc, convreport.Sorts()[0])
}
