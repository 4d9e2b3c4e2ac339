package web_test

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// dashboardReady is a dashboard's page, its scripts ready.
const dashboardReady = onDashboard + ` && document.querySelector("#dash-filters").dataset.state === "ready"`

// openDashboard opens the page of dashboard id and marks its document,
// to tell it from the next.
func openDashboard(b *browser, root, id string) {
	b.t.Helper()
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/"+id+"?range=last_30_days"))
	b.wait("the page", dashboardReady)
	b.eval(`String(window.__sameDocument = "yes")`)
}

// typeFilter opens the filter row and types a filter, not applied.
func typeFilter(b *browser, value string) {
	b.t.Helper()
	b.do("type a filter", clickOn("#filter-add"), pick("#filter-property", "Assignee"), pick("#filter-op", "is_any_of"),
		typeIn("#filter-values-input", value))
}

// A filter typed in the dashboard's filter row, not applied, is asked
// about before it is lost: the page's question for its links, its dates,
// the row's Cancel and the chips; the browser's prompt for a reload.
// An empty row, an applied filter, a saved one: nothing asks. A save of
// the row on its way, a link waits for it.
func TestBrowserDashboardFilterAsksBeforeLeaving(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	hold := holdRequests(t, http.MethodPut, "/api/dashboards/shared/filters")
	root := serveThrough(t, b, f, "carl", hold.wrap)
	value := `document.querySelector("#filter-values-input").value`

	// The row open, no value: the top bar goes at once.
	openDashboard(b, root, "shared")
	b.do("open the row", clickOn("#filter-add"), pick("#filter-property", "Assignee"))
	b.do("the top bar's Dashboards", clickOn(".topnav a"))
	b.wait("the list of dashboards", onList)
	require.Zero(t, b.prompts())

	// A value typed: the top bar asks, naming the filter's property.
	openDashboard(b, root, "shared")
	typeFilter(b, "Alice Martin")
	b.do("the top bar's Dashboards", clickOn(".topnav a"))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard filter", b.eval(leaveTitle))
	require.Equal(t, "Discard your filter on Assignee? It is not applied to this view.", b.eval(leaveText))
	require.Equal(t, "Assignee", b.eval(`document.querySelector("#leave-text strong").textContent`))
	require.Equal(t, "Keep editing,Discard filter", b.eval(leaveButtons))
	require.Equal(t, "leave-stay", b.eval(`document.activeElement.id`))
	b.view("filter-leave-dialog")
	b.do("keep editing", chromedp.KeyEvent(kb.Enter))
	b.wait("the dialog closed", `!`+leaveOpen)
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`))
	require.Equal(t, "Alice Martin", b.eval(value))
	require.Equal(t, "true", b.eval(`String(document.activeElement === document.querySelector(".topnav a"))`))

	// Another period asks; kept editing, the period shown is the page's.
	b.do("the last 7 days", pick("#range-select", "last_7_days"))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard your filter on Assignee? It is not applied to this view.", b.eval(leaveText))
	b.do("escape", chromedp.KeyEvent(kb.Escape))
	b.wait("the period as shown", `!`+leaveOpen+` && document.querySelector("#range-select").value === "last_30_days"`)
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`))
	require.Contains(t, b.eval(`location.search`), "range=last_30_days")

	// The row's Cancel asks too.
	b.do("cancel", clickOn("#filter-cancel"))
	b.wait("the question", leaveOpen)
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the dialog closed", `!`+leaveOpen)
	require.Equal(t, "false", b.eval(`String(document.querySelector("#filter-editor").hidden)`))

	// A reload gets the browser's prompt; stayed, the filter is there.
	b.answerStay(true)
	b.do("reload", chromedp.Evaluate[chromedp.Void](`setTimeout(() => location.reload())`))
	b.waitPrompt()
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`))
	require.Equal(t, "Alice Martin", b.eval(value))
	b.answerStay(false)

	// Applied: the view's chip, nothing asked.
	b.do("apply it", clickOn("#filter-apply"))
	b.wait("the view's chip", dashboardReady+` && document.querySelector(".chip-view") !== null`)
	require.Zero(t, b.prompts())
	b.eval(`String(window.__sameDocument = "yes")`)

	// Another typed, the chip removed: asks; discarded, the view has
	// neither.
	typeFilter(b, "Bruno Silva")
	b.do("remove the chip", clickOn(".chip-view .chip-remove"))
	b.wait("the question", leaveOpen)
	b.do("discard", clickOn("#leave-go"))
	b.wait("the view without filters", dashboardReady+` && window.__sameDocument === undefined && document.querySelector(".chip-view") === null`)
	require.Zero(t, b.prompts())
	require.NotContains(t, b.eval(`location.search`), "filters")

	// Cancelled on the question's word: the row closes, nothing asks more.
	b.eval(`String(window.__sameDocument = "yes")`)
	typeFilter(b, "Bruno Silva")
	b.do("cancel", clickOn("#filter-cancel"))
	b.wait("the question", leaveOpen)
	b.do("discard", clickOn("#leave-go"))
	b.wait("the row closed", `!`+leaveOpen+` && document.querySelector("#filter-editor").hidden`)
	b.do("the top bar's Dashboards", clickOn(".topnav a"))
	b.wait("the list of dashboards", onList)
	require.Zero(t, b.prompts())

	// Saved to the dashboard while a link waits: the link's page, the
	// filter saved.
	openDashboard(b, root, "shared")
	typeFilter(b, "Alice Martin")
	b.do("save it to the dashboard", clickOn("#filter-save"))
	hold.held()
	b.do("the top bar's Dashboards", clickOn(".topnav a"))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Saving the filter", b.eval(leaveTitle))
	require.Equal(t, "Your filter on Assignee is being saved to the dashboard. Once it is, you go on; if it is refused, you stay here to see why.", b.eval(leaveText))
	require.Equal(t, "Cancel", b.eval(leaveButtons))
	hold.release()
	b.wait("the list of dashboards", onList)
	require.Zero(t, b.prompts())
	require.Equal(t, []convreport.Condition{{Property: "Assignee", Op: convreport.IsAnyOf, Values: []string{"Alice Martin"}}}, mustGet(t, f, "shared").Filters)
}
