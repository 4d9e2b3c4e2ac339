package web_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/render"
	"github.com/convreport/convreport/web"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The report editor offers the SLA measures once the server keeps a
// policy, and saves what was picked.
func TestBrowserSLAMeasure(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")

	b.do("open the editor", chromedp.Navigate(root+"dashboards/chat/reports/conversations-by-rep/edit"),
		chromedp.WaitVisible(chromedp.CSS(`#preview svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	require.Equal(t, "false", b.eval(`String([...document.querySelectorAll("#edit-agg option")].some((o) => o.value.startsWith("sla_")))`), "no policy, no SLA measure")

	st := f.store.(web.SLAStore)
	pol := &convreport.SLAPolicy{Name: "std", FirstResponse: &convreport.SLATarget{Within: convreport.Duration(10 * time.Minute)},
		Close: &convreport.SLATarget{Within: convreport.Duration(8 * time.Hour)}}
	require.NoError(t, st.SaveSLA(b.ctx, users["admin"], &convreport.SLASet{Policies: []*convreport.SLAPolicy{pol}}))

	b.do("reopen", chromedp.Navigate(root+"dashboards/chat/reports/conversations-by-rep/edit"), chromedp.WaitVisible(chromedp.CSS(`#preview svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	require.Equal(t, "true", b.eval(`String(document.querySelector("#sla-field").hidden)`))
	b.do("SLA met", pick("#edit-agg", "sla_met"), pick("#edit-target", "close"))
	require.Equal(t, "false|true", b.eval(`[document.querySelector("#sla-field").hidden, document.querySelector("#metric-field").hidden].join("|")`))
	b.wait("the preview", previewOK+` && document.querySelector("#preview-meta").textContent !== ""`)
	b.shot("builder-sla-met")
	b.do("update", clickOn("#update"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard")`)
	d, err := f.store.Get(b.ctx, users["ana"], "chat")
	require.NoError(t, err)
	require.Equal(t, convreport.Measure{Agg: convreport.SLAMet, SLA: "std", Target: convreport.CloseTarget}, d.Reports[0].Measure)

	// The card shows what the API computes.
	run := f.run("chat", "ana", "")
	require.NotEmpty(t, run.Reports[0].Points)
	b.do("reopen", chromedp.Navigate(root+"dashboards/chat/reports/conversations-by-rep/edit"), chromedp.WaitVisible(chromedp.CSS(`#preview svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	require.Equal(t, "sla_met|std|close", b.eval(`["#edit-agg", "#edit-sla", "#edit-target"].map((s) => document.querySelector(s).value).join("|")`))
}

// The drill-down dialog of an SLA point ends with each breach's time over
// the target, as the API sends it; the times listed add up to the
// point's total the dialog heads.
func TestBrowserSLADrillDownShowsTheTimeOverTarget(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	admin := users["admin"]
	require.NoError(t, f.store.(web.SLAStore).SaveSLA(b.ctx, admin, &convreport.SLASet{Policies: []*convreport.SLAPolicy{library.StandardSLA()}}))
	_, err := f.store.Create(b.ctx, users["ana"], convreport.Dashboard{ID: "sla", Name: "SLA", Owner: "ana", Visibility: access.EveryoneCanView,
		Reports: []convreport.Report{{ID: "total", Name: "Total over", Dimensions: []string{"Assignee"},
			Measure:    convreport.Measure{Agg: convreport.SLATotalOver, SLA: "standard", Target: convreport.FirstResponseTarget},
			Properties: []string{"ID", "Assignee"}, Chart: convreport.Chart{Type: convreport.BarChart}}}})
	require.NoError(t, err)

	// A rep whose breaches fit the dialog's first page.
	run := f.run("sla", "ana", "range=last_30_days")
	var point map[string]*string
	var value string
	for _, p := range run.Reports[0].Points {
		var d slaDrill
		okJSON(t, f.get(drillPath("sla", "total", run, p.Dimensions, ""), "ana"), http.StatusOK, &d)
		if d.Total >= 3 && d.Total <= 25 && p.Dimensions["assignee"] != nil {
			point, value = p.Dimensions, *p.Value
			break
		}
	}
	require.NotNil(t, point, "a rep with 3 to 25 breaches")
	pointJSON, err := json.Marshal(point)
	require.NoError(t, err)

	root := serveAs(t, b, f, "ana")
	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/sla?range=last_30_days"), chromedp.WaitVisible(chromedp.CSS(`#report-total svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.do("mark the rep's bar", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("#report-total svg a")].find((a) =>
		new URL(a.getAttribute("href"), location.href).searchParams.get("point") === `+jsString(string(pointJSON))+`).querySelector("rect").id = "rep-bar"`))
	b.do("click the rep's bar", clickOn("#rep-bar"))
	b.wait("the drill-down dialog", `(() => { const d = document.querySelector("#drill-dialog"); return d.open && d.dataset.state === "ready"; })()`)
	b.view("sla-drill-down")

	require.Equal(t, "Conversation ID|Assignee|Time over target", b.eval(`[...document.querySelectorAll("#drill-rows thead th")].map((th) => th.textContent).join("|")`))
	var rows [][]string
	require.NoError(t, json.Unmarshal([]byte(b.eval(`JSON.stringify([...document.querySelectorAll("#drill-rows tbody tr")].map((tr) =>
		[tr.dataset.id, tr.lastElementChild.textContent]))`)), &rows))
	byID := map[string]convreport.Conversation{}
	for _, c := range f.cs {
		byID[c.ID] = c
	}
	sum := decimal.Zero
	for _, r := range rows {
		over, breached := refOver(byID[r[0]])
		require.True(t, breached, r[0])
		sec := decimal.NewFromInt(int64(over)).Shift(-9)
		require.Equal(t, render.FormatDuration(sec), r[1], r[0])
		sum = sum.Add(sec)
	}
	require.Equal(t, value, sum.Round(3).String(), "the rows add up to the point's total")
	require.Contains(t, b.eval(`document.querySelector("#drill-sub").textContent`), render.FormatDuration(sum)+" over ")

	// Sorted by the time over the target, longest first.
	b.do("sort by time over target", clickOn(`#drill-rows thead th:last-child button`))
	b.wait("the sorted rows", `document.querySelector("#drill-dialog").dataset.state === "ready" && document.querySelector("#drill-rows thead th:last-child").getAttribute("aria-sort") === "ascending"`)
	b.do("longest first", clickOn(`#drill-rows thead th:last-child button`))
	b.wait("the sorted rows", `document.querySelector("#drill-dialog").dataset.state === "ready" && document.querySelector("#drill-rows thead th:last-child").getAttribute("aria-sort") === "descending"`)
	var ids []string
	require.NoError(t, json.Unmarshal([]byte(b.eval(`JSON.stringify([...document.querySelectorAll("#drill-rows tbody tr")].map((tr) => tr.dataset.id))`)), &ids))
	require.Len(t, ids, len(rows))
	for i := 1; i < len(ids); i++ {
		a, _ := refOver(byID[ids[i-1]])
		c, _ := refOver(byID[ids[i]])
		require.GreaterOrEqual(t, a, c)
	}
}
