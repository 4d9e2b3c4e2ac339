package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
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

// openDrill opens the drill-down dialog of the point of a report whose
// link names these parameters, as a click on the chart does.
func openDrill(b *browser, report string, other bool, point string) {
	b.t.Helper()
	b.eval(`(() => {
		const a = Array.from(document.querySelectorAll("#report-" + ` + jsString(report) + ` + " [data-drill] a[href]")).find((a) => {
			const u = new URL(a.getAttribute("href"), document.baseURI);
			return (u.searchParams.get("other") === "true") === ` + strconv.FormatBool(other) + ` && u.searchParams.get("point") === ` + jsString(point) + `;
		});
		if (!a) throw new Error("no such point");
		a.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 }));
		return "";
	})()`)
	b.wait("the drill-down", `(() => { const d = document.querySelector("#drill-dialog"); return d.open && d.dataset.state === "ready"; })()`)
}

// redrawn waits until the stream has redrawn a report whose card had sig.
func redrawn(b *browser, report, sig string) {
	b.t.Helper()
	b.wait("the redrawn "+report, `document.querySelector("#report-"+`+jsString(report)+`).dataset.sig !== `+jsString(sig))
}

func cardSig(b *browser, report string) string {
	b.t.Helper()
	return b.eval(`document.querySelector("#report-" + ` + jsString(report) + `).dataset.sig`)
}

// A time series folded by Limit has an Other point in each bucket. A
// dialog open on one bucket's Other hears of its own bucket's changes
// only, and "Show the new rows" opens that bucket again.
func TestBrowserLiveOtherPointOfItsBucket(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	const rep = "by-channel-daily"
	d := convreport.Dashboard{ID: "folded", Name: "Folded", Owner: "ana", Visibility: access.EveryoneCanView,
		Reports: []convreport.Report{{ID: rep, Name: "Conversations by channel per day",
			Dimensions: []string{"Channel"}, Bucket: convreport.Day, Limit: 1}}}
	_, err := f.store.Create(context.Background(), users["ana"], d)
	require.NoError(t, err)
	root := serveAs(t, b, f, "ana")

	run := f.run("folded", "ana", "range=last_30_days")
	type other struct {
		bucket string
		count  int64
	}
	var others []other
	for _, p := range run.Reports[0].Points {
		if p.Other {
			others = append(others, other{*p.Dimensions["bucket"], p.Count})
		}
	}
	require.Greater(t, len(others), 2, "an Other point in several buckets")
	// The dialog's bucket counts other than the first bucket's, so that a
	// dialog reading any Other point would misread it; the change
	// elsewhere is in a third bucket.
	var open, elsewhere other
	for _, o := range others[1:] {
		if open.bucket == "" && o.count != others[0].count && o.count > 1 {
			open = o
		}
	}
	require.NotEmpty(t, open.bucket)
	for _, o := range others[1:] {
		if o.bucket != open.bucket && o.count > 0 {
			elsewhere = o
			break
		}
	}
	require.NotEmpty(t, elsewhere.bucket)
	point := func(bucket string) string { return `{"bucket":"` + bucket + `"}` }
	rows := func(bucket string) []string {
		var dr drillResult
		v, err := url.ParseQuery(run.Period)
		require.NoError(t, err)
		v.Set("other", "true")
		v.Set("point", point(bucket))
		v.Set("limit", "1000")
		okJSON(t, f.get("/api/dashboards/folded/reports/"+rep+"/drill?"+v.Encode(), "ana"), http.StatusOK, &dr)
		var ids []string
		for _, r := range dr.Rows {
			ids = append(ids, r.ID)
		}
		require.Len(t, ids, dr.Total)
		return ids
	}

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/folded?range=last_30_days"),
		chromedp.WaitVisible(chromedp.CSS(`#report-`+rep+` svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)
	openDrill(b, rep, true, point(open.bucket))
	require.Equal(t, itoa(int(open.count)), b.eval(`document.querySelector("#drill-dialog").dataset.total`))

	// A conversation of another bucket's Other goes: the report is
	// redrawn, the dialog's point did not change.
	sig := cardSig(b, rep)
	f.src.Delete(rows(elsewhere.bucket)[0])
	redrawn(b, rep, sig)
	require.Equal(t, "true", b.eval(`String(document.querySelector("#drill-changed").hidden)`),
		"a change of another bucket's Other: %s", b.eval(`document.querySelector("#drill-changed").textContent`))

	// One of the dialog's own bucket goes.
	f.src.Delete(rows(open.bucket)[0])
	want := itoa(int(open.count) - 1)
	b.wait("the dialog to say its rows changed", `!document.querySelector("#drill-changed").hidden`)
	require.Contains(t, b.eval(`document.querySelector("#drill-changed").textContent`), want+" now, "+itoa(int(open.count))+" listed")
	// Its subtitle counts as the chart does.
	b.wait("the subtitle to count one less", `document.querySelector("#drill-sub").textContent === `+
		jsString("Conversations by channel per day · "+conversations(open.count-1)))
	b.view("live-other-changed")
	b.do("show the new rows", chromedp.Click(chromedp.CSS("#drill-reload")))
	b.wait("the new rows", `document.querySelector("#drill-dialog").dataset.state === "ready" && document.querySelector("#drill-dialog").dataset.total === "`+want+`"`)
	require.Equal(t, point(open.bucket), b.eval(`document.querySelector("#drill-dialog").dataset.point`), "the same bucket's Other")
	require.Equal(t, "true", b.eval(`String(document.querySelector("#drill-changed").hidden)`))
}

// A drill-down dialog may list a point's left-out conversations, or its
// conversations of the compared period: a live change compares that
// list's total with the same total of the redrawn point, not with the
// point's count, and "Show the new rows" shows the same list again.
func TestBrowserLiveDrillListsCompareLikeWithLike(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	const rep = "average-chat-first-response-time-by-rep"
	const alice = "Alice Martin"
	point := func(name string) string { return `{"assignee":` + jsString(name) + `}` }

	// The conversations of a list of a point, by the API, to copy: a copy
	// (under a new ID) adds one to that list.
	byID := map[string]convreport.Conversation{}
	for _, c := range f.cs {
		byID[c.ID] = c
	}
	firstOf := func(query, name, list string) string {
		t.Helper()
		run := f.run("chat", "ana", query)
		v, err := url.ParseQuery(run.Period)
		require.NoError(t, err)
		if strings.Contains(query, "compare=") {
			v.Set("compare", "previous")
		}
		v.Set("point", point(name))
		v.Set("list", list)
		v.Set("limit", "1000")
		var dr drillResult
		okJSON(t, f.get("/api/dashboards/chat/reports/"+rep+"/drill?"+v.Encode(), "ana"), http.StatusOK, &dr)
		require.NotEmpty(t, dr.Rows, "%s has conversations in list %s", name, list)
		return dr.Rows[0].ID
	}
	copies := 0
	add := func(id string) {
		t.Helper()
		c, ok := byID[id]
		require.True(t, ok, id)
		copies++
		c.ID = "live-copy-" + itoa(copies)
		require.NoError(t, f.src.Upsert(c))
	}
	// Another rep of the report, with conversations counted.
	var bob string
	run := f.run("chat", "ana", "range=last_30_days")
	for _, p := range run.Reports[run.report(t, rep)].Points {
		if n := p.Dimensions["assignee"]; !p.Other && n != nil && *n != alice && p.Count > 0 {
			bob = *n
			break
		}
	}
	require.NotEmpty(t, bob)
	dlg := `document.querySelector("#drill-dialog")`
	// showing is the condition that the dialog shows list, of total rows
	// when total is not "".
	showing := func(list, total string) string {
		cond := dlg + `.dataset.state === "ready" && ` + dlg + `.dataset.list === "` + list + `"`
		if total != "" {
			cond += ` && ` + dlg + `.dataset.total === "` + total + `"`
		}
		return cond
	}
	notice := func() string { return b.eval(`document.querySelector("#drill-changed").textContent`) }

	// The left-out conversations of Alice's average.
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/chat?range=last_30_days"),
		chromedp.WaitVisible(chromedp.CSS(`#report-`+rep+` svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)
	openDrill(b, rep, false, point(alice))
	b.wait("the note of the left-out conversations", `document.querySelector("#drill-excluded") !== null`)
	b.do("list them", clickOn(`#drill-notes [data-list="excluded"]`))
	b.wait("the left-out conversations", showing("excluded", ""))
	excluded := atoiT(t, b.eval(dlg+`.dataset.total`))

	sig := cardSig(b, rep)
	add(firstOf("range=last_30_days", bob, "point"))
	redrawn(b, rep, sig)
	require.Equal(t, "true", b.eval(`String(document.querySelector("#drill-changed").hidden)`), "another rep's change: %s", notice())

	add(firstOf("range=last_30_days", alice, "excluded"))
	b.wait("the dialog to say its rows changed", `!document.querySelector("#drill-changed").hidden`)
	require.Contains(t, notice(), itoa(excluded+1)+" now, "+itoa(excluded)+" listed")
	b.view("live-excluded-changed")
	b.do("show the new rows", chromedp.Click(chromedp.CSS("#drill-reload")))
	b.wait("the new left-out rows", showing("excluded", itoa(excluded+1)))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#drill-changed").hidden)`))

	// Alice's conversations of the previous period.
	const compared = "range=last_30_days&compare=previous"
	b.do("open the compared dashboard", chromedp.Navigate(root+"dashboards/chat?"+compared),
		chromedp.WaitVisible(chromedp.CSS(`#report-`+rep+` svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)
	openDrill(b, rep, false, point(alice))
	b.wait("the note of the compared period", `document.querySelector("#drill-previous") !== null`)
	b.do("show them", clickOn(`#drill-notes [data-list="previous"]`))
	b.wait("the compared conversations", showing("previous", ""))
	previous := atoiT(t, b.eval(dlg+`.dataset.total`))

	sig = cardSig(b, rep)
	add(firstOf(compared, alice, "point"))
	redrawn(b, rep, sig)
	require.Equal(t, "true", b.eval(`String(document.querySelector("#drill-changed").hidden)`), "a change of this period: %s", notice())

	add(firstOf(compared, alice, "previous"))
	b.wait("the dialog to say its rows changed", `!document.querySelector("#drill-changed").hidden`)
	require.Contains(t, notice(), itoa(previous+1)+" now, "+itoa(previous)+" listed")
	b.do("show the new rows", chromedp.Click(chromedp.CSS("#drill-reload")))
	b.wait("the new compared rows", showing("previous", itoa(previous+1)))
}

// The drill-down dialog's note of the conversations a point leaves out
// follows the stream while it shows the point's own conversations: a
// left-out conversation more is said at once, and "List them" lists as
// many; a point that left none out gets the note, with its reason.
func TestBrowserLiveDrillLeftOutNoteFollows(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	const rep = "average-chat-first-response-time-by-rep"
	const alice = "Alice Martin"
	point := func(name string) string { return `{"assignee":` + jsString(name) + `}` }
	run := f.run("chat", "ana", "range=last_30_days")
	// notes is what the API says a point leaves out, with its first
	// left-out conversation.
	notes := func(name string) (drillNotes, string) {
		t.Helper()
		v, err := url.ParseQuery(run.Period)
		require.NoError(t, err)
		v.Set("point", point(name))
		v.Set("list", "excluded")
		var dn drillNotes
		var dr drillResult
		okJSON(t, f.get("/api/dashboards/chat/reports/"+rep+"/drill?"+v.Encode(), "ana"), http.StatusOK, &dn)
		okJSON(t, f.get("/api/dashboards/chat/reports/"+rep+"/drill?"+v.Encode(), "ana"), http.StatusOK, &dr)
		if len(dr.Rows) == 0 {
			return dn, ""
		}
		return dn, dr.Rows[0].ID
	}
	aliceNotes, leftOut := notes(alice)
	require.Positive(t, aliceNotes.Point.Excluded)
	require.Equal(t, "no agent reply yet", aliceNotes.Point.ExcludedReason)
	// Another rep whose every conversation is counted.
	var other string
	for _, p := range run.Reports[run.report(t, rep)].Points {
		if n := p.Dimensions["assignee"]; !p.Other && n != nil && *n != alice {
			if dn, _ := notes(*n); dn.Point.Excluded == 0 && dn.Point.Count > 0 {
				other = *n
				break
			}
		}
	}
	require.NotEmpty(t, other, "a rep who leaves none out")
	var copied convreport.Conversation
	for _, c := range f.cs {
		if c.ID == leftOut {
			copied = c
		}
	}
	require.Equal(t, leftOut, copied.ID)
	copies := 0
	// add adds a copy of Alice's left-out conversation, assigned to name.
	add := func(name string) {
		t.Helper()
		c := copied
		copies++
		c.ID = "left-out-copy-" + itoa(copies)
		c.Assignee = name
		require.NoError(t, f.src.Upsert(c))
	}
	note := `document.querySelector("#drill-excluded")?.textContent`
	dlg := `document.querySelector("#drill-dialog")`

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/chat?range=last_30_days"),
		chromedp.WaitVisible(chromedp.CSS(`#report-`+rep+` svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)
	openDrill(b, rep, false, point(alice))
	n := int(aliceNotes.Point.Excluded)
	require.Equal(t, itoa(n)+" conversations left out: no agent reply yet", b.eval(note))

	add(alice)
	b.wait("the note to count one more", note+` === "`+itoa(n+1)+` conversations left out: no agent reply yet"`)
	require.Equal(t, "point", b.eval(dlg+`.dataset.list`), "the rows shown are still the point's")
	b.view("live-left-out-note")
	b.do("list them", clickOn(`#drill-notes [data-list="excluded"]`))
	b.wait("as many left-out conversations", dlg+`.dataset.state === "ready" && `+dlg+`.dataset.list === "excluded" && `+dlg+`.dataset.total === "`+itoa(n+1)+`"`)

	// A point that left none out.
	b.do("close the dialog", clickOn(`#drill-dialog [data-close]`))
	openDrill(b, rep, false, point(other))
	require.Equal(t, "true", b.eval(`String(document.querySelector("#drill-excluded") === null)`))
	add(other)
	b.wait("the note of one left out", note+` === "1 conversation left out: no agent reply yet"`)
	b.do("list it", clickOn(`#drill-notes [data-list="excluded"]`))
	b.wait("the one left out", dlg+`.dataset.state === "ready" && `+dlg+`.dataset.list === "excluded" && `+dlg+`.dataset.total === "1"`)
	require.Equal(t, "left-out-copy-2", b.eval(`document.querySelector("#drill-rows tbody tr").dataset.id`))
}
