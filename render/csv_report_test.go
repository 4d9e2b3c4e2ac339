package render_test

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

// ReportCSV: the UI table's columns, exact values, formula-safe labels.
func TestReportCSV(t *testing.T) {
	r := result(convreport.Report{Name: "Wait by rep", Dimensions: []string{"Assignee"},
		Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "=HYPERLINK(\"x\")")}, Value: num("312.125"), Count: 8},
		convreport.Point{Dimensions: []convreport.DimensionValue{unknown("Assignee")}, Value: null, Count: 0},
		convreport.Point{Other: true, Dimensions: []convreport.DimensionValue{known("Assignee", "Other")}, Value: num("-0.5"), Count: 2})
	var b bytes.Buffer
	require.NoError(t, render.ReportCSV(&b, r))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Equal(t, [][]string{
		{"Assignee", "Average customer wait time (seconds)", "Conversations"},
		{`'=HYPERLINK("x")`, "312.125", "8"},
		{"(no value)", "", "0"},
		{"Other", "-0.5", "2"},
	}, rows)

	// A time series by rep with a limit has an Other point a day: each row
	// says its day (they all read "Other" and could not be told apart).
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, paris) }
	series := result(convreport.Report{Name: "Chats by rep", Dimensions: []string{"Assignee"}, Bucket: convreport.Day, Limit: 1},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "ana")}, Bucket: day(3), Value: num("4"), Count: 4},
		convreport.Point{Other: true, Dimensions: []convreport.DimensionValue{known("Assignee", "Other")}, Bucket: day(3), Value: num("2"), Count: 2},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "ana")}, Bucket: day(4), Value: num("1"), Count: 1},
		convreport.Point{Other: true, Dimensions: []convreport.DimensionValue{known("Assignee", "Other")}, Bucket: day(4), Value: num("5"), Count: 5})
	b.Reset()
	require.NoError(t, render.ReportCSV(&b, series))
	rows, err = csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	var labels []string
	for _, row := range rows[1:] {
		labels = append(labels, row[0])
	}
	require.Equal(t, []string{"ana / 2025-03-03", "Other / 2025-03-03", "ana / 2025-03-04", "Other / 2025-03-04"}, labels)

	// A count has no separate count column; a summary's label is the measure.
	sum := result(convreport.Report{Name: "Chats", Chart: convreport.Chart{Type: convreport.SummaryChart}},
		convreport.Point{Value: num("42"), Count: 42})
	b.Reset()
	require.NoError(t, render.ReportCSV(&b, sum))
	require.Equal(t, "Point,Conversations\nConversations,42\n", b.String())
}
