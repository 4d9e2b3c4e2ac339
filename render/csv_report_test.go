package render_test

import (
	"bytes"
	"encoding/csv"
	"testing"

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

	// A count has no separate count column; a summary's label is the measure.
	sum := result(convreport.Report{Name: "Chats", Chart: convreport.Chart{Type: convreport.SummaryChart}},
		convreport.Point{Value: num("42"), Count: 42})
	b.Reset()
	require.NoError(t, render.ReportCSV(&b, sum))
	require.Equal(t, "Point,Conversations\nConversations,42\n", b.String())
}
