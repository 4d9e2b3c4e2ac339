package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// Issue 17, items 4, 5 and 7: a filter added above the reports applies to
// every report and to its drill-downs, for this view (in the URL) and
// then saved with the dashboard; the comparison draws the previous
// period and drills into it; the drill-down dialog says what a duration
// point leaves out, and lists it.
func TestBrowserDashboardFiltersAndCompare(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	root := serveAs(t, b, f, "ana")
	ready := `document.documentElement.dataset.ready === "true" && document.querySelector("#dash-filters").dataset.state === "ready"`

	b.do("open the dashboard", chromedp.Navigate(root+"dashboards/shared?range=last_30_days"))
	b.wait("the page", ready)
	require.Contains(t, b.eval(`document.querySelector("#filter-chips").textContent`), "No filter")

	// A filter for this view: Assignee is any of Alice Martin.
	b.do("add a filter", clickOn("#filter-add"), pick("#filter-property", "Assignee"), pick("#filter-op", "is_any_of"),
		typeIn("#filter-values-input", "Alice Martin"))
	b.shot("filters-editing")
	b.do("apply it", clickOn("#filter-apply"))
	b.wait("the view's chip", ready+` && document.querySelector(".chip-view") !== null`)
	require.Contains(t, b.eval(`document.querySelector(".chip-view").textContent`), "Assignee is any of Alice Martin")
	u, err := url.Parse(b.eval(`location.href`))
	require.NoError(t, err)
	require.Contains(t, u.Query().Get("filters"), "Alice Martin", "the view's filter is in the shareable URL")

	// Every card counts Alice Martin's conversations only, as the API does
	// for the same URL, and a point's drill-down lists its count.
	var run comparedRun
	okJSON(t, f.get("/api/dashboards/shared/run?"+u.RawQuery, "ana"), http.StatusOK, &run)
	for i, id := range run.ReportIDs {
		var n int64
		for _, p := range run.Reports[i].Points {
			n += p.Count
		}
		meta := b.eval(`document.querySelector("#report-` + id + ` .card-meta").textContent`)
		require.True(t, strings.HasSuffix(meta, " "+strconv.FormatInt(n, 10)+" conversations") || strings.HasSuffix(meta, " "+strconv.FormatInt(n, 10)+" conversation") ||
			strings.HasSuffix(meta, " "+humanCount(n)+" conversations"), "%s: %q, the API counts %d", id, meta, n)
	}
	rep := indexOf(t, run.ReportIDs, "conversations-by-rep")
	require.Len(t, run.Reports[rep].Points, 1, "one rep left")
	alice := run.Reports[rep].Points[0].Count
	b.do("open the point", clickOn(`#report-conversations-by-rep [data-drill] a`))
	b.wait("the drill-down", `document.querySelector("#drill-dialog").dataset.state === "ready"`)
	require.Equal(t, strconv.FormatInt(alice, 10), b.eval(`document.querySelector("#drill-dialog").dataset.total`))
	b.do("close", chromedp.Evaluate[chromedp.Void](`document.querySelector("#drill-dialog").close()`))

	// Saved with the dashboard: the URL drops it and the page reloads
	// with it saved.
	b.do("save the view's filters", clickOn("#filter-save-view"))
	b.wait("the saved chip", ready+` && document.querySelector(".chip-saved") !== null && !location.search.includes("filters")`)
	b.do("reload", chromedp.Navigate(root+"dashboards/shared?range=last_30_days"))
	b.wait("the page again", ready+` && document.querySelector(".chip-saved") !== null`)
	require.Contains(t, b.eval(`document.querySelector(".chip-saved").textContent`), "Alice Martin")
	d, err := f.store.Get(t.Context(), users["ana"], "shared")
	require.NoError(t, err)
	require.Equal(t, []convreport.Condition{{Property: "Assignee", Op: convreport.IsAnyOf, Values: []string{"Alice Martin"}}}, d.Filters)
	b.shot("filters-saved")

	// Compare with the previous 30 days: ghost bars and the compared
	// values in the tooltips.
	b.do("compare", pick("#compare-select", "previous"))
	b.wait("the compared charts", ready+` && location.search.includes("compare=previous") && document.querySelector("#report-conversations-by-rep .ghost") !== null`)
	require.Contains(t, b.eval(`document.querySelector("#report-conversations-by-rep .ghost title").textContent`), "previous 30 days")
	// The table chart has a column of the compared values.
	require.Equal(t, "Previous 30 days", b.eval(`document.querySelector("#report-chat-conversations-by-page-url thead th:last-child").textContent`))
	b.shot("compare-previous")
	u, err = url.Parse(b.eval(`location.href`))
	require.NoError(t, err)
	okJSON(t, f.get("/api/dashboards/shared/run?"+u.RawQuery, "ana"), http.StatusOK, &run)

	// The response time of Alice Martin's chats: how many it leaves out and
	// why, the list of them, and the previous period's conversations.
	frt := indexOf(t, run.ReportIDs, "average-chat-first-response-time-by-rep")
	pt := run.Reports[frt].Points[0]
	require.NotNil(t, pt.PreviousCount)
	from := time.Date(2025, 5, 2, 0, 0, 0, 0, paris)
	var unanswered int64
	for i := range f.cs {
		c := &f.cs[i]
		if c.Channel == convreport.Chat && c.Assignee == "Alice Martin" && !c.CreatedAt.Before(from) && c.CreatedAt.Before(now) && c.FirstResponseAt.IsZero() {
			unanswered++
		}
	}
	require.Positive(t, unanswered, "the fixture has unanswered chats of Alice Martin")
	b.do("open the response time", clickOn(`#report-average-chat-first-response-time-by-rep [data-drill] a`))
	b.wait("the drill-down", `document.querySelector("#drill-dialog").dataset.state === "ready" && document.querySelector("#drill-dialog").dataset.list === "point"`)
	require.Equal(t, strconv.FormatInt(pt.Count, 10), b.eval(`document.querySelector("#drill-dialog").dataset.total`))
	require.Equal(t, humanCount(unanswered)+" conversations left out: no agent reply yet", b.eval(`document.querySelector("#drill-excluded").textContent`))
	require.Contains(t, b.eval(`document.querySelector("#drill-previous").textContent`), "Previous 30 days")
	require.Contains(t, b.eval(`document.querySelector("#drill-previous").textContent`), humanCount(*pt.PreviousCount)+" conversations")
	b.view("drill-notes")
	b.do("list the left-out ones", clickOn(`#drill-notes [data-list="excluded"]`))
	b.wait("the left-out list", `document.querySelector("#drill-dialog").dataset.state === "ready" && document.querySelector("#drill-dialog").dataset.list === "excluded"`)
	require.Equal(t, strconv.FormatInt(unanswered, 10), b.eval(`document.querySelector("#drill-dialog").dataset.total`))
	b.view("drill-excluded")
	b.do("back", clickOn(`#drill-notes [data-list="point"]`))
	b.wait("the point again", `document.querySelector("#drill-dialog").dataset.state === "ready" && document.querySelector("#drill-dialog").dataset.list === "point"`)
	b.do("the previous period's", clickOn(`#drill-notes [data-list="previous"]`))
	b.wait("the previous list", `document.querySelector("#drill-dialog").dataset.state === "ready" && document.querySelector("#drill-dialog").dataset.list === "previous"`)
	require.Equal(t, strconv.FormatInt(*pt.PreviousCount, 10), b.eval(`document.querySelector("#drill-dialog").dataset.total`))
	// The first page of them is listed.
	require.Equal(t, strconv.FormatInt(min(25, *pt.PreviousCount), 10), b.eval(`String(document.querySelectorAll("#drill-rows tbody tr").length)`))
}

// humanCount writes n as the pages do: 1,234.
func humanCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
