package web_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// customFixture serves conversations with custom properties: plan (an
// enum labelled "Plan tier") and seats (a number), and one dashboard
// "plans" owned by ana.
func customFixture(t *testing.T) *fixture {
	t.Helper()
	schema, err := convreport.ParseSchema([]byte(`{"properties": [{"name": "plan", "kind": "enum", "values": ["free", "pro"], "label": "Plan tier"},
		{"name": "seats", "kind": "number", "label": "Seats"}]}`))
	require.NoError(t, err)
	day := time.Date(2025, 5, 20, 10, 0, 0, 0, paris)
	conv := func(id, plan string, seats float64) convreport.Conversation {
		c := convreport.Conversation{ID: id, Channel: convreport.Chat, Status: convreport.Open, CreatedAt: day, Properties: map[string]any{"seats": seats}}
		if plan != "" {
			c.Properties["plan"] = plan
		}
		return c
	}
	cs := []convreport.Conversation{conv("a", "pro", 12), conv("b", "pro", 1), conv("c", "free", 5), conv("d", "", 30), conv("e", "free", 2)}
	src, err := memory.New(cs, memory.WithSchema(schema))
	require.NoError(t, err)
	st := store.NewMemory()
	d, err := convreport.NewDashboard(convreport.DashboardOptions{ID: "plans", Name: "Plans", Owner: "ana", Schema: schema,
		Reports: []convreport.Report{{ID: "volume", Name: "Volume", Measure: convreport.Measure{Agg: convreport.Count}}}})
	require.NoError(t, err)
	_, err = st.Create(context.Background(), users["ana"], d)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	h, err := web.New(web.Config{Engine: eng, Store: st, Schema: schema, Now: func() time.Time { return now }, Zone: paris, Logger: discard(),
		AllowedHosts: []string{"reports.test"},
		Authenticate: func(r *http.Request) (access.Viewer, error) {
			if v, ok := users[r.Header.Get("X-User")]; ok {
				return v, nil
			}
			return access.Viewer{}, errors.New("sign in first")
		}})
	require.NoError(t, err)
	return &fixture{t: t, h: h, store: st, cs: cs, eng: eng}
}

func TestCustomPropertiesInTheEditor(t *testing.T) {
	f := customFixture(t)
	path := "/api/dashboards/plans/reports/volume"
	// Group by a custom enum, filter on a custom number, list both.
	var out editResult
	okJSON(t, f.edit(http.MethodPatch, path, "ana", `{"version": 1, "dimensions": ["plan"],
		"conditions": [{"property": "seats", "op": "greater_than", "values": ["1"]}], "properties": ["ID", "plan", "seats"]}`), http.StatusOK, &out)
	require.Equal(t, []string{"plan"}, out.Report.Dimensions)

	run := f.run("plans", "ana", "range=last_30_days")
	got := map[string]int64{}
	for _, p := range run.Reports[0].Points {
		label := "(no value)"
		if v := p.Dimensions["plan"]; v != nil {
			label = *v
		}
		got[label] = p.Count
	}
	// seats > 1: a (pro), c (free), d (none), e (free).
	require.Equal(t, map[string]int64{"pro": 1, "free": 2, "(no value)": 1}, got)

	var dr drillResult
	free := "free"
	okJSON(t, f.get(drillPath("plans", "volume", run, map[string]*string{"plan": &free}, "sort=seats"), "ana"), http.StatusOK, &dr)
	require.Equal(t, "plan", dr.Columns[1].Name)
	require.Equal(t, "seats", dr.Columns[2].Name)
	require.Len(t, dr.Rows, 2)
	require.Equal(t, []any{"e", "free", float64(2)}, dr.Rows[0].Values)
	require.Equal(t, []any{"c", "free", float64(5)}, dr.Rows[1].Values)

	// A dimension that cannot group, or does not exist, names the field.
	e := failure(t, f.edit(http.MethodPatch, path, "ana", `{"version": 2, "dimensions": ["seats"]}`), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, "dimensions", e.Field)
	e = failure(t, f.edit(http.MethodPatch, path, "ana", `{"version": 2, "dimensions": ["plna"]}`), http.StatusUnprocessableEntity, "unknown_property")
	require.Equal(t, "dimensions", e.Field)
	require.Contains(t, e.Message, `did you mean "plan"`)
}

// A person groups a report by a custom property in the editor.
func TestBrowserGroupByACustomProperty(t *testing.T) {
	b := newBrowser(t)
	f := customFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("X-User", "ana")
		f.h.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	b.eval(`"started"`)
	b.do("open the editor", chromedp.Navigate("http://"+ln.Addr().String()+"/dashboards/plans/reports/volume/edit"),
		chromedp.WaitVisible(chromedp.CSS(`#editor`)))
	b.wait("the script", `document.documentElement.dataset.ready === "true"`)
	b.do("search seats", sendKeys("#dim-search", "seats"))
	b.wait("the search", `document.querySelector("#dim-options").textContent !== ""`)
	require.Equal(t, "", b.eval(`[...document.querySelectorAll("[data-add-dimension]")].map((e) => e.dataset.addDimension).join()`), "a number does not group")
	b.do("search plan", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("#dim-search"); s.value = ""; s.dispatchEvent(new Event("input")); })()`),
		sendKeys("#dim-search", "plan"))
	b.wait("plan offered", `[...document.querySelectorAll("[data-add-dimension]")].map((e) => e.dataset.addDimension).join() === "plan"`)
	b.do("group by plan", sendKeys("#dim-search", kb.Enter), chromedp.WaitVisible(chromedp.CSS(`#dims [data-dimension="plan"]`)))
	// A summary shows one number: grouped, the report is drawn as bars.
	b.do("draw it as bars", pick("#edit-chart", "bar"))
	// The preview's line names the property by its schema label.
	b.wait("the preview by plan", `document.querySelector("#preview-meta").textContent.includes("by plan tier")`)
	b.shot("editor-group-by-plan")
	b.do("update", chromedp.Click(chromedp.CSS("#update")))
	b.wait("the dashboard", `document.body.classList.contains("page-dashboard")`)
	d, err := f.store.Get(context.Background(), users["ana"], "plans")
	require.NoError(t, err)
	require.Equal(t, []string{"plan"}, d.Reports[0].Dimensions)
}

// A custom property's schema label names it in charts as a built-in
// property's label does (OriginURL's axis reads "Page URL"): the chart's
// axis and legend, the card's line, the table's head and the report's
// CSV, as the editor and the drill-down columns already did.
func TestCustomLabelsInCharts(t *testing.T) {
	f := customFixture(t)
	type charts struct {
		Charts []struct {
			X      struct{ Title string } `json:"x"`
			Legend string                 `json:"legend"`
		} `json:"charts"`
	}
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/volume", "ana",
		`{"version": 1, "dimensions": ["plan"], "chart": {"type": "bar"}}`), http.StatusOK, &editResult{})
	var run charts
	okJSON(t, f.get("/api/dashboards/plans/run?range=last_30_days", "ana"), http.StatusOK, &run)
	require.Equal(t, "Plan tier", run.Charts[0].X.Title)
	body := page(t, f, "/dashboards/plans?range=last_30_days", "ana", http.StatusOK)
	require.Contains(t, body, "Conversations by plan tier · 5 conversations")
	require.Contains(t, body, "Bar chart of conversations by plan tier, 3 points.")

	// As the legend of a stacked chart, by channel and plan.
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/plans/reports/volume", "ana",
		`{"version": 2, "dimensions": ["Channel", "plan"], "chart": {"type": "column", "stacked": true}}`), http.StatusOK, &editResult{})
	run = charts{}
	okJSON(t, f.get("/api/dashboards/plans/run?range=last_30_days", "ana"), http.StatusOK, &run)
	require.Equal(t, "Channel", run.Charts[0].X.Title)
	require.Equal(t, "Plan tier", run.Charts[0].Legend)
	w := f.get("/api/dashboards/plans/reports/volume/export?format=csv&range=last_30_days", "ana")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, []string{"Channel / Plan tier", "Conversations"}, readCSV(t, w.Body.Bytes())[0])
}
