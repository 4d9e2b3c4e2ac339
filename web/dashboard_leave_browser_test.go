package web_test

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
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

// The share dialog, its access or users and teams changed, asks before
// it closes (it opens again on what is stored): by Cancel, its ×, a
// click beside it, Escape; the browser's prompt for a reload. Untouched,
// or changed back, it closes at once. A save on its way, closing waits
// for it; refused, the question says why.
func TestBrowserShareAsksBeforeClosing(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	hold := holdRequests(t, http.MethodPatch, "/api/dashboards/shared")
	root := serveThrough(t, b, f, "ana", hold.wrap)
	shareOpen := `document.querySelector("#share-dialog").open`
	openShare := func() {
		b.t.Helper()
		b.do("open the menu", clickOn(`#manage-menu summary`), chromedp.WaitVisible(chromedp.CSS(`#share-open`)))
		b.do("share", clickOn(`#share-open`), chromedp.WaitVisible(chromedp.CSS(`#share-dialog[open]`)))
	}
	rights := `[...document.querySelectorAll("#grant-list .grant")].map((li) => li.querySelector(".grant-name").textContent + ":" + li.querySelector("select").value).join()`
	stored := mustGet(t, f, "shared")
	require.Equal(t, access.EveryoneCanEdit, stored.Visibility)

	// Untouched: Escape and the × close it at once.
	openDashboard(b, root, "shared")
	openShare()
	b.do("escape", chromedp.KeyEvent(kb.Escape))
	b.wait("the dialog closed", `!`+shareOpen)
	openShare()
	b.do("pick specific people, and back", pick(`#share-dialog select[name=visibility]`, "specific"), pick(`#share-dialog select[name=visibility]`, "everyone_edit"))
	b.do("close", clickOn(`#share-dialog .dialog-head [data-close]`))
	b.wait("the dialog closed", `!`+shareOpen)
	require.Equal(t, "false", b.eval(`String(`+leaveOpen+`)`))

	// Changed: Cancel asks, saying what changed; kept editing, the
	// dialog is as edited.
	openShare()
	b.do("specific people, ben among them", pick(`#share-dialog select[name=visibility]`, "specific"),
		typeIn(`#share-dialog input[name=add_grant]`, "ben"), clickOn(`#grant-add`))
	b.do("cancel", clickOn(`#share-dialog .dialog-foot [data-close]`))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard changes", b.eval(leaveTitle))
	require.Equal(t, "Discard your changes to who can access Shared? You changed its access (now “Specific users and teams”) and its users and teams: none of it is saved.",
		b.eval(leaveText))
	require.Equal(t, "Keep editing,Discard changes", b.eval(leaveButtons))
	require.Equal(t, "leave-stay", b.eval(`document.activeElement.id`))
	b.view("share-leave-dialog")
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the question closed", `!`+leaveOpen)
	require.Equal(t, "true", b.eval(`String(`+shareOpen+`)`))
	require.Equal(t, "ben:view", b.eval(rights))

	// Escape asks; Escape again keeps editing.
	b.do("a right changed", pick(`#grant-list .grant[data-name="ben"] select`, "edit"))
	b.do("escape", chromedp.KeyEvent(kb.Escape))
	b.wait("the question", leaveOpen)
	b.do("escape again", chromedp.KeyEvent(kb.Escape))
	b.wait("the question closed", `!`+leaveOpen)
	require.Equal(t, "true", b.eval(`String(`+shareOpen+`)`))
	require.Equal(t, "ben:edit", b.eval(rights))

	// A reload gets the browser's prompt.
	b.answerStay(true)
	b.do("reload", chromedp.Evaluate[chromedp.Void](`setTimeout(() => location.reload())`))
	b.waitPrompt()
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`))
	require.Equal(t, "true", b.eval(`String(`+shareOpen+`)`))
	b.answerStay(false)

	// A click beside the dialog asks; discarded, both close, and the
	// dialog opens again on what is stored.
	b.do("click beside the dialog", chromedp.MouseClickXY(8, 500))
	b.wait("the question", leaveOpen)
	b.do("discard", clickOn("#leave-go"))
	b.wait("both closed", `!`+leaveOpen+` && !`+shareOpen)
	openShare()
	require.Equal(t, "everyone_edit", b.eval(`document.querySelector("#share-dialog select[name=visibility]").value`))
	require.Equal(t, "", b.eval(rights))

	// Saved while someone renames the dashboard: Escape meanwhile waits;
	// the save refused, the question says why, and the dialog stays.
	b.do("specific people, ben among them", pick(`#share-dialog select[name=visibility]`, "specific"),
		typeIn(`#share-dialog input[name=add_grant]`, "ben"), clickOn(`#grant-add`))
	b.do("save", clickOn(`#share-dialog button[type=submit]`))
	hold.held()
	v := stored.Version
	remote(t, f, http.MethodPatch, "/api/dashboards/shared", "carl", `{"version": `+itoa(int(v))+`, "name": "Shared desk"}`)
	b.wait("the new name, on the page", `document.querySelector("#dashboard-head").dataset.version === "`+itoa(int(v+1))+`"`)
	b.do("escape", chromedp.KeyEvent(kb.Escape))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Saving changes", b.eval(leaveTitle))
	require.Equal(t, "Your changes to who can access Shared desk are being saved. Once they are, you go on; if they are refused, you stay here to see why.", b.eval(leaveText))
	require.Equal(t, "Cancel", b.eval(leaveButtons))
	hold.release()
	b.wait("the refusal, in the question", leaveOpen+` && `+leaveTitle+` === "Changes not saved"`)
	require.Equal(t, `Dashboard "Shared desk" changed since you opened it (you edited version `+itoa(int(v))+`, it is now at version `+itoa(int(v+1))+
		`); reload it and make the change again. Keep editing to see what you can do, or discard your changes to who can access Shared desk.`, b.eval(leaveText))
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the question closed", `!`+leaveOpen)
	require.Equal(t, "true", b.eval(`String(`+shareOpen+`)`))
	require.Equal(t, "ben:view", b.eval(rights))
	require.Equal(t, access.EveryoneCanEdit, mustGet(t, f, "shared").Visibility, "nothing saved")

	// Saved again, on the version the page now shows: the page loads
	// again, nothing asked.
	b.do("save", clickOn(`#share-dialog button[type=submit]`))
	hold.held()
	hold.release()
	b.wait("the saved access", `document.querySelector("#dashboard-head")?.dataset.version === "`+itoa(int(v+2))+`" && window.__sameDocument === undefined`)
	require.Zero(t, b.prompts())
	d := mustGet(t, f, "shared")
	require.Equal(t, access.SpecificUsersAndTeams, d.Visibility)
	require.Equal(t, []access.Grant{{User: "ben", Allow: access.View}}, d.Grants)

	// Only a name typed, not yet added (a save adds it): asks.
	openShare()
	b.do("type a name", typeIn(`#share-dialog input[name=add_grant]`, "carl"))
	b.do("close", clickOn(`#share-dialog .dialog-head [data-close]`))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard your changes to who can access Shared desk? You changed its users and teams: none of it is saved.", b.eval(leaveText))
	b.do("discard", clickOn("#leave-go"))
	b.wait("both closed", `!`+leaveOpen+` && !`+shareOpen)
	require.Zero(t, b.prompts())
}
