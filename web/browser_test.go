package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/internal/browsertest"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// browser is one tab of the package's headless Chromium, in a browser
// context of its own: cookies, storage and cache as fresh as a new
// profile's.
type browser struct {
	t   *testing.T
	ctx context.Context
	// shots is the directory of the screenshots, "" to take none.
	shots string
	n     int
	// dialogs answers the tab's JavaScript dialogs (see answerDialogs).
	dialogs *dialogs
}

// chromium is the one browser the package's tests open their tabs in.
// Starting Chromium took seconds for each of some forty tests (eight and
// more on a loaded machine); a browser context and a tab in it cost a
// fraction of that, and isolate a test as well.
var chromium struct {
	sync.Mutex
	ctx  context.Context // its first tab, nil until started
	stop func()
}

// packageLifetime is t whose clean-ups run when the package's tests end
// (TestMain), not when t does: browsertest.Start ties the browser it
// starts to it, and reports to t how the start went.
type packageLifetime struct{ testing.TB }

func (packageLifetime) Cleanup(f func()) { chromium.stop = f }

// sharedChromium returns the first tab of the package's browser, started
// at path on first use; fresh, a browser that no longer answers is
// stopped and another started.
func sharedChromium(t *testing.T, path string, fresh bool) context.Context {
	t.Helper()
	chromium.Lock()
	defer chromium.Unlock()
	if chromium.ctx != nil && !fresh {
		return chromium.ctx
	}
	stopChromium()
	dir, err := os.MkdirTemp("", "convreport-web-chromium")
	require.NoError(t, err)
	defer func() {
		if chromium.ctx == nil { // no browser started: the test fails
			os.RemoveAll(dir)
		}
	}()
	browsertest.Start(packageLifetime{t}, func() (func(), error) {
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-quic", true),
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("hide-scrollbars", true),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1440, 1000),
			// A loaded CI machine can take longer than the default 20 s to
			// print the DevTools address.
			chromedp.WSURLReadTimeout(90*time.Second),
		)
		tab, cancelTab := chromedp.NewContext(actx)
		stop := func() { cancelTab(); cancelAlloc(); os.RemoveAll(dir) }
		// Start the browser on the tab's own context: the first run
		// allocates it, and ties it to the context it is given, so a
		// timeout of the run would otherwise close it when the run ends.
		// The hang guard is the start's own (WSURLReadTimeout).
		if _, err := chromedp.Run(tab, chromedp.Evaluate[bool]("true")); err != nil {
			return func() { cancelTab(); cancelAlloc() }, err
		}
		chromium.ctx = tab
		return stop, nil
	})
	return chromium.ctx
}

// stopChromium stops the package's browser, if it runs. The caller holds
// chromium's lock, or is the only goroutine left.
func stopChromium() {
	if chromium.stop != nil {
		chromium.stop()
	}
	chromium.ctx, chromium.stop = nil, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopChromium()
	os.Exit(code)
}

func newBrowser(t *testing.T) *browser {
	path := browsertest.Chromium(t)
	// Screenshots only where someone will look at them: a full page
	// takes half a second, and a temporary directory is gone with the
	// test.
	shots := os.Getenv("CONVREPORT_SCREENSHOTS")
	if shots != "" {
		require.NoError(t, os.MkdirAll(shots, 0o755))
	}
	// The deadlines of the browser test (here, in do and in wait) are hang
	// guards, not bounds on how fast the page is: each is far above what a
	// step takes, and only keeps a browser that stopped answering from
	// hanging the suite.
	var errs []error
	for attempt := range 2 {
		ctx, cancel := context.WithTimeout(sharedChromium(t, path, attempt > 0), 2*time.Minute)
		tab, cancelTab := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
		// The tab opens on its own context, as the browser started: the
		// first run ties the tab to the context it is given.
		if _, err := chromedp.Run(tab, chromedp.Evaluate[bool]("true")); err != nil {
			cancelTab()
			cancel()
			errs = append(errs, err)
			t.Logf("opening a tab, attempt %d: %v", attempt+1, err)
			continue
		}
		t.Cleanup(func() { cancelTab(); cancel() })
		if shots != "" {
			t.Logf("screenshots in %s", shots)
		}
		return &browser{t: t, ctx: tab, shots: shots, dialogs: answerDialogs(tab)}
	}
	t.Fatalf("no tab opened in the browser, nor in another started for it: %v", errors.Join(errs...))
	return nil
}

// do runs steps, failing the test with what it was doing.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
}

// dashboardID is the ID of the dashboard whose page is open, one the
// store made from a name whose slug is slug: the slug and a random suffix.
func (b *browser) dashboardID(slug string) string {
	b.t.Helper()
	id := b.eval(`location.pathname.split("/").pop()`)
	require.Regexp(b.t, `^`+regexp.QuoteMeta(slug)+`-[a-z0-9]{6}$`, id, "the page of a dashboard made from a name")
	return id
}

func (b *browser) eval(expr string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	require.NoError(b.t, err, expr)
	return s
}

// wait polls a JavaScript condition, across page loads.
func (b *browser) wait(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { try { return !!(`+cond+`); } catch (e) { return false; } })()`))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
			b.t.Fatalf("waiting for %s (%s): %v", what, cond, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// update clicks the editor's Update and waits for the dashboard page of
// f's dashboard id at the version after the one stored before the click,
// its scripts ready.
func (b *browser) update(f *fixture, id string) {
	b.t.Helper()
	v := mustGet(b.t, f, id).Version
	b.do("update", clickOn("#update"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#dashboard-head")?.dataset.version === "`+strconv.FormatInt(v+1, 10)+`"`+
		` && document.documentElement.dataset.ready === "true"`)
}

// requireRuns checks that the page's card of report runs again (no
// longer stale) and says its count, "5 conversations".
func (b *browser) requireRuns(report, count string) {
	b.t.Helper()
	require.Equal(b.t, "false", b.eval(`String(document.querySelector("#report-`+report+`").hasAttribute("data-stale"))`))
	require.Contains(b.t, b.eval(`document.querySelector("#report-`+report+` .card-meta").textContent`), count)
}

// shot saves a screenshot of the whole page as NN-name.png.
func (b *browser) shot(name string) { b.capture(name, chromedp.FullScreenshot(100)) }

// view saves a screenshot of what the window shows: a modal dialog over
// the page.
func (b *browser) view(name string) { b.capture(name, chromedp.CaptureScreenshot()) }

func (b *browser) capture(name string, a chromedp.Action[[]byte]) {
	b.t.Helper()
	if b.shots == "" {
		return
	}
	b.n++
	buf, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(b.shots, strings.Join([]string{pad(b.n), name}, "-")+".png")
	require.NoError(b.t, os.WriteFile(p, buf, 0o644))
}

func pad(n int) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}

// The whole path of a person: open a dashboard, click a bar, read the
// conversations behind it, edit the report and save it.
func TestBrowserDrillDownAndEdit(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t, func(c *web.Config) {
		c.Authenticate = func(*http.Request) (access.Viewer, error) { return users["ana"], nil }
	})
	// Mounted under a prefix, as an embedder would.
	mux := http.NewServeMux()
	mux.Handle("/helpdesk/reports/", http.StripPrefix("/helpdesk/reports", f.h))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	root := "http://" + ln.Addr().String() + "/helpdesk/reports/"

	// Errors of the page's script fail the test.
	console := chromedp.Console(b.ctx)
	consoleErrs := make(chan string, 16)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			// A refused request (a 409 the page shows) is logged by the
			// browser itself; the page's own errors are what count.
			if m.IsException() || (m.Type == chromedp.ConsoleError && !strings.Contains(m.String(), "Failed to load resource")) {
				consoleErrs <- m.String()
			}
		}
	}()
	t.Cleanup(func() {
		select {
		case m := <-consoleErrs:
			t.Errorf("the page logged an error: %s", m)
		default:
		}
	})

	// The list of dashboards.
	b.do("open the list", chromedp.Navigate(root), chromedp.WaitVisible(chromedp.CSS(`a[data-dashboard="chat"]`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.shot("dashboards")

	// The create dialog opens and searches templates.
	b.do("open the create dialog", clickOn("#create-open"), chromedp.WaitVisible(chromedp.CSS("#create-dialog[open]")))
	b.do("search a template", sendKeys(`#create-form input[name=q]`, "e-mail"))
	b.wait("the search", `document.querySelector('[data-template="chat-overview"]').hidden`)
	b.do("leave a report out", clickOn(`[data-reports-of="email-overview"] input[value="open-emails-by-inbox"]`))
	b.do("name it", clear(`#create-form input[name=name]`), sendKeys(`#create-form input[name=name]`, "Email desk"))
	b.view("create-dialog")
	b.do("create", clickOn(`#create-form button[type=submit]`))
	b.wait("the new dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#dashboard-name")?.textContent === "Email desk"`)
	var created struct {
		Owner      string              `json:"owner"`
		Visibility string              `json:"visibility"`
		Reports    []convreport.Report `json:"reports"`
	}
	okJSON(t, f.get("/api/dashboards/"+b.dashboardID("email-desk"), "ana"), http.StatusOK, &created)
	require.Equal(t, "ana", created.Owner)
	require.Equal(t, "private", created.Visibility)
	require.Len(t, created.Reports, 5)

	// The dashboard.
	b.do("back to the list", clickOn(`.crumbs a`), chromedp.WaitVisible(chromedp.CSS(`a[data-dashboard="chat"]`)))
	b.do("open the dashboard", clickOn(`a[data-dashboard="chat"]`),
		chromedp.WaitVisible(chromedp.CSS(`#report-conversations-by-rep svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.shot("dashboard")

	// Click the first bar of "Conversations by rep".
	b.do("click a bar", clickOn(`#report-conversations-by-rep svg a rect`))
	b.wait("the drill-down dialog", `(() => { const d = document.querySelector("#drill-dialog"); return d.open && d.dataset.state === "ready"; })()`)
	b.view("drill-down")
	label := b.eval(`document.querySelector("#drill-title").textContent`)
	total := b.eval(`document.querySelector("#drill-dialog").dataset.total`)
	rows := b.eval(`String(document.querySelectorAll("#drill-rows tbody tr").length)`)

	// The API's point for that label counts as many.
	run := f.run("chat", "ana", "")
	var want int64 = -1
	for _, p := range run.Reports[0].Points {
		if a := p.Dimensions["assignee"]; a != nil && *a == label {
			want = p.Count
		}
	}
	require.Positive(t, want, "the dialog names a point of the report: %q", label)
	require.Equal(t, itoa(int(want)), total, "the dialog lists the point's conversations")
	require.Equal(t, itoa(min(int(want), 25)), rows, "one page of them")
	require.Contains(t, b.eval(`document.querySelector("#drill-count").textContent`), "of "+itoa(int(want))+" conversations")

	// The next page, then sorted by ID, descending.
	if want > 25 {
		b.do("next page", clickOn("#drill-next"))
		b.wait("page 2", `document.querySelector("#drill-count").textContent.startsWith("26–")`)
	}
	b.do("sort by ID", clickOn(`#drill-rows thead th:first-child button`))
	b.wait("sorted", `document.querySelector('#drill-rows thead th[aria-sort="ascending"]') !== null && document.querySelector("#drill-count").textContent.startsWith("1–")`)
	b.do("sort by ID, descending", clickOn(`#drill-rows thead th:first-child button`))
	b.wait("sorted descending", `document.querySelector('#drill-rows thead th[aria-sort="descending"]') !== null && document.querySelector("#drill-dialog").dataset.state === "ready"`)
	first := b.eval(`document.querySelector("#drill-rows tbody tr td").textContent`)
	second := b.eval(`document.querySelectorAll("#drill-rows tbody tr")[1].querySelector("td").textContent`)
	require.Greater(t, first, second)
	b.view("drill-down-sorted")
	b.do("close the dialog", clickOn(`#drill-dialog [data-close]`))
	b.wait("the dialog to close", `!document.querySelector("#drill-dialog").open`)

	// The editor: rename, make it a column chart, add a property and a
	// filter; a mistake in the expression is pointed at.
	b.do("open the editor", clickOn(`a[data-edit="conversations-by-rep"]`),
		chromedp.WaitVisible(chromedp.CSS(`#editor`)), chromedp.WaitVisible(chromedp.CSS(`#preview svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.shot("editor")
	const name = "Chats per rep (edited in a browser)"
	b.do("rename", clear("#edit-name"), sendKeys("#edit-name", name))
	b.do("chart type", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("#edit-chart"); s.value = "column"; s.dispatchEvent(new Event("change")); })()`))
	b.do("add a property", chromedp.Evaluate[chromedp.Void](`document.querySelector("#prop-add").value = "Subject"`),
		clickOn("#prop-add-button"), chromedp.WaitVisible(chromedp.CSS(`#props [data-property="Subject"]`)))
	b.do("add a condition", clickOn("#cond-add"), chromedp.WaitVisible(chromedp.CSS(`#conditions .condition`)))
	b.do("condition values", sendKeys(`#conditions .condition .values input`, "Sales, Support, Chat"))
	b.do("a wrong filter", clear("#edit-filter"), sendKeys("#edit-filter", `IncomingMessages >= 1 && Inboxx != nil`))
	// The editor checks the filter as it is typed: wait for the verdict on
	// the whole expression, not on a prefix of it.
	b.wait("the filter error", `document.querySelector("#filter-status").classList.contains("error") && document.querySelector("#filter-status").textContent.includes("Line 1, column 26")`)
	require.Contains(t, b.eval(`document.querySelector("#filter-snippet").textContent`), strings.Repeat(" ", 25)+"^")
	b.shot("editor-filter-error")
	b.do("fix the filter", clear("#edit-filter"), sendKeys("#edit-filter", `IncomingMessages >= 1`))
	b.wait("a valid filter", `document.querySelector("#filter-status").classList.contains("ok")`)
	b.wait("the preview", `document.querySelector("#preview-title").textContent === `+jsString(name))
	b.shot("editor-edited")

	// "Update existing report" goes back to the dashboard, which shows it.
	b.do("update", clickOn("#update"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#title-conversations-by-rep")?.textContent === `+jsString(name))
	b.shot("dashboard-after-update")

	// The API has it.
	var got struct {
		Version int64               `json:"version"`
		Reports []convreport.Report `json:"reports"`
	}
	okJSON(t, f.get("/api/dashboards/chat", "ana"), http.StatusOK, &got)
	require.EqualValues(t, 2, got.Version)
	r := got.Reports[0]
	require.Equal(t, "conversations-by-rep", r.ID)
	require.Equal(t, name, r.Name)
	require.Equal(t, convreport.ColumnChart, r.Chart.Type)
	require.Contains(t, r.Properties, "Subject")
	require.Equal(t, "IncomingMessages >= 1", r.Filter)
	require.Equal(t, []convreport.Condition{{Property: "Inbox", Op: convreport.IsAnyOf, Values: []string{"Sales", "Support", "Chat"}}}, r.Conditions)

	// A stale editor is told, and overwrites nothing.
	b.do("open the editor again", clickOn(`a[data-edit="conversations-by-rep"]`), chromedp.WaitVisible(chromedp.CSS(`#preview svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/chat/reports/conversations-by-rep", "ana", `{"version": 2, "name": "Someone else's edit"}`), http.StatusOK, &got)
	// The editor's notice says so first; it moves the form down, and a
	// click aimed before it shows would miss the button.
	b.wait("the notice", `document.querySelector("#editor-notice").dataset.state === "changed"`)
	b.do("rename again", clear("#edit-name"), sendKeys("#edit-name", "Too late"))
	b.do("update", clickOn("#update"))
	b.wait("the conflict", `!document.querySelector("#editor-error").hidden && document.querySelector("#editor-error").textContent.includes("was changed elsewhere since you opened it")`)
	b.shot("editor-conflict")
	okJSON(t, f.get("/api/dashboards/chat", "ana"), http.StatusOK, &got)
	require.Len(t, got.Reports, 6)
	require.EqualValues(t, 3, got.Version)
}

// clear empties a form field as a person would, with an input event.
func clear(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector(` + jsString(sel) + `); e.value = ""; e.dispatchEvent(new Event("input")); })()`)
}

func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(errors.New("unreachable"))
	}
	return string(b)
}
