package web_test

import (
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// staleParts is a report "By plan" of restartedFixture that no longer
// runs for two reasons at once, what its card says of each, in order, and
// how the API names each.
var staleParts = []struct {
	name, report, after string
	opts                []convreport.Option
	meta, why           string
	sentences           []string
	problems            []apiError // code, field, index and message of each
	// refusedAll is what the editor's state holds to mark each part the
	// engine refuses.
	refusedAll string
	// partial is an update that fixes one part only, refused on the
	// other's field; fix fixes both.
	partial, partialField string
	fix                   string
	counts                []int64 // of "By plan" once fixed
}{
	// plan is gone; "seats > 1 && seats > 2" is 22 bytes, over 10.
	{name: "a lost grouping and a filter over the limits", report: `"dimensions": ["plan"], "filter": "seats > 1 && seats > 2"`, after: withSeatsOnly,
		opts: limited(convreport.Limits{Filter: convreport.FilterOptions{MaxLength: 10}}),
		meta: "Not run: parts of it no longer check",
		why:  "It names a property the schema no longer has, and without its filters it would count conversations it is meant to leave out, so it shows no numbers.",
		sentences: []string{`Group by plan: the schema has no property "plan".`,
			`The filter expression: it is 22 bytes long, over this server's limit of 10 bytes; shorten it.`},
		problems: []apiError{
			{Code: "unknown_property", Field: "dimensions", Index: intp(0), Message: `group by plan: the schema has no property "plan"`},
			{Code: "invalid_filter", Field: "filter", Message: `the filter expression: it is 22 bytes long, over this server's limit of 10 bytes; shorten it`}},
		refusedAll: `"refused_all":[{"field":"filter","index":-1,"reason":"it is 22 bytes long, over this server's limit of 10 bytes; shorten it"}]`,
		partial:    `"dimensions": ["Channel"]`, partialField: "filter",
		// a, c, d and e have more than one seat, all on chat.
		fix: `"dimensions": ["Channel"], "filter": "seats > 1"`, counts: []int64{4}},
	// plan is a time now, and the Top is over the lowered MaxGroups.
	{name: "a grouping of another kind and a Top over the limits", report: `"dimensions": ["plan"], "limit": 3`, after: kindsChanged,
		opts: limited(convreport.Limits{MaxGroups: 2}),
		meta: "Not run: parts of it no longer check",
		why:  "Each part named keeps it from running as it is, so it shows no numbers.",
		sentences: []string{`Group by plan: Plan is a time property; group by text, choice or yes/no properties, and by time with a time bucket.`,
			`Top 3: this server allows a top of at most 2; make it a whole number from 1 to 2, or empty to keep every group.`},
		problems: []apiError{
			{Code: "invalid_report", Field: "dimensions", Index: intp(0), Message: `group by plan: Plan is a time property; group by text, choice or yes/no properties, and by time with a time bucket`},
			{Code: "invalid_report", Field: "limit", Message: `top 3: this server allows a top of at most 2; make it a whole number from 1 to 2, or empty to keep every group`}},
		refusedAll: `"refused_all":[{"field":"dimensions","index":0,"reason":"Plan is a time property; group by text, choice or yes/no properties, and by time with a time bucket"},` +
			`{"field":"limit","index":-1,"reason":"this server allows a top of at most 2; make it a whole number from 1 to 2, or empty to keep every group"}]`,
		partial: `"dimensions": ["Channel"]`, partialField: "limit",
		fix: `"dimensions": ["Channel"], "limit": 2`, counts: []int64{5}},
	// Two limits lowered: one grouping at most, a Top of 2 at most.
	{name: "two parts over the limits", report: `"dimensions": ["Channel", "Inbox"], "limit": 3, "chart": {"type": "bar"}`, after: droppedSchema,
		opts: limited(convreport.Limits{MaxDimensions: 1, MaxGroups: 2}),
		meta: "Not run: it asks for more than this server allows",
		why:  "This server runs reports within limits of its own, and this one is past some of them, so it shows no numbers.",
		sentences: []string{`The properties in the chart: this server groups a report by at most 1 property, and this one has 2; remove one.`,
			`Top 3: this server allows a top of at most 2; make it a whole number from 1 to 2, or empty to keep every group.`},
		problems: []apiError{
			{Code: "invalid_report", Field: "dimensions", Message: `the properties in the chart: this server groups a report by at most 1 property, and this one has 2; remove one`},
			{Code: "invalid_report", Field: "limit", Message: `top 3: this server allows a top of at most 2; make it a whole number from 1 to 2, or empty to keep every group`}},
		refusedAll: `"refused_all":[{"field":"dimensions","index":-1,`,
		partial:    `"limit": 2`, partialField: "dimensions",
		fix: `"dimensions": ["Channel"], "limit": 2`, counts: []int64{5}},
}

func intp(i int) *int { return &i }

// has checks that a page holds sub, saying only what it lacks.
func has(t *testing.T, page, sub, what string) {
	t.Helper()
	if !strings.Contains(page, sub) {
		t.Fatalf("%s: the page lacks %q", what, sub)
	}
}

// A saved report that no longer ran for several reasons had a card that
// named only the first part the engine refused: the person fixed it, and
// met the next at the next save. The card, its print, the live stream,
// the editor and the API now say every part, so that all are fixed in
// one go; the API's field is the first part's, as it was.
func TestStaleReportSaysEveryPart(t *testing.T) {
	for _, c := range staleParts {
		t.Run(c.name, func(t *testing.T) {
			f := restartedFixture(t, c.report, c.after, c.opts...)
			want := "<ul><li>" + c.sentences[0] + "</li><li>" + c.sentences[1] + "</li></ul>"

			body := page(t, f, "/dashboards/plans", "ana", http.StatusOK)
			require.Contains(t, card(t, body, "article", "volume"), "5 conversations")
			stale := card(t, body, "article", "by-plan")
			require.Contains(t, stale, c.meta)
			require.Contains(t, stale, want, "both parts, in order")
			require.Contains(t, stale, c.why)
			require.NotContains(t, stale, "<svg")
			require.Contains(t, card(t, page(t, f, "/dashboards/plans/print", "ana", http.StatusOK), "section", "by-plan"), want)

			text := html.UnescapeString(page(t, f, "/dashboards/plans/reports/by-plan/edit", "ana", http.StatusOK))
			has(t, text, want, "the editor's note says both")
			has(t, text, c.refusedAll, "the editor marks each part the engine refuses")

			msg := `report "By plan" (by-plan): ` + lowerInitial(c.sentences[0][:len(c.sentences[0])-1]) + "; " + lowerInitial(c.sentences[1][:len(c.sentences[1])-1])
			for _, path := range []string{
				"/api/dashboards/plans/run",
				"/api/dashboards/plans/reports/by-plan/export?format=csv",
				"/api/dashboards/plans/reports/by-plan/drill?point=%7B%7D",
			} {
				e := failure(t, f.get(path, "ana"), http.StatusUnprocessableEntity, c.problems[0].Code)
				require.Equal(t, msg, e.Message, path)
				require.Equal(t, "by-plan", e.Report, path)
				require.Equal(t, c.problems[0].Field, e.Field, path)
				require.Equal(t, c.problems[0].Index, e.Index, path)
				require.Equal(t, c.problems, e.Problems, path)
			}

			// Fixing one part is not enough: the update is refused on the
			// other; fixing both brings the numbers back.
			v := mustGet(t, f, "plans").Version
			e := failure(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/by-plan", "ana", `{"version": `+strconv.FormatInt(v, 10)+`, `+c.partial+`}`),
				http.StatusUnprocessableEntity, c.problems[1].Code)
			require.Equal(t, c.partialField, e.Field)
			okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/by-plan", "ana", `{"version": `+strconv.FormatInt(v, 10)+`, `+c.fix+`}`),
				http.StatusOK, &editResult{})
			require.Equal(t, map[string][]int64{"volume": {5}, "by-plan": c.counts}, reportCounts(t, f, "plans", "ana"))
		})
	}
}

// The live stream draws the card as the page does, every part said.
func TestStaleReportSaysEveryPartLive(t *testing.T) {
	c := staleParts[1]
	f := restartedFixture(t, c.report, c.after, c.opts...)
	_, ev := f.firstReports("/api/dashboards/plans/live?range=last_30_days")
	require.Equal(t, map[string][]int64{"volume": {5}, "by-plan": {}}, eventCounts(ev))
	card := html.UnescapeString(ev.Reports[1].HTML)
	require.Contains(t, card, c.sentences[0])
	require.Contains(t, card, c.sentences[1])
}

// A problem alone in the API's list has the code, field, index and
// position it has as the error's: a program reads one list whatever the
// count.
func TestStaleReportProblemsListOne(t *testing.T) {
	f := droppedFixture(t, `"filter": "plan == \"pro\""`)
	e := failure(t, f.get("/api/dashboards/plans/run", "ana"), http.StatusUnprocessableEntity, "invalid_filter")
	require.Len(t, e.Problems, 1)
	p := e.Problems[0]
	require.Equal(t, []any{"invalid_filter", "filter", 1, 1, e.Snippet}, []any{p.Code, p.Field, p.Line, p.Column, p.Snippet})
	require.NotEmpty(t, p.Snippet)
	require.Equal(t, `report "By plan" (by-plan): `+p.Message, e.Message)
}

// A part wrong whatever the schema and the server (a dashboard file
// edited by hand to an aggregation that does not exist) is said with the
// others, in the engine's words, when the report is stale for them: the
// person fixing those meets it at once too. Alone, it is an error, as
// the run says (see TestReportWrongForAnotherReasonIsAnError).
func TestStaleReportSaysAPartWrongWhateverTheSchema(t *testing.T) {
	f := sumMeasureFixture(t, `"dimensions": ["plan"]`)

	const measure = `unknown aggregation "sum" (want count, avg, median, percentile, min, max, share_within, sla_met, sla_breaches, sla_avg_over or sla_total_over)`
	stale := card(t, page(t, f, "/dashboards/plans", "ana", http.StatusOK), "article", "by-plan")
	require.Contains(t, stale, "Not run: parts of it no longer check")
	require.Contains(t, stale, `<ul><li>Group by plan: the schema has no property "plan".</li><li>Measure: `+measure+`.</li></ul>`)
	e := failure(t, f.get("/api/dashboards/plans/run", "ana"), http.StatusUnprocessableEntity, "unknown_property")
	require.Equal(t, []apiError{
		{Code: "unknown_property", Field: "dimensions", Index: intp(0), Message: `group by plan: the schema has no property "plan"`},
		{Code: "invalid_report", Field: "measure", Message: "measure: " + measure}}, e.Problems)
}
