package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// kindsChanged is a schema the server restarts with after droppedSchema:
// plan, a choice, is now a time, and renewal, a time, is now text.
const kindsChanged = `{"properties": [{"name": "plan", "kind": "time", "label": "Plan"},
	{"name": "seats", "kind": "number", "label": "Seats"}, {"name": "renewal", "kind": "string", "label": "Renewal"}]}`

// limited is an engine option that lowers one of its limits.
func limited(l convreport.Limits) []convreport.Option {
	return []convreport.Option{convreport.WithLimits(l)}
}

// What a card says of a report the engine refuses, by why.
const (
	kindMeta   = "Not run: a property it names has another kind now"
	kindWhy    = "The report cannot be run with that property where it is, so it shows no numbers."
	kindFix    = "to choose another property in its place."
	kindViewer = "An editor of this dashboard can choose another property in the report editor."
	kindNone   = "No preview: a property of this report has another kind in the schema now."

	limitMeta   = "Not run: it asks for more than this server allows"
	limitWhy    = "This server runs reports within limits of its own, and this one is past one of them, so it shows no numbers."
	limitFix    = "to bring it within them."
	limitViewer = "An editor of this dashboard can change it in the report editor."
	limitNone   = "No preview: this report asks for more than this server allows."

	filterMeta   = "Not run: a filter of its own no longer checks"
	filterWhy    = "Without it, the report would count conversations it is meant to leave out, so it shows no numbers."
	filterFix    = "to remove or change it."
	filterViewer = "An editor of this dashboard can remove it in the report editor."
	filterNone   = "No preview: a filter of this report no longer checks."
)

// refused is a report "By plan" saved under droppedSchema on an engine
// of the default limits, that the server, restarted with schema after
// and an engine made with opts, refuses for a reason of the schema or of
// its limits; what its card says of it, the API's answer, and the edit
// that makes it whole.
var refused = []struct {
	name, report, after string
	opts                []convreport.Option
	meta, sentence      string
	why, fix, viewer    string
	none                string
	code, field         string
	index               int // -1 for none
	// refusedState is the part the editor's state marks, when it is not
	// a filter that no longer checks, which its own state marks.
	refusedState string
	edit         string
	counts       []int64 // of "By plan" once fixed
}{
	{name: "grouping now a time", report: `"dimensions": ["plan"]`, after: kindsChanged,
		meta: kindMeta, why: kindWhy, fix: kindFix, viewer: kindViewer, none: kindNone,
		sentence: `Group by plan: Plan is a time property; group by text, choice or yes/no properties, and by time with a time bucket.`,
		code:     "invalid_report", field: "dimensions", index: 0,
		refusedState: `"refused":{"field":"dimensions","index":0,"reason":"Plan is a time property; group by text, choice or yes/no properties, and by time with a time bucket"}`,
		edit:         `"dimensions": ["Channel"]`, counts: []int64{5}},
	{name: "breakdown now a time", report: `"dimensions": ["Channel", "plan"], "chart": {"type": "bar"}`, after: kindsChanged,
		meta: kindMeta, why: kindWhy, fix: kindFix, viewer: kindViewer, none: kindNone,
		sentence: `Break down by plan: Plan is a time property; group by text, choice or yes/no properties, and by time with a time bucket.`,
		code:     "invalid_report", field: "dimensions", index: 1,
		refusedState: `"refused":{"field":"dimensions","index":1,`,
		edit:         `"dimensions": ["Channel"]`, counts: []int64{5}},
	{name: "date now text", report: `"date_property": "renewal"`, after: kindsChanged,
		meta: kindMeta, why: kindWhy, fix: kindFix, viewer: kindViewer, none: kindNone,
		sentence: `Date range applies to renewal: Renewal is a string, not a date.`,
		code:     "invalid_report", field: "date_property", index: -1,
		refusedState: `"refused":{"field":"date_property","index":-1,"reason":"Renewal is a string, not a date"}`,
		edit:         `"date_property": "CreatedAt"`, counts: []int64{5}},
	// An operator that no longer fits the kind was already a filter that
	// no longer checks; it stays one.
	{name: "condition's operator", report: `"conditions": [{"property": "plan", "op": "is_any_of", "values": ["pro"]}]`, after: kindsChanged,
		meta: filterMeta, why: filterWhy, fix: filterFix, viewer: filterViewer, none: filterNone,
		sentence: `Filter 1, Plan is any of "pro": "is any of" does not apply to plan, which is a time.`,
		code:     "invalid_condition", field: "conditions", index: 0,
		edit: `"conditions": []`, counts: []int64{5}},
	{name: "top over the groups", report: `"dimensions": ["Channel"], "limit": 3`, after: droppedSchema,
		opts: limited(convreport.Limits{MaxGroups: 2}),
		meta: limitMeta, why: limitWhy, fix: limitFix, viewer: limitViewer, none: limitNone,
		sentence: `Top 3: this server allows a top of at most 2; make it a whole number from 1 to 2, or empty to keep every group.`,
		code:     "invalid_report", field: "limit", index: -1,
		refusedState: `"refused":{"field":"limit","index":-1,"reason":"this server allows a top of at most 2; make it a whole number from 1 to 2, or empty to keep every group"}`,
		edit:         `"limit": 2`, counts: []int64{5}},
	{name: "groupings over the limit", report: `"dimensions": ["Channel", "plan"], "chart": {"type": "bar"}`, after: droppedSchema,
		opts: limited(convreport.Limits{MaxDimensions: 1}),
		meta: limitMeta, why: limitWhy, fix: limitFix, viewer: limitViewer, none: limitNone,
		sentence: `The properties in the chart: this server groups a report by at most 1 property, and this one has 2; remove one.`,
		code:     "invalid_report", field: "dimensions", index: -1,
		refusedState: `"refused":{"field":"dimensions","index":-1,`,
		edit:         `"dimensions": ["Channel"]`, counts: []int64{5}},
	// "seats > 1 && seats > 2" is 22 bytes; "seats > 1" leaves out b (1
	// seat) only.
	{name: "filter over the length", report: `"filter": "seats > 1 && seats > 2"`, after: droppedSchema,
		opts: limited(convreport.Limits{Filter: convreport.FilterOptions{MaxLength: 10}}),
		meta: filterMeta, why: filterWhy, fix: filterFix, viewer: filterViewer, none: filterNone,
		sentence: `The filter expression: it is 22 bytes long, over this server's limit of 10 bytes; shorten it.`,
		code:     "invalid_filter", field: "filter", index: -1,
		refusedState: `"refused":{"field":"filter","index":-1,"reason":"it is 22 bytes long, over this server's limit of 10 bytes; shorten it"}`,
		edit:         `"filter": "seats > 1"`, counts: []int64{4}},
}

// A saved report whose property changed kind under a new schema file (a
// choice it groups by is now a time, a time its range applies to is now
// text), or that asks for more than the engine's lowered limits allow (a
// Top over its MaxGroups, more groupings than its MaxDimensions, a filter
// longer than its filter limits), made the dashboard page, its print, its
// live stream and its editor error pages. As for a property the schema
// dropped: the page shows every other report and a card that says which
// part, what is wrong and what to do, with no numbers; the editor opens
// without a preview; the API names the report by ID and the part by its
// field; an update that changes the part makes the report whole.
func TestRefusedReportLeavesTheDashboardUsable(t *testing.T) {
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			f := restartedFixture(t, c.report, c.after, c.opts...)

			requireStaleCards(t, f, staleCard{meta: c.meta, sentence: c.sentence, why: c.why, fix: c.fix, viewer: c.viewer})

			edit := page(t, f, "/dashboards/plans/reports/by-plan/edit", "ana", http.StatusOK)
			require.Regexp(t, `<div class="chart" id="preview">\s*</div>`, edit, "no numbers in the preview")
			text := html.UnescapeString(edit)
			require.Contains(t, text, c.none)
			require.Contains(t, text, c.sentence)
			if c.refusedState != "" {
				require.Contains(t, text, c.refusedState, "the editor marks the part")
			} else {
				require.NotContains(t, text, `"refused":`)
			}

			requireRefusedByTheAPI(t, f, c.code, c.sentence, c.field, c.index)
			res := f.get("/api/dashboards/plans/reports/volume/export?format=csv", "ana")
			require.Equal(t, http.StatusOK, res.Code, "the other report exports")

			// An update that keeps the part is refused on its field; one
			// that changes it makes the report whole.
			v := mustGet(t, f, "plans").Version
			e := failure(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/by-plan", "ana", `{"version": `+strconv.FormatInt(v, 10)+`, "name": "By plan, renamed"}`),
				http.StatusUnprocessableEntity, c.code)
			require.Equal(t, c.field, e.Field)
			editByPlan(t, f, v, c.edit)
			requireWhole(t, f, c.counts)
			require.NotContains(t, page(t, f, "/dashboards/plans/reports/by-plan/edit", "ana", http.StatusOK), "preview-stale-filter")
		})
	}
}

// The live stream runs as the page does: the refused report is sent as
// its card beside the others, and redrawn with its numbers once an editor
// changes the part.
func TestRefusedReportLiveStream(t *testing.T) {
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			f := restartedFixture(t, c.report, c.after, c.opts...)
			ch, stale := followPlans(t, f)
			require.Contains(t, stale, c.sentence)

			editByPlan(t, f, mustGet(t, f, "plans").Version, c.edit)
			requireRedrawn(t, ch, c.counts)
		})
	}
}

// A report wrong for another reason than the schema or the engine's
// limits is not stale: one whose file was edited by hand to an
// aggregation that does not exist fails as it did, in the engine's words,
// rather than as a card that would blame the schema or the limits.
func TestReportWrongForAnotherReasonIsAnError(t *testing.T) {
	f := sumMeasureFixture(t, `"dimensions": ["Channel"]`)

	const msg = `report "By plan": measure: unknown aggregation "sum" (want count, avg, median, percentile, min, max, share_within, sla_met, sla_breaches, sla_avg_over or sla_total_over)`
	e := failure(t, f.get("/api/dashboards/plans/run", "ana"), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, msg, e.Message)
	require.Equal(t, "measure", e.Field)
	require.Empty(t, e.Report)
	body := html.UnescapeString(page(t, f, "/dashboards/plans", "ana", http.StatusUnprocessableEntity))
	require.Contains(t, body, `unknown aggregation "sum"`)
	require.NotContains(t, body, `data-stale="true"`)
}

// The editor's check of a filter as it is typed follows the engine's
// filter limits, as its runs and the report's card do: it said "valid" of
// a filter the engine refused at every run.
func TestFilterValidationFollowsTheEngine(t *testing.T) {
	f := restartedFixture(t, `"dimensions": ["Channel"]`, droppedSchema, limited(convreport.Limits{Filter: convreport.FilterOptions{MaxLength: 10}})...)
	type answer struct {
		Valid bool      `json:"valid"`
		Error *apiError `json:"error"`
	}
	check := func(body string) answer {
		t.Helper()
		var a answer
		okJSON(t, f.do(req{method: http.MethodPost, path: "/api/filters/validate", user: "ana", body: body}), http.StatusOK, &a)
		return a
	}
	a := check(`{"filter": "seats > 1 && seats > 2"}`)
	require.False(t, a.Valid)
	require.Equal(t, "invalid_filter", a.Error.Code)
	require.Equal(t, "filter", a.Error.Field)
	require.Equal(t, "filter: expression is 22 bytes long, over the limit of 10 bytes", a.Error.Message)
	require.True(t, check(`{"filter": "seats > 1"}`).Valid, "9 bytes")
	// With conditions, counted as the engine joins them.
	a = check(`{"filter": "seats > 1", "conditions": [{"property": "seats", "op": "greater_than", "values": ["2"]}]}`)
	require.False(t, a.Valid)
	require.Equal(t, "invalid_filter", a.Error.Code)
}

// sumMeasureFixture is droppedFixture(t, report) served from a store in
// a directory whose file was then edited by hand so that "By plan"
// measures with an aggregation that does not exist ("sum").
func sumMeasureFixture(t *testing.T, report string) *fixture {
	t.Helper()
	f := droppedFixture(t, report)
	d := mustGet(t, f, "plans")
	dir := t.TempDir()
	st, err := store.OpenDir(dir)
	require.NoError(t, err)
	_, err = st.Create(context.Background(), users["ana"], d)
	require.NoError(t, err)
	path := filepath.Join(dir, "plans.json")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	doc["reports"].([]any)[1].(map[string]any)["measure"] = map[string]any{"agg": "sum", "metric": "wait_time"}
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o600))
	cfg := f.conf
	cfg.Store = st
	h, err := web.New(cfg)
	require.NoError(t, err)
	return &fixture{t: t, h: h, store: st, cs: f.cs, eng: f.eng, src: f.src, conf: cfg}
}
