package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// remote makes a change as user through the fixture's own handler: another
// server over the same store, as another person's session would, which
// the handler that serves the page hears nothing of.
func remote(t *testing.T, f *fixture, method, path, user, body string) {
	t.Helper()
	w := f.edit(method, path, user, body)
	require.Less(t, w.Code, 300, "%s %s: %s", method, path, w.Body.String())
}

// version is the dashboard's stored version, as a JSON number.
func version(t *testing.T, f *fixture, id string) string {
	return strconv.FormatInt(mustGet(t, f, id).Version, 10)
}

// A helpdesk watches a dashboard on a wall screen while a lead edits it
// elsewhere: a report renamed, drawn as a table, one added from the
// library, moved, one removed, the dashboard renamed. The screen follows
// each in place, without a reload: an open drill-down names its report as
// it is now, and one whose report goes closes with a note.
func TestBrowserLiveFollowsEditsMadeElsewhere(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	const byRep, frt = "conversations-by-rep", "average-chat-first-response-time-by-rep"
	alice := `{"assignee":"Alice Martin"}`
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/chat?range=last_30_days"),
		chromedp.WaitVisible(chromedp.CSS(`#report-`+byRep+` svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)
	b.eval(`String(window.__sameDocument = "yes")`)
	cards := func() string {
		return b.eval(`[...document.querySelectorAll("#reports .card")].map((c) => c.dataset.report).join()`)
	}
	stored := func() string { return joinIDs(reportIDs(mustGet(t, f, "chat").Reports)) }
	require.Equal(t, stored(), cards())

	// A report renamed while its conversations are open.
	openDrill(b, byRep, false, alice)
	require.Contains(t, b.eval(`document.querySelector("#drill-sub").textContent`), "Conversations by rep · ")
	remote(t, f, http.MethodPatch, "/api/dashboards/chat/reports/"+byRep, "ana", `{"version": `+version(t, f, "chat")+`, "name": "Chats per agent"}`)
	b.wait("the new title", `document.querySelector("#title-`+byRep+`").textContent === "Chats per agent"`)
	require.Equal(t, "true", b.eval(`String(document.querySelector("#drill-dialog").open)`), "the dialog stays open")
	b.wait("the dialog to name the report anew", `document.querySelector("#drill-sub").textContent.startsWith("Chats per agent · ")`)
	require.Equal(t, "Download Chats per agent as CSV", b.eval(`document.querySelector("#report-`+byRep+` .card-export a")?.getAttribute("aria-label")`))
	b.view("live-definition-renamed")
	b.do("close the dialog", clickOn(`#drill-dialog [data-close]`))

	// Drawn as a table, its links still open the drill-down.
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("#report-`+byRep+` .chart-table").length)`))
	remote(t, f, http.MethodPatch, "/api/dashboards/chat/reports/"+byRep, "ana", `{"version": `+version(t, f, "chat")+`, "chart": {"type": "table"}}`)
	b.wait("the table", `document.querySelector("#report-`+byRep+` .chart-table tbody tr")`)
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("#report-`+byRep+` svg").length)`))
	counts := f.pointCounts("carl", runPath)[byRep]
	require.Equal(t, strconv.Itoa(len(counts)), b.eval(`String(document.querySelectorAll("#report-`+byRep+` .chart-table tbody tr").length)`))
	openDrill(b, byRep, false, alice)
	b.do("close the dialog", clickOn(`#drill-dialog [data-close]`))

	// A report added from the library: its card, with its downloads.
	remote(t, f, http.MethodPost, "/api/dashboards/chat/reports", "ana", `{"version": `+version(t, f, "chat")+`, "template": "email-overview", "report": "email-volume-by-owner"}`)
	b.wait("the new card", `document.querySelector("#report-email-volume-by-owner svg")`)
	require.Equal(t, stored(), cards(), "at the end")
	require.Equal(t, "csv,svg,png", b.eval(`[...document.querySelectorAll("#report-email-volume-by-owner .card-export a")].map((a) => a.dataset.export).join()`))
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("#report-email-volume-by-owner [data-edit]").length)`), "carl may not edit")
	require.Equal(t, strconv.Itoa(len(mustGet(t, f, "chat").Reports))+" reports", b.eval(`document.querySelector("#reports-count").textContent`))

	// Moved first.
	ids := reportIDs(mustGet(t, f, "chat").Reports)
	order := append([]string{ids[len(ids)-1]}, ids[:len(ids)-1]...)
	remote(t, f, http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": `+version(t, f, "chat")+`, "order": `+jsonList(order)+`}`)
	b.wait("the card moved first", `document.querySelector("#reports .card").id === "report-email-volume-by-owner"`)
	require.Equal(t, joinIDs(order), cards())

	// A report removed while its conversations are open.
	openDrill(b, frt, false, alice)
	d := mustGet(t, f, "chat")
	q := url.Values{"version": {strconv.FormatInt(d.Version, 10)}, "created": {d.CreatedAt.Format(time.RFC3339Nano)}}
	remote(t, f, http.MethodDelete, "/api/dashboards/chat/reports/"+frt+"?"+q.Encode(), "ana", "")
	b.wait("the card to go", `!document.querySelector("#report-`+frt+`")`)
	require.Equal(t, stored(), cards())
	require.Equal(t, "false", b.eval(`String(document.querySelector("#drill-dialog").open)`), "its drill-down closed")
	require.Equal(t, "“Average chat first response time by rep” was removed from the dashboard: its conversations were closed.",
		b.eval(`document.querySelector("#live-note").textContent`))
	require.Equal(t, "false", b.eval(`String(document.querySelector("#live-note").hidden)`))

	// The dashboard renamed.
	remote(t, f, http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": `+version(t, f, "chat")+`, "name": "Chat floor"}`)
	b.wait("the new name", `document.querySelector("#dashboard-name").textContent === "Chat floor"`)
	require.Equal(t, "Chat floor · Reports", b.eval(`document.title`))
	require.Equal(t, version(t, f, "chat"), b.eval(`document.querySelector("#dashboard-version").textContent`))
	b.shot("live-definition-followed")

	// Numbers still follow, in the cards drawn anew.
	sig := cardSig(b, "email-volume-by-owner")
	var c convreport.Conversation
	for _, x := range f.cs {
		if x.Channel == convreport.Email && x.CreatedAt.After(now.AddDate(0, 0, -20)) {
			c = x
			break
		}
	}
	require.NotEmpty(t, c.ID, "an e-mail of the period")
	c.ID = "live-definition-copy"
	require.NoError(t, f.src.Upsert(c))
	redrawn(b, "email-volume-by-owner", sig)
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`), "the page reloaded")
}

// An editor's page keeps the version it shows current as others edit the
// dashboard: a change made from it after another's edit is not refused
// as made on a stale version.
func TestBrowserLiveEditAfterAnEditElsewhere(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/shared?range=last_30_days"),
		chromedp.WaitVisible(chromedp.CSS(`#reports .card svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)
	ids := reportIDs(mustGet(t, f, "shared").Reports)
	remote(t, f, http.MethodPatch, "/api/dashboards/shared/reports/"+ids[2], "ana", `{"version": `+version(t, f, "shared")+`, "name": "Renamed by ana"}`)
	b.wait("the new title", `document.querySelector("#title-`+ids[2]+`").textContent === "Renamed by ana"`)
	require.Equal(t, version(t, f, "shared"), b.eval(`document.querySelector("#dashboard-head").dataset.version`))
	// The card drawn anew has its tools, which work.
	b.do("move the renamed report earlier", clickOn(`#report-`+ids[2]+` [data-move-report][data-by="-1"]`))
	b.wait("the move saved", `document.querySelector("#reports .card:nth-child(2)")?.id === "report-`+ids[2]+`"`)
	want := append([]string{ids[0], ids[2], ids[1]}, ids[3:]...)
	require.Equal(t, want, reportIDs(mustGet(t, f, "shared").Reports))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#manage-error").hidden)`))
}

// A viewer who may no longer edit sees the page drawn again without its
// Edit links, with the period of its address and its drill-down open;
// then, the dashboard made private, the page says they may no longer see
// it and shows no numbers.
func TestBrowserLiveRightsAndAccessTakenAway(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	const byRep = "conversations-by-rep"
	alice := `{"assignee":"Alice Martin"}`
	const view = "?range=last_7_days&compare=previous"
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/shared"+view),
		chromedp.WaitVisible(chromedp.CSS(`#report-`+byRep+` svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)
	require.NotEqual(t, "0", b.eval(`String(document.querySelectorAll("[data-edit]").length)`), "carl may edit")
	b.eval(`String(window.__sameDocument = "yes")`)
	openDrill(b, byRep, false, alice)

	remote(t, f, http.MethodPatch, "/api/dashboards/shared", "ana", `{"version": `+version(t, f, "shared")+`, "visibility": "everyone_view"}`)
	b.wait("the page drawn again", `window.__sameDocument === undefined && document.documentElement.dataset.ready === "true" && document.querySelector("#reports .card")`)
	b.wait("the drill-down open again", `(() => { const d = document.querySelector("#drill-dialog"); return d.open && d.dataset.state === "ready"; })()`)
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("[data-edit], [data-move-report], [data-remove-report], #rename-open, #create-report, #library-open").length)`), "no Edit link")
	require.Equal(t, view, b.eval(`location.search`), "the period kept")
	require.Equal(t, byRep, b.eval(`document.querySelector("#drill-dialog").dataset.report`))
	require.Equal(t, alice, b.eval(`document.querySelector("#drill-dialog").dataset.point`))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)
	b.view("live-definition-view-only")

	remote(t, f, http.MethodPatch, "/api/dashboards/shared", "ana", `{"version": `+version(t, f, "shared")+`, "visibility": "private"}`)
	b.wait("the page to say so", `document.querySelector("#dashboard-gone")`)
	require.Equal(t, "This dashboard is no longer available to you", b.eval(`document.querySelector("#dashboard-gone h2").textContent`))
	require.Equal(t, "It was deleted, or its access changed so that you may no longer see it.", b.eval(`document.querySelector("#dashboard-gone p").textContent`))
	require.Equal(t, "gone", b.eval(`document.querySelector("#live-status").dataset.state`))
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll(".card, svg, .chart, #range-form, #dash-filters, dialog[open]").length)`), "no numbers left")
	b.shot("live-definition-gone")
}

// A dashboard deleted elsewhere: the page says so, with no numbers.
func TestBrowserLiveDashboardDeletedElsewhere(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/chat?range=last_30_days"),
		chromedp.WaitVisible(chromedp.CSS(`#reports .card svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)
	d := mustGet(t, f, "chat")
	q := url.Values{"version": {strconv.FormatInt(d.Version, 10)}, "created": {d.CreatedAt.Format(time.RFC3339Nano)}}
	remote(t, f, http.MethodDelete, "/api/dashboards/chat?"+q.Encode(), "ana", "")
	b.wait("the page to say so", `document.querySelector("#dashboard-gone")`)
	require.Equal(t, "This dashboard is no longer available to you", b.eval(`document.querySelector("#dashboard-gone h2").textContent`))
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll(".card, svg, .chart").length)`))
	require.Equal(t, "No longer available", b.eval(`document.querySelector("#live-status .live-text").textContent`))
}

func joinIDs(ids []string) string {
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ","
		}
		out += id
	}
	return out
}

func jsonList(ids []string) string {
	out := "["
	for i, id := range ids {
		if i > 0 {
			out += ","
		}
		out += strconv.Quote(id)
	}
	return out + "]"
}
