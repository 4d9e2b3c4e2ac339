package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// A person finds a report whose grouping is now a time and whose Top is
// over the server's lowered limit: the card says both; the editor marks
// both at once, each by its control; changing both and updating brings
// the numbers back.
func TestBrowserFixEveryPartOfAStaleReport(t *testing.T) {
	c := staleParts[1]
	b := newBrowser(t)
	f := restartedFixture(t, c.report, c.after, c.opts...)
	root := serveAs(t, b, f, "ana")

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/plans"), chromedp.WaitVisible(chromedp.CSS(`#report-by-plan .chart-stale`)))
	text := b.eval(`document.querySelector("#report-by-plan .chart-stale").innerText`)
	require.Contains(t, text, "This report is not run: parts of it no longer check.")
	require.Contains(t, text, c.sentences[0])
	require.Contains(t, text, c.sentences[1])
	b.shot("stale-parts-card")

	b.do("edit the report", clickOn(`#report-by-plan [data-edit-stale]`))
	b.wait("both parts marked", `document.documentElement.dataset.ready === "true" && `+fieldErrorShown("dimensions")+` && `+fieldErrorShown("limit"))
	require.Equal(t, "Plan is a time property; group by text, choice or yes/no properties, and by time with a time bucket",
		b.eval(`document.querySelector('[data-error-for="dimensions"]').textContent`))
	require.Equal(t, "This server allows a top of at most 2; make it a whole number from 1 to 2, or empty to keep every group",
		b.eval(`document.querySelector('[data-error-for="limit"]').textContent`))
	require.Equal(t, "true", b.eval(`document.querySelector("#dim-search").getAttribute("aria-invalid")`))
	require.Equal(t, "true", b.eval(`document.querySelector("#edit-limit").getAttribute("aria-invalid")`))
	note := b.eval(`document.querySelector("#preview-stale-filter").innerText`)
	require.Contains(t, note, c.sentences[0])
	require.Contains(t, note, c.sentences[1])
	b.shot("stale-parts-editor")

	b.do("remove the grouping", clickOn(`#dims .dim.missing button[aria-label="Remove plan"]`))
	b.do("group by channel", clickOn(`[data-add-dimension="Channel"]`))
	b.wait("the Top still refused", fieldErrorShown("limit"))
	b.do("top 2", typeIn("#edit-limit", "2"))
	b.wait("the preview", previewOK+` && document.querySelector("#preview").dataset.points === "1"`)
	require.Equal(t, "5", b.eval(`document.querySelector("#preview").dataset.count`))

	b.update(f, "plans")
	b.requireRuns("by-plan", "5 conversations")
	rep := mustGet(t, f, "plans").Reports[1]
	require.Equal(t, []string{"Channel"}, rep.Dimensions)
	require.Equal(t, 2, rep.Limit)
}
