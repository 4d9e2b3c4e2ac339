package web_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// saveUntouched opens the editor of report rid of dashboard "shared",
// clicks "Update existing report" without changing anything, and returns
// the report as saved.
func saveUntouched(t *testing.T, b *browser, f *fixture, root, rid string) convreport.Report {
	t.Helper()
	before := mustGet(t, f, "shared").Version
	b.do("open the editor of "+rid, chromedp.Navigate(root+"dashboards/shared/reports/"+rid+"/edit"),
		chromedp.WaitVisible(chromedp.CSS(`#preview svg`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.do("update "+rid, clickOn("#update"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#dashboard-head")?.dataset.version === "`+strconv.FormatInt(before+1, 10)+`"`)
	d := mustGet(t, f, "shared")
	for _, r := range d.Reports {
		if r.ID == rid {
			return r
		}
	}
	t.Fatalf("no report %s", rid)
	return convreport.Report{}
}

// An Automatic chart type stays Automatic when the editor is saved
// untouched: the editor offers the saved choice, not the type it resolves
// to, and an untouched editor changes nothing of the report.
func TestBrowserUntouchedEditorKeepsAutomaticChart(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")

	cases := []struct {
		rid, edit string
	}{
		{"conversations-by-rep", `"chart": {}`},         // resolves to a bar chart
		{"chat-conversations-over-time", `"chart": {}`}, // resolves to a line
	}
	for _, c := range cases {
		v := mustGet(t, f, "shared").Version
		okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/shared/reports/"+c.rid, "ana",
			`{"version": `+strconv.FormatInt(v, 10)+`, `+c.edit+`}`), http.StatusOK, &editResult{})
		var want convreport.Report
		for _, r := range mustGet(t, f, "shared").Reports {
			if r.ID == c.rid {
				want = r
			}
		}
		require.Empty(t, want.Chart.Type, c.rid)

		got := saveUntouched(t, b, f, root, c.rid)
		require.Equal(t, want, got, "%s: an untouched editor changes nothing", c.rid)
	}
	b.shot("editor-automatic")
}
