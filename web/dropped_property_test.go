package web_test

import (
	"context"
	"errors"
	"html"
	"maps"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// droppedSchema is the schema a dashboard "plans" was saved under: a
// choice plan, a number seats and a time renewal. withSeatsOnly is the
// one the server restarts with: plan and renewal are gone.
const (
	droppedSchema = `{"properties": [{"name": "plan", "kind": "enum", "values": ["free", "pro"], "label": "Plan"},
		{"name": "seats", "kind": "number", "label": "Seats"}, {"name": "renewal", "kind": "time", "label": "Renewal"}]}`
	withSeatsOnly = `{"properties": [{"name": "seats", "kind": "number", "label": "Seats"}]}`
)

// droppedFixture is a dashboard "plans" of ana's, everyone may view, with
// a report "Volume" (a count) and a report "By plan" made of the keys of
// report (an edit's), saved under droppedSchema; then the server restarts
// with withSeatsOnly over the same store.
//
// Its conversations, all created on May 20: a (pro, 12 seats, renewal
// May 10), b (pro, 1, May 12), c (free, 5, none), d (no plan, 30, May 12),
// e (free, 2, none). "Volume" counts 5.
func droppedFixture(t *testing.T, report string) *fixture {
	t.Helper()
	return restartedFixture(t, report, withSeatsOnly)
}

// restartedFixture is droppedFixture with the server restarting under
// the schema after, its engine made with opts (its limits), over the same
// conversations less their plan and renewal.
func restartedFixture(t *testing.T, report, after string, opts ...convreport.Option) *fixture {
	t.Helper()
	day := time.Date(2025, 5, 20, 10, 0, 0, 0, paris)
	conv := func(id, plan string, seats float64, renewal int) convreport.Conversation {
		c := convreport.Conversation{ID: id, Channel: convreport.Chat, Status: convreport.Open, CreatedAt: day, Properties: map[string]any{"seats": seats}}
		if plan != "" {
			c.Properties["plan"] = plan
		}
		if renewal > 0 {
			c.Properties["renewal"] = time.Date(2025, 5, renewal, 9, 0, 0, 0, paris)
		}
		return c
	}
	cs := []convreport.Conversation{conv("a", "pro", 12, 10), conv("b", "pro", 1, 12), conv("c", "free", 5, 0), conv("d", "", 30, 12), conv("e", "free", 2, 0)}
	st := store.NewMemory()
	handler := func(schemaJSON string, cs []convreport.Conversation, opts ...convreport.Option) *fixture {
		schema, err := convreport.ParseSchema([]byte(schemaJSON))
		require.NoError(t, err)
		src, err := memory.New(cs, memory.WithSchema(schema))
		require.NoError(t, err)
		eng := convreport.NewEngine(src, opts...)
		cfg := web.Config{Engine: eng, Store: st, Schema: schema, Now: func() time.Time { return now }, Zone: paris, Logger: discard(),
			AllowedHosts: []string{"reports.test"},
			Authenticate: func(r *http.Request) (access.Viewer, error) {
				if v, ok := users[r.Header.Get("X-User")]; ok {
					return v, nil
				}
				return access.Viewer{}, errors.New("sign in first")
			}}
		h, err := web.New(cfg)
		require.NoError(t, err)
		return &fixture{t: t, h: h, store: st, cs: cs, eng: eng, src: src, conf: cfg}
	}
	before := handler(droppedSchema, cs)
	schema := before.conf.Schema
	d, err := convreport.NewDashboard(convreport.DashboardOptions{ID: "plans", Name: "Plans", Owner: "ana", Schema: schema,
		Visibility: access.EveryoneCanView,
		Reports:    []convreport.Report{{ID: "volume", Name: "Volume", Measure: convreport.Measure{Agg: convreport.Count}}}})
	require.NoError(t, err)
	_, err = st.Create(context.Background(), users["ana"], d)
	require.NoError(t, err)
	okJSON(t, before.edit(http.MethodPost, "/api/dashboards/plans/reports", "ana", `{"version": 1, "name": "By plan", `+report+`}`),
		http.StatusCreated, &editResult{})
	okJSON(t, before.get("/api/dashboards/plans/run?range=last_30_days", "ana"), http.StatusOK, &struct{}{})

	// The data follows the new schema.
	var conversations []convreport.Conversation
	for _, c := range cs {
		c.Properties = maps.Clone(c.Properties)
		delete(c.Properties, "plan")
		delete(c.Properties, "renewal")
		conversations = append(conversations, c)
	}
	return handler(after, conversations, opts...)
}

// staleCard is what the cards of "By plan" say of it while it is not
// run: the heading, the sentence that names the part, why it shows no
// numbers, and what an editor, or a viewer, can do.
type staleCard struct{ meta, sentence, why, fix, viewer string }

// requireStaleCards checks the cards of "By plan" of f's dashboard
// "plans", beside "Volume" whole: on the page for ana, who may edit it,
// and for carl, who may not, and on its print. It returns the print's.
func requireStaleCards(t *testing.T, f *fixture, c staleCard) string {
	t.Helper()
	body := page(t, f, "/dashboards/plans", "ana", http.StatusOK)
	require.Contains(t, card(t, body, "article", "volume"), "5 conversations", "the other report is whole")
	stale := card(t, body, "article", "by-plan")
	require.Contains(t, stale, `data-stale="true"`)
	require.Contains(t, stale, c.meta)
	require.Contains(t, stale, c.sentence)
	require.Contains(t, stale, c.why)
	require.Contains(t, stale, `<a href="dashboards/plans/reports/by-plan/edit" data-edit-stale="by-plan">Edit the report</a> `+c.fix)
	for _, number := range []string{"<svg", "<table", "/drill?"} {
		require.NotContains(t, stale, number)
	}
	require.NotRegexp(t, `\d conversation`, stale)
	stale = card(t, page(t, f, "/dashboards/plans", "carl", http.StatusOK), "article", "by-plan")
	require.Contains(t, stale, c.sentence)
	require.Contains(t, stale, c.viewer)
	require.NotContains(t, stale, "/edit")

	body = page(t, f, "/dashboards/plans/print", "ana", http.StatusOK)
	require.Contains(t, card(t, body, "section", "volume"), "5 conversations")
	stale = card(t, body, "section", "by-plan")
	require.Contains(t, stale, c.sentence)
	require.NotContains(t, stale, "<svg")
	return stale
}

// requireRefusedByTheAPI checks that every call that runs "By plan" of
// f's dashboard "plans", exports it or drills into it answers code,
// saying the card's sentence and naming the report, the part's field and
// its position (index, -1 for none).
func requireRefusedByTheAPI(t *testing.T, f *fixture, code, sentence, field string, index int) {
	t.Helper()
	msg := `report "By plan" (by-plan): ` + lowerInitial(sentence[:len(sentence)-1])
	for _, path := range []string{
		"/api/dashboards/plans/run",
		"/api/dashboards/plans/export?format=zip",
		"/api/dashboards/plans/reports/by-plan/export?format=csv",
		"/api/dashboards/plans/reports/by-plan/drill?point=%7B%7D",
		"/api/dashboards/plans/reports/by-plan/drill/export?point=%7B%7D",
	} {
		e := failure(t, f.get(path, "ana"), http.StatusUnprocessableEntity, code)
		require.Equal(t, msg, e.Message, path)
		require.Equal(t, field, e.Field, path)
		require.Equal(t, "by-plan", e.Report, path)
		if index < 0 {
			require.Nil(t, e.Index, path)
		} else {
			require.NotNil(t, e.Index, path)
			require.Equal(t, index, *e.Index, path)
		}
	}
}

// editByPlan updates "By plan" of f's dashboard "plans" at version v
// with the JSON members keys, as ana; the update must be taken.
func editByPlan(t *testing.T, f *fixture, v int64, keys string) {
	t.Helper()
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/by-plan", "ana", `{"version": `+strconv.FormatInt(v, 10)+`, `+keys+`}`),
		http.StatusOK, &editResult{})
}

// requireWhole checks that "By plan", once edited, runs with counts
// beside "Volume" and its card on the page is no longer stale.
func requireWhole(t *testing.T, f *fixture, counts []int64) {
	t.Helper()
	require.Equal(t, map[string][]int64{"volume": {5}, "by-plan": counts}, reportCounts(t, f, "plans", "ana"))
	require.NotContains(t, card(t, page(t, f, "/dashboards/plans", "ana", http.StatusOK), "article", "by-plan"), "data-stale")
}

// followPlans opens the live stream of f's dashboard "plans" as ana: its
// first reports are "Volume", with its count, and "By plan" as its card,
// with no numbers, whose HTML it returns.
func followPlans(t *testing.T, f *fixture) (<-chan sseEvent, string) {
	t.Helper()
	ch, ev := f.follow(f.serve(), "ana", "/api/dashboards/plans/live?range=last_30_days")
	require.Len(t, ev.Reports, 2)
	require.Equal(t, "by-plan", ev.Reports[1].ID)
	require.Empty(t, ev.Reports[1].Points)
	require.Equal(t, map[string][]int64{"volume": {5}, "by-plan": {}}, eventCounts(ev))
	return ch, html.UnescapeString(ev.Reports[1].HTML)
}

// requireRedrawn reads the stream's next event after an edit made "By
// plan" whole: its definition changed, so its card comes whole, in a
// "dashboard" event, the only one redrawn, with counts.
func requireRedrawn(t *testing.T, ch <-chan sseEvent, counts []int64) {
	t.Helper()
	name, ev := next(t, ch, 5*time.Second)
	require.Equal(t, "dashboard", name)
	require.Len(t, ev.Cards, 1, "only the report fixed is redrawn")
	require.Equal(t, map[string][]int64{"by-plan": counts}, eventCounts(ev))
	require.Contains(t, ev.Cards[0].Card, "<svg")
}

// dropped is a report of droppedFixture that names a property the new
// schema lost in one part, what its card says of that part, and the edit
// that chooses another in its place.
var dropped = []struct {
	name, report, sentence, field string
	index                         int // -1 for none
	fix                           string
	counts                        []int64 // of "By plan" once fixed
}{
	{"grouping", `"dimensions": ["plan"]`, `Group by plan: the schema has no property "plan".`, "dimensions", 0,
		`"dimensions": ["Channel"]`, []int64{5}},
	{"breakdown", `"dimensions": ["Channel", "plan"], "chart": {"type": "bar"}`, `Break down by plan: the schema has no property "plan".`, "dimensions", 1,
		`"dimensions": ["Channel"]`, []int64{5}},
	{"date property", `"date_property": "renewal"`, `Date range applies to renewal: the schema has no property "renewal".`, "date_property", -1,
		`"date_property": "CreatedAt"`, []int64{5}},
	{"display property", `"properties": ["ID", "plan", "seats"]`, `Display property plan: the schema has no property "plan".`, "properties", 1,
		`"properties": ["ID", "seats"]`, []int64{5}},
}

// A report that names, in its grouping, its date property or its display
// properties, a property the schema dropped made the dashboard page, its
// print, its live stream and its editor error pages, and the API answered
// unknown_property without saying which report. As for a filter that no
// longer checks: the page shows every other report and a card that says
// which part names the property; the editor opens, without a preview, to
// choose another; the API names the report by ID and the part by its
// field (and position); an update makes the report whole.
func TestDroppedPropertyLeavesTheDashboardUsable(t *testing.T) {
	for _, c := range dropped {
		t.Run(c.name, func(t *testing.T) {
			f := droppedFixture(t, c.report)

			printed := requireStaleCards(t, f, staleCard{
				meta:     "Not run: it names a property the schema no longer has",
				sentence: c.sentence,
				why:      "A report cannot be run on a property that is not there, so it shows no numbers.",
				fix:      "to choose another property in its place.",
				viewer:   "An editor of this dashboard can choose another property in the report editor.",
			})
			require.Contains(t, printed, "This report is not run: it names a property the schema no longer has.")

			text := html.UnescapeString(page(t, f, "/dashboards/plans/reports/by-plan/edit", "ana", http.StatusOK))
			require.Contains(t, text, "No preview: this report names a property the schema no longer has.")
			require.Contains(t, text, c.sentence)

			requireRefusedByTheAPI(t, f, "unknown_property", c.sentence, c.field, c.index)

			// The dashboard can still be managed: renamed, here.
			v := mustGet(t, f, "plans").Version
			okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/plans", "ana", `{"version": `+strconv.FormatInt(v, 10)+`, "name": "Plans, renamed"}`),
				http.StatusOK, &struct{}{})
			// An update that keeps the property is refused on its field.
			e := failure(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/by-plan", "ana", `{"version": `+strconv.FormatInt(v+1, 10)+`, "name": "By plan, renamed"}`),
				http.StatusUnprocessableEntity, "unknown_property")
			require.Equal(t, c.field, e.Field)
			// One that chooses another makes it whole.
			editByPlan(t, f, v+1, c.fix)
			requireWhole(t, f, c.counts)
		})
	}
}

// lowerInitial is the message of a card's sentence as the API writes it.
func lowerInitial(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

// A report whose grouping and filter both name the lost property says
// both, the grouping first as the editor shows it; the API's field is the
// grouping's.
func TestDroppedPropertyAndStaleFilter(t *testing.T) {
	f := droppedFixture(t, `"dimensions": ["plan"], "conditions": [{"property": "seats", "op": "greater_than", "values": ["1"]}, {"property": "plan", "op": "is_any_of", "values": ["pro"]}]`)
	stale := card(t, page(t, f, "/dashboards/plans", "ana", http.StatusOK), "article", "by-plan")
	require.Contains(t, stale, "Not run: parts of it no longer check")
	require.Regexp(t, `(?s)Group by plan: the schema has no property "plan"\.</li>\s*<li>Filter 2, plan is any of "pro": the schema has no property "plan"\.`, stale)
	require.Contains(t, stale, "to change them.")
	e := failure(t, f.get("/api/dashboards/plans/run", "ana"), http.StatusUnprocessableEntity, "unknown_property")
	require.Equal(t, `report "By plan" (by-plan): group by plan: the schema has no property "plan"; filter 2, plan is any of "pro": the schema has no property "plan"`, e.Message)
	require.Equal(t, "dimensions", e.Field)
	text := html.UnescapeString(page(t, f, "/dashboards/plans/reports/by-plan/edit", "ana", http.StatusOK))
	require.Contains(t, text, "No preview: parts of this report no longer check.")
	require.Contains(t, text, `"stale":[{"index":1,"reason":"the schema has no property \"plan\""}]`, "the filter is marked")
}

// The live stream runs as the page does: the report that names a lost
// property is sent as its card, beside the others, and redrawn with its
// numbers once an editor chooses another.
func TestDroppedPropertyLiveStream(t *testing.T) {
	f := droppedFixture(t, `"dimensions": ["plan"]`)
	ch, stale := followPlans(t, f)
	require.Contains(t, stale, `Group by plan: the schema has no property "plan".`)

	editByPlan(t, f, mustGet(t, f, "plans").Version, `"dimensions": ["Channel"]`)
	requireRedrawn(t, ch, []int64{5})
}
