package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport/access"
	"github.com/stretchr/testify/require"
)

// filterRow is the dashboard's filter row as shown: open or not, its
// property, operator and typed values.
const filterRow = `(() => { const e = document.querySelector("#filter-editor"); if (e.hidden) return "closed";` +
	` return [document.querySelector("#filter-property").value, document.querySelector("#filter-op").value, document.querySelector("#filter-values-input").value].join("|"); })()`

// A dashboard saved in one of its dialogs loads the page again to show
// it: a filter typed in the row and not applied is kept across the load,
// still not applied, and neither the browser nor the page asks.
func TestBrowserOwnSaveKeepsTypedFilter(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	// The owner: only they share it.
	root := serveAs(t, b, f, "ana")
	reloaded := dashboardReady + ` && window.__sameDocument === undefined`

	// Shared with everyone to view, not edit.
	openDashboard(b, root, "shared")
	typeFilter(b, "Alice Martin")
	openManaged(b, "share-open", "share-dialog")
	b.do("everyone can view", pick(`#share-dialog select[name=visibility]`, "everyone_view"))
	b.do("save", clickOn(`#share-dialog button[type=submit]`))
	b.wait("the page loaded again", reloaded+` && !`+isOpen("share-dialog"))
	require.Zero(t, b.prompts())
	require.Equal(t, access.EveryoneCanView, mustGet(t, f, "shared").Visibility)
	require.Equal(t, "Assignee|is_any_of|Alice Martin", b.eval(filterRow))
	require.NotContains(t, b.eval(`location.search`), "filters", "the filter is typed, not applied")

	// Renamed: kept again, and still asked about before it is lost.
	b.eval(`String(window.__sameDocument = "yes")`)
	openManaged(b, "rename-open", "rename-dialog")
	b.do("type a name", typeIn(`#rename-dialog input[name=name]`, "Ana's desk"))
	b.do("rename", clickOn(`#rename-dialog button[type=submit]`))
	b.wait("the page renamed", reloaded+` && document.querySelector("#dashboard-name").textContent === "Ana's desk"`)
	require.Zero(t, b.prompts())
	require.Equal(t, "Ana's desk", mustGet(t, f, "shared").Name)
	require.Equal(t, "Assignee|is_any_of|Alice Martin", b.eval(filterRow))
	b.do("the top bar's Dashboards", clickOn(".topnav a"))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard your filter on Assignee? It is not applied to this view.", b.eval(leaveText))
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the question closed", `!`+leaveOpen)

	// A plain reload keeps nothing: the browser asks, and, left, the row
	// is closed.
	// The mark tells the new page from this one, still ready while the
	// browser leaves it.
	b.eval(`String(window.__sameDocument = "yes")`)
	b.do("reload", chromedp.Evaluate[chromedp.Void](`setTimeout(() => location.reload())`))
	b.waitPrompt()
	b.wait("the page loaded again", reloaded)
	require.Equal(t, "closed", b.eval(filterRow))
}

// A copy saved opens the copy's page, where the filter typed for this
// one has no row: the page asks in its own dialog, saying why; kept,
// the page stays as it was, the copy saved.
func TestBrowserCopyAsksAboutTypedFilter(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")

	openDashboard(b, root, "shared")
	typeFilter(b, "Alice Martin")
	openManaged(b, "copy-open", "copy-dialog")
	b.do("name it", typeIn(`#copy-dialog input[name=name]`, "Carl's copy"))
	b.do("save", clickOn(`#copy-dialog button[type=submit]`))
	b.wait("the question", leaveOpen)
	require.Equal(t, "The copy is saved: its page opens. Discard your filter on Assignee? It is not applied to this view.", b.eval(leaveText))
	require.Equal(t, "Keep editing,Discard filter", b.eval(leaveButtons))
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the question and the dialog closed", `!`+leaveOpen+` && !`+isOpen("copy-dialog"))
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`))
	require.Equal(t, "Assignee|is_any_of|Alice Martin", b.eval(filterRow))
	require.Zero(t, b.prompts())

	// Opened again, the copy dialog asks before it closes on a name typed.
	openManaged(b, "copy-open", "copy-dialog")
	b.do("name it", typeIn(`#copy-dialog input[name=name]`, "Another copy"))
	b.do("cancel", clickOn(`#copy-dialog .dialog-foot [data-close]`))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard copy", b.eval(leaveTitle))
	b.do("discard", clickOn("#leave-go"))
	b.wait("both closed", `!`+leaveOpen+` && !`+isOpen("copy-dialog"))

	// Saved again, the filter discarded: the copy's page.
	openManaged(b, "copy-open", "copy-dialog")
	b.do("name it", typeIn(`#copy-dialog input[name=name]`, "Carl's second copy"))
	b.do("save", clickOn(`#copy-dialog button[type=submit]`))
	b.wait("the question", leaveOpen)
	b.do("discard", clickOn("#leave-go"))
	b.wait("the copy", onDashboard+` && document.querySelector("#dashboard-name")?.textContent === "Carl's second copy"`)
	require.Zero(t, b.prompts())
}
