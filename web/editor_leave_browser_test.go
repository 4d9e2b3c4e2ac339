package web_test

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// A browser asks before leaving a page only once the person has used it
// (a click, a key): each check below clicks in the form first, so that a
// prompt the page asked for would show.
const activate = "#edit-name"

const (
	leaveOpen     = `document.querySelector("#leave-dialog").open`
	onDashboard   = `document.body.classList.contains("page-dashboard") && document.documentElement.dataset.ready === "true"`
	editorReloads = `window.__sameDocument === undefined && document.documentElement.dataset.ready === "true" && document.querySelector("#editor-notice").dataset.state === "same"`
	cancelLink    = ".panel-foot a"
)

// The report editor, its report changed, asks before it is left: its own
// dialog for its links, naming the report and what changed; the
// browser's prompt for a reload. Untouched, changed back, or saved, it
// asks nothing.
func TestBrowserEditorAsksBeforeLeaving(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	const rid = "conversations-by-rep"
	saved := reportOf(t, mustGet(t, f, "shared"), rid)
	require.Equal(t, "Conversations by rep", saved.Name)

	// Untouched: a reload and Cancel go at once.
	openEditorPage(b, root, "shared", rid)
	b.do("click in the form", clickOn(activate), chromedp.Reload())
	b.wait("the editor again", editorReloads)
	b.do("click in the form", clickOn(activate), clickOn(cancelLink))
	b.wait("the dashboard", onDashboard)
	require.Zero(t, b.prompts(), "untouched, nothing asks")

	// Changed: Cancel asks, naming the report and what changed.
	openEditorPage(b, root, "shared", rid)
	b.do("rename", typeIn("#edit-name", typedName))
	b.do("cancel", clickOn(cancelLink))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard changes", b.eval(`document.querySelector("#leave-title").textContent`))
	require.Equal(t, "Discard your changes to Conversations by rep? You changed its name (now “Carl's chats”): none of it is saved.",
		b.eval(`document.querySelector("#leave-text").textContent`))
	require.Equal(t, "Conversations by rep", b.eval(`document.querySelector("#leave-text strong").textContent`))
	require.Equal(t, "Keep editing,Discard changes", b.eval(`[...document.querySelectorAll("#leave-dialog .dialog-foot button")].map((x) => x.textContent).join()`))
	require.Equal(t, "leave-stay", b.eval(`document.activeElement.id`), "the choice that loses nothing has the focus")
	b.view("editor-leave-dialog")

	// Enter keeps editing: the same page, what was typed, the focus back
	// on Cancel.
	b.do("keep editing, with the keyboard", chromedp.KeyEvent(kb.Enter))
	b.wait("the dialog closed", `!`+leaveOpen)
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`), "the editor stayed")
	require.Equal(t, typedName, b.eval(`document.querySelector("#edit-name").value`))
	require.Equal(t, "true", b.eval(`String(document.activeElement === document.querySelector(`+jsString(cancelLink)+`))`))

	// More changes; the breadcrumb's link to the dashboard, from the
	// keyboard, asks too; Escape stays.
	b.do("change the top and the filter", enter("#edit-limit", typedTop), enter("#edit-filter", typedFilter))
	b.do("the dashboard's link, with the keyboard", chromedp.Focus(chromedp.CSS(`.crumbs a[href^="dashboards/"]`)), chromedp.KeyEvent(kb.Enter))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard your changes to Conversations by rep? You changed its name (now “Carl's chats”), its top and its filter expression: none of it is saved.",
		b.eval(`document.querySelector("#leave-text").textContent`))
	b.do("escape", chromedp.KeyEvent(kb.Escape))
	b.wait("the dialog closed", `!`+leaveOpen)
	keptTyped(t, b)

	// Again, and Discard changes, from the keyboard: the dashboard, the
	// report as saved, and no prompt of the browser's on the way.
	b.do("the dashboard's link again", chromedp.Focus(chromedp.CSS(`.crumbs a[href^="dashboards/"]`)), chromedp.KeyEvent(kb.Enter))
	b.wait("the question", leaveOpen)
	b.do("discard, with the keyboard", chromedp.KeyEvent(kb.Tab))
	require.Equal(t, "leave-go", b.eval(`document.activeElement.id`))
	b.do("discard", chromedp.KeyEvent(kb.Enter))
	b.wait("the dashboard", onDashboard+` && location.pathname.endsWith("/dashboards/shared")`)
	require.Zero(t, b.prompts(), "discarded in the page's dialog, the browser does not ask again")
	require.Equal(t, saved, reportOf(t, mustGet(t, f, "shared"), rid), "nothing saved")

	// Changed, then changed back: nothing asks.
	openEditorPage(b, root, "shared", rid)
	chart, top := b.eval(`document.querySelector("#edit-chart").value`), b.eval(`document.querySelector("#edit-limit").value`)
	b.do("rename, set a top and a chart", typeIn("#edit-name", typedName), typeIn("#edit-limit", typedTop), pick("#edit-chart", "table"))
	b.do("change them back", typeIn("#edit-name", saved.Name), enter("#edit-limit", top), pick("#edit-chart", chart))
	b.do("cancel", clickOn(cancelLink))
	b.wait("the dashboard", onDashboard)
	require.Zero(t, b.prompts())
	openEditorPage(b, root, "shared", rid)
	b.do("add a filter and remove it", clickOn("#cond-add"), sendKeys(`#conditions .condition .values input`, "Sales"),
		clickOn(`#conditions .condition .remove`))
	b.do("reload", chromedp.Reload())
	b.wait("the editor again", editorReloads)
	require.Zero(t, b.prompts())
	b.eval(`String(window.__sameDocument = "yes")`)

	// Changed: a reload asks the browser's question. Stay keeps the page
	// as it is; Leave reloads it, as saved.
	b.do("rename", typeIn("#edit-name", typedName))
	b.answerStay(true)
	b.do("reload", chromedp.Evaluate[chromedp.Void](`setTimeout(() => location.reload())`))
	b.waitPrompt()
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`), "stayed")
	require.Equal(t, typedName, b.eval(`document.querySelector("#edit-name").value`))
	b.answerStay(false)
	b.do("click in the form", clickOn(activate), chromedp.Reload())
	b.wait("the editor again", editorReloads)
	require.Equal(t, 1, b.prompts(), "left on the prompt's word")
	require.Equal(t, saved.Name, b.eval(`document.querySelector("#edit-name").value`), "as saved")

	// Changed and updated: the dashboard, nothing asked.
	b.eval(`String(window.__sameDocument = "yes")`)
	b.do("rename", typeIn("#edit-name", typedName))
	b.update(f, "shared")
	require.Zero(t, b.prompts(), "saved, nothing is lost")
	require.Equal(t, typedName, reportOf(t, mustGet(t, f, "shared"), rid).Name)
}

// The report changed elsewhere while it is edited: kept editing, leaving
// still asks; the choices of the notice and of the refused update go
// where they say without asking, what was typed gone as they said.
func TestBrowserEditorLeavesOnTheConflictsWord(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	const rid = "conversations-by-rep"

	openEditorPage(b, root, "shared", rid)
	b.do("click in the form", clickOn(activate))
	typeChanges(b)
	remote(t, f, http.MethodPatch, "/api/dashboards/shared/reports/"+rid, "ana", `{"version": 1, "name": "Chats per agent"}`)
	b.wait("the notice", `document.querySelector("#editor-notice").dataset.state === "changed"`)
	b.do("keep editing", clickOn("#notice-keep"))
	b.do("cancel", clickOn(cancelLink))
	b.wait("the question", leaveOpen)
	require.Contains(t, b.eval(`document.querySelector("#leave-text").textContent`), "Discard your changes to Conversations by rep? ")
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the dialog closed", `!`+leaveOpen)

	// Update is refused; Load their version, by the refusal, loads it.
	b.do("update", clickOn("#update"))
	b.wait("the refusal", `document.querySelector("#conflict-load")`)
	b.do("load their version, from the refusal", clickOn("#conflict-load"))
	b.wait("their version", editorReloads+` && document.querySelector("#edit-name").value === "Chats per agent"`)
	require.Zero(t, b.prompts(), "the refusal said what goes")

	// The notice's Load their version.
	b.eval(`String(window.__sameDocument = "yes")`)
	b.do("click in the form", clickOn(activate))
	typeChanges(b)
	remote(t, f, http.MethodPatch, "/api/dashboards/shared/reports/"+rid, "ana", `{"version": 2, "name": "Chats per rep"}`)
	b.wait("the notice", `document.querySelector("#editor-notice").dataset.state === "changed"`)
	b.do("load their version", clickOn("#notice-load"))
	b.wait("their version", editorReloads+` && document.querySelector("#edit-name").value === "Chats per rep"`)
	require.Zero(t, b.prompts(), "the notice said what goes")

	// Their version, changed and saved as new from the refusal: the
	// dashboard, nothing asked.
	b.do("click in the form", clickOn(activate))
	typeChanges(b)
	remote(t, f, http.MethodPatch, "/api/dashboards/shared/reports/"+rid, "ana", `{"version": 3, "name": "Chats by rep"}`)
	b.wait("the notice", `document.querySelector("#editor-notice").dataset.state === "changed"`)
	b.do("update", clickOn("#update"))
	b.wait("the refusal", `document.querySelector("#conflict-save-new")`)
	b.do("save as new, from the refusal", clickOn("#conflict-save-new"))
	b.wait("the dashboard", onDashboard+` && document.querySelector("#title-carl-s-chats")`)
	require.Zero(t, b.prompts(), "saved")
}

// The builder of a new report asks the same, naming the report and the
// dashboard it is not added to; added, it asks nothing.
func TestBrowserBuilderAsksBeforeLeaving(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	open := func() {
		b.t.Helper()
		b.do("open the builder", chromedp.Navigate(root+"dashboards/shared/reports/new"), chromedp.WaitVisible(chromedp.CSS(`#editor`)))
		b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	}
	reports := len(mustGet(t, f, "shared").Reports)

	// Untouched: the top bar's Dashboards goes at once.
	open()
	b.do("click in the form", clickOn(activate), clickOn(`.topnav a`))
	b.wait("the list", `document.body.classList.contains("page-list")`)
	require.Zero(t, b.prompts())

	// Named: the breadcrumb's link to the dashboard asks.
	open()
	b.do("name it", typeIn("#edit-name", "Carl's queue"))
	b.do("back to the dashboard", clickOn(`.crumbs a[href^="dashboards/"]`))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard new report", b.eval(`document.querySelector("#leave-title").textContent`))
	require.Equal(t, "Discard the new report Carl's queue? It is not added to Shared.", b.eval(`document.querySelector("#leave-text").textContent`))
	require.Equal(t, "Keep editing,Discard report", b.eval(`[...document.querySelectorAll("#leave-dialog .dialog-foot button")].map((x) => x.textContent).join()`))
	b.view("builder-leave-dialog")
	b.do("discard", clickOn("#leave-go"))
	b.wait("the dashboard", onDashboard+` && location.pathname.endsWith("/dashboards/shared")`)
	require.Zero(t, b.prompts())
	require.Len(t, mustGet(t, f, "shared").Reports, reports, "nothing added")

	// Unnamed, with a grouping: asks, naming no report.
	open()
	b.do("group by inbox", typeIn("#dim-search", "Inbox"), sendKeys("#dim-search", kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#dims [data-dimension="Inbox"]`)))
	b.do("cancel", clickOn(cancelLink))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard the new report? It is not added to Shared.", b.eval(`document.querySelector("#leave-text").textContent`))
	b.do("close it", clickOn(`#leave-dialog .dialog-head [data-close]`))
	b.wait("the dialog closed", `!`+leaveOpen)

	// Added: the dashboard, nothing asked.
	b.do("name it", typeIn("#edit-name", "Carl's queue"))
	b.wait("the preview", previewOK+` && document.querySelector("#preview-title").textContent === "Carl's queue"`)
	b.do("add it", clickOn("#add-report"))
	b.wait("the dashboard", onDashboard+` && document.querySelector("#title-carl-s-queue")`)
	require.Zero(t, b.prompts())
	require.Len(t, mustGet(t, f, "shared").Reports, reports+1)
}

// Kept editing, then asked again before the browser has said the
// question closed (its close event comes later, after keys a person
// typed meanwhile): the new question is the one answered. Escape and
// Enter on the link it focuses, quick on a busy page, do this.
func TestBrowserEditorAsksAgainAtOnce(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	const rid = "conversations-by-rep"

	openEditorPage(b, root, "shared", rid)
	b.do("rename", typeIn("#edit-name", typedName))
	b.do("cancel", clickOn(cancelLink))
	b.wait("the question", leaveOpen)
	// Both in one task of the page's: the close event of the first
	// question cannot come between them. The test hears it after the
	// page does.
	b.do("keep editing, and cancel again at once", chromedp.Evaluate[chromedp.Void](
		`document.querySelector("#leave-dialog").addEventListener("close", () => { window.__closed = (window.__closed || 0) + 1; });`+
			`document.querySelector("#leave-stay").click(); document.querySelector(`+jsString(cancelLink)+`).click()`))
	b.wait("the first question's close event", `window.__closed === 1`)
	require.Equal(t, "true", b.eval(`String(`+leaveOpen+`)`), "the second question stays open")
	require.Equal(t, "leave-stay", b.eval(`document.activeElement.id`))
	b.do("discard", clickOn("#leave-go"))
	b.wait("the dashboard", onDashboard+` && location.pathname.endsWith("/dashboards/shared")`)
	require.Zero(t, b.prompts())
}
