package web_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
)

// Reps named "(no value)", “(no value)” and "(no value)" (quotes in
// their names) and the chats with no assignee are four groups with four
// labels, in the run's charts, the page's chart and the drill-down's
// title, each drill-down holding its own group's chats.
func TestNoValueLabelsNameEachGroupOnce(t *testing.T) {
	day := time.Date(2025, 5, 20, 10, 0, 0, 0, paris)
	var cs []convreport.Conversation
	add := func(assignee string, n int) {
		for range n {
			cs = append(cs, convreport.Conversation{ID: "c" + itoa(len(cs)), Channel: convreport.Chat, Status: convreport.Open,
				CreatedAt: day, Assignee: assignee})
		}
	}
	add(`"(no value)"`, 4)
	add("“(no value)”", 3)
	add("(no value)", 2)
	add("", 1)
	src, err := memory.New(cs)
	require.NoError(t, err)
	st := store.NewMemory()
	d, err := convreport.NewDashboard(convreport.DashboardOptions{ID: "reps", Name: "Reps", Owner: "ana",
		Reports: []convreport.Report{{ID: "by-rep", Name: "By rep", Dimensions: []string{"Assignee"}, Measure: convreport.Measure{Agg: convreport.Count}}}})
	require.NoError(t, err)
	_, err = st.Create(context.Background(), users["ana"], d)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	h, err := web.New(web.Config{Engine: eng, Store: st, Schema: src.Schema(), Now: func() time.Time { return now }, Zone: paris,
		Logger: discard(), AllowedHosts: []string{"reports.test"},
		Authenticate: func(r *http.Request) (access.Viewer, error) {
			if v, ok := users[r.Header.Get("X-User")]; ok {
				return v, nil
			}
			return access.Viewer{}, errors.New("sign in first")
		}})
	require.NoError(t, err)
	f := &fixture{t: t, h: h, store: st, cs: cs, eng: eng}

	str := func(s string) *string { return &s }
	want := []struct {
		value *string
		label string
		count int
	}{
		{str(`"(no value)"`), `“"(no value)"”`, 4},
		{str("“(no value)”"), "““(no value)””", 3},
		{str("(no value)"), "“(no value)”", 2},
		{nil, "(no value)", 1},
	}

	var run struct {
		runResult
		Charts []struct {
			Labels []string `json:"labels"`
		} `json:"charts"`
	}
	okJSON(t, f.get("/api/dashboards/reps/run?range=last_30_days", "ana"), http.StatusOK, &run)
	require.Len(t, run.Charts[0].Labels, len(want))
	for i, w := range want {
		require.Equal(t, w.label, run.Charts[0].Labels[i])
		require.Equal(t, w.value, run.Reports[0].Points[i].Dimensions["assignee"])

		var dr drillResult
		okJSON(t, f.get(drillPath("reps", "by-rep", run.runResult, map[string]*string{"assignee": w.value}, ""), "ana"), http.StatusOK, &dr)
		require.Equal(t, w.label, dr.Point.Label)
		require.Equal(t, w.count, dr.Total, w.label)
	}

	body := page(t, f, "/dashboards/reps?range=last_30_days", "ana", http.StatusOK)
	rows := regexp.MustCompile(`<title>([^<]*): (\d+) \(\d+ conversations?\)</title>`).FindAllStringSubmatch(body, -1)
	require.Len(t, rows, len(want))
	for i, w := range want {
		require.Equal(t, html.EscapeString(w.label), rows[i][1])
		require.Equal(t, itoa(w.count), rows[i][2])
	}
}
