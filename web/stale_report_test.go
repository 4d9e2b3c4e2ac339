package web_test

import (
	"context"
	"errors"
	"html"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// staleFixture is customFixture after ana saved a report "Pro seats" whose
// own filters are seats > 1 and plan is any of pro, and the server
// restarted with a schema file without the property plan: the same store,
// a new handler over the same conversations less plan. Everyone may view
// the dashboard "plans"; ana may edit it.
//
// Its conversations, all on May 20: a (pro, 12 seats), b (pro, 1),
// c (free, 5), d (no plan, 30), e (free, 2). So the report "Volume"
// counts 5, "Pro seats" counted 1 (a), and would count 4 (a, c, d, e)
// without its filter on plan.
func staleFixture(t *testing.T, schemaJSON string) *fixture {
	t.Helper()
	return staleFixtureOf(t, schemaJSON, `"conditions": [{"property": "seats", "op": "greater_than", "values": ["1"]}, {"property": "plan", "op": "is_any_of", "values": ["pro"]}]`)
}

// staleFixtureOf is staleFixture with the filters of "Pro seats" given as
// the keys of an edit.
func staleFixtureOf(t *testing.T, schemaJSON, filters string) *fixture {
	t.Helper()
	f := customFixture(t)
	okJSON(t, f.edit(http.MethodPost, "/api/dashboards/plans/reports", "ana", `{"version": 1, "name": "Pro seats", `+filters+`}`),
		http.StatusCreated, &editResult{})
	require.Equal(t, map[string][]int64{"volume": {5}, "pro-seats": {1}}, reportCounts(t, f, "plans", "ana"), "before the restart")
	d, err := f.store.Get(context.Background(), users["ana"], "plans")
	require.NoError(t, err)
	d.Visibility = access.EveryoneCanView
	_, err = f.store.Save(context.Background(), users["ana"], d)
	require.NoError(t, err)

	schema, err := convreport.ParseSchema([]byte(schemaJSON))
	require.NoError(t, err)
	var cs []convreport.Conversation
	for _, c := range f.cs {
		c.Properties = maps.Clone(c.Properties)
		// The data follows the schema: no plan, or none it lost.
		plan, _ := c.Properties["plan"].(string)
		if p, ok := schema.Lookup("plan"); !ok || !slices.Contains(p.Values, plan) {
			delete(c.Properties, "plan")
		}
		cs = append(cs, c)
	}
	src, err := memory.New(cs, memory.WithSchema(schema))
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	cfg := web.Config{Engine: eng, Store: f.store, Schema: schema, Now: func() time.Time { return now }, Zone: paris, Logger: discard(),
		AllowedHosts: []string{"reports.test"},
		Authenticate: func(r *http.Request) (access.Viewer, error) {
			if v, ok := users[r.Header.Get("X-User")]; ok {
				return v, nil
			}
			return access.Viewer{}, errors.New("sign in first")
		}}
	h, err := web.New(cfg)
	require.NoError(t, err)
	return &fixture{t: t, h: h, store: f.store, cs: cs, eng: eng, src: src, conf: cfg}
}

// withoutPlan is the schema the server restarts with: plan is gone.
const withoutPlan = `{"properties": [{"name": "seats", "kind": "number", "label": "Seats"}]}`

// reportCounts is each report's point counts, by ID, from the run API.
func reportCounts(t *testing.T, f *fixture, dash, user string) map[string][]int64 {
	t.Helper()
	run := f.run(dash, user, "range=last_30_days")
	out := map[string][]int64{}
	for i, id := range run.ReportIDs {
		out[id] = []int64{}
		for _, p := range run.Reports[i].Points {
			out[id] = append(out[id], p.Count)
		}
	}
	return out
}

// card returns the HTML of the card (or print block) of report id, its
// text unescaped.
func card(t *testing.T, body, tag, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<` + tag + ` [^>]*id="report-` + regexp.QuoteMeta(id) + `".*?</` + tag + `>`).FindString(body)
	require.NotEmpty(t, m, "no card of %s", id)
	return html.UnescapeString(m)
}

const staleSentence = `Filter 2, plan is any of "pro": the schema has no property "plan".`

// A report whose own filter names a property the schema dropped made the
// dashboard page and its print error pages, with nothing in the UI to
// remove the filter. The page now shows every other report, and the
// report's card says which filter no longer checks and why, with no
// numbers: run without the filter, they would count conversations the
// report leaves out.
func TestStaleReportLeavesTheDashboardUsable(t *testing.T) {
	f := staleFixture(t, withoutPlan)

	body := page(t, f, "/dashboards/plans", "ana", http.StatusOK)
	require.Contains(t, card(t, body, "article", "volume"), "5 conversations", "the other report is whole")
	stale := card(t, body, "article", "pro-seats")
	require.Contains(t, stale, `data-stale="true"`)
	require.Contains(t, stale, "Pro seats")
	require.Contains(t, stale, "Not run: a filter of its own no longer checks")
	require.Contains(t, stale, staleSentence)
	require.Contains(t, stale, "so it shows no numbers")
	require.Contains(t, stale, `href="dashboards/plans/reports/pro-seats/edit"`, "an editor is sent to the editor")
	for _, number := range []string{"<svg", "<table", "/drill?"} {
		require.NotContains(t, stale, number, "no numbers, and none without the filter")
	}
	require.NotRegexp(t, `\d conversation`, stale)
	require.NotContains(t, body, `id="range-error"`, "the period is not to blame")

	// carl may view, not edit: he is told who can fix it.
	stale = card(t, page(t, f, "/dashboards/plans", "carl", http.StatusOK), "article", "pro-seats")
	require.Contains(t, stale, staleSentence)
	require.Contains(t, stale, "An editor of this dashboard can remove it in the report editor.")
	require.NotContains(t, stale, "/edit")

	// The print says it too, for the same report, beside the others.
	body = page(t, f, "/dashboards/plans/print", "ana", http.StatusOK)
	require.Contains(t, card(t, body, "section", "volume"), "5 conversations")
	stale = card(t, body, "section", "pro-seats")
	require.Contains(t, stale, staleSentence)
	require.NotContains(t, stale, "<svg")
}

// The JSON API and the exports refuse the report, naming it by name and
// ID and its filter by position (index 1, "filter 2"); a report of the
// same dashboard that checks still exports.
func TestStaleReportAPIErrorsNameTheReport(t *testing.T) {
	f := staleFixture(t, withoutPlan)
	const msg = `report "Pro seats" (pro-seats): filter 2, plan is any of "pro": the schema has no property "plan"`
	for _, path := range []string{
		"/api/dashboards/plans/run",
		"/api/dashboards/plans/export?format=zip",
		"/api/dashboards/plans/reports/pro-seats/export?format=csv",
		"/api/dashboards/plans/reports/pro-seats/drill?point=%7B%7D",
		"/api/dashboards/plans/reports/pro-seats/drill/export?point=%7B%7D",
	} {
		e := failure(t, f.get(path, "ana"), http.StatusUnprocessableEntity, "invalid_condition")
		require.Equal(t, msg, e.Message, path)
		require.Equal(t, "conditions", e.Field, path)
		require.Equal(t, "pro-seats", e.Report, path)
		require.NotNil(t, e.Index, path)
		require.Equal(t, 1, *e.Index, path)
	}
	// The drill-down page, from a link saved before, says the same.
	body := page(t, f, "/dashboards/plans/reports/pro-seats/drill?point=%7B%7D", "ana", http.StatusUnprocessableEntity)
	require.Contains(t, html.UnescapeString(body), "Report \"Pro seats\" (pro-seats): filter 2")

	res := f.get("/api/dashboards/plans/reports/volume/export?format=csv", "ana")
	require.Equal(t, http.StatusOK, res.Code, res.Body.String())
	require.Equal(t, "Point,Conversations\nConversations,5\n", strings.ReplaceAll(res.Body.String(), "\r\n", "\n"))
}

// A filter may stop checking for another reason than a lost property: a
// choice that lost the value it names. The card says that reason.
func TestStaleReportOnALostValue(t *testing.T) {
	f := staleFixture(t, `{"properties": [{"name": "plan", "kind": "enum", "values": ["free", "team"]}, {"name": "seats", "kind": "number", "label": "Seats"}]}`)
	stale := card(t, page(t, f, "/dashboards/plans", "ana", http.StatusOK), "article", "pro-seats")
	require.Contains(t, stale, `Filter 2, plan is any of "pro": not a value of plan (want one of "free", "team").`)
	e := failure(t, f.get("/api/dashboards/plans/run", "ana"), http.StatusUnprocessableEntity, "invalid_condition")
	require.Equal(t, `report "Pro seats" (pro-seats): filter 2, plan is any of "pro": not a value of plan (want one of "free", "team")`, e.Message)
}

// The filter expression, the other half of a report's Advanced filters,
// is checked the same way: the card and the API say where in it.
func TestStaleReportFilterExpression(t *testing.T) {
	f := staleFixtureOf(t, withoutPlan, `"filter": "seats > 1 && plan == \"pro\""`)
	// "seats > 1 && " is 13 characters: plan is at column 14.
	const sentence = `The filter expression (line 1, column 14): the schema has no property "plan".`
	body := page(t, f, "/dashboards/plans", "ana", http.StatusOK)
	require.Contains(t, card(t, body, "article", "volume"), "5 conversations")
	stale := card(t, body, "article", "pro-seats")
	require.Contains(t, stale, sentence)
	require.NotContains(t, stale, "<svg")

	e := failure(t, f.get("/api/dashboards/plans/run", "ana"), http.StatusUnprocessableEntity, "invalid_filter")
	require.Equal(t, `report "Pro seats" (pro-seats): the filter expression (line 1, column 14): the schema has no property "plan"`, e.Message)
	require.Equal(t, "filter", e.Field)
	require.Equal(t, "pro-seats", e.Report)
	require.Equal(t, 1, e.Line)
	require.Equal(t, 14, e.Column)
	require.Equal(t, "seats > 1 && plan == \"pro\"\n             ^", e.Snippet)

	text := html.UnescapeString(page(t, f, "/dashboards/plans/reports/pro-seats/edit", "ana", http.StatusOK))
	require.Contains(t, text, sentence)
	require.NotContains(t, text, `"stale":`, "no row to mark")
	v := mustGet(t, f, "plans").Version
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/pro-seats", "ana", `{"version": `+strconv.FormatInt(v, 10)+`, "filter": "seats > 1"}`),
		http.StatusOK, &editResult{})
	require.Equal(t, map[string][]int64{"volume": {5}, "pro-seats": {4}}, reportCounts(t, f, "plans", "ana"))
}

// The live stream of the page runs as the page does: the stale report
// (no points) beside the others, rather than a refusal that left the page
// retrying. Once an editor removes the filter, the stream redraws the
// report with its numbers.
func TestStaleReportLiveStream(t *testing.T) {
	f := staleFixture(t, withoutPlan)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)

	// What the page shows, as its script sends it: nothing to redraw.
	body := page(t, f, "/dashboards/plans", "ana", http.StatusOK)
	var sigs []string
	for _, id := range []string{"volume", "pro-seats"} {
		m := regexp.MustCompile(`id="report-` + id + `" data-report="` + id + `" data-sig="([^"]+)"`).FindStringSubmatch(body)
		require.NotNil(t, m, id)
		sigs = append(sigs, id+":"+m[1])
	}
	ch, _ := f.stream(srv, "ana", "/api/dashboards/plans/live?range=last_30_days&sigs="+strings.Join(sigs, ","))
	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "status", name)
	require.True(t, ev.Live)
	quiet(t, ch, 300*time.Millisecond, "the page is up to date")

	// A stream that shows nothing yet gets both: the stale one says why.
	fresh, _ := f.stream(srv, "ana", "/api/dashboards/plans/live?range=last_30_days")
	next(t, fresh, 5*time.Second)
	name, ev = next(t, fresh, 5*time.Second)
	require.Equal(t, "reports", name)
	require.Len(t, ev.Reports, 2)
	require.Equal(t, "pro-seats", ev.Reports[1].ID)
	require.Empty(t, ev.Reports[1].Points)
	require.Contains(t, html.UnescapeString(ev.Reports[1].HTML), staleSentence)

	v := mustGet(t, f, "plans").Version
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/pro-seats", "ana", `{"version": `+strconv.FormatInt(v, 10)+`,
		"conditions": [{"property": "seats", "op": "greater_than", "values": ["1"]}]}`), http.StatusOK, &editResult{})
	// Its definition changed: the card comes whole, in a "dashboard"
	// event, and no other.
	name, ev = next(t, ch, 5*time.Second)
	require.Equal(t, "dashboard", name)
	require.Len(t, ev.Cards, 1, "only the report fixed is redrawn")
	require.Empty(t, ev.Reports)
	require.Equal(t, "pro-seats", ev.Cards[0].ID)
	require.Equal(t, map[string][]int64{"pro-seats": {4}}, eventCounts(ev))
	require.Contains(t, ev.Cards[0].Card, "<svg")
	require.NotContains(t, ev.Cards[0].Card, "no longer checks")
	quiet(t, ch, 300*time.Millisecond, "no reports event: the others did not change")
}

// The report's editor was an error page too. It now opens without a
// preview, says why, and marks the filter; an update that removes it
// makes the dashboard whole.
func TestStaleReportEditorOpensToRemoveTheFilter(t *testing.T) {
	f := staleFixture(t, withoutPlan)
	body := page(t, f, "/dashboards/plans/reports/pro-seats/edit", "ana", http.StatusOK)
	text := html.UnescapeString(body)
	require.Contains(t, text, `id="preview-stale-filter"`)
	require.Contains(t, text, "No preview: a filter of this report no longer checks.")
	require.Contains(t, text, staleSentence)
	require.Regexp(t, `<div class="chart" id="preview">\s*</div>`, body, "no numbers in the preview")
	// The script marks the filter from the state it starts from.
	require.Contains(t, text, `"stale":[{"index":1,"reason":"the schema has no property \"plan\""}]`)

	// An update that keeps the filter is refused, naming it.
	v := mustGet(t, f, "plans").Version
	e := failure(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/pro-seats", "ana", `{"version": `+strconv.FormatInt(v, 10)+`, "name": "Pro seats, renamed"}`),
		http.StatusUnprocessableEntity, "invalid_condition")
	require.Equal(t, 1, *e.Index)
	require.Contains(t, e.Message, "filter 2")

	// The editor sends the conditions without it: the report is whole.
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/pro-seats", "ana", `{"version": `+strconv.FormatInt(v, 10)+`,
		"conditions": [{"property": "seats", "op": "greater_than", "values": ["1"]}]}`), http.StatusOK, &editResult{})
	body = page(t, f, "/dashboards/plans", "ana", http.StatusOK)
	c := card(t, body, "article", "pro-seats")
	require.NotContains(t, c, "data-stale")
	require.Contains(t, c, "4 conversations")
	require.Contains(t, c, "<svg")
	require.Equal(t, map[string][]int64{"volume": {5}, "pro-seats": {4}}, reportCounts(t, f, "plans", "ana"))
	require.NotContains(t, page(t, f, "/dashboards/plans/reports/pro-seats/edit", "ana", http.StatusOK), "preview-stale-filter")
}

// The stream draws a card as the page does for its viewer: an editor's
// stale card links to the report's editor, with the page's period, and a
// viewer's says who can fix it. It used to be drawn for a viewer always.
func TestStaleReportLiveCardAsTheViewerSeesIt(t *testing.T) {
	f := staleFixture(t, withoutPlan)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	staleHTML := func(user string) string {
		ch, cancel := f.stream(srv, user, "/api/dashboards/plans/live?range=last_30_days")
		defer cancel()
		next(t, ch, 5*time.Second)
		name, ev := next(t, ch, 5*time.Second)
		require.Equal(t, "reports", name)
		require.Equal(t, "pro-seats", ev.Reports[1].ID)
		return html.UnescapeString(ev.Reports[1].HTML)
	}
	ana := staleHTML("ana")
	require.Contains(t, ana, `<a href="dashboards/plans/reports/pro-seats/edit?range=last_30_days" data-edit-stale="pro-seats">Edit the report</a> to remove or change it.`)
	require.Contains(t, card(t, page(t, f, "/dashboards/plans?range=last_30_days", "ana", http.StatusOK), "article", "pro-seats"),
		strings.TrimSpace(ana), "the chart the page draws")
	carl := staleHTML("carl")
	require.Contains(t, carl, "An editor of this dashboard can remove it in the report editor.")
	require.NotContains(t, carl, "/edit")
}
