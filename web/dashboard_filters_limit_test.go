package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// restarted is f's server started again on an engine of the limits l,
// over the same store and conversations.
func restarted(t *testing.T, f *fixture, l convreport.Limits) *fixture {
	t.Helper()
	eng := convreport.NewEngine(f.src, convreport.WithLimits(l))
	cfg := f.conf
	cfg.Engine = eng
	h, err := web.New(cfg)
	require.NoError(t, err)
	return &fixture{t: t, h: h, store: f.store, cs: f.cs, eng: eng, src: f.src, conf: cfg}
}

// putFilters saves the dashboard "plans"'s filters, as the row of filters
// does.
func putFilters(f *fixture, filters string) *httptest.ResponseRecorder {
	v := mustGet(f.t, f, "plans").Version
	return f.edit(http.MethodPut, "/api/dashboards/plans/filters", "ana", `{"version": `+strconv.FormatInt(v, 10)+`, "filters": `+filters+`}`)
}

const (
	// seatsOver2 is a dashboard filter: "seats > 2", 9 bytes, as the
	// engine writes it.
	seatsOver2 = `[{"property": "seats", "op": "greater_than", "values": ["2"]}]`
	// joinedSentence is what the card of "By plan" (its filter "seats >
	// 1") says with seatsOver2 on a server whose filters are at most 20
	// bytes: joined, "(seats > 1) && (seats > 2)" is 26.
	joinedSentence = `The filter expression: with the dashboard's filters, together they are 26 bytes long, over this server's limit of 20 bytes; shorten it, or remove a filter from the dashboard's row of filters.`
	joinedMeta     = "Not run: its filters and the dashboard's are over this server's limits"
)

// joinedFixture is restartedFixture with "By plan" filtered by "seats >
// 1" and the dashboard by seatsOver2, saved on a server of the default
// limits, which then restarts with filters of at most 20 bytes: each
// filter alone is within them, the two joined are not.
//
// Of a (12 seats), b (1), c (5), d (30), e (2): "seats > 2" keeps a, c
// and d; "seats > 1" keeps a, c, d and e.
func joinedFixture(t *testing.T) *fixture {
	t.Helper()
	f := restartedFixture(t, `"filter": "seats > 1"`, droppedSchema)
	okJSON(t, putFilters(f, seatsOver2), http.StatusOK, &struct{}{})
	require.Equal(t, map[string][]int64{"volume": {3}, "by-plan": {3}}, reportCounts(t, f, "plans", "ana"), "before the restart")
	return restarted(t, f, convreport.Limits{Filter: convreport.FilterOptions{MaxLength: 20}})
}

// A report whose filter is within the engine's filter limits, and whose
// dashboard's filter is too, but not the two joined as a run joins them,
// made the dashboard page, its print, its live stream and its editor
// error pages. It is now a stale report like one whose own filter is
// over the limits: its card says that the dashboard's filters with its
// own are over the limit, and what to do (shorten its own, or remove a
// dashboard filter); every other report shows; the API names the report
// and its filter; the editor opens without a preview, and its filter
// check, which knows the dashboard, says the same.
func TestReportFilterWithTheDashboardsOverTheLimits(t *testing.T) {
	f := joinedFixture(t)

	body := page(t, f, "/dashboards/plans", "ana", http.StatusOK)
	require.Contains(t, card(t, body, "article", "volume"), "3 conversations", "the other report is whole")
	stale := card(t, body, "article", "by-plan")
	require.Contains(t, stale, `data-stale="true"`)
	require.Contains(t, stale, joinedMeta)
	require.Contains(t, stale, joinedSentence)
	require.Contains(t, stale, "This report is not run: its filters and the dashboard's are, together, over this server's limits.")
	require.Contains(t, stale, `<a href="dashboards/plans/reports/by-plan/edit" data-edit-stale="by-plan">Edit the report</a> to shorten its filters, or remove a filter from the row of filters above.`)
	require.NotContains(t, stale, "<svg")
	require.NotRegexp(t, `\d conversation`, stale)
	stale = card(t, page(t, f, "/dashboards/plans", "carl", http.StatusOK), "article", "by-plan")
	require.Contains(t, stale, "Removing a filter from the row of filters above, or an editor shortening the report's filters, brings its numbers back.")

	body = page(t, f, "/dashboards/plans/print", "ana", http.StatusOK)
	require.Contains(t, card(t, body, "section", "volume"), "3 conversations")
	require.Contains(t, card(t, body, "section", "by-plan"), joinedSentence)

	edit := html.UnescapeString(page(t, f, "/dashboards/plans/reports/by-plan/edit", "ana", http.StatusOK))
	require.Regexp(t, `<div class="chart" id="preview">\s*</div>`, edit, "no numbers in the preview")
	has(t, edit, "No preview: this report's filters and the dashboard's are, together, over this server's limits.", "the editor's note")
	has(t, edit, joinedSentence, "the editor's note")

	msg := `report "By plan" (by-plan): ` + lowerInitial(joinedSentence[:len(joinedSentence)-1])
	for _, path := range []string{
		"/api/dashboards/plans/run",
		"/api/dashboards/plans/export?format=zip",
		"/api/dashboards/plans/reports/by-plan/export?format=csv",
		"/api/dashboards/plans/reports/by-plan/drill?point=%7B%7D",
		"/api/dashboards/plans/reports/by-plan/drill/export?point=%7B%7D",
	} {
		e := failure(t, f.get(path, "ana"), http.StatusUnprocessableEntity, "invalid_filter")
		require.Equal(t, msg, e.Message, path)
		require.Equal(t, "filter", e.Field, path)
		require.Equal(t, "by-plan", e.Report, path)
		require.Nil(t, e.Index, path)
	}
	require.Equal(t, http.StatusOK, f.get("/api/dashboards/plans/reports/volume/export?format=csv", "ana").Code, "the other report exports")

	// The editor's check of the filter joins the dashboard's, as its runs
	// do; alone it is valid.
	type answer struct {
		Valid bool      `json:"valid"`
		Error *apiError `json:"error"`
	}
	var a answer
	okJSON(t, f.do(req{method: http.MethodPost, path: "/api/filters/validate", user: "ana", body: `{"filter": "seats > 1", "dashboard": "plans"}`}), http.StatusOK, &a)
	require.False(t, a.Valid)
	require.Equal(t, "invalid_filter", a.Error.Code)
	require.Equal(t, "with the dashboard's filters, together they are 26 bytes long, over this server's limit of 20 bytes; shorten them, or remove a filter from the dashboard's row of filters", a.Error.Message)
	okJSON(t, f.do(req{method: http.MethodPost, path: "/api/filters/validate", user: "ana", body: `{"filter": "seats > 1"}`}), http.StatusOK, &a)
	require.True(t, a.Valid)
	okJSON(t, f.do(req{method: http.MethodPost, path: "/api/filters/validate", user: "ana", body: `{"filter": "seats>1", "dashboard": "plans"}`}), http.StatusOK, &a)
	require.False(t, a.Valid, `"(seats>1) && (seats > 2)" is 24 bytes`)
	failure(t, f.do(req{method: http.MethodPost, path: "/api/filters/validate", user: "carl", body: `{"filter": "seats > 1", "dashboard": "nope"}`}), http.StatusNotFound, "not_found")

	// An update that keeps the filter is refused on it, in the editor's
	// words; one without it runs, under the dashboard's filter only.
	v := strconv.FormatInt(mustGet(t, f, "plans").Version, 10)
	e := failure(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/by-plan", "ana", `{"version": `+v+`, "name": "By plan, renamed"}`),
		http.StatusUnprocessableEntity, "invalid_filter")
	require.Equal(t, "filter", e.Field)
	require.Equal(t, `report "By plan, renamed": filter: with the dashboard's filters, together they are 26 bytes long, over this server's limit of 20 bytes; shorten it, or remove a filter from the dashboard's row of filters`, e.Message)
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/by-plan", "ana", `{"version": `+v+`, "filter": ""}`), http.StatusOK, &editResult{})
	require.Equal(t, map[string][]int64{"volume": {3}, "by-plan": {3}}, reportCounts(t, f, "plans", "ana"))
	require.NotContains(t, card(t, page(t, f, "/dashboards/plans", "ana", http.StatusOK), "article", "by-plan"), "data-stale")
}

// Removing the dashboard's filter is the other way: the save is not
// refused, and both reports run with their own filters only.
func TestRemovingTheDashboardsFilterBringsTheReportBack(t *testing.T) {
	f := joinedFixture(t)
	okJSON(t, putFilters(f, `[]`), http.StatusOK, &struct{}{})
	require.Equal(t, map[string][]int64{"volume": {5}, "by-plan": {4}}, reportCounts(t, f, "plans", "ana"))
}

// The live stream draws the card as the page does, and redraws it with
// its numbers once the dashboard's filter is removed.
func TestReportFilterWithTheDashboardsLive(t *testing.T) {
	f := joinedFixture(t)
	ch, ev := f.firstReports("/api/dashboards/plans/live?range=last_30_days")
	require.Equal(t, map[string][]int64{"volume": {3}, "by-plan": {}}, eventCounts(ev))
	require.Contains(t, html.UnescapeString(ev.Reports[1].HTML), joinedSentence)

	// The saved filters are part of what the page shows around its cards:
	// the page is told to draw itself again, then gets the numbers.
	okJSON(t, putFilters(f, `[]`), http.StatusOK, &struct{}{})
	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "dashboard", name)
	require.NotEmpty(t, ev.Page)
	require.Empty(t, ev.Cards)
	name, ev = next(t, ch, 5*time.Second)
	require.Equal(t, "reports", name)
	require.Equal(t, map[string][]int64{"volume": {5}, "by-plan": {4}}, eventCounts(ev))
	require.Contains(t, ev.Reports[1].HTML, "<svg", "the report is drawn with its numbers")
}

// A filter chosen on the page for this view only (not saved) that goes
// over the limits with a report's own is said on that report's card, in
// the page and its print, and the API's run and drill-downs of that view
// name the report; without the view's filter, it runs.
func TestViewFilterWithAReportsOverTheLimits(t *testing.T) {
	f := restarted(t, restartedFixture(t, `"filter": "seats > 1"`, droppedSchema), convreport.Limits{Filter: convreport.FilterOptions{MaxLength: 20}})
	view := "filters=" + url.QueryEscape(seatsOver2)
	body := page(t, f, "/dashboards/plans?"+view, "ana", http.StatusOK)
	require.Contains(t, card(t, body, "article", "volume"), "3 conversations")
	require.Contains(t, card(t, body, "article", "by-plan"), joinedSentence)
	require.Contains(t, card(t, page(t, f, "/dashboards/plans/print?"+view, "ana", http.StatusOK), "section", "by-plan"), joinedSentence)
	for _, path := range []string{"/api/dashboards/plans/run?" + view, "/api/dashboards/plans/reports/by-plan/drill?point=%7B%7D&" + view} {
		e := failure(t, f.get(path, "ana"), http.StatusUnprocessableEntity, "invalid_filter")
		require.Equal(t, "by-plan", e.Report, path)
		require.Equal(t, "filter", e.Field, path)
	}
	require.Equal(t, map[string][]int64{"volume": {5}, "by-plan": {4}}, reportCounts(t, f, "plans", "ana"), "without the view's filter")
}

// When the dashboard's filters alone are over the limits, they are to
// blame: every report's card says so, with no link to an editor that
// cannot fix it, and the API's field is the dashboard's "filters".
func TestDashboardFiltersAloneOverTheLimits(t *testing.T) {
	f := restartedFixture(t, `"dimensions": ["Channel"]`, droppedSchema)
	okJSON(t, putFilters(f, seatsOver2), http.StatusOK, &struct{}{})
	f = restarted(t, f, convreport.Limits{Filter: convreport.FilterOptions{MaxLength: 8}})
	const sentence = `The dashboard's filters: they are 9 bytes long, over this server's limit of 8 bytes; remove some of them from the row of filters.`

	body := page(t, f, "/dashboards/plans", "ana", http.StatusOK)
	for _, id := range []string{"volume", "by-plan"} {
		stale := card(t, body, "article", id)
		require.Contains(t, stale, "Not run: the dashboard's filters are over this server's limits")
		require.Contains(t, stale, sentence)
		require.Contains(t, stale, "Removing filters from the row of filters above brings its numbers back.")
		require.NotContains(t, stale, "data-edit-stale", "the report's editor cannot fix it")
	}
	e := failure(t, f.get("/api/dashboards/plans/run", "ana"), http.StatusUnprocessableEntity, "invalid_filter")
	require.Equal(t, "filters", e.Field)
	require.Equal(t, "volume", e.Report)
	require.Equal(t, `report "Volume" (volume): `+lowerInitial(sentence[:len(sentence)-1]), e.Message)
	// An update of a report is not refused for the dashboard's filters.
	v := strconv.FormatInt(mustGet(t, f, "plans").Version, 10)
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/by-plan", "ana", `{"version": `+v+`, "name": "By channel"}`), http.StatusOK, &editResult{})

	okJSON(t, putFilters(f, `[]`), http.StatusOK, &struct{}{})
	require.Equal(t, map[string][]int64{"volume": {5}, "by-plan": {5}}, reportCounts(t, f, "plans", "ana"))
}

// Saving dashboard filters that a report, running before, would not run
// with is refused, naming the report, and nothing is saved; a save that
// leaves a report over the limits as it was (one filter of two removed)
// is not, so that the filters can be fixed one at a time.
func TestSavingDashboardFiltersOverTheLimits(t *testing.T) {
	f := restartedFixture(t, `"filter": "seats > 1"`, droppedSchema, limited(convreport.Limits{Filter: convreport.FilterOptions{MaxLength: 20}})...)
	v := mustGet(t, f, "plans").Version
	e := failure(t, putFilters(f, seatsOver2), http.StatusUnprocessableEntity, "invalid_filter")
	require.Equal(t, "filters", e.Field)
	require.Equal(t, `report "By plan" would not run: with its own filters, these would be 26 bytes long, over this server's limit of 20 bytes; shorten its filters first, or save fewer here`, e.Message)
	e = failure(t, putFilters(f, `[{"property": "seats", "op": "is_any_of", "values": ["1", "2", "3", "4"]}]`), http.StatusUnprocessableEntity, "invalid_filter")
	require.Equal(t, "filters", e.Field)
	require.Regexp(t, `^the filters would be \d+ bytes long, over this server's limit of 20 bytes; remove some of them$`, e.Message)
	require.Equal(t, v, mustGet(t, f, "plans").Version, "nothing saved")
	require.Equal(t, map[string][]int64{"volume": {5}, "by-plan": {4}}, reportCounts(t, f, "plans", "ana"))

	// Saved on a server of the default limits, two filters; restarted
	// with lower ones, both reports are over; removing one filter is
	// saved, though "By plan" stays over with the other.
	g := restartedFixture(t, `"filter": "seats > 1"`, droppedSchema)
	okJSON(t, putFilters(g, `[{"property": "seats", "op": "greater_than", "values": ["2"]}, {"property": "seats", "op": "less_than", "values": ["100"]}]`), http.StatusOK, &struct{}{})
	g = restarted(t, g, convreport.Limits{Filter: convreport.FilterOptions{MaxLength: 20}})
	okJSON(t, putFilters(g, seatsOver2), http.StatusOK, &struct{}{})
	require.Contains(t, card(t, page(t, g, "/dashboards/plans", "ana", http.StatusOK), "article", "by-plan"), joinedSentence)
	require.Contains(t, card(t, page(t, g, "/dashboards/plans", "ana", http.StatusOK), "article", "volume"), "3 conversations")
}
