package web_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// serveAs serves the fixture's handler on a loopback port, every request
// signed in as user, and fails the test on any error the page's script
// logs. It returns the root URL.
func serveAs(t *testing.T, b *browser, f *fixture, user string, opts ...option) string {
	t.Helper()
	return serveThrough(t, b, f, user, nil, opts...)
}

// serveThrough is serveAs with the handler behind wrap, if not nil: a
// server that holds some requests, say.
func serveThrough(t *testing.T, b *browser, f *fixture, user string, wrap func(http.Handler) http.Handler, opts ...option) string {
	t.Helper()
	h, err := web.New(f.cfg(append(opts, func(c *web.Config) {
		c.Authenticate = func(*http.Request) (access.Viewer, error) { return users[user], nil }
	})...))
	require.NoError(t, err)
	if wrap != nil {
		h = wrap(h)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	console := chromedp.Console(b.ctx)
	errs := make(chan string, 16)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			// A refused request (a 422 the page shows next to a control) is
			// logged by the browser itself; the page's own errors count.
			if m.IsException() || (m.Type == chromedp.ConsoleError && !strings.Contains(m.String(), "Failed to load resource")) {
				errs <- m.String()
			}
		}
	}()
	t.Cleanup(func() {
		select {
		case m := <-errs:
			t.Errorf("the page logged an error: %s", m)
		default:
		}
	})
	return "http://" + ln.Addr().String() + "/"
}

// clickOn clicks the first node sel matches. A page that a script has
// just loaded can have its document replaced between chromedp finding the
// node and reading its box ("Could not find node with given id"); no mouse
// event was sent then, so the click is retried on the new document.
func clickOn(sel string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for try := 0; ; try++ {
			err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)))
			if err == nil || try == 3 || !strings.Contains(err.Error(), "Could not find node") {
				return chromedp.Void{}, err
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// pick chooses a value of a select as a person would, with its change
// event.
func pick(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector(` + jsString(sel) + `); s.value = ` + jsString(value) +
		`; if (s.value !== ` + jsString(value) + `) throw new Error("no option " + ` + jsString(value) + `); s.dispatchEvent(new Event("change")); })()`)
}

// typeIn replaces the text of an input by typing it.
func typeIn(sel, text string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		return chromedp.Void{}, chromedp.Do(ctx, clear(sel), sendKeys(sel, text))
	}
}

// sendKeys types keys into the first visible node sel matches, as
// chromedp.SendKeys does. That one reads the node's attributes unlocked
// while the page may change them (an input marked invalid, a preview
// marked busy): a data race of the library's own, which fails a test
// under -race. The focus and the keys need no attribute.
func sendKeys(sel, keys string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		return chromedp.Void{}, chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(sel), chromedp.NodeVisible), chromedp.KeyEvent(keys))
	}
}

const previewOK = `document.querySelector(".preview").dataset.state === "ok" && !document.querySelector(".preview").classList.contains("busy")`

func fieldErrorShown(field string) string {
	return `(() => { const p = document.querySelector('.field-error[data-error-for="` + field + `"]'); return p && !p.hidden && p.textContent.length > 0; })()`
}

// Issue 17, item 1: every part of a report is edited in the browser; what
// makes no sense is refused next to its control and saves nothing; the
// preview follows; the saved report reloads as edited.
func TestBrowserReportBuilder(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")

	b.do("open the editor", chromedp.Navigate(root+"dashboards/chat/reports/conversations-by-rep/edit"),
		chromedp.WaitVisible(chromedp.CSS(`#preview svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	require.Equal(t, "count", b.eval(`document.querySelector("#edit-agg").value`))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#metric-field").hidden)`), "a count has no metric to choose")
	require.Equal(t, "Assignee", b.eval(`document.querySelector("#dims li").dataset.dimension`))

	// A percentile without P is refused next to the measure; the preview
	// says it is stale, and the P field is there to fill in.
	b.do("percentile", pick("#edit-agg", "percentile"), pick("#edit-metric", "wait_time"))
	b.wait("the measure's error", fieldErrorShown("measure"))
	require.Contains(t, b.eval(`document.querySelector('[data-error-for="measure"]').textContent`), "Percentile P must be in (0, 100]")
	require.Equal(t, "false", b.eval(`String(document.querySelector("#preview-stale").hidden)`))
	require.Equal(t, "true", b.eval(`document.querySelector("#edit-agg").getAttribute("aria-invalid")`))
	b.shot("builder-percentile-without-p")
	b.do("P = 90", typeIn("#edit-p", "90"))
	b.wait("the preview of the 90th percentile", previewOK+` && document.querySelector("#preview-meta").textContent.includes("wait")`)
	require.Equal(t, "true", b.eval(`String(document.querySelector('[data-error-for="measure"]').hidden)`))

	// A breakdown from the searchable list, then moved first by keyboard.
	b.do("search a property", sendKeys("#dim-search", "inb"))
	b.wait("the search", `[...document.querySelectorAll("[data-add-dimension]")].map((e) => e.dataset.addDimension).join() === "Inbox"`)
	b.do("add it", sendKeys("#dim-search", kb.Enter))
	b.wait("the breakdown", `[...document.querySelectorAll("#dims li")].map((e) => e.dataset.dimension).join() === "Assignee,Inbox"`)
	require.Equal(t, "true", b.eval(`String(document.querySelector("#dim-search").disabled)`), "a grouping and a breakdown: no third")
	b.do("move it up with the keyboard", chromedp.Focus(chromedp.CSS(`#dims li[data-dimension="Inbox"]`)),
		chromedp.KeyEvent(kb.ArrowUp, chromedp.KeyModifiers(chromedp.ModifierAlt)))
	b.wait("the new order", `[...document.querySelectorAll("#dims li")].map((e) => e.dataset.dimension).join() === "Inbox,Assignee"`)
	require.Equal(t, "Inbox", b.eval(`document.activeElement.dataset.dimension`), "focus follows the moved property")
	require.Contains(t, b.eval(`document.querySelector("#dims li").textContent`), "Group by")

	// Drag and drop puts it back.
	b.do("drag Assignee onto Inbox", chromedp.Evaluate[chromedp.Void](`(() => {
		const [a, b] = document.querySelectorAll("#dims li"), dt = new DataTransfer();
		b.dispatchEvent(new DragEvent("dragstart", {dataTransfer: dt, bubbles: true}));
		a.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
		a.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`))
	b.wait("dropped", `[...document.querySelectorAll("#dims li")].map((e) => e.dataset.dimension).join() === "Assignee,Inbox"`)
	b.do("and the keyboard again", chromedp.Focus(chromedp.CSS(`#dims li[data-dimension="Assignee"]`)),
		chromedp.KeyEvent(kb.ArrowDown, chromedp.KeyModifiers(chromedp.ModifierAlt)))
	b.wait("Inbox first", `[...document.querySelectorAll("#dims li")].map((e) => e.dataset.dimension).join() === "Inbox,Assignee"`)

	// A pie with a breakdown is refused next to the chart type.
	b.do("a pie", pick("#edit-chart", "pie"))
	b.wait("the chart's error", fieldErrorShown("chart"))
	require.Contains(t, b.eval(`document.querySelector('[data-error-for="chart"]').textContent`), "one grouping")
	b.shot("builder-pie-with-breakdown")
	// Stacked percentiles do not add up either.
	b.do("stacked columns", pick("#edit-chart", "column"), clickOn("#edit-stacked"))
	b.wait("the chart's error", fieldErrorShown("chart")+` && document.querySelector('[data-error-for="chart"]').textContent.includes("does not add up")`)
	// Saving what is refused saves nothing.
	b.do("try to save", clickOn("#update"))
	b.wait("still refused", fieldErrorShown("chart"))
	d, err := f.store.Get(b.ctx, users["ana"], "chat")
	require.NoError(t, err)
	require.EqualValues(t, 1, d.Version, "nothing saved")
	b.do("unstacked", clickOn("#edit-stacked"))
	b.wait("no error", previewOK+` && document.querySelector('[data-error-for="chart"]').hidden`)

	// The date, the sort and the top N.
	b.do("closed date", pick("#edit-date", "ClosedAt"), pick("#edit-sort", "label_asc"), typeIn("#edit-limit", "3"))
	b.wait("the preview", previewOK)
	b.do("name", typeIn("#edit-name", "Wait p90 by inbox and rep"))
	b.wait("the preview's title", previewOK+` && document.querySelector("#preview-title").textContent === "Wait p90 by inbox and rep"`)
	shown := b.eval(`document.querySelector("#preview").dataset.count`)
	b.shot("builder-edited")

	b.do("update", clickOn("#update"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#title-conversations-by-rep")?.textContent === "Wait p90 by inbox and rep"`)
	d, err = f.store.Get(b.ctx, users["ana"], "chat")
	require.NoError(t, err)
	r := d.Reports[0]
	require.Equal(t, convreport.Measure{Agg: convreport.Percentile, P: 90, Metric: convreport.WaitTime}, r.Measure)
	require.Equal(t, []string{"Inbox", "Assignee"}, r.Dimensions)
	require.Equal(t, "ClosedAt", r.DateProperty)
	require.Equal(t, convreport.ByLabelAsc, r.Sort)
	require.Equal(t, 3, r.Limit)
	require.Equal(t, convreport.Chart{Type: convreport.ColumnChart}, r.Chart)

	// The card counts what the API counts, and so did the preview.
	run := f.run("chat", "ana", "")
	var n int64
	for _, p := range run.Reports[0].Points {
		n += p.Count
	}
	require.Equal(t, itoa(int(n)), shown)
	require.Contains(t, b.eval(`document.querySelector("#report-conversations-by-rep .card-meta").textContent`), " · "+fmtCount(n)+" conversations")

	// The editor reopens with what was saved.
	b.do("reopen", chromedp.Navigate(root+"dashboards/chat/reports/conversations-by-rep/edit"), chromedp.WaitVisible(chromedp.CSS(`#preview svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	require.Equal(t, "percentile|wait_time|90|ClosedAt|label_asc|3|Inbox,Assignee", b.eval(`["#edit-agg", "#edit-metric", "#edit-p", "#edit-date", "#edit-sort", "#edit-limit"].map((s) => document.querySelector(s).value).join("|") + "|" + [...document.querySelectorAll("#dims li")].map((e) => e.dataset.dimension).join()`))
}

// fmtCount writes n as the pages do: 1,234.
func fmtCount(n int64) string {
	s := itoa(int(n))
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Issue 17, item 2: "Create report" on a dashboard opens the same editor,
// empty; "Add to dashboard" saves it; a template's report is added from
// the library; the plan's count follows, and a full dashboard offers
// neither.
func TestBrowserCreateReportAndLibrary(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	team := plan.Plan{Name: "team", ReportsPerDashboard: 8}
	root := serveAs(t, b, f, "ana", func(c *web.Config) { c.Plan = team })

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/shared?range=last_30_days"), chromedp.WaitVisible(chromedp.CSS(`#create-report`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	require.Equal(t, "6 of 8 reports", b.eval(`document.querySelector("#reports-count").textContent`))

	b.do("create report", clickOn("#create-report"), chromedp.WaitVisible(chromedp.CSS(`#add-report`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	require.Equal(t, "Create report", b.eval(`document.querySelector("h1").textContent`))
	require.Equal(t, "", b.eval(`document.querySelector("#edit-name").value`), "it starts empty")
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("#dims li[data-dimension]").length)`))
	require.Equal(t, "New report", b.eval(`document.querySelector("#preview-title").textContent`))

	// Adding it unnamed is refused next to the name.
	b.do("add without a name", clickOn("#add-report"))
	b.wait("the name's error", fieldErrorShown("name"))
	b.do("name it", typeIn("#edit-name", "Conversations by team"))
	b.do("group by team", sendKeys("#dim-search", "team"))
	b.wait("the search", `[...document.querySelectorAll("[data-add-dimension]")].map((e) => e.dataset.addDimension).join() === "Team"`)
	b.do("add it", clickOn(`[data-add-dimension="Team"]`))
	b.do("a donut", pick("#edit-chart", "donut"))
	b.wait("the preview", previewOK+` && document.querySelector("#preview-title").textContent === "Conversations by team" && document.querySelector("#preview-meta").textContent.includes(" by team")`)
	shown := b.eval(`document.querySelector("#preview").dataset.count`)
	points := b.eval(`document.querySelector("#preview").dataset.points`)
	b.shot("create-report")
	b.do("add to dashboard", clickOn("#add-report"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#title-conversations-by-team") !== null`)
	b.wait("the script", `document.documentElement.dataset.ready === "true"`) // before a click on what it wires
	require.Equal(t, "7 of 8 reports", b.eval(`document.querySelector("#reports-count").textContent`))

	// The API counts what the preview and the card show.
	run := f.run("shared", "ana", "range=last_30_days")
	var n int64
	pts := run.Reports[run.report(t, "conversations-by-team")].Points
	for _, p := range pts {
		n += p.Count
	}
	require.Equal(t, itoa(int(n)), shown)
	require.Equal(t, itoa(len(pts)), points)
	require.Contains(t, b.eval(`document.querySelector("#report-conversations-by-team .card-meta").textContent`), fmtCount(n)+" conversations")

	// From the library: search, add one report of the email template.
	b.do("open the library", clickOn("#library-open"), chromedp.WaitVisible(chromedp.CSS("#library-dialog[open]")))
	b.do("search", sendKeys("#library-q", "e-mail"))
	b.wait("the search", `document.querySelector('.library-template[data-template="chat-overview"]').hidden && !document.querySelector('.library-template[data-template="email-overview"]').hidden`)
	b.view("library")
	b.do("add open emails by inbox", clickOn(`[data-add-report="open-emails-by-inbox"]`))
	b.wait("the new card", `document.querySelector("#report-open-emails-by-inbox svg") !== null && document.querySelector("#reports-count").textContent.startsWith("8 of 8")`)

	// Full: the page says which cap, and offers neither way to add.
	require.Contains(t, b.eval(`document.querySelector("#reports-count").textContent`), `Plan "team" allows 8 reports per dashboard`)
	require.Equal(t, "true", b.eval(`String(document.querySelector("#library-open").disabled)`))
	require.Equal(t, "true", b.eval(`document.querySelector("#create-report").getAttribute("aria-disabled")`))
	require.Equal(t, "", b.eval(`document.querySelector("#create-report").getAttribute("href") || ""`), "no link to follow")
	b.shot("dashboard-full")

	// Reloaded, the dashboard has both, saved.
	b.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#report-open-emails-by-inbox`)))
	require.Equal(t, "Conversations by team", b.eval(`document.querySelector("#title-conversations-by-team").textContent`))
	d, err := f.store.Get(b.ctx, users["ana"], "shared")
	require.NoError(t, err)
	require.Len(t, d.Reports, 8)
	require.Equal(t, convreport.Report{ID: "conversations-by-team", Name: "Conversations by team", Dimensions: []string{"Team"}, Chart: convreport.Chart{Type: convreport.DonutChart}}, d.Reports[6])
	require.Equal(t, "open-emails-by-inbox", d.Reports[7].ID)
}

// Issue 17, item 3: a dashboard is renamed, its reports reordered and
// removed, its access changed, copied and deleted from its page; each
// change reloads as saved, the plan's counts follow, and a viewer is
// offered only what they may do.
func TestBrowserManageDashboard(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	withPlan := func(c *web.Config) {
		c.Plan = plan.Plan{Name: "team", DashboardsPerAccount: 4, ReportsPerDashboard: 10}
	}
	root := serveAs(t, b, f, "ana", withPlan)
	// Each change reloads the page, but the live stream may show it
	// first, in place: mark the page before the change, and wait for the
	// page loaded after it.
	mark := func() { b.eval(`String(window.__before = true)`) }
	ready := func() {
		b.wait("the script", `window.__before === undefined && document.documentElement.dataset.ready === "true"`)
	}
	cards := `[...document.querySelectorAll("#reports [data-report]")].map((c) => c.dataset.report).join()`

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/chat"), chromedp.WaitVisible(chromedp.CSS(`#manage-menu`)))
	ready()
	require.Equal(t, "6 of 10 reports", b.eval(`document.querySelector("#reports-count").textContent`))

	// Rename.
	b.do("open the menu", clickOn(`#manage-menu summary`), chromedp.WaitVisible(chromedp.CSS(`#rename-open`)))
	b.shot("manage-menu")
	b.do("rename", clickOn(`#rename-open`), chromedp.WaitVisible(chromedp.CSS(`#rename-dialog[open]`)),
		typeIn(`#rename-dialog input[name=name]`, "Chat. desk"), clickOn(`#rename-dialog button[type=submit]`))
	b.wait("the name's refusal", `!document.querySelector("#rename-dialog .form-error").hidden && document.querySelector("#rename-dialog .form-error").textContent.includes("period")`)
	mark()
	b.do("a name without a period", typeIn(`#rename-dialog input[name=name]`, "Chat desk"), clickOn(`#rename-dialog button[type=submit]`))
	b.wait("the new name", `document.querySelector("#dashboard-name").textContent === "Chat desk" && document.querySelector("#dashboard-head").dataset.version === "2"`)
	ready()

	// Move the first report one place later, with the card's button.
	first := b.eval(`document.querySelector("#reports [data-report]").dataset.report`)
	require.Equal(t, "true", b.eval(`String(document.querySelector('[data-move-report="`+first+`"][data-by="-1"]').disabled)`), "the first cannot go earlier")
	mark()
	b.do("move later", clickOn(`[data-move-report="`+first+`"][data-by="1"]`))
	b.wait("the new order", `document.querySelector("#dashboard-head").dataset.version === "3"`)
	ready()
	d := mustGet(t, f, "chat")
	require.Equal(t, first, d.Reports[1].ID)
	require.Equal(t, strings.Join(reportIDs(d.Reports), ","), b.eval(cards), "the page shows the saved order")

	// Drag the last card by its handle onto the first: it takes its place.
	last := d.Reports[5].ID
	mark()
	b.do("drag the last card onto the first", chromedp.Evaluate[chromedp.Void](`(() => {
		const dt = new DataTransfer(), cards = document.querySelectorAll("#reports [data-report]");
		document.querySelector('[data-drag-report="`+last+`"]').dispatchEvent(new DragEvent("dragstart", {dataTransfer: dt, bubbles: true}));
		cards[0].dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
		cards[0].dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`))
	b.wait("the dropped order", `document.querySelector("#dashboard-head").dataset.version === "4"`)
	ready()
	want := append([]string{last}, reportIDs(d.Reports[:5])...)
	d = mustGet(t, f, "chat")
	require.Equal(t, want, reportIDs(d.Reports))
	require.Equal(t, strings.Join(want, ","), b.eval(cards))

	// Remove one, confirmed.
	victim := d.Reports[2]
	b.do("remove", clickOn(`[data-remove-report="`+victim.ID+`"]`), chromedp.WaitVisible(chromedp.CSS(`#remove-dialog[open]`)))
	require.Equal(t, victim.Name, b.eval(`document.querySelector("#remove-name").textContent`))
	b.view("remove-report")
	mark()
	b.do("confirm", clickOn(`#remove-dialog button[type=submit]`))
	b.wait("the report gone", `document.querySelector("#dashboard-head").dataset.version === "5"`)
	ready()
	require.Equal(t, "5 of 10 reports", b.eval(`document.querySelector("#reports-count").textContent`))
	require.Equal(t, "", b.eval(`document.querySelector("#report-`+victim.ID+`") ? "still there" : ""`))

	// Share with ben only.
	b.do("open the menu", clickOn(`#manage-menu summary`), chromedp.WaitVisible(chromedp.CSS(`#share-open`)))
	b.do("share", clickOn(`#share-open`), chromedp.WaitVisible(chromedp.CSS(`#share-dialog[open]`)),
		pick(`#share-dialog select[name=visibility]`, "specific"), typeIn(`#share-dialog input[name=add_grant]`, "ben"))
	b.view("share")
	mark()
	b.do("save access", clickOn(`#share-dialog button[type=submit]`))
	b.wait("the new access", `document.querySelector("#dashboard-head").dataset.version === "6" && document.querySelector(".page-head .badge").textContent === "Specific users and teams"`)
	ready()
	failure(t, f.get("/api/dashboards/chat", "carl"), http.StatusNotFound, "not_found")
	require.Equal(t, http.StatusOK, f.get("/api/dashboards/chat", "ben").Code)

	// Save a copy as: the account's fourth and last dashboard.
	b.do("open the menu", clickOn(`#manage-menu summary`), chromedp.WaitVisible(chromedp.CSS(`#copy-open`)))
	mark()
	b.do("copy", clickOn(`#copy-open`), chromedp.WaitVisible(chromedp.CSS(`#copy-dialog[open]`)),
		typeIn(`#copy-dialog input[name=name]`, "Chat desk copy"), clickOn(`#copy-dialog button[type=submit]`))
	b.wait("the copy", `document.querySelector("#dashboard-name")?.textContent === "Chat desk copy"`)
	ready()
	copyID := b.dashboardID("chat-desk-copy")
	require.Equal(t, strings.Join(reportIDs(mustGet(t, f, "chat").Reports), ","), b.eval(cards), "the same reports, in the same order")
	b.do("the list", chromedp.Navigate(root), chromedp.WaitVisible(chromedp.CSS(`#dashboards-count`)))
	ready()
	require.Equal(t, "4 of 4 dashboards", b.eval(`document.querySelector("#dashboards-count").textContent`))
	require.Equal(t, `Plan "team" allows 4 dashboards per account`, b.eval(`document.querySelector("#plan-full").textContent`))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#create-open").disabled)`))
	b.shot("dashboards-full")

	// Delete the copy, confirmed: back to the list, one fewer.
	b.do("open the copy", clickOn(`a[data-dashboard="`+copyID+`"]`), chromedp.WaitVisible(chromedp.CSS(`#manage-menu`)))
	ready()
	b.do("open the menu", clickOn(`#manage-menu summary`), chromedp.WaitVisible(chromedp.CSS(`#delete-open`)))
	b.do("delete", clickOn(`#delete-open`), chromedp.WaitVisible(chromedp.CSS(`#delete-dialog[open]`)))
	b.view("delete-dashboard")
	b.do("confirm", clickOn(`#delete-confirm`))
	b.wait("the list", `document.body.classList.contains("page-list") && document.querySelector("#dashboards-count")?.textContent === "3 of 4 dashboards"`)
	require.Equal(t, "", b.eval(`document.querySelector('a[data-dashboard="`+copyID+`"]') ? "still there" : ""`))
	require.Len(t, listFor(t, f, "admin"), 3)

	// ben, who may view it only: no rename, share, delete, move or remove.
	benRoot := serveAs(t, b, f, "ben", withPlan)
	b.do("ben's view", chromedp.Navigate(benRoot+"dashboards/chat"), chromedp.WaitVisible(chromedp.CSS(`#manage-menu`)))
	ready()
	require.Equal(t, "copy-open", b.eval(`[...document.querySelectorAll("#manage-menu [data-open]")].map((e) => e.id).join()`))
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("[data-move-report], [data-remove-report], #create-report, #library-open").length)`))
}

// A page opened before its dashboard was deleted and created again under
// the same ID, at version 1 anew, does not delete the new one: the dialog
// says why, and stays open. The page is a snapshot (asOfLoad): a live one
// would follow the dashboard created again.
func TestBrowserDeleteAfterCreatedAgain(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana", asOfLoad(f))
	createTeam(t, f)
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/team"), chromedp.WaitVisible(chromedp.CSS(`#manage-menu`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)

	// Behind the page: deleted, and created again under its ID.
	old := mustGet(t, f, "team")
	createdAgainFrom(t, f)
	again := mustGet(t, f, "team")
	require.Equal(t, old.Version, again.Version)

	b.do("open the menu", clickOn(`#manage-menu summary`), chromedp.WaitVisible(chromedp.CSS(`#delete-open`)))
	b.do("delete", clickOn(`#delete-open`), chromedp.WaitVisible(chromedp.CSS(`#delete-dialog[open]`)))
	b.do("confirm", clickOn(`#delete-confirm`))
	b.wait("the refusal", `!document.querySelector("#delete-dialog .form-error").hidden`)
	require.Equal(t, `Dashboard "Team" was deleted and created again since you opened it (the one you opened was created `+
		old.CreatedAt.Format(time.RFC3339Nano)+`, this one `+again.CreatedAt.Format(time.RFC3339Nano)+`); reload it, and delete it again if you mean to`,
		b.eval(`document.querySelector("#delete-dialog .form-error").textContent`))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#delete-dialog").open)`))
	require.Equal(t, again, mustGet(t, f, "team"), "the new dashboard is kept")
}
