package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// A dashboard open on a period whose hourly report by rep has exactly the
// points the engine allows: a chat of a new rep makes it one line more.
// The live stream redraws it as a card that says why and what to do, with
// no points and no downloads, while the report beside it takes the new
// chat; opened on a longer period, the page shows the same card at once
// beside the others' charts, whose points still open their drill-downs.
func TestBrowserReportOverItsPointsShowsAsACard(t *testing.T) {
	b := newBrowser(t)
	f, _ := notRunFixture(t, byRepHourly, byRep)
	root := serveAs(t, b, f, "ana")
	hourly, other := `#report-by-rep-hourly`, `#report-by-rep`

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/mixed?range=last_30_days"), chromedp.WaitVisible(chromedp.CSS(hourly+` svg`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live" && document.querySelector("#export-zip")`)
	require.Equal(t, "A", b.eval(`document.querySelector("#export-zip").tagName`))
	b.eval(`String(window.__sameDocument = "yes")`)
	seen := b.eval(`String(Number(document.querySelector("#reports").dataset.updates || 0))`)

	var c convreport.Conversation
	for _, x := range f.cs {
		if x.Channel == convreport.Chat && x.Team == "Billing" && x.Assignee != "" && x.CreatedAt.After(now.AddDate(0, 0, -10)) {
			c = x
			break
		}
	}
	require.NotEmpty(t, c.ID)
	c.ID, c.Assignee = "new-rep-chat", "Zoe Newcomer"
	require.NoError(t, f.src.Upsert(c))
	b.wait("the card redrawn", `Number(document.querySelector("#reports").dataset.updates || 0) > `+seen+
		` && document.querySelector("`+hourly+`").hasAttribute("data-stale")`)
	b.wait("the other report's new line", `[...document.querySelectorAll("`+other+` [data-drill] a")].some((a) => a.getAttribute("href").includes("Zoe"))`)
	says := b.eval(`document.querySelector("` + hourly + ` .chart-stale").innerText`)
	require.Contains(t, says, "This report is not run for this period: it would have more points than this server allows.")
	require.Contains(t, says, `The period May 2, 2025 – May 31, 2025 has 30 days, too many for report "Billing chats by rep each hour": a line per group times its time buckets would be at least`)
	require.Contains(t, says, "choose a shorter period, a wider time bucket or a smaller Top.")
	require.Contains(t, says, "Edit the report to choose a wider time bucket or a smaller Top, or choose a shorter period above.")
	require.Equal(t, "Not run for this period: too many points", b.eval(`document.querySelector("`+hourly+` .card-meta").textContent`))
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("`+hourly+` [data-drill], `+hourly+` svg, `+hourly+` .card-export").length)`), "no points, no downloads")
	require.Equal(t, "BUTTON", b.eval(`document.querySelector("#export-zip").tagName`))
	require.Contains(t, b.eval(`document.querySelector("#export-zip").textContent`), "not while “Billing chats by rep each hour” does not run")
	require.Equal(t, "csv,svg,png", b.eval(`[...document.querySelectorAll("`+other+` .card-export a")].map((a) => a.dataset.export).join()`))
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`), "no reload")
	b.shot("not-run-card-live")

	b.do("open a longer period", chromedp.Navigate(root+"dashboards/mixed?"+longPeriod), chromedp.WaitVisible(chromedp.CSS(hourly+` .chart-stale`)))
	b.wait("the scripts", `document.querySelector("#export-zip") && document.querySelector("`+other+` .card-export")`)
	require.Contains(t, b.eval(`document.querySelector("`+hourly+` .chart-stale").innerText`), "The period Apr 2, 2025 – May 31, 2025 has 60 days")
	require.Equal(t, "", b.eval(`document.querySelector("#range-error")?.textContent || ""`), "the period is kept")
	require.Contains(t, b.eval(`document.querySelector("#reports").innerText`), "Chats by rep")
	bars := b.eval(`String(document.querySelectorAll("` + other + ` [data-drill] a").length)`)
	require.NotEqual(t, "0", bars, "the other report draws its points")
	b.shot("not-run-card-long-period")

	// Its first bar's drill-down lists that bar's conversations, in the
	// period pinned.
	href := b.eval(`document.querySelector("` + other + ` svg a").getAttribute("href")`)
	require.True(t, strings.Contains(href, "from=2025-04-02") && strings.Contains(href, "to=2025-06-01"), "the pinned period: %s", href)
	b.do("drill into a bar of the other report", clickOn(other+` svg a rect`))
	b.wait("the drill-down dialog", `(() => { const d = document.querySelector("#drill-dialog"); return d.open && d.dataset.state === "ready"; })()`)
	var r notRunResult
	okJSON(t, f.get("/api/dashboards/mixed/run?"+longPeriod, "ana"), http.StatusOK, &r)
	require.Equal(t, strconv.FormatInt(r.Reports[0].Points[0].Count, 10), b.eval(`document.querySelector("#drill-dialog").dataset.total`))
}
