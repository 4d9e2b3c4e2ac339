package web_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// An editor keeps a dashboard open while a report that does not run is
// fixed, then broken again. A card fixed used to come back without its
// CSV, SVG and PNG links, and the Export menu without its zip, until a
// reload; a card the stream drew as stale lacked "Edit the report", drawn
// as a viewer sees it. Both now follow the stream.
func TestBrowserLiveRedrawsAStaleCard(t *testing.T) {
	b := newBrowser(t)
	f := staleFixture(t, withoutPlan)
	root := serveAs(t, b, f, "ana")
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/plans?range=last_30_days"), chromedp.WaitVisible(chromedp.CSS(`#report-pro-seats .chart-stale`)))
	b.wait("the live stream", `document.querySelector("#live-status").dataset.state === "live" && document.querySelector("#export-zip")`)
	require.Equal(t, "BUTTON", b.eval(`document.querySelector("#export-zip").tagName`))
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("#report-pro-seats .card-export a").length)`))
	b.eval(`String(window.__sameDocument = "yes")`)
	updates := func() string {
		return b.eval(`String(Number(document.querySelector("#reports").dataset.updates || 0))`)
	}

	// Fixed elsewhere: its numbers, its links and the zip come back.
	seen := updates()
	seenBody := f.withCreated("/api/dashboards/plans/reports/pro-seats", `{"version": `+strconv.FormatInt(mustGet(t, f, "plans").Version, 10)+`,
		"conditions": [{"property": "seats", "op": "greater_than", "values": ["1"]}]}`)
	require.Equal(t, http.StatusOK, sendTo(t, root, http.MethodPatch, "api/dashboards/plans/reports/pro-seats", seenBody))
	b.wait("the fixed card", `Number(document.querySelector("#reports").dataset.updates || 0) > `+seen+
		` && !document.querySelector("#report-pro-seats").hasAttribute("data-stale")`)
	require.Contains(t, b.eval(`document.querySelector("#report-pro-seats .card-meta").textContent`), "4 conversations")
	require.Equal(t, "csv,svg,png", b.eval(`[...document.querySelectorAll("#report-pro-seats .card-export a")].map((a) => a.dataset.export).join()`))
	require.Contains(t, b.eval(`document.querySelector("#report-pro-seats .card-export a").getAttribute("href")`), "range=last_30_days")
	require.Equal(t, "A", b.eval(`document.querySelector("#export-zip").tagName`), "the zip is offered again")
	b.shot("live-stale-card-fixed")

	// Broken again, behind the handler (a dashboard file edited by hand),
	// and redrawn at the next change of the data: the card says why, with
	// the editor's link, and has no downloads again.
	d := mustGet(t, f, "plans")
	d.Reports[1].Conditions = append(d.Reports[1].Conditions, convreport.Condition{Property: "plan", Op: convreport.IsAnyOf, Values: []string{"pro"}})
	_, err := f.store.Save(context.Background(), users["ana"], d)
	require.NoError(t, err)
	seen = updates()
	c := f.cs[0]
	c.ID = "new"
	require.NoError(t, f.src.Upsert(c))
	b.wait("the stale card", `Number(document.querySelector("#reports").dataset.updates || 0) > `+seen+
		` && document.querySelector("#report-pro-seats").hasAttribute("data-stale")`)
	require.Contains(t, b.eval(`document.querySelector("#report-pro-seats .chart-stale").innerText`), staleSentence)
	require.Equal(t, "dashboards/plans/reports/pro-seats/edit?range=last_30_days",
		b.eval(`document.querySelector("#report-pro-seats .chart-stale [data-edit-stale]")?.getAttribute("href") || ""`))
	require.Equal(t, "0", b.eval(`String(document.querySelectorAll("#report-pro-seats .card-export").length)`))
	require.Equal(t, "BUTTON", b.eval(`document.querySelector("#export-zip").tagName`))
	require.Equal(t, "yes", b.eval(`String(window.__sameDocument)`), "no reload")
}

// sendTo makes a JSON request of the server a browser test serves (signed
// in as its user), as another tab of the same person would, and returns
// the status.
func sendTo(t *testing.T, root, method, path, body string) int {
	t.Helper()
	r, err := http.NewRequest(method, root+path, strings.NewReader(body))
	require.NoError(t, err)
	r.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	t.Logf("%s %s: %d %s", method, path, res.StatusCode, b)
	return res.StatusCode
}
