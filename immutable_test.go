package convreport_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
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
