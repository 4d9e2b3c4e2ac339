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
		// Automatic bars stack: the options show, and keep what is saved.
		{"conversations-by-rep", `"dimensions": ["Assignee", "Inbox"], "chart": {"stacked": true}`},
		{"conversations-by-rep", `"dimensions": ["Assignee", "Inbox"], "chart": {"percent": true}`},
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

// A condition saved under a property's key ("inbox", as a report built in
// code or saved before edits wrote names may hold) shows as that property
// in the editor, and one the schema does not have shows as itself: the
// editor never shows another property in its place.
func TestBrowserEditorConditionProperty(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	ana := users["ana"]
	d, err := f.store.Get(t.Context(), ana, "email")
	require.NoError(t, err)
	for i, r := range d.Reports {
		if r.ID == "email-volume-by-owner" {
			d.Reports[i].Conditions = []convreport.Condition{{Property: "inbox", Op: convreport.IsAnyOf, Values: []string{"Sales"}}}
		}
	}
	_, err = f.store.Save(t.Context(), ana, d)
	require.NoError(t, err)

	b.do("open the editor", chromedp.Navigate(root+"dashboards/email/reports/email-volume-by-owner/edit"),
		chromedp.WaitVisible(chromedp.CSS(`#conditions .condition`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	sel := `document.querySelector('#conditions .condition select[aria-label="Property"]')`
	require.Equal(t, "Inbox", b.eval(sel+`.value`))
	require.Equal(t, "Inbox", b.eval(sel+`.selectedOptions[0].textContent`))
	require.Equal(t, "Sales", b.eval(`document.querySelector('#conditions .condition .values input').value`))
	b.wait("a valid filter", `document.querySelector("#filter-status").classList.contains("ok")`)

	// Update: stored under the name, with its values.
	v := mustGet(t, f, "email").Version
	b.do("update", clickOn("#update"))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard") && document.querySelector("#dashboard-head")?.dataset.version === "`+strconv.FormatInt(v+1, 10)+`"`)
	for _, r := range mustGet(t, f, "email").Reports {
		if r.ID == "email-volume-by-owner" {
			require.Equal(t, []convreport.Condition{{Property: "Inbox", Op: convreport.IsAnyOf, Values: []string{"Sales"}}}, r.Conditions)
		}
	}

	// A property the schema does not have is shown as it is, and refused.
	b.do("open the editor again", chromedp.Navigate(root+"dashboards/email/reports/email-volume-by-owner/edit"),
		chromedp.WaitVisible(chromedp.CSS(`#conditions .condition`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.do("name a property that does not exist", chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.querySelector('#conditions .condition select[aria-label="Property"]');
		const o = document.createElement("option"); o.value = "Inboxx"; s.append(o); s.value = "Inboxx";
		s.dispatchEvent(new Event("change"));
	})()`))
	require.Equal(t, "Inboxx", b.eval(sel+`.value`))
	require.Contains(t, b.eval(sel+`.selectedOptions[0].textContent`), "Inboxx")
	b.do("values", sendKeys(`#conditions .condition .values input`, "Sales"))
	b.wait("the refusal", `document.querySelector("#filter-status").classList.contains("error") && document.querySelector("#filter-status").textContent.includes("Inboxx")`)
	require.Equal(t, "Inboxx", b.eval(sel+`.value`), "still the property typed, not another")
	b.shot("editor-unknown-property")
}
