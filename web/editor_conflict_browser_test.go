package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/stretchr/testify/require"
)

// inParis has the page's clock in Paris, whatever the machine's zone,
// so that a time it says can be written here.
func inParis() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Paris"})
		return err
	})
}

// atTime is how the editor says when something was saved, on a clock in
// Paris: " at 14:05" today, " on Jun 3 at 14:05" another day.
func atTime(t time.Time) string {
	t = t.In(paris)
	if t.Format(time.DateOnly) == time.Now().In(paris).Format(time.DateOnly) {
		return " at " + t.Format("15:04")
	}
	return " on " + t.Format("Jan 2") + " at " + t.Format("15:04")
}

// openEditorPage opens the editor of report rid of dashboard dash and
// waits for its script and its stream's first word.
func openEditorPage(b *browser, root, dash, rid string) {
	b.t.Helper()
	b.do("open the editor of "+rid, inParis(), chromedp.Navigate(root+"dashboards/"+dash+"/reports/"+rid+"/edit?range=last_30_days"),
		chromedp.WaitVisible(chromedp.CSS(`#editor`)))
	b.wait("the script and its stream", `document.documentElement.dataset.ready === "true" && document.querySelector("#editor-notice").dataset.state === "same"`)
	b.eval(`String(window.__sameDocument = "yes")`)
}

// enter sets the text of an input and tells the page, as typing would
// once done. chromedp's SendKeys reads the node's attributes while the
// page changes them (the preview marks itself busy), a data race of the
// library's own under -race.
func enter(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector(` + jsString(sel) + `); e.focus(); e.value = ` + jsString(text) +
		`; e.dispatchEvent(new Event("input", { bubbles: true })); })()`)
}

// typed is what the tests type in an editor, and read back.
const typedName, typedTop, typedFilter = "Carl's chats", "5", `IncomingMessages >= 2`

func typeChanges(b *browser) {
	b.t.Helper()
	b.do("type changes", enter("#edit-name", typedName), enter("#edit-limit", typedTop), enter("#edit-filter", typedFilter))
	b.wait("the preview of them", previewOK+` && document.querySelector("#preview-title").textContent === `+jsString(typedName))
}

// keptTyped checks that the form still holds what was typed, in the
// same document.
func keptTyped(t *testing.T, b *browser) {
	t.Helper()
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`), "the editor reloaded")
	require.Equal(t, typedName, b.eval(`document.querySelector("#edit-name").value`))
	require.Equal(t, typedTop, b.eval(`document.querySelector("#edit-limit").value`))
	require.Equal(t, typedFilter, b.eval(`document.querySelector("#edit-filter").value`))
}

// A person edits a report while someone else changes it and saves: the
// editor says so, what changed and when, and keeps what was typed. Kept
// editing, "Update existing report" is refused with what changed, and
// nothing of theirs is overwritten; "Save as new report", offered by the
// refusal, saves what was typed beside their version.
func TestBrowserEditorReportChangedElsewhere(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	const rid = "conversations-by-rep"
	opened := reportOf(t, mustGet(t, f, "shared"), rid)
	openEditorPage(b, root, "shared", rid)
	typeChanges(b)

	remote(t, f, http.MethodPatch, "/api/dashboards/shared/reports/"+rid, "ana", `{"version": 1, "name": "Chats per agent", "chart": {"type": "table"}}`)
	theirs := mustGet(t, f, "shared")
	b.wait("the notice", `document.querySelector("#editor-notice").dataset.state === "changed" && !document.querySelector("#editor-notice").hidden`)
	require.Equal(t, "This report was changed elsewhere"+atTime(theirs.UpdatedAt), b.eval(`document.querySelector("#notice-title").textContent`))
	require.Equal(t, "Someone else, or you in another tab, saved it since you opened it: its name (now “Chats per agent”) and its visualization changed. "+
		"Load their version to go on from it (what you typed here goes), or keep editing and save yours as a new report: updating would overwrite theirs, and is refused.",
		b.eval(`document.querySelector("#notice-text").textContent`))
	require.Equal(t, "Load their version,Keep editing", b.eval(`[...document.querySelectorAll("#notice-actions button")].map((x) => x.textContent).join()`))
	keptTyped(t, b)
	b.shot("editor-changed-elsewhere")

	b.do("keep editing", clickOn("#notice-keep"))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#editor-notice").hidden)`))
	b.do("update", clickOn("#update"))
	b.wait("the refusal", `!document.querySelector("#editor-error").hidden && document.querySelector("#conflict-save-new")`)
	require.Equal(t, `Report "Conversations by rep" was changed elsewhere since you opened it: its name (now "Chats per agent") and its visualization; `+
		`nothing was saved: save your changes as a new report, or load the saved report and make them again (dashboard "Shared" is at version 2, you started from version 1) `+
		`Save as new report Load their version`, b.eval(`document.querySelector("#editor-error").textContent`))
	b.wait("the notice again", `!document.querySelector("#editor-notice").hidden && document.querySelector("#editor-notice").dataset.state === "changed"`)
	keptTyped(t, b)
	require.Equal(t, theirs, mustGet(t, f, "shared"), "theirs as they saved it")
	b.shot("editor-update-refused")

	b.do("save as new, from the refusal", clickOn("#conflict-save-new"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#title-carl-s-chats")`)
	d := mustGet(t, f, "shared")
	require.Equal(t, reportOf(t, theirs, rid), reportOf(t, d, rid), "theirs kept")
	mine := d.Reports[len(d.Reports)-1]
	want := opened
	want.ID, want.Name, want.Limit, want.Filter = mine.ID, typedName, 5, typedFilter
	require.Equal(t, want, mine, "the report opened, with what was typed")
}

// Their version loaded, on the person's word: the editor shows the report
// as saved now, and updates it. A change to another report before that
// asks nothing: the editor takes the dashboard's new version, and its
// update goes through.
func TestBrowserEditorLoadTheirVersion(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	const rid = "conversations-by-rep"
	openEditorPage(b, root, "shared", rid)
	typeChanges(b)

	remote(t, f, http.MethodPatch, "/api/dashboards/shared/reports/chat-conversations-over-time", "ana", `{"version": 1, "name": "Chats per day"}`)
	b.wait("the new version taken", `document.querySelector("#editor").dataset.version === "2"`)
	require.Equal(t, "true", b.eval(`String(document.querySelector("#editor-notice").hidden)`), "nothing to say")
	keptTyped(t, b)

	remote(t, f, http.MethodPatch, "/api/dashboards/shared/reports/"+rid, "ana", `{"version": 2, "name": "Chats per agent", "sort": "label_asc"}`)
	b.wait("the notice", `document.querySelector("#editor-notice").dataset.state === "changed"`)
	require.Contains(t, b.eval(`document.querySelector("#notice-text").textContent`), `: its name (now “Chats per agent”) and its sort changed. `)
	require.Equal(t, "2", b.eval(`document.querySelector("#editor").dataset.version`), "not the version of their change")
	b.do("load their version", clickOn("#notice-load"))
	b.wait("the editor loaded again", `window.__sameDocument === undefined && document.documentElement.dataset.ready === "true" && document.querySelector("#editor-notice").dataset.state === "same"`)
	require.Equal(t, "Chats per agent", b.eval(`document.querySelector("#edit-name").value`))
	require.Equal(t, "label_asc", b.eval(`document.querySelector("#edit-sort").value`))
	require.Equal(t, "", b.eval(`document.querySelector("#edit-limit").value`), "nothing typed is left")
	require.Equal(t, `Channel == "chat"`, b.eval(`document.querySelector("#edit-filter").value`))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#editor-notice").hidden)`))

	b.do("rename their version", enter("#edit-name", "Chats per agent, A to Z"), clickOn("#update"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#title-`+rid+`")?.textContent === "Chats per agent, A to Z"`)
	r := reportOf(t, mustGet(t, f, "shared"), rid)
	require.Equal(t, "Chats per agent, A to Z", r.Name)
	require.Equal(t, convreport.ByLabelAsc, r.Sort, "their sort kept")
}

// The report removed from the dashboard while it is edited: the editor
// says so, offers no update, still previews what is typed, and saves it
// as a new report.
func TestBrowserEditorReportRemovedElsewhere(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	const rid = "conversations-by-rep"
	openEditorPage(b, root, "shared", rid)
	typeChanges(b)

	d := mustGet(t, f, "shared")
	q := url.Values{"version": {"1"}, "created": {d.CreatedAt.Format(time.RFC3339Nano)}}
	remote(t, f, http.MethodDelete, "/api/dashboards/shared/reports/"+rid+"?"+q.Encode(), "ana", "")
	removed := mustGet(t, f, "shared")
	b.wait("the notice", `document.querySelector("#editor-notice").dataset.state === "removed"`)
	require.Equal(t, "This report was removed from the dashboard"+atTime(removed.UpdatedAt), b.eval(`document.querySelector("#notice-title").textContent`))
	require.Equal(t, "Someone else, or you in another tab, removed it since you opened it. What you typed here is not saved: Save as new report adds it to “Shared” again.",
		b.eval(`document.querySelector("#notice-text").textContent`))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#update").disabled)`))
	require.Equal(t, "false", b.eval(`String(document.querySelector("#save-new").disabled)`))
	keptTyped(t, b)

	// The preview follows what is typed still.
	b.do("change the top", enter("#edit-limit", "3"))
	b.wait("the preview", previewOK+` && Number(document.querySelector("#preview").dataset.points) <= 4`)
	require.Equal(t, "true", b.eval(`String(document.querySelector("#editor-error").hidden)`))
	b.shot("editor-report-removed")

	b.do("save as new", clickOn("#save-new"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#title-carl-s-chats")`)
	mine := reportOf(t, mustGet(t, f, "shared"), "carl-s-chats")
	require.Equal(t, typedName, mine.Name)
	require.Equal(t, 3, mine.Limit)
	require.Equal(t, typedFilter, mine.Filter)
	require.Equal(t, []string{"Assignee"}, mine.Dimensions, "as the report was opened")
}

// The right to edit taken away while a report is edited: the editor says
// so, saves nothing there, and keeps what was typed, to save in another
// dashboard the person may edit or to copy. The dashboard then gone: the
// same, with no preview.
func TestBrowserEditorRightsLostAndDashboardGone(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	const rid = "conversations-by-rep"
	tpl, _ := library.Lookup("chat-overview")
	own, err := tpl.NewDashboard(convreport.DashboardOptions{ID: "desk", Name: "Carl's desk", Owner: "carl", Visibility: access.Private})
	require.NoError(t, err)
	_, err = f.store.Create(context.Background(), users["carl"], own)
	require.NoError(t, err)

	openEditorPage(b, root, "shared", rid)
	typeChanges(b)
	remote(t, f, http.MethodPatch, "/api/dashboards/shared", "ana", `{"version": 1, "visibility": "everyone_view"}`)
	b.wait("the notice", `document.querySelector("#editor-notice").dataset.state === "readonly" && !document.querySelector("#rescue").hidden`)
	require.Equal(t, "You may no longer edit “Shared”", b.eval(`document.querySelector("#notice-title").textContent`))
	require.Equal(t, "Its access changed since you opened the editor. What you typed here is not saved: save it as a new report in a dashboard you may edit, or copy its definition.",
		b.eval(`document.querySelector("#notice-text").textContent`))
	require.Equal(t, "true,true", b.eval(`[document.querySelector("#update").disabled, document.querySelector("#save-new").disabled].join()`))
	b.wait("the dashboards carl may edit", `document.querySelector("#rescue-dashboard option")`)
	require.Equal(t, "desk:Carl's desk", b.eval(`[...document.querySelectorAll("#rescue-dashboard option")].map((o) => o.value + ":" + o.textContent).join()`))
	var def struct {
		Name   string `json:"name"`
		Limit  int    `json:"limit"`
		Filter string `json:"filter"`
	}
	require.NoError(t, json.Unmarshal([]byte(b.eval(`document.querySelector("#rescue-json").value`)), &def))
	require.Equal(t, typedName, def.Name)
	require.Equal(t, 5, def.Limit)
	require.Equal(t, typedFilter, def.Filter)
	keptTyped(t, b)
	b.shot("editor-rights-lost")

	b.do("save it in Carl's desk", clickOn("#rescue-save"))
	b.wait("Carl's desk", `document.body.classList.contains("page-dashboard") && document.querySelector("#title-carl-s-chats")`)
	require.Equal(t, "?range=last_30_days", b.eval(`location.search`), "the period kept")
	desk := mustGet(t, f, "desk")
	mine := reportOf(t, desk, "carl-s-chats")
	require.Equal(t, 5, mine.Limit)
	require.Equal(t, typedFilter, mine.Filter)
	require.Equal(t, []string{"Assignee"}, mine.Dimensions)
	require.Len(t, mustGet(t, f, "shared").Reports, 6, "nothing saved in Shared")

	// The dashboard deleted while another report is edited.
	remote(t, f, http.MethodPatch, "/api/dashboards/shared", "ana", `{"version": 2, "visibility": "everyone_edit"}`)
	openEditorPage(b, root, "shared", "closed-conversations-by-rep")
	typeChanges(b)
	d := mustGet(t, f, "shared")
	q := url.Values{"version": {strconv.FormatInt(d.Version, 10)}, "created": {d.CreatedAt.Format(time.RFC3339Nano)}}
	remote(t, f, http.MethodDelete, "/api/dashboards/shared?"+q.Encode(), "ana", "")
	b.wait("the notice", `document.querySelector("#editor-notice").dataset.state === "gone"`)
	require.Equal(t, "This dashboard is no longer available to you", b.eval(`document.querySelector("#notice-title").textContent`))
	require.Equal(t, "It was deleted, or its access changed so that you may no longer see it. What you typed here is not saved: "+
		"save it as a new report in a dashboard you may edit, or copy its definition.", b.eval(`document.querySelector("#notice-text").textContent`))
	require.Equal(t, "unavailable", b.eval(`document.querySelector(".preview").dataset.state`))
	require.Equal(t, "true,true", b.eval(`[document.querySelector("#update").disabled, document.querySelector("#save-new").disabled].join()`))
	b.do("type more", enter("#edit-name", "Closed by Carl"))
	require.Contains(t, b.eval(`document.querySelector("#rescue-json").value`), `"name": "Closed by Carl"`, "the definition follows the typing")
	b.do("copy it", clickOn("#rescue-copy"))
	b.wait("copied, or selected to copy", `document.querySelector("#rescue-copied").textContent !== ""`)
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`))
	b.shot("editor-dashboard-gone")
}
