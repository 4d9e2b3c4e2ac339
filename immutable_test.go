package convreport_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
)

// The lists of channels, visibilities and chart types were package
// variables: any importer could change what validation accepts. They are
// now functions returning a fresh slice, and changing one changes nothing.
func TestKnownValuesCannotBeChangedByCallers(t *testing.T) {
	chs := convreport.Channels()
	chs[0] = "pigeon"
	require.True(t, convreport.Chat.Valid())
	require.False(t, convreport.Channel("pigeon").Valid())
	require.Equal(t, convreport.Chat, convreport.Channels()[0])

	vis := access.Visibilities()
	vis[0] = "world"
	require.Error(t, convreport.Dashboard{Name: "D", Owner: "ana", Visibility: "world"}.Validate())
	require.NoError(t, convreport.Dashboard{Name: "D", Owner: "ana", Visibility: access.Private}.Validate())

	cts := convreport.ChartTypes()
	for i := range cts {
		cts[i] = "hologram"
	}
	d, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "D", Owner: "ana",
		Reports: []convreport.Report{{ID: "r", Name: "R", Chart: convreport.Chart{Type: convreport.PieChart}, Dimensions: []string{"Inbox"}}}})
	require.NoError(t, err)
	r, _ := d.Report("r")
	r.Chart.Type = "hologram"
	_, err = d.UpdateReport(nil, r)
	require.Error(t, err)
}

// A result's report is its own: changing it changes neither the reports
// that ran nor the next run's (the engine keeps compiled reports between
// runs). It shared their slices.
func TestResultReportIsACopy(t *testing.T) {
	t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	src, err := memory.New([]convreport.Conversation{
		{ID: "a", Channel: convreport.Chat, Inbox: "Sales", Team: "North", Status: convreport.Open, CreatedAt: t0},
		{ID: "b", Channel: convreport.Chat, Inbox: "Support", Team: "North", Status: convreport.Open, CreatedAt: t0},
	})
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	d := convreport.Dashboard{ID: "d", Name: "D", Owner: "me", Reports: []convreport.Report{{ID: "r", Name: "R",
		Dimensions: []string{"Inbox"}, Properties: []string{"ID"},
		Conditions: []convreport.Condition{{Property: "Team", Op: convreport.IsAnyOf, Values: []string{"North"}}}}}}
	before := d.Clone()
	q := convreport.Query{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), Now: t0.Add(time.Hour), Viewer: access.Viewer{UserID: "me"}}
	first, err := eng.RunDashboard(context.Background(), q, d)
	require.NoError(t, err)
	want := first[0].Points
	first[0].Report.Dimensions[0] = "Team"
	first[0].Report.Properties[0] = "Subject"
	first[0].Report.Conditions[0].Values[0] = "South"
	require.Equal(t, before, d)
	again, err := eng.RunDashboard(context.Background(), q, d)
	require.NoError(t, err)
	require.Equal(t, want, again[0].Points)
	require.Equal(t, before.Reports[0], again[0].Report)
}
