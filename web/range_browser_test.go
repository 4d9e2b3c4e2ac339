package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// The date range form shows "To" as the last day included and the address
// keeps the API's exclusive to: applying the form, changing the
// comparison or the zone, or turning a preset into a custom range keeps
// the period to the day.
func TestBrowserDateRangeRoundTrip(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	ready := func() { b.wait("the script", `document.documentElement.dataset.ready === "true"`) }
	// submit runs steps that send the form, and waits for the next page.
	submit := func(what string, steps ...chromedp.Action[chromedp.Void]) url.Values {
		t.Helper()
		b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.oldPage = true`))
		b.do(what, steps...)
		b.wait("the next page", `!window.oldPage && document.documentElement.dataset.ready === "true"`)
		u, err := url.Parse(b.eval(`location.href`))
		require.NoError(t, err)
		return u.Query()
	}
	input := func(name string) string {
		return b.eval(`document.querySelector('#range-form input[name=` + name + `]').value`)
	}
	label := func() string { return b.eval(`document.querySelector("#range-label").textContent`) }

	b.do("open a custom range", chromedp.Navigate(root+"dashboards/chat?from=2025-05-01&to=2025-05-10"), chromedp.WaitVisible(chromedp.CSS(`#range-form`)))
	ready()
	require.Equal(t, "2025-05-01", input("from"))
	require.Equal(t, "2025-05-09", input("through"), "the last day, included")
	require.Equal(t, "To", b.eval(`document.querySelector('#range-form input[name=through]').closest("label").querySelector("span").textContent`))
	require.Equal(t, "May 1, 2025 – May 9, 2025 · Europe/Paris", label())
	b.shot("range-custom")

	for i := range 2 {
		q := submit("apply", clickOn(`#range-form button[type=submit]`))
		require.Equal(t, "2025-05-01", q.Get("from"), "apply %d", i)
		require.Equal(t, "2025-05-10", q.Get("to"), "apply %d: the address's to stays exclusive, and the same", i)
		require.False(t, q.Has("through") || q.Has("range"), "apply %d: %v", i, q)
		require.Equal(t, "2025-05-09", input("through"))
		require.Equal(t, "May 1, 2025 – May 9, 2025 · Europe/Paris", label())
	}

	q := submit("compare", pick("#compare-select", "previous"))
	require.Equal(t, "2025-05-10", q.Get("to"))
	require.Equal(t, "previous", q.Get("compare"))
	require.Equal(t, "2025-05-09", input("through"))

	q = submit("another zone", typeIn(`#range-form input[name=tz]`, "UTC"), clickOn(`#range-form button[type=submit]`))
	require.Equal(t, "2025-05-10", q.Get("to"))
	require.Equal(t, "UTC", q.Get("tz"))
	require.Equal(t, "May 1, 2025 – May 9, 2025 · UTC", label())

	// One day: from and to the same day.
	q = submit("one day", chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector("#range-form");
		f.elements.from.value = "2025-05-03"; f.elements.through.value = "2025-05-03"; })()`), clickOn(`#range-form button[type=submit]`))
	require.Equal(t, "2025-05-03", q.Get("from"))
	require.Equal(t, "2025-05-04", q.Get("to"))
	require.Equal(t, "May 3, 2025 · UTC", label())

	// A preset made a custom range keeps its last day.
	b.do("open a preset", chromedp.Navigate(root+"dashboards/chat?range=last_30_days"), chromedp.WaitVisible(chromedp.CSS(`#range-form`)))
	ready()
	require.Equal(t, "May 2, 2025 – May 31, 2025 · Europe/Paris", label())
	b.do("custom range", pick("#range-select", "custom"))
	require.Equal(t, "2025-05-02", input("from"))
	require.Equal(t, "2025-05-31", input("through"))
	q = submit("apply the custom range", clickOn(`#range-form button[type=submit]`))
	require.Equal(t, "2025-05-02", q.Get("from"))
	require.Equal(t, "2025-06-01", q.Get("to"))
	require.Equal(t, "May 2, 2025 – May 31, 2025 · Europe/Paris", label())
	require.Equal(t, "2025-05-31", input("through"))

	// week_start and now have no field: changing the comparison keeps them.
	b.do("this week from Sunday", chromedp.Navigate(root+"dashboards/chat?range=this_week&week_start=sunday&now=2025-06-03T12:00:00Z"), chromedp.WaitVisible(chromedp.CSS(`#range-form`)))
	ready()
	week := label()
	require.Contains(t, week, "Jun 1, 2025 – Jun 7, 2025")
	q = submit("compare this week", pick("#compare-select", "previous"))
	require.Equal(t, "sunday", q.Get("week_start"))
	require.Equal(t, "2025-06-03T12:00:00Z", q.Get("now"))
	require.Equal(t, week, label())

	preset, custom := f.run("chat", "ana", "range=last_30_days"), f.run("chat", "ana", "from=2025-05-02&to=2025-06-01")
	require.Equal(t, preset.From, custom.From)
	require.Equal(t, preset.To, custom.To)
	require.Equal(t, preset.Reports, custom.Reports)
	b.shot("range-preset-to-custom")
}

// The form's through, the last day included, is the address's to, the
// day after; without script too (range=custom is the form's own).
func TestThroughRedirectsToExclusiveTo(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ query, location string }{
		{"range=custom&from=2025-05-01&through=2025-05-09", "?from=2025-05-01&to=2025-05-10"},
		{"from=2025-05-01&through=2025-05-31&compare=previous&tz=UTC", "?compare=previous&from=2025-05-01&to=2025-06-01&tz=UTC"},
		{"from=2025-02-28&through=2025-02-28", "?from=2025-02-28&to=2025-03-01"},
		{"from=2025-05-01&through=soon", "?from=2025-05-01&to=soon"},
	} {
		w := f.get("/dashboards/chat?"+tc.query, "ana")
		require.Equal(t, http.StatusSeeOther, w.Code, tc.query)
		require.Equal(t, tc.location, w.Header().Get("Location"), tc.query)
	}
	body := page(t, f, "/dashboards/chat?from=2025-05-01&to=soon", "ana", http.StatusOK)
	require.Contains(t, body, `id="range-error"`)
	require.Contains(t, body, `name="through" value="soon"`, "what was typed is kept")
	// The last day before the first is said with the dates the form shows,
	// not the address's exclusive to.
	w := f.get("/dashboards/chat?from=2025-04-10&through=2025-04-09", "ana")
	require.Equal(t, "?from=2025-04-10&to=2025-04-10", w.Header().Get("Location"))
	body = page(t, f, "/dashboards/chat?from=2025-04-10&to=2025-04-10", "ana", http.StatusOK)
	require.Contains(t, body, "The last day, 2025-04-09, is before the first, 2025-04-10. Showing the default period instead.")
	require.Contains(t, body, `name="through" value="2025-04-09"`)

	// A compared period outside the supported times is dropped as a bad
	// comparison is, not an error page.
	body = page(t, f, "/dashboards/chat?from=1678-01-01&to=1678-02-01&compare=year", "ana", http.StatusOK)
	require.Contains(t, body, `id="range-error"`)
	require.Contains(t, body, "Showing it without a comparison.")
}

// Back and forward show each page's view as a fresh load of its address
// shows it: the range, the custom dates, the comparison and the zone the
// browser kept from before the form was sent do not stay in the controls.
func TestBrowserBackForwardRestoresTheView(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	type view struct{ query, controls, label string }
	// shown is what the page shows: its address, the value of each
	// control of the form, whether the custom dates are shown and sent,
	// and the period.
	shown := func() view {
		return view{b.eval(`location.search`), b.eval(`(() => { const f = document.querySelector("#range-form"), e = f.elements;
			return JSON.stringify({range: e.range.value, from: e.from.value, through: e.through.value,
				dates: !document.querySelector("#custom-range").hidden && !e.from.disabled && !e.through.disabled,
				tz: e.tz.value, compare: e.compare.value, week_start: e.week_start ? e.week_start.value : null}); })()`),
			b.eval(`document.querySelector("#range-label").textContent`)}
	}
	n := 0
	// settle runs steps that leave the page and waits for the next one.
	settle := func(what string, steps ...chromedp.Action[chromedp.Void]) view {
		t.Helper()
		n++
		mark := itoa(n)
		b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.mark = "`+mark+`"`))
		b.do(what, steps...)
		b.wait(what+": the next page", `window.mark !== "`+mark+`" && document.documentElement.dataset.ready === "true"`)
		return shown()
	}
	apply := clickOn(`#range-form button[type=submit]`)

	// A history of views made with the form.
	history := []view{settle("open the dashboard", chromedp.Navigate(root+"dashboards/chat?range=last_30_days&week_start=sunday"))}
	history = append(history, settle("this month", pick("#range-select", "this_month")))
	history = append(history, settle("compare", pick("#compare-select", "previous")))
	history = append(history, settle("another zone", typeIn(`#range-form input[name=tz]`, "UTC"), apply))
	history = append(history, settle("a custom range", pick("#range-select", "custom"), chromedp.Evaluate[chromedp.Void](`(() => {
		const e = document.querySelector("#range-form").elements; e.from.value = "2025-05-03"; e.through.value = "2025-05-09"; })()`), apply))
	// Each step changed what the form sent, by hand:
	for i, want := range []string{`"range":"last_30_days"`, `"range":"this_month"`, `"compare":"previous"`, `"tz":"UTC"`,
		`"range":"custom","from":"2025-05-03","through":"2025-05-09","dates":true`} {
		require.Contains(t, history[i].controls, want, "step %d", i)
		require.Contains(t, history[i].controls, `"week_start":"sunday"`, "step %d", i)
	}
	require.Contains(t, history[0].controls, `"dates":false`)
	require.Contains(t, history[2].controls, `"tz":"Europe/Paris"`)

	// Back and forward through it.
	var back, forward []view
	for range len(history) - 1 {
		back = append(back, settle("back", chromedp.Evaluate[chromedp.Void](`history.back()`)))
	}
	b.shot("range-back")
	for range len(history) - 1 {
		forward = append(forward, settle("forward", chromedp.Evaluate[chromedp.Void](`history.forward()`)))
	}

	// Each view is what a load of its address shows.
	fresh := map[string]view{}
	for _, v := range history {
		fresh[v.query] = settle("load "+v.query, chromedp.Navigate(root+"dashboards/chat"+v.query))
		require.Equal(t, fresh[v.query], v, "sent by the form")
	}
	for i, v := range back {
		require.Equal(t, history[len(history)-2-i].query, v.query, "back %d", i+1)
		require.Equal(t, fresh[v.query], v, "back %d", i+1)
	}
	for i, v := range forward {
		require.Equal(t, history[i+1].query, v.query, "forward %d", i+1)
		require.Equal(t, fresh[v.query], v, "forward %d", i+1)
	}
}
