package web_test

import (
	"net/http"
	"testing"

	"github.com/convreport/convreport/access"
	"github.com/stretchr/testify/require"
)

// The dashboard changed elsewhere in a way the page shows by loading
// again (its access), a filter typed and not applied: the page's own
// question says why, not the browser's prompt. Kept editing, the page
// stays as it is and says it is no longer live; discarded, it loads
// again. A dialog's name typed is the one asked about.
func TestBrowserDashboardAsksBeforeLoadingAgain(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	live := `document.querySelector("#live-status").dataset.state === "live"`
	const why = "This dashboard changed elsewhere: the page loads again to show it. "
	setAccess := func(vis access.Visibility) {
		t.Helper()
		remote(t, f, http.MethodPatch, "/api/dashboards/shared", "ana", `{"version": `+version(t, f, "shared")+`, "visibility": "`+string(vis)+`"}`)
	}

	// Kept editing.
	openDashboard(b, root, "shared")
	b.wait("the live stream", live)
	typeFilter(b, "Alice Martin")
	setAccess(access.EveryoneCanView)
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard filter", b.eval(leaveTitle))
	require.Equal(t, why+"Discard your filter on Assignee? It is not applied to this view.", b.eval(leaveText))
	b.view("live-leave-dialog")
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the question closed", `!`+leaveOpen)
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`))
	require.Equal(t, "Alice Martin", b.eval(`document.querySelector("#filter-values-input").value`))
	require.Equal(t, "off", b.eval(`document.querySelector("#live-status").dataset.state`))
	require.Equal(t, "This dashboard changed elsewhere: it shows the change once the page loads again.", b.eval(`document.querySelector("#live-note").textContent`))
	require.Zero(t, b.prompts())

	// Discarded: the page loads again, the browser asks nothing.
	openDashboard(b, root, "shared")
	require.Equal(t, 1, b.prompts(), "the filter kept, left for an address: the browser asked")
	b.wait("the live stream", live)
	typeFilter(b, "Alice Martin")
	setAccess(access.EveryoneCanEdit)
	b.wait("the question", leaveOpen)
	b.do("discard", clickOn("#leave-go"))
	b.wait("the page loaded again", dashboardReady+` && window.__sameDocument === undefined && document.querySelector("#filter-editor").hidden`)
	require.Zero(t, b.prompts())

	// A filter typed and the rename dialog's name: the dialog, in front,
	// is asked about.
	b.eval(`String(window.__sameDocument = "yes")`)
	b.wait("the live stream", live)
	typeFilter(b, "Alice Martin")
	openManaged(b, "rename-open", "rename-dialog")
	b.do("type a name", typeIn(`#rename-dialog input[name=name]`, "Carl's desk"))
	setAccess(access.EveryoneCanView)
	b.wait("the question", leaveOpen)
	require.Equal(t, why+"Discard the name “Carl's desk” you typed for Shared? The dashboard is not renamed.", b.eval(leaveText))
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the question closed", `!`+leaveOpen)
	require.Equal(t, "true", b.eval(`String(`+isOpen("rename-dialog")+`)`))
	require.Zero(t, b.prompts())
}
