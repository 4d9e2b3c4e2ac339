package web_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// holder holds the requests of one method and path until the test lets
// each go: a save the server has not answered yet. Let go, a request is
// answered by the handler as any other.
type holder struct {
	t            *testing.T
	method, path string
	in, out      chan struct{}
	done         chan struct{}
}

// holdRequests holds the requests of method to path, from the handler's
// root ("/api/…"), of a handler wrapped in its wrap.
func holdRequests(t *testing.T, method, path string) *holder {
	hd := &holder{t: t, method: method, path: path, in: make(chan struct{}), out: make(chan struct{}), done: make(chan struct{})}
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(hd.done) }) })
	return hd
}

func (hd *holder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == hd.method && r.URL.Path == hd.path {
			select {
			case hd.in <- struct{}{}:
			case <-hd.done:
			}
			select {
			case <-hd.out:
			case <-hd.done:
			}
		}
		next.ServeHTTP(w, r)
	})
}

// held waits for a request to be held.
func (hd *holder) held() {
	hd.t.Helper()
	select {
	case <-hd.in:
	case <-time.After(30 * time.Second):
		hd.t.Fatalf("no %s %s reached the server", hd.method, hd.path)
	}
}

// release lets the request held go on to the handler.
func (hd *holder) release() {
	hd.t.Helper()
	select {
	case hd.out <- struct{}{}:
	case <-time.After(30 * time.Second):
		hd.t.Fatalf("no %s %s held", hd.method, hd.path)
	}
}

const (
	leaveTitle = `document.querySelector("#leave-title").textContent`
	leaveText  = `document.querySelector("#leave-text").textContent`
	// The buttons of the question that show.
	leaveButtons = `[...document.querySelectorAll("#leave-dialog .dialog-foot button")].filter((x) => !x.hidden).map((x) => x.textContent).join()`
	onList       = `document.body.classList.contains("page-list") && document.documentElement.dataset.ready === "true"`
)

// A save on its way keeps the report's changes unsaved until the server
// answers. A link followed meanwhile waits for the answer: saved, the
// page goes where the link points; refused, the question says why, and
// keeping editing keeps what was typed and the refusal's choices. A
// reload meanwhile gets the browser's prompt; what was typed after the
// save left is not taken as saved.
func TestBrowserEditorWaitsForItsSave(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	const rid = "conversations-by-rep"
	hold := holdRequests(t, http.MethodPatch, "/api/dashboards/shared/reports/"+rid)
	root := serveThrough(t, b, f, "carl", hold.wrap)

	// Saved while the question waits: the page of the link, the report
	// renamed.
	openEditorPage(b, root, "shared", rid)
	b.do("rename", typeIn("#edit-name", typedName))
	b.do("update", clickOn("#update"))
	hold.held()
	b.do("the top bar's Dashboards", clickOn(".topnav a"))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Saving changes", b.eval(leaveTitle))
	require.Equal(t, "Your changes to Conversations by rep are being saved. Once they are, you go on; if they are refused, you stay here to see why.", b.eval(leaveText))
	require.Equal(t, "Cancel", b.eval(leaveButtons), "nothing to discard: what was sent may be saved yet")
	require.Equal(t, "leave-stay", b.eval(`document.activeElement.id`))
	b.view("editor-leave-saving")
	hold.release()
	b.wait("the list of dashboards", onList)
	require.Zero(t, b.prompts(), "saved, nothing is lost")
	require.Equal(t, typedName, reportOf(t, mustGet(t, f, "shared"), rid).Name)

	// Refused while the question waits (ana renamed it meanwhile): it
	// says why; Keep editing keeps what was typed and the refusal.
	openEditorPage(b, root, "shared", rid)
	b.do("rename", typeIn("#edit-name", "Carl's queue"))
	b.do("update", clickOn("#update"))
	hold.held()
	remote(t, f, http.MethodPatch, "/api/dashboards/shared/reports/"+rid, "ana", `{"version": `+version(t, f, "shared")+`, "name": "Chats per agent"}`)
	b.do("the top bar's Dashboards", clickOn(".topnav a"))
	b.wait("the question", leaveOpen)
	require.Equal(t, "Saving changes", b.eval(leaveTitle))
	hold.release()
	b.wait("the refusal, in the question", leaveOpen+` && `+leaveTitle+` === "Changes not saved"`)
	text := b.eval(leaveText)
	require.True(t, strings.HasPrefix(text, `Report "Carl's chats" was changed elsewhere since you opened it: `), text)
	require.True(t, strings.HasSuffix(text, `). Keep editing to see what you can do, or discard your changes to Carl's chats.`), text)
	require.Equal(t, "Keep editing,Discard changes", b.eval(leaveButtons))
	require.Equal(t, "leave-stay", b.eval(`document.activeElement.id`))
	b.view("editor-leave-refused")
	b.do("keep editing", clickOn("#leave-stay"))
	b.wait("the dialog closed", `!`+leaveOpen)
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`), "the editor stayed")
	require.Equal(t, "Carl's queue", b.eval(`document.querySelector("#edit-name").value`))
	require.Equal(t, "true", b.eval(`String(!!document.querySelector("#conflict-save-new"))`), "the refusal's choices")
	require.Equal(t, "true", b.eval(`String(document.activeElement === document.querySelector(".topnav a"))`))

	// Leaving now asks as before; discarded, the report is ana's.
	b.do("the top bar's Dashboards", clickOn(".topnav a"))
	b.wait("the question", leaveOpen+` && `+leaveTitle+` === "Discard changes"`)
	require.Equal(t, "Keep editing,Discard changes", b.eval(leaveButtons))
	b.do("discard", clickOn("#leave-go"))
	b.wait("the list of dashboards", onList)
	require.Zero(t, b.prompts())
	require.Equal(t, "Chats per agent", reportOf(t, mustGet(t, f, "shared"), rid).Name)

	// Cancel in the question: the save goes on, and goes where a save
	// goes, the dashboard.
	openEditorPage(b, root, "shared", rid)
	b.do("rename", typeIn("#edit-name", typedName))
	b.do("update", clickOn("#update"))
	hold.held()
	b.do("the top bar's Dashboards", clickOn(".topnav a"))
	b.wait("the question", leaveOpen)
	b.do("cancel", clickOn("#leave-stay"))
	b.wait("the dialog closed", `!`+leaveOpen)
	hold.release()
	b.wait("the dashboard", onDashboard+` && location.pathname.endsWith("/dashboards/shared")`)
	require.Zero(t, b.prompts())
	require.Equal(t, typedName, reportOf(t, mustGet(t, f, "shared"), rid).Name)

	// A reload while the save is on its way: the browser asks; stayed,
	// the save goes on.
	openEditorPage(b, root, "shared", rid)
	b.do("rename", typeIn("#edit-name", "Carl's queue"))
	b.do("update", clickOn("#update"))
	hold.held()
	b.answerStay(true)
	b.do("reload", chromedp.Evaluate[chromedp.Void](`setTimeout(() => location.reload())`))
	b.waitPrompt()
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`), "stayed")
	b.answerStay(false)

	// Typed while the save was on its way: saved, the page goes to the
	// dashboard, and the browser asks first, what was typed after the
	// save left not being saved.
	b.do("rename again", enter("#edit-name", "Carl's queue, again"))
	hold.release()
	b.waitPrompt()
	b.wait("the dashboard", onDashboard+` && location.pathname.endsWith("/dashboards/shared")`)
	require.Equal(t, "Carl's queue", reportOf(t, mustGet(t, f, "shared"), rid).Name, "as the save sent it")
}
