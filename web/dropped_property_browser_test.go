package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// A person finds a report grouped by, and dated by, properties the schema
// dropped: the card says which parts; the editor opens with them marked;
// choosing others and updating brings its numbers back.
func TestBrowserChooseAnotherGroupingAndDate(t *testing.T) {
	b := newBrowser(t)
	f := droppedFixture(t, `"dimensions": ["plan"], "date_property": "renewal"`)
	root := serveAs(t, b, f, "ana")
	const grouping, date = `Group by plan: the schema has no property "plan".`, `Date range applies to renewal: the schema has no property "renewal".`

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/plans"), chromedp.WaitVisible(chromedp.CSS(`#report-by-plan .chart-stale`)))
	b.wait("the scripts", `document.querySelector("#export-zip") && document.querySelector("#report-volume .card-export")`)
	text := b.eval(`document.querySelector("#report-by-plan .chart-stale").innerText`)
	require.Contains(t, text, "This report is not run: it names properties the schema no longer has.")
	require.Contains(t, text, grouping)
	require.Contains(t, text, date)
	require.Contains(t, b.eval(`document.querySelector("#report-volume .card-meta").textContent`), "5 conversations")
	b.shot("dropped-property-card")

	b.do("edit the report", clickOn(`#report-by-plan [data-edit-stale]`))
	b.wait("the editor", `document.documentElement.dataset.ready === "true" && document.querySelector("#editor")`)
	note := b.eval(`document.querySelector("#preview-stale-filter").innerText`)
	require.Contains(t, note, "No preview: this report names properties the schema no longer has.")
	require.Contains(t, note, grouping)
	require.Contains(t, note, date)
	require.Equal(t, "plan (not in the schema)", b.eval(`document.querySelector("#dims .dim.missing .dim-name").textContent`))
	require.Equal(t, "renewal (not in the schema)", b.eval(`document.querySelector("#edit-date").selectedOptions[0].textContent`))
	require.Equal(t, "true", b.eval(`document.querySelector("#edit-date").getAttribute("aria-invalid")`))
	b.shot("dropped-property-editor")

	b.do("remove the grouping", clickOn(`#dims .dim.missing button[aria-label="Remove plan"]`))
	b.wait("the date refused", fieldErrorShown("date_property"))
	require.Contains(t, b.eval(`document.querySelector('[data-error-for="date_property"]').textContent`), `"renewal"`)
	b.do("date by creation", pick("#edit-date", "CreatedAt"))
	b.wait("the preview", previewOK+` && document.querySelector("#preview svg")`)
	require.Equal(t, "5", b.eval(`document.querySelector("#preview").dataset.count`))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#preview-stale-filter").hidden)`))
	b.do("group by channel", clickOn(`[data-add-dimension="Channel"]`))
	b.wait("the preview", previewOK+` && document.querySelector("#preview").dataset.points === "1"`)

	b.update(f, "plans")
	b.requireRuns("by-plan", "5 conversations")
	rep := mustGet(t, f, "plans").Reports[1]
	require.Equal(t, []string{"Channel"}, rep.Dimensions)
	require.Equal(t, "", rep.DateProperty, "CreatedAt, the default")
}
