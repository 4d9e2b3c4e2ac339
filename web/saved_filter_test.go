package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
)

// A saved dashboard filter on a property the schema no longer has (a
// custom property dropped since) made the page an error page that blamed
// a report, with nothing in the UI to remove the filter. The page now
// shows the dashboard without its saved filters, says why, and lists them
// to be removed; the API names the saved filter.
func TestBrokenSavedFilterLeavesThePageUsable(t *testing.T) {
	f := newFixture(t)
	ana := users["ana"]
	d, err := f.store.Get(context.Background(), ana, "chat")
	require.NoError(t, err)
	d.Filters = []convreport.Condition{{Property: "plan", Op: convreport.IsAnyOf, Values: []string{"pro"}}}
	_, err = f.store.Save(context.Background(), ana, d)
	require.NoError(t, err)

	res := f.get("/api/dashboards/chat/run", "ana")
	require.Equal(t, http.StatusUnprocessableEntity, res.Code, res.Body.String())
	require.Contains(t, res.Body.String(), `"code":"invalid_condition"`)
	require.Contains(t, res.Body.String(), `"field":"filters"`)
	require.Contains(t, res.Body.String(), "the dashboard's saved filter")

	body := page(t, f, "/dashboards/chat", "ana", http.StatusOK)
	require.Contains(t, body, `id="range-error"`)
	require.Contains(t, body, "Showing the dashboard without its saved filters. Remove the filter in the row of filters below.")
	require.Contains(t, body, `id="report-conversations-by-rep"`, "the reports are there")
	require.Contains(t, body, `data-kind="saved"`, "the saved filter is listed, to be removed")
	// carl may view, not edit: he is told nothing to do.
	body = page(t, f, "/dashboards/chat", "carl", http.StatusOK)
	require.Contains(t, body, "Showing the dashboard without its saved filters.")
	require.NotContains(t, body, "Remove the filter")

	// The page's live stream runs as the page does: it was refused, and
	// the page said "Offline, retrying…" for as long as it was open.
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	ch, _ := f.stream(srv, "ana", "/api/dashboards/chat/live")
	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "status", name)
	require.True(t, ev.Live)
	name, ev = next(t, ch, 5*time.Second)
	require.Equal(t, "reports", name)
	require.Len(t, ev.Reports, len(d.Reports), "every report, as the page shows them")

	// One report's exports, drill-downs and preview named the saved filter
	// as that report's own ("report "Conversations by rep": filter 1"),
	// and its editor was an error page.
	const saved = `the dashboard's saved filter 1, plan is any of: unknown property "plan"`
	for _, res := range []*httptest.ResponseRecorder{
		f.get("/api/dashboards/chat/reports/conversations-by-rep/export?format=csv", "ana"),
		f.get("/api/dashboards/chat/reports/conversations-by-rep/drill?point=%7B%7D", "ana"),
		f.get("/api/dashboards/chat/reports/conversations-by-rep/drill/export?point=%7B%7D", "ana"),
		f.edit(http.MethodPost, "/api/dashboards/chat/reports/conversations-by-rep/preview", "ana", `{"name": "By rep"}`),
		f.edit(http.MethodPost, "/api/dashboards/chat/preview", "ana", `{"name": "New"}`),
	} {
		e := failure(t, res, http.StatusUnprocessableEntity, "invalid_condition")
		require.Equal(t, saved, e.Message)
		require.Equal(t, "filters", e.Field)
		require.Empty(t, e.Report, "no report is to blame")
	}
	for _, path := range []string{"/dashboards/chat/reports/conversations-by-rep/edit", "/dashboards/chat/reports/new"} {
		body = html.UnescapeString(page(t, f, path, "ana", http.StatusOK))
		require.Contains(t, body, "No preview: a saved filter of the dashboard no longer checks.", path)
		require.Contains(t, body, upperFirst(saved)+".", path)
		require.Contains(t, body, "Remove it in the row of filters on the dashboard", path)
	}

	// Removed through the filter bar's request, the dashboard is whole.
	v := mustGet(t, f, "chat").Version
	okJSON(t, f.edit(http.MethodPut, "/api/dashboards/chat/filters", "ana", `{"version": `+strconv.FormatInt(v, 10)+`, "filters": []}`), http.StatusOK, &struct{}{})
	require.NotContains(t, page(t, f, "/dashboards/chat", "ana", http.StatusOK), `id="range-error"`)
	require.Equal(t, http.StatusOK, f.get("/api/dashboards/chat/run", "ana").Code)
}

// upperFirst is s with its first letter upper-cased, as a page starts a sentence.
func upperFirst(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
