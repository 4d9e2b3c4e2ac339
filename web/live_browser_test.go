package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// A person watches a dashboard while the helpdesk works: a chat of the rep
// whose conversations they are reading is reassigned, another is closed.
// The bar, the drill-down dialog and the closed-conversations chart follow
// without a reload.
func TestBrowserLiveDashboard(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	// serveAs also fails the test on any error the page's script logs.
	root := serveAs(t, b, f, "ana")

	b.do("open the list", chromedp.Navigate(root), chromedp.WaitVisible(chromedp.CSS(`a[data-dashboard="chat"]`)))
	b.do("open the dashboard", chromedp.Click(chromedp.CSS(`a[data-dashboard="chat"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#report-conversations-by-rep svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)
	// The page was drawn from the data the stream sees: nothing to redraw.
	time.Sleep(500 * time.Millisecond)
	require.Equal(t, "", b.eval(`document.querySelector("#reports").dataset.updates || ""`), "a redraw with no change")
	b.eval(`String(window.__sameDocument = "yes")`)
	b.shot("live-dashboard")

	// Open the conversations of the first rep of "Conversations by rep".
	b.do("click a bar", chromedp.Click(chromedp.CSS(`#report-conversations-by-rep svg a rect`)))
	b.wait("the drill-down", `(() => { const d = document.querySelector("#drill-dialog"); return d.open && d.dataset.state === "ready"; })()`)
	rep := b.eval(`document.querySelector("#drill-title").textContent`)
	total := b.eval(`document.querySelector("#drill-dialog").dataset.total`)
	require.NotEmpty(t, rep)

	// One of that rep's open chats of the period goes to someone else.
	var moved convreport.Conversation
	for c := range f.openChats("") {
		if c.Assignee == rep {
			moved = c
			break
		}
	}
	require.NotEmpty(t, moved.ID, "%s has an open chat in the period", rep)
	moved.Assignee = "Zoe Newcomer"
	require.NoError(t, f.src.Upsert(moved))

	want := atoiT(t, total) - 1
	b.wait("the dialog to say its rows changed", `!document.querySelector("#drill-changed").hidden`)
	require.Contains(t, b.eval(`document.querySelector("#drill-changed").textContent`), itoa(want)+" now")
	b.view("live-drill-changed")
	b.do("show the new rows", chromedp.Click(chromedp.CSS("#drill-reload")))
	b.wait("the new rows", `document.querySelector("#drill-dialog").dataset.state === "ready" && document.querySelector("#drill-dialog").dataset.total === "`+itoa(want)+`"`)
	require.True(t, b.eval(`String(document.querySelector("#drill-changed").hidden)`) == "true")
	b.do("close the dialog", chromedp.Click(chromedp.CSS(`#drill-dialog [data-close]`)))

	// The rep's bar says one conversation less; the newcomer has a bar.
	bar := func(label string) string {
		return b.eval(`(() => { const a = Array.from(document.querySelectorAll("#report-conversations-by-rep svg a")).find((a) => a.getAttribute("aria-label").startsWith(` + jsString(label+": ") + `)); return a ? a.getAttribute("aria-label") : ""; })()`)
	}
	require.Contains(t, bar(rep), "("+itoa(want)+" conversations)")
	require.Contains(t, bar("Zoe Newcomer"), "(1 conversation)")

	// Closing a chat adds it to "Closed conversations by rep".
	var closing convreport.Conversation
	for c := range f.openChats("") {
		if c.ID != moved.ID {
			closing = c
			break
		}
	}
	before := b.eval(`document.querySelector("#report-closed-conversations-by-rep .chart").innerHTML`)
	closing.ClosedAt, closing.Status, closing.ClosedBy = now.Add(-time.Hour), convreport.Closed, closing.Assignee
	require.NoError(t, f.src.Upsert(closing))
	b.wait("the closed chart to change", `document.querySelector("#report-closed-conversations-by-rep .chart").innerHTML !== `+jsString(before))
	closed := f.pointCounts("ana", runPath)["closed-conversations-by-rep"]
	var sum int64
	for _, n := range closed {
		sum += n
	}
	svg := b.eval(`Array.from(document.querySelectorAll("#report-closed-conversations-by-rep svg a")).map((a) => a.getAttribute("aria-label")).join("\n")`)
	var shown int64
	for _, l := range strings.Split(svg, "\n") {
		if i := strings.LastIndex(l, "("); i >= 0 {
			n := strings.Fields(l[i+1:])[0]
			shown += int64(atoiT(t, strings.ReplaceAll(n, ",", "")))
		}
	}
	require.Equal(t, sum, shown, "the redrawn chart shows the API's counts")
	b.shot("live-dashboard-after")

	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`), "the page reloaded")
}

func atoiT(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		require.True(t, r >= '0' && r <= '9', "%q is not a count", s)
		n = n*10 + int(r-'0')
	}
	return n
}
