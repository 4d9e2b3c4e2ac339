package web

import (
	"errors"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

func TestEditorEdits(t *testing.T) {
	base := convreport.Report{ID: "by-rep", Name: "By rep", Dimensions: []string{"Assignee"}, Properties: []string{"ID", "Inbox"}}
	r, err := applyEdits(nil, base, []edit{
		setMeasure(convreport.Measure{Agg: convreport.Percentile, P: 90, Metric: convreport.WaitTime}),
		setDimensions("inbox", "Channel"), // names resolve as in filters
		setDateProperty("ClosedAt"),
		setSort(convreport.ByLabelAsc),
		setLimit(5),
		setChart(convreport.Chart{Type: convreport.BarChart}),
		addProperties("Subject", "assignee", "ID"),
		removeProperties("inbox"),
	})
	require.NoError(t, err)
	require.Equal(t, convreport.Measure{Agg: convreport.Percentile, P: 90, Metric: convreport.WaitTime}, r.Measure)
	require.Equal(t, []string{"Inbox", "Channel"}, r.Dimensions)
	require.Equal(t, "ClosedAt", r.DateProperty)
	require.Equal(t, convreport.ByLabelAsc, r.Sort)
	require.Equal(t, 5, r.Limit)
	require.Equal(t, []string{"ID", "Subject", "Assignee"}, r.Properties, "one already shown stays where it is")
	require.Equal(t, []string{"ID", "Inbox"}, base.Properties, "the report edited is a copy")

	// One spelling of the defaults: a count is the zero measure, CreatedAt
	// and the largest-first order are empty.
	r, err = applyEdits(nil, r, []edit{setDimensions(), setLimit(0), setSort(convreport.ByValueDesc),
		setBucket(convreport.Week), setDateProperty("CreatedAt"),
		setMeasure(convreport.Measure{Agg: convreport.Count, P: 90})})
	require.NoError(t, err)
	require.Nil(t, r.Dimensions)
	require.Equal(t, convreport.Week, r.Bucket)
	require.Empty(t, r.DateProperty)
	require.Equal(t, convreport.Measure{}, r.Measure, "P is dropped")
	require.Empty(t, r.Sort)

	// A share keeps its threshold and drops a stray P.
	r, err = applyEdits(nil, base, []edit{setMeasure(convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.FirstResponseTime, P: 50, Threshold: convreport.Duration(5 * time.Minute)})})
	require.NoError(t, err)
	require.Equal(t, convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.FirstResponseTime, Threshold: convreport.Duration(5 * time.Minute)}, r.Measure)
}

func TestEditorRefusals(t *testing.T) {
	base := convreport.Report{ID: "second", Name: "Second", Dimensions: []string{"Assignee"}, Properties: []string{"ID", "Inbox", "Team"}}
	for _, c := range []struct {
		name string
		edit edit
		msg  string
	}{
		{"three groupings", setDimensions("Inbox", "Team", "Channel"),
			`convreport: report "Second": dimensions: a chart groups by at most 2 properties (a grouping and a breakdown), got 3`},
		{"removing a property not shown", removeProperties("Subject"),
			`convreport: report "Second": properties: "Subject" is not a display property of the report (it shows ID, Inbox, Team)`},
		{"blank name", rename("  "), `convreport: report "Second": name: is required`},
		{"date that is not one", setDateProperty("Inbox"), `convreport: report "Second": date_property: Inbox is a string, not a date`},
		{"unknown property, with a suggestion", addProperties("Subjet"),
			`convreport: report "Second": properties: unknown property "Subjet" (did you mean "Subject"?)`},
		{"a plain error is wrapped", func(*convreport.Schema, *convreport.Report) error { return errors.New("nope") },
			`convreport: report "Second": edit: nope`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := applyEdits(nil, base, []edit{rename("Second"), c.edit})
			var re *convreport.ReportError
			require.True(t, errors.As(err, &re), "%v", err)
			require.EqualError(t, err, c.msg)
			require.Equal(t, convreport.Report{}, got)
		})
	}
}
