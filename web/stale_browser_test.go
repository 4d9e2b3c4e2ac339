package web_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// A person finds a report whose filter names a property the schema
// dropped: the card says which filter and why, with no numbers and no
// downloads; the editor marks the filter; removing it and updating the
// report brings its numbers back.
func TestBrowserRemoveAStaleFilter(t *testing.T) {
	b := newBrowser(t)
	f := staleFixture(t, withoutPlan)
	root := serveAs(t, b, f, "ana")

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/plans"), chromedp.WaitVisible(chromedp.CSS(`#report-pro-seats .chart-stale`)))
	b.wait("the scripts", `document.querySelector("#export-zip") && document.querySelector("#report-volume .card-export")`)
	require.Contains(t, b.eval(`document.querySelector("#report-pro-seats .chart-stale").innerText`), staleSentence)
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("#report-pro-seats .card-export a").length)`), "nothing to download")
	require.Equal(t, "true", b.eval(`String(document.querySelector("#export-zip").disabled)`))
	require.Contains(t, b.eval(`document.querySelector("#export-zip").textContent`), "not while “Pro seats” does not run")
	b.shot("stale-report-card")

	b.do("edit the report", clickOn(`#report-pro-seats [data-edit-stale]`))
	b.wait("the editor", `document.documentElement.dataset.ready === "true" && document.querySelector("#editor")`)
	require.Contains(t, b.eval(`document.querySelector("#preview-stale-filter").innerText`), staleSentence)
	rows := `document.querySelectorAll("#conditions .condition")`
	require.Equal(t, "2", b.eval(`String(`+rows+`.length)`))
	require.Equal(t, "false", b.eval(`String(`+rows+`[0].classList.contains("stale"))`))
	require.Equal(t, "true", b.eval(`String(`+rows+`[1].classList.contains("stale"))`))
	require.Equal(t, `No longer checks: the schema has no property "plan". Remove or change this filter.`,
		b.eval(rows+`[1].querySelector(".condition-stale").textContent`))
	require.Equal(t, "plan (unknown property)", b.eval(rows+`[1].querySelector('select[aria-label="Property"]').selectedOptions[0].textContent`))
	b.wait("the validation", `document.querySelector("#filter-status").classList.contains("error")`)
	b.shot("stale-filter-in-editor")

	b.do("remove the filter", clickOn(`#conditions .condition.stale button.remove`))
	b.wait("the preview", previewOK+` && document.querySelector("#preview svg")`)
	require.Equal(t, "1", b.eval(`String(`+rows+`.length)`))
	require.Equal(t, "4", b.eval(`document.querySelector("#preview").dataset.count`), "a, c, d and e have more than one seat")
	require.Equal(t, "true", b.eval(`String(document.querySelector("#preview-stale-filter").hidden)`))
	b.wait("a valid filter", `document.querySelector("#filter-status").classList.contains("ok")`)

	v := mustGet(t, f, "plans").Version
	b.do("update", clickOn("#update"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#dashboard-head")?.dataset.version === "`+strconv.FormatInt(v+1, 10)+`"`)
	b.wait("the scripts", `document.querySelector("#export-zip")`)
	require.Equal(t, "false", b.eval(`String(document.querySelector("#report-pro-seats").hasAttribute("data-stale"))`))
	require.Contains(t, b.eval(`document.querySelector("#report-pro-seats .card-meta").textContent`), "4 conversations")
	require.Equal(t, "A", b.eval(`document.querySelector("#export-zip").tagName`), "the zip is offered again")
	b.shot("stale-filter-removed")
	for _, r := range mustGet(t, f, "plans").Reports {
		if r.ID == "pro-seats" {
			require.Equal(t, []convreport.Condition{{Property: "seats", Op: convreport.GreaterThan, Values: []string{"1"}}}, r.Conditions)
		}
	}
}
