package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// openManaged opens the dashboard's dialog that the Manage menu's item
// id opens.
func openManaged(b *browser, item, dialog string) {
	b.t.Helper()
	b.do("open the menu", clickOn(`#manage-menu summary`), chromedp.WaitVisible(chromedp.CSS(`#`+item)))
	b.do("open "+dialog, clickOn(`#`+item), chromedp.WaitVisible(chromedp.CSS(`#`+dialog+`[open]`)))
}

// isOpen is whether the dialog of that id is open.
func isOpen(id string) string { return `document.querySelector("#` + id + `").open` }

// The rename dialog, a name typed, asks before it closes, as the share
// dialog does: by Cancel, its ×, a click beside it, Escape; the browser's
// prompt for a reload. Untouched, or changed back, it closes at once;
// discarded, it opens again on the stored name; renamed, nothing asks.
func TestBrowserRenameAsksBeforeClosing(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	const dlg = "rename-dialog"
	name := `document.querySelector("#rename-dialog input[name=name]").value`

	// Untouched: Escape closes it at once; changed back, the × does.
	openDashboard(b, root, "shared")
	openManaged(b, "rename-open", dlg)
	b.do("escape", chromedp.KeyEvent(kb.Escape))
	b.wait("the dialog closed", `!`+isOpen(dlg))
	openManaged(b, "rename-open", dlg)
	b.do("type a name, and the stored one again", typeIn(`#rename-dialog input[name=name]`, "Carl's desk"), typeIn(`#rename-dialog input[name=name]`, "Shared"))
	b.do("close", clickOn(`#rename-dialog .dialog-head [data-close]`))
	b.wait("the dialog closed", `!`+isOpen(dlg))
	require.Equal(t, "false", b.eval(`String(`+leaveOpen+`)`))

	// A name typed: Cancel asks, naming both; kept editing, the dialog
	// is as typed.
	openManaged(b, "rename-open", dlg)
	b.do("type a name", typeIn(`#rename-dialog input[name=name]`, "Carl's desk"))
	b.do("cancel", clickOn(`#rename-dialog .dialog-foot [data-close]`))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard new name", b.eval(leaveTitle))
	require.Equal(t, "Discard the name “Carl's desk” you typed for Shared? The dashboard is not renamed.", b.eval(leaveText))
	require.Equal(t, "Shared", b.eval(`document.querySelector("#leave-text strong").textContent`))
	require.Equal(t, "Keep editing,Discard name", b.eval(leaveButtons))
	require.Equal(t, "leave-stay", b.eval(`document.activeElement.id`))
	b.view("rename-leave-dialog")
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the question closed", `!`+leaveOpen)
	require.Equal(t, "true", b.eval(`String(`+isOpen(dlg)+`)`))
	require.Equal(t, "Carl's desk", b.eval(name))

	// Escape asks; Escape again keeps editing.
	b.do("escape", chromedp.KeyEvent(kb.Escape))
	b.wait("the question", leaveOpen)
	b.do("escape again", chromedp.KeyEvent(kb.Escape))
	b.wait("the question closed", `!`+leaveOpen)
	require.Equal(t, "true", b.eval(`String(`+isOpen(dlg)+`)`))

	// A reload gets the browser's prompt; stayed, the name is there.
	b.answerStay(true)
	b.do("reload", chromedp.Evaluate[chromedp.Void](`setTimeout(() => location.reload())`))
	b.waitPrompt()
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`))
	require.Equal(t, "Carl's desk", b.eval(name))
	b.answerStay(false)

	// A click beside asks; discarded, both close, and the dialog opens
	// again on the stored name.
	b.do("click beside the dialog", chromedp.MouseClickXY(8, 500))
	b.wait("the question", leaveOpen)
	b.do("discard", clickOn("#leave-go"))
	b.wait("both closed", `!`+leaveOpen+` && !`+isOpen(dlg))
	openManaged(b, "rename-open", dlg)
	require.Equal(t, "Shared", b.eval(name))

	// Renamed: the page loads again, nothing asked.
	b.do("type a name", typeIn(`#rename-dialog input[name=name]`, "Carl's desk"))
	b.do("rename", clickOn(`#rename-dialog button[type=submit]`))
	b.wait("the page renamed", dashboardReady+` && window.__sameDocument === undefined && document.querySelector("#dashboard-name").textContent === "Carl's desk"`)
	require.Zero(t, b.prompts())
	require.Equal(t, "Carl's desk", mustGet(t, f, "shared").Name)
}

// The copy dialog, its name or its access changed, asks before it
// closes, saying what changed; discarded, it opens again as the page
// drew it; saved, the copy's page, nothing asked.
func TestBrowserCopyAsksBeforeClosing(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "carl")
	const dlg = "copy-dialog"
	fields := `(() => { const f = document.querySelector("#copy-dialog form"); return f.elements.name.value + "|" + f.elements.visibility.value; })()`

	// Untouched: the × closes it at once.
	openDashboard(b, root, "shared")
	openManaged(b, "copy-open", dlg)
	require.Equal(t, "Copy of Shared|private", b.eval(fields))
	b.do("close", clickOn(`#copy-dialog .dialog-head [data-close]`))
	b.wait("the dialog closed", `!`+isOpen(dlg))
	require.Equal(t, "false", b.eval(`String(`+leaveOpen+`)`))

	// Its access changed: Cancel asks, saying so.
	openManaged(b, "copy-open", dlg)
	b.do("everyone can view", pick(`#copy-dialog select[name=visibility]`, "everyone_view"))
	b.do("cancel", clickOn(`#copy-dialog .dialog-foot [data-close]`))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard copy", b.eval(leaveTitle))
	require.Equal(t, "Discard the copy of Shared? You changed who can access it (now “Everyone can view”): no copy is saved.", b.eval(leaveText))
	require.Equal(t, "Keep editing,Discard copy", b.eval(leaveButtons))
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the question closed", `!`+leaveOpen)

	// Named too: Escape asks, saying both; discarded, it opens again as
	// drawn.
	b.do("name it", typeIn(`#copy-dialog input[name=name]`, "Carl's copy"))
	b.do("escape", chromedp.KeyEvent(kb.Escape))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard the copy of Shared? You changed its name (now “Carl's copy”) and who can access it (now “Everyone can view”): no copy is saved.",
		b.eval(leaveText))
	b.do("discard", clickOn("#leave-go"))
	b.wait("both closed", `!`+leaveOpen+` && !`+isOpen(dlg))
	openManaged(b, "copy-open", dlg)
	require.Equal(t, "Copy of Shared|private", b.eval(fields))

	// Saved: the copy's page, nothing asked.
	b.do("name it", typeIn(`#copy-dialog input[name=name]`, "Carl's copy"))
	b.do("save", clickOn(`#copy-dialog button[type=submit]`))
	b.wait("the copy", onDashboard+` && document.querySelector("#dashboard-name")?.textContent === "Carl's copy"`)
	require.Zero(t, b.prompts())
}

// The create dialog of the list, a template chosen, a report left out,
// a name typed, asks before it closes; discarded, it opens again on the
// first template as drawn; created, nothing asks.
func TestBrowserCreateAsksBeforeClosing(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	const dlg = "create-dialog"
	openCreate := func() {
		b.t.Helper()
		b.do("open the create dialog", clickOn("#create-open"), chromedp.WaitVisible(chromedp.CSS("#create-dialog[open]")))
	}
	name := `document.querySelector("#create-form input[name=name]").value`
	left := `[data-reports-of="chat-overview"] input[type=checkbox]`
	allChecked := `String([...document.querySelectorAll(` + jsString(left) + `)].every((x) => x.checked))`

	b.do("open the list", chromedp.Navigate(root))
	b.wait("the list", onList)
	b.eval(`String(window.__sameDocument = "yes")`)

	// Untouched: Escape closes it at once.
	openCreate()
	b.do("escape", chromedp.KeyEvent(kb.Escape))
	b.wait("the dialog closed", `!`+isOpen(dlg))
	require.Equal(t, "false", b.eval(`String(`+leaveOpen+`)`))

	// A report left out: the × asks, naming the dashboard.
	openCreate()
	initial := b.eval(name)
	require.NotEmpty(t, initial)
	b.do("leave a report out", clickOn(left))
	b.do("close", clickOn(`#create-dialog .dialog-head [data-close]`))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard new dashboard", b.eval(leaveTitle))
	require.Equal(t, "Discard the new dashboard "+initial+"? It is not created.", b.eval(leaveText))
	require.Equal(t, "Keep editing,Discard dashboard", b.eval(leaveButtons))
	b.view("create-leave-dialog")
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the question closed", `!`+leaveOpen)
	require.Equal(t, "true", b.eval(`String(`+isOpen(dlg)+`)`))
	require.Equal(t, "false", b.eval(allChecked))

	// Named: a click beside asks; a reload gets the browser's prompt.
	b.do("name it", typeIn(`#create-form input[name=name]`, "Ana's desk"))
	b.do("click beside the dialog", chromedp.MouseClickXY(8, 900))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Discard the new dashboard Ana's desk? It is not created.", b.eval(leaveText))
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the question closed", `!`+leaveOpen)
	b.answerStay(true)
	b.do("reload", chromedp.Evaluate[chromedp.Void](`setTimeout(() => location.reload())`))
	b.waitPrompt()
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`))
	require.Equal(t, "Ana's desk", b.eval(name))
	b.answerStay(false)

	// Escape asks; discarded, it opens again as drawn.
	b.do("escape", chromedp.KeyEvent(kb.Escape))
	b.wait("the question", leaveOpen)
	b.do("discard", clickOn("#leave-go"))
	b.wait("both closed", `!`+leaveOpen+` && !`+isOpen(dlg))
	openCreate()
	require.Equal(t, initial, b.eval(name))
	require.Equal(t, "true", b.eval(allChecked))

	// Created: the new dashboard, nothing asked.
	b.do("name it", typeIn(`#create-form input[name=name]`, "Ana's desk"))
	b.do("create", clickOn(`#create-form button[type=submit]`))
	b.wait("the new dashboard", onDashboard+` && document.querySelector("#dashboard-name")?.textContent === "Ana's desk"`)
	require.Zero(t, b.prompts())
}
