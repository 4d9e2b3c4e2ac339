package web_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// An enum's values are picked in the report editor, never typed: the
// value "Enterprise, EU" used to be split at its comma under "is any of"
// and refused. A bool's one value is picked too.
func TestBrowserEditorPicksEnumValues(t *testing.T) {
	b := newBrowser(t)
	f := valuesFixture(t)
	root := serveAs(t, b, f, "ana")
	b.do("open the editor", chromedp.Navigate(root+"dashboards/tiers/reports/volume/edit"), chromedp.WaitVisible(chromedp.CSS(`#editor`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)

	row := `#conditions .condition:last-child`
	b.do("add a filter", clickOn("#cond-add"), pick(row+` select[aria-label="Property"]`, "plan"), pick(row+` select[aria-label="Operator"]`, "is_any_of"))
	require.Equal(t, `free|pro|Enterprise, EU|say "hi"`, b.eval(`[...document.querySelectorAll("`+row+` .value-choices label")].map((l) => l.textContent).join("|")`))
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("`+row+` input[type=text]").length)`), "nothing to type")
	b.do("pick Enterprise, EU", clickOn(row+` input[type=checkbox][value="Enterprise, EU"]`))
	b.wait("the preview", previewOK)
	require.Equal(t, "2", b.eval(`document.querySelector("#preview").dataset.count`), "a and c")
	b.wait("a valid filter", `document.querySelector("#filter-status").classList.contains("ok")`)

	b.do("add a filter on vip", clickOn("#cond-add"), pick(row+` select[aria-label="Property"]`, "vip"), pick(row+` select[aria-label="Operator"]`, "equals"))
	require.Equal(t, "|true|false", b.eval(`[...document.querySelectorAll("`+row+` select[aria-label=Value] option")].map((o) => o.value).join("|")`))
	b.do("vip is true", pick(row+` select[aria-label="Value"]`, "true"))
	b.wait("the preview", previewOK+` && document.querySelector("#preview").dataset.count === "1"`) // a
	b.shot("editor-enum-values-picked")

	v := mustGet(t, f, "tiers").Version
	b.do("update", clickOn("#update"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#dashboard-head")?.dataset.version === "`+strconv.FormatInt(v+1, 10)+`"`)
	require.Equal(t, []convreport.Condition{
		{Property: "plan", Op: convreport.IsAnyOf, Values: []string{"Enterprise, EU"}},
		{Property: "vip", Op: convreport.Equals, Values: []string{"true"}},
	}, mustGet(t, f, "tiers").Reports[0].Conditions)

	// The editor opens on what was picked.
	b.do("open the editor again", chromedp.Navigate(root+"dashboards/tiers/reports/volume/edit"), chromedp.WaitVisible(chromedp.CSS(`#editor`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	require.Equal(t, "Enterprise, EU", b.eval(`[...document.querySelectorAll("#conditions .condition:first-child input[type=checkbox]:checked")].map((i) => i.value).join("|")`))
	require.Equal(t, "true", b.eval(`document.querySelector('#conditions .condition:last-child select[aria-label="Value"]').value`))
}

// A string's values are typed as a list: a value that holds a comma is
// written in quotes, as the field's hint says, and a quote inside doubled.
// A quote left open is said under the row, and nothing is saved.
func TestBrowserEditorQuotedValues(t *testing.T) {
	b := newBrowser(t)
	f := valuesFixture(t)
	root := serveAs(t, b, f, "ana")
	b.do("open the editor", chromedp.Navigate(root+"dashboards/tiers/reports/volume/edit"), chromedp.WaitVisible(chromedp.CSS(`#editor`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)

	row := `#conditions .condition:last-child`
	b.do("add a filter", clickOn("#cond-add"), pick(row+` select[aria-label="Property"]`, "region"), pick(row+` select[aria-label="Operator"]`, "is_any_of"))
	require.Contains(t, b.eval(`document.querySelector("`+row+` .condition-hint").textContent`), `write a value that holds a comma in double quotes, like "Paris, France"`)
	b.do("type two values", typeIn(row+` input[aria-label="Values"]`, `"Paris, France", Lyon`))
	b.wait("the preview", previewOK+` && document.querySelector("#preview").dataset.count === "4"`) // a, b, c, d

	b.do("leave a quote open", typeIn(row+` input[aria-label="Values"]`, `"Paris, France`))
	b.wait("the typo", `!document.querySelector("`+row+` .condition-typo").hidden`)
	require.Equal(t, `The value quoted at character 1 has no closing quote: end it with "`, b.eval(`document.querySelector("`+row+` .condition-typo").textContent`))
	v := mustGet(t, f, "tiers").Version
	b.do("update", clickOn("#update"))
	b.wait("the refusal", `!document.querySelector("#editor-error").hidden`)
	require.Equal(t, `Filter 1: the value quoted at character 1 has no closing quote: end it with ".`, b.eval(`document.querySelector("#editor-error").textContent`))
	require.Equal(t, v, mustGet(t, f, "tiers").Version, "nothing saved")
	b.shot("editor-quote-left-open")

	b.do("close it, and a value with a quote", typeIn(row+` input[aria-label="Values"]`, `"Paris, France", "5"" screen"`))
	b.wait("the typo gone", `document.querySelector("`+row+` .condition-typo").hidden`)
	b.wait("the preview", previewOK+` && document.querySelector("#preview").dataset.count === "3"`) // a, d, f
	b.do("update", clickOn("#update"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#dashboard-head")?.dataset.version === "`+strconv.FormatInt(v+1, 10)+`"`)
	require.Equal(t, []convreport.Condition{{Property: "region", Op: convreport.IsAnyOf, Values: []string{"Paris, France", `5" screen`}}},
		mustGet(t, f, "tiers").Reports[0].Conditions)

	b.do("open the editor again", chromedp.Navigate(root+"dashboards/tiers/reports/volume/edit"), chromedp.WaitVisible(chromedp.CSS(`#editor`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	require.Equal(t, `"Paris, France", "5"" screen"`, b.eval(`document.querySelector('#conditions .condition input[aria-label="Values"]').value`))
}

// The dashboard's row of filters offers the same: an enum's values to
// pick, a string's typed with quotes.
func TestBrowserDashboardFilterValuesWithCommas(t *testing.T) {
	b := newBrowser(t)
	f := valuesFixture(t)
	root := serveAs(t, b, f, "ana")
	ready := `document.documentElement.dataset.ready === "true" && document.querySelector("#dash-filters").dataset.state === "ready"`
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/tiers?range=last_30_days"))
	b.wait("the page", ready)

	b.do("add a filter", clickOn("#filter-add"), pick("#filter-property", "plan"), pick("#filter-op", "is_any_of"))
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("#filter-values-input").length)`), "nothing to type")
	b.do("pick Enterprise, EU", clickOn(`#filter-values-choices input[value="Enterprise, EU"]`))
	b.shot("dashboard-filter-enum-picked")
	b.do("apply it", clickOn("#filter-apply"))
	b.wait("the view's chip", ready+` && document.querySelector(".chip-view") !== null`)
	require.Equal(t, `Plan tier is any of "Enterprise, EU"`, b.eval(`document.querySelector(".chip-view .chip-text").textContent`))
	require.Contains(t, b.eval(`document.querySelector("#report-volume .card-meta").textContent`), " 2 conversations") // a, c

	b.do("add a filter on region", clickOn("#filter-add"), pick("#filter-property", "region"), pick("#filter-op", "is_any_of"))
	require.Contains(t, b.eval(`document.querySelector("#filter-values-hint").textContent`), "double quotes")
	b.do("leave a quote open", typeIn("#filter-values-input", `"Paris, France`), clickOn("#filter-apply"))
	b.wait("the refusal", `!document.querySelector("#filter-error").hidden`)
	require.Contains(t, b.eval(`document.querySelector("#filter-error").textContent`), "has no closing quote")
	b.do("close it", typeIn("#filter-values-input", `"Paris, France"`), pick("#filter-op", "is_none_of"))
	require.Equal(t, `"Paris, France"`, b.eval(`document.querySelector("#filter-values-input").value`), "kept as typed when the operator changes")
	b.do("back to is any of", pick("#filter-op", "is_any_of"), clickOn("#filter-apply"))
	b.wait("two chips", ready+` && document.querySelectorAll(".chip-view").length === 2`)
	require.Equal(t, `Region is any of "Paris, France"`, b.eval(`document.querySelectorAll(".chip-view .chip-text")[1].textContent`))
	require.Contains(t, b.eval(`document.querySelector("#report-volume .card-meta").textContent`), " 1 conversation") // a
}
