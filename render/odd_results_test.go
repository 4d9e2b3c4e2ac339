package render_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

// A pie over time is refused when a report is saved, but a dashboard
// saved before that rule still runs: its text is a table of its days, as
// every other format draws it, not a panic.
func TestTextOfAPieOverTime(t *testing.T) {
	r := result(convreport.Report{Name: "Chats per day as pie", Bucket: convreport.Day, Chart: convreport.Chart{Type: convreport.PieChart}},
		convreport.Point{Bucket: day(28), Value: num("37"), Count: 37},
		convreport.Point{Bucket: day(29), Value: num("29"), Count: 29},
	)
	var buf bytes.Buffer
	require.NoError(t, render.Text(&buf, render.Dashboard{Name: "P", From: rangeFrom, To: rangeTo, Zone: paris, Results: []convreport.Result{r}}, render.TextOptions{}))
	require.Contains(t, buf.String(), "2025-03-28")
	require.Contains(t, buf.String(), "2025-03-29")
	require.Contains(t, buf.String(), "37")
}
