package render_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func dv(prop, v string) convreport.DimensionValue {
	return convreport.DimensionValue{Property: prop, Value: v, Known: v != ""}
}

func val(s string) decimal.NullDecimal {
	if s == "" {
		return decimal.NullDecimal{}
	}
	return decimal.NewNullDecimal(decimal.RequireFromString(s))
}

func TestChartSpecDefaultType(t *testing.T) {
	tests := []struct {
		name   string
		report convreport.Report
		want   convreport.ChartType
	}{
		{"time series draws a line", convreport.Report{Bucket: convreport.Day}, convreport.LineChart},
		{"time series by rep draws a line", convreport.Report{Bucket: convreport.Day, Dimensions: []string{"Assignee"}}, convreport.LineChart},
		{"grouped report draws bars", convreport.Report{Dimensions: []string{"Assignee"}}, convreport.BarChart},
		{"no dimension is a summary", convreport.Report{}, convreport.SummaryChart},
		{"the report's type wins", convreport.Report{Dimensions: []string{"Inbox"}, Chart: convreport.Chart{Type: convreport.DonutChart}}, convreport.DonutChart},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, render.NewChartSpec(convreport.Result{Report: tt.report}).Type)
		})
	}
}

func TestChartSpecStackedOnlyForBarsAndColumns(t *testing.T) {
	for _, ct := range convreport.ChartTypes() {
		r := convreport.Result{Report: convreport.Report{Dimensions: []string{"Assignee", "Channel"}, Chart: convreport.Chart{Type: ct, Percent: true}}}
		s := render.NewChartSpec(r)
		want := ct == convreport.BarChart || ct == convreport.ColumnChart
		require.Equal(t, want, s.Stacked, "%s stacked", ct)
		require.Equal(t, want, s.Percent, "%s percent", ct)
	}
}

func TestChartSpecGroupedSingleSeries(t *testing.T) {
	r := convreport.Result{
		Report: convreport.Report{Name: "Average chat first response time by rep", Dimensions: []string{"Assignee"},
			Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}, Limit: 2},
		Points: []convreport.Point{
			{Dimensions: []convreport.DimensionValue{dv("Assignee", "rep-07")}, Value: val("312.5"), Count: 8},
			{Dimensions: []convreport.DimensionValue{dv("Assignee", "")}, Value: val("60"), Count: 2},
			// A rep really called "Other" is not the folded tail, whose label
			// then says what it is (an axis would show the two as one).
			{Dimensions: []convreport.DimensionValue{dv("Assignee", "Other")}, Value: val("10"), Count: 1},
			{Dimensions: []convreport.DimensionValue{dv("Assignee", "Other")}, Other: true, Value: val("5.25"), Count: 3},
		},
	}
	s := render.NewChartSpec(r)
	require.Equal(t, convreport.BarChart, s.Type)
	require.Equal(t, "Average chat first response time by rep", s.Title)
	require.Equal(t, render.ChartAxis{Field: "assignee", Title: "Assignee"}, s.X)
	require.Equal(t, render.ChartAxis{Field: "value", Title: "Average agent first response time", Unit: "seconds"}, s.Y)
	require.Empty(t, s.Legend)
	require.Equal(t, []string{"rep-07", "(no value)", "Other", "Other"}, s.Labels)
	require.Equal(t, []render.ChartCategory{
		{Key: "rep-07", Label: "rep-07", Known: true},
		{Key: "", Label: "(no value)", Known: false},
		{Key: "Other", Label: "Other", Known: true},
		{Key: "Other", Label: "Other (folded groups)", Known: true, Other: true},
	}, s.Categories)
	require.Len(t, s.Series, 1)
	require.Equal(t, "Average agent first response time", s.Series[0].Name)
	require.Equal(t, []render.ChartValue{
		{Value: "312.5", Float: 312.5, Count: 8, Point: 0},
		{Value: "60", Float: 60, Count: 2, Point: 1},
		{Value: "10", Float: 10, Count: 1, Point: 2},
		{Value: "5.25", Float: 5.25, Count: 3, Point: 3},
	}, s.Series[0].Values)
	require.Nil(t, s.Slices)
	require.Nil(t, s.Summary)
}

func TestChartSpecTwoDimensionsMakeSeries(t *testing.T) {
	r := convreport.Result{
		Report: convreport.Report{Dimensions: []string{"Inbox", "Channel"}, Chart: convreport.Chart{Type: convreport.ColumnChart, Stacked: true}},
		Points: []convreport.Point{
			{Dimensions: []convreport.DimensionValue{dv("Inbox", "Sales"), dv("Channel", "chat")}, Value: val("5"), Count: 5},
			{Dimensions: []convreport.DimensionValue{dv("Inbox", "Support"), dv("Channel", "email")}, Value: val("4"), Count: 4},
			{Dimensions: []convreport.DimensionValue{dv("Inbox", "Support"), dv("Channel", "chat")}, Value: val("3"), Count: 3},
		},
	}
	s := render.NewChartSpec(r)
	require.True(t, s.Stacked)
	require.False(t, s.Percent)
	require.Equal(t, "inbox", s.X.Field)
	require.Equal(t, "Channel", s.Legend)
	require.Equal(t, []string{"Sales", "Support"}, []string{s.Categories[0].Key, s.Categories[1].Key})
	require.Len(t, s.Series, 2)
	require.Equal(t, "chat", s.Series[0].Key)
	require.Equal(t, "email", s.Series[1].Key)
	// chat: Sales 5 (point 0), Support 3 (point 2)
	require.Equal(t, []int{0, 2}, []int{s.Series[0].Values[0].Point, s.Series[0].Values[1].Point})
	// email has no Sales point: kept as a hole, not a zero.
	require.Equal(t, render.ChartValue{Null: true, Point: -1}, s.Series[1].Values[0])
	require.Equal(t, 1, s.Series[1].Values[1].Point)
	require.Equal(t, []string{"Sales / chat", "Support / email", "Support / chat"}, s.Labels)
}

func TestChartSpecTimeSeries(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, paris) }
	r := convreport.Result{
		Report: convreport.Report{Bucket: convreport.Day, Dimensions: []string{"Channel"},
			Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.TimeToClose}},
		Zone: paris,
		Points: []convreport.Point{
			{Dimensions: []convreport.DimensionValue{dv("Channel", "chat")}, Bucket: day(29), Value: val("10"), Count: 1},
			{Dimensions: []convreport.DimensionValue{dv("Channel", "email")}, Bucket: day(29), Value: val(""), Count: 0},
			{Dimensions: []convreport.DimensionValue{dv("Channel", "chat")}, Bucket: day(30), Value: val(""), Count: 0},
			{Dimensions: []convreport.DimensionValue{dv("Channel", "email")}, Bucket: day(30), Value: val("7200.5"), Count: 2},
		},
	}
	s := render.NewChartSpec(r)
	require.Equal(t, convreport.LineChart, s.Type)
	require.Equal(t, render.ChartAxis{Field: "bucket", Title: "Day", Bucket: convreport.Day}, s.X)
	require.Equal(t, "Channel", s.Legend)
	require.Len(t, s.Categories, 2)
	require.Equal(t, "2025-03-29", s.Categories[0].Key)
	require.Equal(t, "2025-03-30", s.Categories[1].Key)
	require.True(t, s.Categories[1].Time.Equal(day(30)))
	require.Equal(t, []string{"chat", "email"}, []string{s.Series[0].Name, s.Series[1].Name})
	require.Equal(t, render.ChartValue{Null: true, Count: 0, Point: 2}, s.Series[0].Values[1], "a null average stays null")
	require.Equal(t, render.ChartValue{Value: "7200.5", Float: 7200.5, Count: 2, Point: 3}, s.Series[1].Values[1])
	require.Equal(t, "chat / 2025-03-29", s.Labels[0])
}

func TestChartSpecHourBucketKey(t *testing.T) {
	r := convreport.Result{Report: convreport.Report{Bucket: convreport.Hour}, Zone: time.UTC,
		Points: []convreport.Point{{Bucket: time.Date(2025, 3, 30, 14, 0, 0, 0, time.UTC), Value: val("1"), Count: 1}}}
	s := render.NewChartSpec(r)
	require.Equal(t, "2025-03-30T14:00Z", s.Categories[0].Key)
	require.Equal(t, "Hour", s.X.Title)
}

func TestChartSpecPie(t *testing.T) {
	r := convreport.Result{
		Report: convreport.Report{Dimensions: []string{"OriginURL"}, Chart: convreport.Chart{Type: convreport.PieChart, Stacked: true}},
		Points: []convreport.Point{
			{Dimensions: []convreport.DimensionValue{dv("OriginURL", "/pricing")}, Value: val("3"), Count: 3},
			{Dimensions: []convreport.DimensionValue{dv("OriginURL", "")}, Value: val("1"), Count: 1},
		},
	}
	s := render.NewChartSpec(r)
	require.False(t, s.Stacked)
	require.Equal(t, "origin_url", s.X.Field)
	require.Equal(t, "Page URL", s.X.Title)
	require.Nil(t, s.Categories)
	require.Equal(t, []render.ChartSlice{
		{Label: "/pricing", ChartValue: render.ChartValue{Value: "3", Float: 3, Count: 3, Point: 0}, Share: 0.75, ShareText: "75 %"},
		{Label: "(no value)", ChartValue: render.ChartValue{Value: "1", Float: 1, Count: 1, Point: 1}, Share: 0.25, ShareText: "25 %"},
	}, s.Slices)
}

func TestChartSpecSummary(t *testing.T) {
	avg := convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}
	p := func(v string, n int64) convreport.Point { return convreport.Point{Value: val(v), Count: n} }
	tests := []struct {
		name    string
		measure convreport.Measure
		points  []convreport.Point
		want    render.ChartSummary
	}{
		{"one point is its value", avg, []convreport.Point{p("42.5", 4)},
			render.ChartSummary{Label: "Average customer wait time", Unit: "seconds", ChartValue: render.ChartValue{Value: "42.5", Float: 42.5, Count: 4, Point: 0}}},
		{"counts add up", convreport.Measure{}, []convreport.Point{p("3", 3), p("4", 4)},
			render.ChartSummary{Label: "Conversations", Unit: "conversations", ChartValue: render.ChartValue{Value: "7", Float: 7, Count: 7, Point: -1}}},
		{"averages do not add: the conversations are counted", avg, []convreport.Point{p("10", 3), p("", 0), p("20", 1)},
			render.ChartSummary{Label: "Conversations", Unit: "conversations", ChartValue: render.ChartValue{Value: "4", Float: 4, Count: 4, Point: -1}}},
		{"no point counts zero", convreport.Measure{}, nil,
			render.ChartSummary{Label: "Conversations", Unit: "conversations", ChartValue: render.ChartValue{Value: "0", Float: 0, Count: 0, Point: -1}}},
		{"no point has no average", avg, nil,
			render.ChartSummary{Label: "Average customer wait time", Unit: "seconds", ChartValue: render.ChartValue{Null: true, Point: -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := render.NewChartSpec(convreport.Result{Report: convreport.Report{Measure: tt.measure}, Points: tt.points})
			require.Equal(t, convreport.SummaryChart, s.Type)
			require.NotNil(t, s.Summary)
			require.Equal(t, tt.want, *s.Summary)
		})
	}
}

func TestChartSpecMeasureTitles(t *testing.T) {
	tests := []struct {
		m    convreport.Measure
		want string
	}{
		{convreport.Measure{}, "Conversations"},
		{convreport.Measure{Agg: convreport.Median, Metric: convreport.TimeToClose}, "Median time to close"},
		{convreport.Measure{Agg: convreport.Percentile, P: 90, Metric: convreport.WaitTime}, "90th percentile customer wait time"},
		{convreport.Measure{Agg: convreport.Percentile, P: 99.9, Metric: convreport.WaitTime}, "99.9th percentile customer wait time"},
		{convreport.Measure{Agg: convreport.Percentile, P: 1, Metric: convreport.WaitTime}, "1st percentile customer wait time"},
		{convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.FirstResponseTime, Threshold: convreport.Duration(90 * time.Minute)},
			"Share of agent first response time within 1h30m"},
		{convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.FirstResponseTime, Threshold: convreport.Duration(5 * time.Minute)},
			"Share of agent first response time within 5m"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, render.NewChartSpec(convreport.Result{Report: convreport.Report{Measure: tt.m}}).Y.Title)
	}
}

func TestChartSpecCustomDimension(t *testing.T) {
	s := render.NewChartSpec(convreport.Result{Report: convreport.Report{Dimensions: []string{"Priority"}}})
	require.Equal(t, render.ChartAxis{Field: "Priority", Title: "Priority"}, s.X)
}

func TestChartSpecJSON(t *testing.T) {
	r := convreport.Result{
		Report: convreport.Report{Name: "By rep", Dimensions: []string{"Assignee"}},
		Points: []convreport.Point{{Dimensions: []convreport.DimensionValue{dv("Assignee", "a")}, Value: val("2"), Count: 2}},
	}
	b, err := json.Marshal(render.NewChartSpec(r))
	require.NoError(t, err)
	require.JSONEq(t, `{"type":"bar","title":"By rep",
		"x":{"field":"assignee","title":"Assignee"},
		"y":{"field":"value","title":"Conversations","unit":"conversations"},
		"labels":["a"],
		"categories":[{"key":"a","label":"a","known":true}],
		"series":[{"name":"Conversations","key":"","values":[{"value":"2","float":2,"count":2,"point":0}]}]}`, string(b))
}
