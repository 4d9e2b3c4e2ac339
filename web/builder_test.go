package web_test

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/web"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The editor changes every part of a report through PATCH: the measure,
// the properties in the chart, the date property, the sort and the top
// N; the run then computes what a plain loop over the data computes.
func TestEditEveryPartOfAReport(t *testing.T) {
	f := newFixture(t)
	path := "/api/dashboards/chat/reports/conversations-by-rep"
	var out editResult
	okJSON(t, f.edit(http.MethodPatch, path, "ana", `{
		"version": 1,
		"measure": {"agg": "max", "metric": "wait_time"},
		"dimensions": ["Inbox", "Team"],
		"date_property": "ClosedAt",
		"sort": "label_asc",
		"chart": {"type": "table"}
	}`), http.StatusOK, &out)
	r := out.Report
	require.Equal(t, convreport.Measure{Agg: convreport.Max, Metric: convreport.WaitTime}, r.Measure)
	require.Equal(t, []string{"Inbox", "Team"}, r.Dimensions)
	require.Equal(t, "ClosedAt", r.DateProperty)
	require.Equal(t, convreport.ByLabelAsc, r.Sort)

	run := f.run("chat", "ana", "range=last_30_days")
	i := run.report(t, "conversations-by-rep")
	require.Equal(t, "max_wait_time", run.Reports[i].Measure)
	// The reference: chats closed in the range, the longest wait per
	// inbox and team, in seconds rounded to the millisecond.
	want := map[string]string{}
	wantCount := map[string]int64{}
	for _, c := range f.cs {
		if c.Channel != convreport.Chat || c.ClosedAt.IsZero() || c.ClosedAt.Before(run.From) || !c.ClosedAt.Before(run.To) {
			continue
		}
		key := c.Inbox + "|" + c.Team
		if c.FirstResponseAt.IsZero() {
			continue // never answered: left out of the point, and of its count
		}
		wantCount[key]++
		w := decimal.NewFromInt(int64(c.FirstResponseAt.Sub(c.CreatedAt))).Shift(-9)
		if old, ok := want[key]; !ok || w.GreaterThan(decimal.RequireFromString(old)) {
			want[key] = w.String()
		}
	}
	got := map[string]string{}
	gotCount := map[string]int64{}
	var labels []string
	for _, p := range run.Reports[i].Points {
		key := deref(p.Dimensions["inbox"]) + "|" + deref(p.Dimensions["team"])
		labels = append(labels, key)
		gotCount[key] = p.Count
		if p.Value != nil {
			got[key] = *p.Value
		}
	}
	require.Equal(t, wantCount, gotCount)
	require.Len(t, got, len(want))
	for k, v := range want {
		require.True(t, decimal.RequireFromString(v).Round(3).Equal(decimal.RequireFromString(got[k])), "%s: want %s, got %s", k, v, got[k])
	}
	require.True(t, sort.StringsAreSorted(labels), "sorted by label: %v", labels)

	// Top 3 reps, the rest as one Other point holding exactly the rest.
	out = editResult{} // what the answer omits is empty, not the last answer's
	okJSON(t, f.edit(http.MethodPatch, path, "ana", `{"version": 2, "measure": {"agg": "count"}, "dimensions": ["Assignee"],
		"date_property": "", "sort": "value_desc", "limit": 3, "chart": {"type": "bar"}}`), http.StatusOK, &out)
	require.Equal(t, 3, out.Report.Limit)
	require.Empty(t, out.Report.DateProperty)
	run = f.run("chat", "ana", "range=last_30_days")
	byRep := count(f.cs, run.From, run.To, func(c *convreport.Conversation) bool { return c.Channel == convreport.Chat })
	var counts []int64
	var total int64
	for _, n := range byRep {
		counts = append(counts, n)
		total += n
	}
	sort.Slice(counts, func(a, b int) bool { return counts[a] > counts[b] })
	pts := run.Reports[i].Points
	require.Len(t, pts, 4)
	require.Equal(t, counts[:3], []int64{pts[0].Count, pts[1].Count, pts[2].Count})
	require.True(t, pts[3].Other)
	require.Equal(t, total-counts[0]-counts[1]-counts[2], pts[3].Count)

	// A share within five minutes, weekly, as a line; and a snapshot.
	out = editResult{}
	okJSON(t, f.edit(http.MethodPatch, path, "ana", `{"version": 3, "measure": {"agg": "share_within", "metric": "first_response_time", "threshold": "5m"},
		"dimensions": [], "limit": 0, "sort": "", "bucket": "week", "chart": {"type": "line"}}`), http.StatusOK, &out)
	require.Equal(t, convreport.Week, out.Report.Bucket)
	require.Equal(t, "5m0s", mustText(out.Report.Measure.Threshold))
	out = editResult{}
	okJSON(t, f.edit(http.MethodPatch, path, "ana", `{"version": 4, "measure": {"agg": "percentile", "metric": "wait_time", "p": 90},
		"bucket": "", "snapshot": true, "dimensions": ["Inbox"], "chart": {"type": "column"}}`), http.StatusOK, &out)
	require.True(t, out.Report.Snapshot)
	require.Equal(t, 90.0, out.Report.Measure.P)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func mustText(d convreport.Duration) string {
	b, _ := d.MarshalText()
	return string(b)
}

// What makes no sense is refused with the field the editor shows the
// message next to, by update, save as new and preview alike, and nothing
// is saved.
func TestEditRefusesNonsense(t *testing.T) {
	f := newFixture(t)
	path := "/api/dashboards/chat/reports/conversations-by-rep"
	for _, c := range []struct {
		name, body, code, field, says string
	}{
		{"pie with a breakdown", `"dimensions": ["Assignee", "Inbox"], "chart": {"type": "pie"}`, "invalid_report", "chart", "one grouping"},
		{"stacking without a breakdown", `"chart": {"type": "bar", "stacked": true}`, "invalid_report", "chart", "stacking needs a breakdown"},
		{"percent without a breakdown", `"chart": {"type": "bar", "percent": true}`, "invalid_report", "chart", "stacking to 100 % needs a breakdown: add a second property (or a time bucket) to the chart, or turn percent off"},
		{"percentile without P", `"measure": {"agg": "percentile", "metric": "wait_time"}`, "invalid_report", "measure", "percentile P"},
		{"share without a time", `"measure": {"agg": "share_within", "metric": "wait_time"}`, "invalid_report", "measure", "threshold"},
		{"share within nonsense", `"measure": {"agg": "share_within", "metric": "wait_time", "threshold": "soon"}`, "invalid_report", "measure", "not a duration"},
		{"average of nothing", `"measure": {"agg": "avg"}`, "invalid_report", "measure", "needs a metric"},
		{"summary with groups", `"chart": {"type": "summary"}`, "invalid_report", "chart", "one number"},
		{"pie of averages", `"measure": {"agg": "avg", "metric": "wait_time"}, "chart": {"type": "pie"}`, "invalid_report", "chart", "parts of a whole"},
		{"unknown property", `"dimensions": ["Colour"]`, "unknown_property", "dimensions", "Colour"},
		{"three groupings", `"dimensions": ["Inbox", "Team", "Status"]`, "invalid_report", "dimensions", "at most 2"},
		{"group by a time", `"dimensions": ["ClosedAt"]`, "invalid_report", "dimensions", "time bucket"},
		{"date that is not one", `"date_property": "Inbox"`, "invalid_report", "date_property", "not a date"},
		{"unknown bucket", `"bucket": "fortnight"`, "invalid_report", "bucket", "fortnight"},
		{"snapshot over time", `"snapshot": true, "bucket": "day", "dimensions": [], "chart": {"type": "line"}`, "invalid_report", "bucket", "snapshot"},
		{"unknown sort", `"sort": "random"`, "invalid_report", "sort", "random"},
		{"negative top", `"limit": -2`, "invalid_report", "limit", "top must be a whole number from 1 to 10,000, or empty to keep every group (got -2)"},
		{"fraction of a top", `"limit": 2.5`, "invalid_report", "limit", "top must be a whole number from 1 to 10,000, or empty to keep every group (got 2.5)"},
		{"top of one number", `"limit": 5, "dimensions": []`, "invalid_report", "limit", "nothing to fold"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, w := range []struct{ method, path string }{
				{http.MethodPatch, path}, {http.MethodPost, path + "/save-as-new"}, {http.MethodPost, path + "/preview"},
			} {
				e := failure(t, f.edit(w.method, w.path, "ana", `{"version": 1, `+c.body+`}`), http.StatusUnprocessableEntity, c.code)
				require.Equal(t, c.field, e.Field, e.Message)
				require.Contains(t, e.Message, c.says)
			}
		})
	}
	d, err := f.store.Get(context.Background(), users["ana"], "chat")
	require.NoError(t, err)
	require.EqualValues(t, 1, d.Version, "nothing was saved")
	require.Len(t, d.Reports, 6)

	// The schema lists the choices the editor offers.
	var s struct {
		Aggregations   []string `json:"aggregations"`
		Metrics        []string `json:"metrics"`
		Buckets        []string `json:"buckets"`
		Sorts          []string `json:"sorts"`
		Dimensions     []string `json:"dimensions"`
		DateProperties []string `json:"date_properties"`
		MaxDimensions  int      `json:"max_dimensions"`
	}
	okJSON(t, f.get("/api/schema", "ana"), http.StatusOK, &s)
	require.Equal(t, []string{"count", "avg", "median", "percentile", "min", "max", "share_within"}, s.Aggregations)
	require.Equal(t, []string{"first_response_time", "wait_time", "time_to_close"}, s.Metrics)
	require.Equal(t, []string{"hour", "day", "week", "month", "quarter", "year"}, s.Buckets)
	require.Equal(t, 2, s.MaxDimensions)
	require.Contains(t, s.Dimensions, "Inbox")
	require.NotContains(t, s.Dimensions, "ID")
	require.NotContains(t, s.Dimensions, "CreatedAt")
	require.Equal(t, "CreatedAt", s.DateProperties[0])
	require.Contains(t, strings.Join(s.DateProperties, ","), "ClosedAt")
}

// Issue 17, item 2: "Add to dashboard" from the report builder (an empty
// report and edits) and from the library (a template's report).
func TestAddReport(t *testing.T) {
	f := newFixture(t, func(c *web.Config) { c.Plan = plan.Plan{Name: "eight", ReportsPerDashboard: 8} })
	path := "/api/dashboards/shared/reports"
	w := f.edit(http.MethodPost, path, "ben", `{"version": 1, "name": "Chats by inbox", "dimensions": ["Inbox"], "chart": {"type": "pie"}}`)
	var out editResult
	okJSON(t, w, http.StatusCreated, &out)
	require.Equal(t, convreport.Report{ID: "chats-by-inbox", Name: "Chats by inbox", Dimensions: []string{"Inbox"}, Chart: convreport.Chart{Type: convreport.PieChart}}, out.Report)
	require.Equal(t, "reports/chats-by-inbox", w.Header().Get("Location"))
	require.Len(t, out.Dashboard.Reports, 7)
	require.EqualValues(t, 2, out.Dashboard.Version)
	okJSON(t, f.get("/api/dashboards/shared/reports/chats-by-inbox", "ben"), http.StatusOK, &struct{}{})

	// It runs, in ben's scope, as a loop over his conversations counts.
	run := f.run("shared", "ben", "range=last_30_days")
	i := run.report(t, "chats-by-inbox")
	want := map[string]int64{}
	for _, c := range f.cs {
		if c.Team == "Support" && !c.CreatedAt.Before(run.From) && c.CreatedAt.Before(run.To) {
			want[c.Inbox]++
		}
	}
	got := map[string]int64{}
	for _, p := range run.Reports[i].Points {
		got[deref(p.Dimensions["inbox"])] = p.Count
	}
	require.Equal(t, want, got)

	// A template's report keeps its ID and its definition.
	out = editResult{}
	okJSON(t, f.edit(http.MethodPost, path, "ana", `{"version": 2, "template": "email-overview", "report": "open-emails-by-inbox"}`), http.StatusCreated, &out)
	tpl, _ := library.Lookup("email-overview")
	wantRep, err := tpl.Report("open-emails-by-inbox")
	require.NoError(t, err)
	require.Equal(t, wantRep, out.Report)
	require.Len(t, out.Dashboard.Reports, 8)

	// The plan is full: the refusal names the cap, and nothing is saved.
	e := failure(t, f.edit(http.MethodPost, path, "ana", `{"version": 3, "name": "Ninth"}`), http.StatusUnprocessableEntity, "plan_limit")
	require.Equal(t, `plan "eight" allows 8 reports per dashboard`, e.Message)
	require.Equal(t, "reports", e.Field)
	// So does saving as new, and the page says it.
	e = failure(t, f.edit(http.MethodPost, path+"/conversations-by-rep/save-as-new", "ana", `{"version": 3, "name": "Ninth"}`), http.StatusUnprocessableEntity, "plan_limit")
	require.Equal(t, "reports", e.Field)
	page := f.get("/dashboards/shared", "ana")
	require.Equal(t, http.StatusOK, page.Code)
	require.Contains(t, page.Body.String(), "8 of 8 reports")
	require.Contains(t, page.Body.String(), `Plan &#34;eight&#34; allows 8 reports per dashboard`)
	d, err := f.store.Get(context.Background(), users["ana"], "shared")
	require.NoError(t, err)
	require.Len(t, d.Reports, 8)
	require.EqualValues(t, 3, d.Version)
}

func TestAddReportRefusals(t *testing.T) {
	f := newFixture(t)
	path := "/api/dashboards/shared/reports"
	for _, c := range []struct {
		name, user, path, body string
		status                 int
		code, field            string
	}{
		{"view only", "ben", "/api/dashboards/chat/reports", `{"version": 1, "name": "Mine"}`, 403, "forbidden", ""},
		{"private to another", "ben", "/api/dashboards/email/reports", `{"version": 1, "name": "Mine"}`, 404, "not_found", ""},
		{"no version", "ana", path, `{"name": "X"}`, 422, "invalid_request", "version"},
		{"stale", "ana", path, `{"version": 0, "name": "X"}`, 409, "conflict", ""},
		{"no name", "ana", path, `{"version": 1, "dimensions": ["Inbox"]}`, 422, "invalid_report", "name"},
		{"pie with a breakdown", "ana", path, `{"version": 1, "name": "P", "dimensions": ["Inbox", "Team"], "chart": {"type": "pie"}}`, 422, "invalid_report", "chart"},
		{"unknown template", "ana", path, `{"version": 1, "template": "sales", "report": "x"}`, 422, "invalid_request", "template"},
		{"report without template", "ana", path, `{"version": 1, "report": "open-emails-by-inbox"}`, 422, "invalid_request", "template"},
		{"unknown template report", "ana", path, `{"version": 1, "template": "email-overview", "report": "nope"}`, 422, "invalid_request", "report"},
		{"unknown key", "ana", path, `{"version": 1, "colour": "red"}`, 400, "invalid_json", "colour"},
		{"GET", "ana", path, ``, 405, "method_not_allowed", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			method := http.MethodPost
			if c.name == "GET" {
				method = http.MethodGet
			}
			e := failure(t, f.do(req{method: method, path: c.path, user: c.user, body: f.withCreated(c.path, c.body)}), c.status, c.code)
			require.Equal(t, c.field, e.Field, e.Message)
		})
	}
	d, err := f.store.Get(context.Background(), users["ana"], "shared")
	require.NoError(t, err)
	require.EqualValues(t, 1, d.Version, "nothing saved")
}

func TestPreviewNewReport(t *testing.T) {
	f := newFixture(t)
	var out struct {
		Report convreport.Report `json:"report"`
		SVG    string            `json:"svg"`
		Result struct {
			Points []struct {
				Count int64 `json:"count"`
			} `json:"points"`
		} `json:"result"`
	}
	// A viewer may try reports on a dashboard they view; unnamed, it is
	// "New report"; the run is in their scope.
	okJSON(t, f.edit(http.MethodPost, "/api/dashboards/chat/preview?range=last_7_days", "ben", `{"name": "", "dimensions": ["Team"]}`), http.StatusOK, &out)
	require.Equal(t, "New report", out.Report.Name)
	require.Len(t, out.Result.Points, 1, "ben sees the Support team only")
	require.True(t, strings.HasPrefix(out.SVG, "<svg"))
	okJSON(t, f.edit(http.MethodPost, "/api/dashboards/chat/preview", "ana", `{"template": "chat-overview", "report": "chat-conversations-over-time"}`), http.StatusOK, &out)
	require.Equal(t, convreport.Day, out.Report.Bucket)
	require.Len(t, out.Result.Points, 30, "a day per day of the default 30 days")

	e := failure(t, f.edit(http.MethodPost, "/api/dashboards/chat/preview", "ana", `{"measure": {"agg": "percentile", "metric": "wait_time"}}`), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, "measure", e.Field)
	failure(t, f.edit(http.MethodPost, "/api/dashboards/email/preview", "ben", `{}`), http.StatusNotFound, "not_found")
}

func TestNewReportPage(t *testing.T) {
	f := newFixture(t, func(c *web.Config) { c.Plan = plan.Starter })
	w := f.get("/dashboards/shared/reports/new?range=last_7_days", "ben")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	body := w.Body.String()
	require.Contains(t, body, "Create report")
	require.Contains(t, body, `id="add-report"`)
	require.NotContains(t, body, `id="update"`)
	require.Contains(t, body, "6 of 10 reports")
	require.Contains(t, body, `<base href="../../../">`)
	require.Equal(t, http.StatusForbidden, f.get("/dashboards/chat/reports/new", "ben").Code, "view only")
	require.Equal(t, http.StatusNotFound, f.get("/dashboards/email/reports/new", "ben").Code)

	// The dashboard offers it to editors only.
	require.Contains(t, f.get("/dashboards/shared", "ben").Body.String(), `href="dashboards/shared/reports/new"`)
	require.NotContains(t, f.get("/dashboards/chat", "ben").Body.String(), `id="create-report"`)
}

// The editor of an existing report says the plan's room, and offers no
// "Save as new report" when the dashboard is full.
func TestEditPageSaysThePlan(t *testing.T) {
	f := newFixture(t, func(c *web.Config) { c.Plan = plan.Plan{Name: "six", ReportsPerDashboard: 6} })
	body := f.get("/dashboards/chat/reports/conversations-by-rep/edit", "ana").Body.String()
	require.Contains(t, body, "6 of 6 reports")
	require.Contains(t, body, `id="save-new" disabled`)
	require.NotContains(t, body, `id="update" disabled`)
	f = newFixture(t)
	body = f.get("/dashboards/chat/reports/conversations-by-rep/edit", "ana").Body.String()
	require.Contains(t, body, `id="save-new">`)
	require.NotContains(t, body, "of 6 reports")
}

// Top is a whole number from 1 to the engine's MaxGroups (0 keeps every
// group). What else the editor sends (what was typed, as text) is refused
// on "limit" in those words, not as JSON of the wrong type, by update,
// save as new, preview and the report builder alike.
func TestTopMustBeAWholeNumber(t *testing.T) {
	f := newFixture(t)
	narrow := f.cfg(func(c *web.Config) {
		c.Engine = convreport.NewEngine(f.src, convreport.WithLimits(convreport.Limits{MaxGroups: 50}))
	})
	h, err := web.New(narrow)
	require.NoError(t, err)
	f50 := &fixture{t: t, h: h, store: f.store, cs: f.cs, eng: narrow.Engine, src: f.src, conf: narrow}
	path := "/api/dashboards/chat/reports/conversations-by-rep"
	for _, c := range []struct{ limit, got string }{
		{`2.5`, "2.5"}, {`"2.5"`, "2.5"}, {`"ten"`, "ten"}, {`-1`, "-1"}, {`"-1"`, "-1"}, {`51`, "51"}, {`1e9`, "1e9"}, {`true`, "true"}, {`[3]`, "[3]"},
	} {
		want := "top must be a whole number from 1 to 50, or empty to keep every group (got " + c.got + ")"
		for _, w := range []struct{ method, path string }{
			{http.MethodPatch, path}, {http.MethodPost, path + "/save-as-new"}, {http.MethodPost, path + "/preview"},
			{http.MethodPost, "/api/dashboards/chat/reports"}, {http.MethodPost, "/api/dashboards/chat/preview"},
		} {
			body := `{"version": 1, "name": "Top", "dimensions": ["Assignee"], "limit": ` + c.limit + `}`
			e := failure(t, f50.edit(w.method, w.path, "ana", body), http.StatusUnprocessableEntity, "invalid_report")
			require.Equal(t, "limit", e.Field, "%s %s", w.method, w.path)
			require.Equal(t, want, e.Message, "%s %s", w.method, w.path)
		}
	}
	require.EqualValues(t, 1, mustGet(t, f, "chat").Version, "nothing was saved")

	// A whole number in range, as a number or as the text typed, is kept.
	var out editResult
	okJSON(t, f50.edit(http.MethodPatch, path, "ana", `{"version": 1, "limit": 50}`), http.StatusOK, &out)
	require.Equal(t, 50, out.Report.Limit)
	okJSON(t, f50.edit(http.MethodPatch, path, "ana", `{"version": 2, "limit": "3"}`), http.StatusOK, &out)
	require.Equal(t, 3, out.Report.Limit)
	okJSON(t, f50.edit(http.MethodPatch, path, "ana", `{"version": 3, "limit": 0}`), http.StatusOK, &struct{}{})
	require.Equal(t, 0, mustGet(t, f, "chat").Reports[0].Limit)
}
