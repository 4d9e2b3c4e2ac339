package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// livePointView is what the drill-down API says of a point, as the
// dialog's subtitle and notes say it.
type livePointView struct {
	Count     int64  `json:"count"`
	ValueText string `json:"value_text"`
	Excluded  int64  `json:"excluded"`
	Previous  *struct {
		Label     string `json:"label"`
		ValueText string `json:"value_text"`
		Count     int64  `json:"count"`
		Change    string `json:"change"`
	} `json:"previous"`
}

// conversations is n conversations, as the dialog counts them.
func conversations(n int64) string {
	if n == 1 {
		return "1 conversation"
	}
	return humanCount(n) + " conversations"
}

// Everything an open drill-down dialog says of its point follows the
// stream, as its note of what the point leaves out does: the subtitle's
// value and count, and the note of the compared period, whose "Show
// them" then lists as many. A point whose count goes to 0 says so; a
// point no longer in the chart says that, and offers no list of it.
func TestBrowserLiveDrillSaysWhatItsPointIsNow(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	const rep = "average-chat-first-response-time-by-rep"
	const name = "Average chat first response time by rep"
	const alice, zoe = "Alice Martin", "Zoe Newcomer"
	const compared = "range=last_30_days&compare=previous"
	point := func(who string) string { return `{"assignee":` + jsString(who) + `}` }
	run := f.run("chat", "ana", compared)
	// drillOf is the API's answer for a list of a point of a report of
	// the compared run: its point, and its rows' IDs; ok is false when the
	// run has no such point.
	drillOf := func(report, pt, list string) (pv livePointView, ids []string, ok bool) {
		t.Helper()
		v, err := url.ParseQuery(run.Period)
		require.NoError(t, err)
		v.Set("compare", "previous")
		v.Set("point", pt)
		v.Set("list", list)
		v.Set("limit", "1000")
		w := f.get("/api/dashboards/chat/reports/"+report+"/drill?"+v.Encode(), "ana")
		if w.Code == http.StatusNotFound {
			failure(t, w, http.StatusNotFound, "point_not_found")
			return pv, nil, false
		}
		var body struct {
			Point livePointView `json:"point"`
			Rows  []struct {
				ID string `json:"id"`
			} `json:"rows"`
		}
		okJSON(t, w, http.StatusOK, &body)
		for _, r := range body.Rows {
			ids = append(ids, r.ID)
		}
		return body.Point, ids, true
	}
	drill := func(who, list string) (livePointView, []string, bool) {
		t.Helper()
		return drillOf(rep, point(who), list)
	}
	// sub and previous are the subtitle and the compared period's note
	// for what the API says of a point.
	sub := func(pv livePointView) string {
		return name + " · " + pv.ValueText + " over " + conversations(pv.Count)
	}
	const overTime = "chat-conversations-over-time"
	subOfCount := func(pv livePointView) string { return "Chat conversations over time · " + conversations(pv.Count) }
	previous := func(pv livePointView) string {
		t.Helper()
		require.NotNil(t, pv.Previous)
		require.Equal(t, "previous 30 days", pv.Previous.Label)
		s := "Previous 30 days: " + pv.Previous.ValueText + ", " + conversations(pv.Previous.Count)
		if pv.Previous.Change != "" {
			s += " (" + pv.Previous.Change + ")"
		}
		return s
	}
	byID := map[string]convreport.Conversation{}
	for _, c := range f.cs {
		byID[c.ID] = c
	}
	copies := 0
	// add adds a copy of a conversation, assigned to who, and returns its ID.
	add := func(id, who string) string {
		t.Helper()
		c, ok := byID[id]
		require.True(t, ok, id)
		copies++
		c.ID = "live-copy-" + itoa(copies)
		c.Assignee = who
		require.NoError(t, f.src.Upsert(c))
		byID[c.ID] = c
		return c.ID
	}
	dlg := `document.querySelector("#drill-dialog")`
	subNow := `document.querySelector("#drill-sub").textContent`
	prevNow := `document.querySelector("#drill-previous")?.textContent`
	changed := `document.querySelector("#drill-changed")`
	is := func(expr, want string) string { return expr + ` === ` + jsString(want) }

	b.do("open the compared dashboard", chromedp.Navigate(root+"dashboards/chat?"+compared),
		chromedp.WaitVisible(chromedp.CSS(`#report-`+rep+` svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live"`)
	openDrill(b, rep, false, point(alice))
	was, counted, _ := drill(alice, "point")
	_, before, _ := drill(alice, "previous")
	_, leftOut, _ := drill(alice, "excluded")
	require.NotEmpty(t, counted)
	require.NotEmpty(t, before)
	require.NotEmpty(t, leftOut)
	require.Equal(t, sub(was), b.eval(subNow))
	require.Equal(t, previous(was), b.eval(prevNow))
	require.Equal(t, int64(len(before)), was.Previous.Count)

	// A chat more for Alice: the subtitle and the change of the note of
	// the compared period follow, as the chart does.
	add(counted[0], alice)
	now1, _, _ := drill(alice, "point")
	require.Equal(t, was.Count+1, now1.Count)
	b.wait("the subtitle to count one more", is(subNow, sub(now1)))
	require.Equal(t, previous(now1), b.eval(prevNow))
	require.Contains(t, b.eval(changed+`.textContent`), humanCount(now1.Count)+" now, "+humanCount(was.Count)+" listed")
	b.view("live-drill-subtitle")

	// A chat more in the compared period: its note says one more, and
	// "Show them" lists as many.
	add(before[0], alice)
	now2, _, _ := drill(alice, "point")
	require.Equal(t, was.Previous.Count+1, now2.Previous.Count)
	b.wait("the compared note to count one more", is(prevNow, previous(now2)))
	require.Equal(t, sub(now2), b.eval(subNow))
	b.do("show them", clickOn(`#drill-notes [data-list="previous"]`))
	b.wait("as many compared conversations", dlg+`.dataset.state === "ready" && `+dlg+`.dataset.list === "previous" && `+dlg+`.dataset.total === "`+itoa(len(before)+1)+`"`)
	require.Equal(t, "Previous 30 days: "+now2.Previous.ValueText+" over "+conversations(now2.Previous.Count),
		b.eval(`document.querySelector("#drill-list-note").textContent`))
	b.do("close the dialog", clickOn(`#drill-dialog [data-close]`))

	// A rep new in the period, with one chat answered: no conversation in
	// the compared period.
	mine := add(counted[0], zoe)
	b.wait("the new rep's bar", `Array.from(document.querySelectorAll("#report-`+rep+` [data-drill] a[href]")).some((a) => new URL(a.getAttribute("href"), document.baseURI).searchParams.get("point") === `+jsString(point(zoe))+`)`)
	openDrill(b, rep, false, point(zoe))
	one, _, _ := drill(zoe, "point")
	require.Equal(t, int64(1), one.Count)
	require.Equal(t, int64(0), one.Previous.Count)
	require.Equal(t, sub(one), b.eval(subNow))
	require.Equal(t, previous(one), b.eval(prevNow))

	// A chat of hers with no reply yet, then her answered one goes: she
	// is no longer in the chart (a rep is, by the chats counted), and the
	// dialog offers no list of her.
	add(leftOut[0], zoe)
	b.wait("the note of the one left out", `document.querySelector("#drill-excluded")?.textContent === "1 conversation left out: no agent reply yet"`)
	f.src.Delete(mine)
	_, _, ok := drill(zoe, "point")
	require.False(t, ok, "a rep with no chat counted has no bar")
	b.wait("the subtitle to say the point is gone", is(subNow, name+" · no longer in the chart"))
	require.Contains(t, b.eval(changed+`.textContent`), "This point is no longer in the chart.")
	require.Equal(t, "true", b.eval(`String(document.querySelector("#drill-notes").hidden && document.querySelectorAll("#drill-notes [data-list]").length === 0)`))
	b.view("live-drill-gone")

	// Her answered chat is back: the dialog says her point, as its rows,
	// one, and what it leaves out.
	add(mine, zoe)
	back, _, _ := drill(zoe, "point")
	require.Equal(t, int64(1), back.Count)
	b.wait("the subtitle of the point back", is(subNow, sub(back)))
	require.Equal(t, previous(back), b.eval(prevNow))
	require.Equal(t, "1 conversation left out: no agent reply yet", b.eval(`document.querySelector("#drill-excluded")?.textContent`))
	b.wait("no change to say", changed+`.hidden`)
	b.do("close the dialog", clickOn(`#drill-dialog [data-close]`))

	// A day of the chats over time loses its chats: its point stays, and
	// counts none.
	var day string
	var fewest int64
	for _, p := range run.Reports[run.report(t, overTime)].Points {
		if p.Count > 0 && (day == "" || p.Count < fewest) {
			day, fewest = *p.Dimensions["bucket"], p.Count
		}
	}
	require.NotEmpty(t, day)
	dayPoint := `{"bucket":` + jsString(day) + `}`
	openDrill(b, overTime, false, dayPoint)
	full, ofDay, _ := drillOf(overTime, dayPoint, "point")
	require.Len(t, ofDay, int(fewest))
	require.Equal(t, subOfCount(full), b.eval(subNow))
	require.Equal(t, previous(full), b.eval(prevNow))
	for _, id := range ofDay {
		f.src.Delete(id)
	}
	empty, _, ok := drillOf(overTime, dayPoint, "point")
	require.True(t, ok, "a day with no chat is in the chart")
	require.Equal(t, int64(0), empty.Count)
	require.Equal(t, "Chat conversations over time · 0 conversations", subOfCount(empty))
	b.wait("the subtitle to count none", is(subNow, subOfCount(empty)))
	require.Equal(t, previous(empty), b.eval(prevNow))
	require.NotEqual(t, previous(full), previous(empty), "the change from the compared day")
	b.wait("the dialog to say its rows changed", `!`+changed+`.hidden`)
	require.Contains(t, b.eval(changed+`.textContent`), "0 now, "+itoa(int(fewest))+" listed")
	b.view("live-drill-none")

	// Rows answered before a change, and received after the chart was
	// redrawn for it: the dialog lists them, and says their point as the
	// chart does, with the change.
	b.eval(`(() => {
		const fetch0 = window.fetch;
		window.__hold = true;
		window.fetch = async (...args) => {
			const res = await fetch0(...args);
			if (String(args[0]).includes("/drill?")) {
				window.__answered = true;
				while (window.__hold) await new Promise((ok) => setTimeout(ok, 20));
			}
			return res;
		};
		return "";
	})()`)
	b.do("show the new rows", chromedp.Click(chromedp.CSS("#drill-reload")))
	b.wait("the rows to be answered", `window.__answered === true`)
	sig := cardSig(b, overTime)
	add(ofDay[0], byID[ofDay[0]].Assignee)
	redrawn(b, overTime, sig)
	require.Equal(t, "loading", b.eval(dlg+`.dataset.state`))
	b.eval(`String(window.__hold = false)`)
	b.wait("the rows", dlg+`.dataset.state === "ready"`)
	require.Equal(t, "0", b.eval(dlg+`.dataset.total`), "the rows as answered")
	again, _, _ := drillOf(overTime, dayPoint, "point")
	require.Equal(t, int64(1), again.Count)
	b.wait("the subtitle of the redrawn chart", is(subNow, subOfCount(again)))
	require.Equal(t, previous(again), b.eval(prevNow))
	require.Contains(t, b.eval(changed+`.textContent`), "1 now, 0 listed")
}
