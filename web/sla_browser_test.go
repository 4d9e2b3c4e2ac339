package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/web"
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
