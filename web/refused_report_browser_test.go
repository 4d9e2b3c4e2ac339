package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// A person finds a report grouped by a property the new schema made a
// time: the card says which part and why; the editor opens with it marked
// and the reason by the grouping; grouping by another and updating brings
// the numbers back.
func TestBrowserRegroupAReportWhosePropertyChangedKind(t *testing.T) {
	b := newBrowser(t)
	f := restartedFixture(t, `"dimensions": ["plan"]`, kindsChanged)
	root := serveAs(t, b, f, "ana")
	const sentence = `Group by plan: Plan is a time property; group by text, choice or yes/no properties, and by time with a time bucket.`

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/plans"), chromedp.WaitVisible(chromedp.CSS(`#report-by-plan .chart-stale`)))
	b.wait("the scripts", `document.querySelector("#export-zip") && document.querySelector("#report-volume .card-export")`)
	text := b.eval(`document.querySelector("#report-by-plan .chart-stale").innerText`)
	require.Contains(t, text, "This report is not run: a property it names has another kind in the schema now.")
	require.Contains(t, text, sentence)
	require.Contains(t, b.eval(`document.querySelector("#report-volume .card-meta").textContent`), "5 conversations")
	require.Equal(t, "Not run: a property it names has another kind now", b.eval(`document.querySelector("#report-by-plan .card-meta").textContent`))
	b.shot("changed-kind-card")

	b.do("edit the report", clickOn(`#report-by-plan [data-edit-stale]`))
	b.wait("the editor", `document.documentElement.dataset.ready === "true" && document.querySelector("#editor")`)
	note := b.eval(`document.querySelector("#preview-stale-filter").innerText`)
	require.Contains(t, note, "No preview: a property of this report has another kind in the schema now.")
	require.Contains(t, note, sentence)
	require.Equal(t, "Plan (does not group)", b.eval(`document.querySelector("#dims .dim.missing .dim-name").textContent`))
	b.wait("the reason by the grouping", fieldErrorShown("dimensions"))
	require.Equal(t, "Plan is a time property; group by text, choice or yes/no properties, and by time with a time bucket",
		b.eval(`document.querySelector('[data-error-for="dimensions"]').textContent`))
	require.Equal(t, "true", b.eval(`document.querySelector("#dim-search").getAttribute("aria-invalid")`))
	b.shot("changed-kind-editor")

	b.do("remove the grouping", clickOn(`#dims .dim.missing button[aria-label="Remove plan"]`))
	b.do("group by channel", clickOn(`[data-add-dimension="Channel"]`))
	b.wait("the preview", previewOK+` && document.querySelector("#preview").dataset.points === "1"`)
	require.Equal(t, "5", b.eval(`document.querySelector("#preview").dataset.count`))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#preview-stale-filter").hidden)`))
	require.Equal(t, "true", b.eval(`String(document.querySelector('[data-error-for="dimensions"]').hidden)`))

	b.update(f, "plans")
	b.requireRuns("by-plan", "5 conversations")
	require.Equal(t, []string{"Channel"}, mustGet(t, f, "plans").Reports[1].Dimensions)
}

// A report whose Top is over the engine's lowered MaxGroups: the editor
// says so by the Top, and a Top within it brings the numbers back.
func TestBrowserLowerATopOverTheEnginesLimit(t *testing.T) {
	b := newBrowser(t)
	f := restartedFixture(t, `"dimensions": ["Channel"], "limit": 3`, droppedSchema, limited(convreport.Limits{MaxGroups: 2})...)
	root := serveAs(t, b, f, "ana")

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/plans"), chromedp.WaitVisible(chromedp.CSS(`#report-by-plan .chart-stale`)))
	require.Contains(t, b.eval(`document.querySelector("#report-by-plan .chart-stale").innerText`),
		"Top 3: this server allows a top of at most 2; make it a whole number from 1 to 2, or empty to keep every group.")

	b.do("edit the report", clickOn(`#report-by-plan [data-edit-stale]`))
	b.wait("the reason by the Top", `document.documentElement.dataset.ready === "true" && `+fieldErrorShown("limit"))
	require.Equal(t, "This server allows a top of at most 2; make it a whole number from 1 to 2, or empty to keep every group",
		b.eval(`document.querySelector('[data-error-for="limit"]').textContent`))
	require.Equal(t, "true", b.eval(`document.querySelector("#edit-limit").getAttribute("aria-invalid")`))

	b.do("top 2", typeIn("#edit-limit", "2"))
	b.wait("the preview", previewOK+` && document.querySelector("#preview").dataset.points === "1"`)
	require.Equal(t, "5", b.eval(`document.querySelector("#preview").dataset.count`))
	b.update(f, "plans")
	require.Contains(t, b.eval(`document.querySelector("#report-by-plan .card-meta").textContent`), "5 conversations")
	require.Equal(t, 2, mustGet(t, f, "plans").Reports[1].Limit)
}
