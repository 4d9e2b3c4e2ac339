package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// A person finds a report whose filter, with the dashboard's, is over
// the server's filter limits: the card says so and what to do; in the
// editor, the filter's check says the same as it is typed; removing the
// report's filter and updating brings its numbers back, under the
// dashboard's filter.
func TestBrowserReportFilterWithTheDashboards(t *testing.T) {
	b := newBrowser(t)
	f := joinedFixture(t)
	root := serveAs(t, b, f, "ana")

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/plans"), chromedp.WaitVisible(chromedp.CSS(`#report-by-plan .chart-stale`)))
	require.Contains(t, b.eval(`document.querySelector("#report-by-plan .chart-stale").innerText`), joinedSentence)
	require.Equal(t, joinedMeta, b.eval(`document.querySelector("#report-by-plan .card-meta").textContent`))
	require.Contains(t, b.eval(`document.querySelector("#report-volume .card-meta").textContent`), "3 conversations")
	b.shot("filters-with-dashboard-card")

	b.do("edit the report", clickOn(`#report-by-plan [data-edit-stale]`))
	b.wait("the filter's check", `document.documentElement.dataset.ready === "true" && document.querySelector("#filter-status").classList.contains("error")`)
	require.Equal(t, "with the dashboard's filters, together they are 26 bytes long, over this server's limit of 20 bytes; shorten them, or remove a filter from the dashboard's row of filters",
		b.eval(`document.querySelector("#filter-status").textContent`))
	require.Contains(t, b.eval(`document.querySelector("#preview-stale-filter").innerText`), joinedSentence)
	b.shot("filters-with-dashboard-editor")

	b.do("a shorter filter", typeIn("#edit-filter", "seats>1"))
	b.wait("still over", `document.querySelector("#filter-status").classList.contains("error") && document.querySelector("#filter-status").textContent.includes("24 bytes")`)
	b.do("no filter of its own", clear("#edit-filter"))
	b.wait("the preview", previewOK+` && document.querySelector("#preview").dataset.count === "3"`)

	b.update(f, "plans")
	b.requireRuns("by-plan", "3 conversations")
	require.Equal(t, "", mustGet(t, f, "plans").Reports[1].Filter)
}
