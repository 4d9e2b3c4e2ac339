package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// comparedRun is the part of a run answer the filter and compare tests read.
type comparedRun struct {
	Version   int64                  `json:"version"`
	Period    string                 `json:"period"`
	ReportIDs []string               `json:"report_ids"`
	Filters   []convreport.Condition `json:"filters"`
	Reports   []struct {
		Name         string     `json:"name"`
		Unit         string     `json:"unit"`
		Compare      string     `json:"compare"`
		PreviousFrom *time.Time `json:"previous_from"`
		PreviousTo   *time.Time `json:"previous_to"`
		Points       []struct {
			Dimensions    map[string]*string `json:"dimensions"`
			Count         int64              `json:"count"`
			Other         bool               `json:"other"`
			PreviousCount *int64             `json:"previous_count"`
			PreviousValue *string            `json:"previous_value"`
		} `json:"points"`
	} `json:"reports"`
}

func (f *fixture) comparedRun(dash, user string, q url.Values) comparedRun {
	f.t.Helper()
	var out comparedRun
	okJSON(f.t, f.get("/api/dashboards/"+dash+"/run?"+q.Encode(), user), http.StatusOK, &out)
	return out
}

type drillNotes struct {
	List  string `json:"list"`
	Total int    `json:"total"`
	From  time.Time
	To    time.Time
	Point struct {
		Count          int64  `json:"count"`
		Excluded       int64  `json:"excluded"`
		ExcludedReason string `json:"excluded_reason"`
		Previous       *struct {
			Label string `json:"label"`
			Count int64  `json:"count"`
		} `json:"previous"`
	} `json:"point"`
}

// drillAll drills into every point of a run (one row per page: the total
// is what is checked) and requires each total to equal the point's count.
func (f *fixture) drillAll(dash, user string, run comparedRun, extra url.Values) int {
	f.t.Helper()
	n := 0
	for ri, rep := range run.Reports {
		for _, p := range rep.Points {
			v, _ := url.ParseQuery(run.Period)
			for k, vs := range extra {
				v[k] = vs
			}
			v.Set("limit", "1")
			if p.Other {
				if _, ok := p.Dimensions["bucket"]; !ok {
					v.Set("other", "true")
				} else {
					continue
				}
			} else {
				b, _ := json.Marshal(p.Dimensions)
				v.Set("point", string(b))
			}
			var d drillNotes
			okJSON(f.t, f.get("/api/dashboards/"+dash+"/reports/"+run.ReportIDs[ri]+"/drill?"+v.Encode(), user), http.StatusOK, &d)
			require.Equal(f.t, p.Count, int64(d.Total), "%s %v", rep.Name, p.Dimensions)
			n++
		}
	}
	return n
}

func TestDashboardFiltersAPI(t *testing.T) {
	f := newFixture(t)
	put := func(user, body string) *httptest.ResponseRecorder {
		return f.edit(http.MethodPut, "/api/dashboards/shared/filters", user, body)
	}
	filters := `[{"property":"Team","op":"is_none_of","values":["Sales"]},{"property":"Inbox","op":"is_known"}]`

	// Refusals: who, which version, what.
	failure(t, f.do(req{method: http.MethodPut, path: "/api/dashboards/chat/filters", user: "carl", body: `{"version":1,"filters":[]}`}), http.StatusForbidden, "forbidden")
	failure(t, f.do(req{method: http.MethodPut, path: "/api/dashboards/email/filters", user: "carl", body: `{"version":1,"filters":[]}`}), http.StatusNotFound, "not_found")
	failure(t, f.do(req{method: http.MethodPut, path: "/api/dashboards/shared/filters", body: `{"version":1,"filters":[]}`}), http.StatusUnauthorized, "unauthenticated")
	failure(t, f.do(req{method: http.MethodGet, path: "/api/dashboards/shared/filters", user: "ana"}), http.StatusMethodNotAllowed, "method_not_allowed")
	e := failure(t, put("carl", `{"filters":[]}`), http.StatusUnprocessableEntity, "invalid_request")
	require.Equal(t, "version", e.Field)
	e = failure(t, put("carl", `{"version":1}`), http.StatusUnprocessableEntity, "invalid_request")
	require.Equal(t, "filters", e.Field)
	e = failure(t, put("carl", `{"version":1,"filters":[{"property":"Inbox","op":"is_known"},{"property":"Nope","op":"is_known"}]}`), http.StatusUnprocessableEntity, "invalid_condition")
	require.Equal(t, "filters", e.Field)
	require.NotNil(t, e.Index)
	require.Equal(t, 1, *e.Index)
	e = failure(t, put("carl", `{"version":1,"filters":[{"property":"Channel","op":"greater_than","values":["3"]}]}`), http.StatusUnprocessableEntity, "invalid_condition")
	require.Equal(t, "filters", e.Field)
	failure(t, put("carl", `{"version":7,"filters":[]}`), http.StatusConflict, "conflict")

	// Saved as a new version; the dashboard reads them back.
	var saved struct {
		Version int64                  `json:"version"`
		Filters []convreport.Condition `json:"filters"`
	}
	okJSON(t, put("carl", `{"version":1,"filters":`+filters+`}`), http.StatusOK, &saved)
	require.Equal(t, int64(2), saved.Version)
	require.Len(t, saved.Filters, 2)
	var got struct {
		Filters []convreport.Condition `json:"filters"`
	}
	okJSON(t, f.get("/api/dashboards/shared", "ana"), http.StatusOK, &got)
	require.Equal(t, saved.Filters, got.Filters)

	// Every report runs with them: conversations by rep, from the fields.
	q := url.Values{"range": {"last_30_days"}}
	run := f.comparedRun("shared", "ana", q)
	require.Len(t, run.Filters, 2)
	from, to := time.Date(2025, 5, 2, 0, 0, 0, 0, paris), now
	byRep := func(keep func(c *convreport.Conversation) bool) map[string]int64 {
		out := map[string]int64{}
		for i := range f.cs {
			c := &f.cs[i]
			if c.Channel == convreport.Chat && !c.CreatedAt.Before(from) && c.CreatedAt.Before(to) && keep(c) {
				out[c.Assignee]++
			}
		}
		return out
	}
	check := func(run comparedRun, want map[string]int64) {
		t.Helper()
		i := indexOf(t, run.ReportIDs, "conversations-by-rep")
		got := map[string]int64{}
		for _, p := range run.Reports[i].Points {
			a := ""
			if v := p.Dimensions["assignee"]; v != nil {
				a = *v
			}
			got[a] = p.Count
		}
		require.Equal(t, want, got)
	}
	check(run, byRep(func(c *convreport.Conversation) bool { return c.Team != "Sales" && c.Inbox != "" }))
	require.Greater(t, f.drillAll("shared", "ana", run, nil), 20)

	// This view's filter, on top: in the URL, not saved.
	q.Set("filters", `[{"property":"Assignee","op":"is_any_of","values":["Tom Becker","Julia Novak"]}]`)
	view := f.comparedRun("shared", "ana", q)
	require.Len(t, view.Filters, 3)
	check(view, byRep(func(c *convreport.Conversation) bool {
		return c.Team != "Sales" && c.Inbox != "" && (c.Assignee == "Tom Becker" || c.Assignee == "Julia Novak")
	}))
	require.Greater(t, f.drillAll("shared", "ana", view, nil), 5)
	okJSON(t, f.get("/api/dashboards/shared", "ana"), http.StatusOK, &got)
	require.Len(t, got.Filters, 2, "a view's filter is not saved")
	// A viewer restricted to a team: the drill-downs reconcile too.
	require.Greater(t, f.drillAll("shared", "ben", f.comparedRun("shared", "ben", q), nil), 2)

	// Bad view parameters name themselves.
	bad := func(param, value string, status int, code, field string) {
		t.Helper()
		v := url.Values{"range": {"last_30_days"}, param: {value}}
		e := failure(t, f.get("/api/dashboards/shared/run?"+v.Encode(), "ana"), status, code)
		require.Equal(t, field, e.Field)
	}
	bad("filters", "not json", http.StatusBadRequest, "invalid_query", "filters")
	bad("filters", `[{"property":"Inbox","op":"is_known","extra":1}]`, http.StatusBadRequest, "invalid_query", "filters")
	bad("filters", `[{"property":"Nope","op":"is_known"}]`, http.StatusUnprocessableEntity, "invalid_condition", "filters")
	bad("compare", "lastweek", http.StatusBadRequest, "invalid_query", "compare")
	// The second of this view's filters, after the two saved ones: index
	// and message both count in the list the view sent, from 0 and 1.
	v := url.Values{"range": {"last_30_days"}, "filters": {`[{"property":"Inbox","op":"is_known"},{"property":"Inbox","op":"greater_than","values":["1"]}]`}}
	e = failure(t, f.get("/api/dashboards/shared/run?"+v.Encode(), "ana"), http.StatusUnprocessableEntity, "invalid_condition")
	require.Equal(t, 1, *e.Index)
	require.True(t, strings.HasPrefix(e.Message, "filter 2, Inbox"), e.Message)

	// Removing them.
	saved.Filters = nil
	okJSON(t, put("carl", `{"version":2,"filters":[]}`), http.StatusOK, &saved)
	require.Equal(t, int64(3), saved.Version)
	require.Empty(t, saved.Filters)
}

func indexOf(t *testing.T, ids []string, id string) int {
	t.Helper()
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	t.Fatalf("no report %q in %v", id, ids)
	return -1
}

func TestCompareAPI(t *testing.T) {
	f := newFixture(t)
	q := url.Values{"range": {"last_30_days"}, "compare": {"previous"}}
	run := f.comparedRun("chat", "carl", q)
	pf, pt := time.Date(2025, 4, 2, 0, 0, 0, 0, paris), time.Date(2025, 5, 2, 0, 0, 0, 0, paris)
	i := indexOf(t, run.ReportIDs, "conversations-by-rep")
	rep := run.Reports[i]
	require.Equal(t, "previous", rep.Compare)
	require.True(t, rep.PreviousFrom.Equal(pf) && rep.PreviousTo.Equal(pt), "%v %v", rep.PreviousFrom, rep.PreviousTo)
	prev := map[string]int64{}
	for j := range f.cs {
		c := &f.cs[j]
		if c.Channel == convreport.Chat && !c.CreatedAt.Before(pf) && c.CreatedAt.Before(pt) {
			prev[c.Assignee]++
		}
	}
	nonzero := 0
	for _, p := range rep.Points {
		a := ""
		if v := p.Dimensions["assignee"]; v != nil {
			a = *v
		}
		require.NotNil(t, p.PreviousCount, a)
		require.Equal(t, prev[a], *p.PreviousCount, a)
		require.NotNil(t, p.PreviousValue)
		if prev[a] > 0 {
			nonzero++
		}
	}
	require.Greater(t, nonzero, 3)

	// Drill into the previous points: each lists its previous count.
	checked := 0
	for ri, r := range run.Reports {
		for _, p := range r.Points {
			if p.PreviousCount == nil || p.Other {
				continue
			}
			v, _ := url.ParseQuery(run.Period)
			b, _ := json.Marshal(p.Dimensions)
			v.Set("point", string(b))
			v.Set("list", "previous")
			v.Set("limit", "1")
			var d drillNotes
			okJSON(t, f.get("/api/dashboards/chat/reports/"+run.ReportIDs[ri]+"/drill?"+v.Encode(), "carl"), http.StatusOK, &d)
			require.Equal(t, "previous", d.List)
			require.Equal(t, *p.PreviousCount, int64(d.Total), "%s %v", r.Name, p.Dimensions)
			require.NotNil(t, d.Point.Previous)
			require.Equal(t, "previous 30 days", d.Point.Previous.Label)
			require.True(t, d.From.Equal(pf), "%v", d.From)
			checked++
		}
	}
	require.Greater(t, checked, 20)
	// And the current points still drill to their counts.
	require.Greater(t, f.drillAll("chat", "carl", run, nil), 20)

	// list=previous without a comparison, and an unknown list.
	v, _ := url.ParseQuery(run.Period)
	v.Del("compare")
	v.Set("point", `{"assignee":"Tom Becker"}`)
	v.Set("list", "previous")
	e := failure(t, f.get("/api/dashboards/chat/reports/conversations-by-rep/drill?"+v.Encode(), "carl"), http.StatusBadRequest, "bad_request")
	require.Equal(t, "list", e.Field)
	v.Set("list", "everything")
	failure(t, f.get("/api/dashboards/chat/reports/conversations-by-rep/drill?"+v.Encode(), "carl"), http.StatusBadRequest, "bad_request")
	v.Set("list", "excluded")
	e = failure(t, f.get("/api/dashboards/chat/reports/conversations-by-rep/drill?"+v.Encode(), "carl"), http.StatusBadRequest, "bad_request")
	require.Equal(t, "list", e.Field)

	// A year before: the sample has no data then, so every previous count
	// of a count report is 0.
	run = f.comparedRun("chat", "carl", url.Values{"range": {"last_30_days"}, "compare": {"year"}})
	for _, p := range run.Reports[i].Points {
		require.NotNil(t, p.PreviousCount)
		require.Zero(t, *p.PreviousCount)
	}
}

// A duration point says how many it leaves out, why, and lists them.
func TestDrillExcludedAPI(t *testing.T) {
	f := newFixture(t)
	run := f.comparedRun("chat", "carl", url.Values{"range": {"last_30_days"}})
	i := indexOf(t, run.ReportIDs, "average-chat-first-response-time-by-rep")
	total := int64(0)
	for _, p := range run.Reports[i].Points {
		if p.Other {
			continue
		}
		a := p.Dimensions["assignee"]
		var want int64
		for j := range f.cs {
			c := &f.cs[j]
			if c.Channel == convreport.Chat && !c.CreatedAt.Before(time.Date(2025, 5, 2, 0, 0, 0, 0, paris)) && c.CreatedAt.Before(now) &&
				(a == nil) == (c.Assignee == "") && (a == nil || *a == c.Assignee) && c.FirstResponseAt.IsZero() {
				want++
			}
		}
		v, _ := url.ParseQuery(run.Period)
		b, _ := json.Marshal(p.Dimensions)
		v.Set("point", string(b))
		v.Set("limit", "1")
		var d drillNotes
		okJSON(t, f.get("/api/dashboards/chat/reports/"+run.ReportIDs[i]+"/drill?"+v.Encode(), "carl"), http.StatusOK, &d)
		require.Equal(t, want, d.Point.Excluded, "%v", b)
		if want > 0 {
			require.Equal(t, "no agent reply yet", d.Point.ExcludedReason)
		}
		v.Set("list", "excluded")
		okJSON(t, f.get("/api/dashboards/chat/reports/"+run.ReportIDs[i]+"/drill?"+v.Encode(), "carl"), http.StatusOK, &d)
		require.Equal(t, "excluded", d.List)
		require.Equal(t, want, int64(d.Total), "%v", b)
		total += want
	}
	require.Greater(t, total, int64(0), "the fixture has unanswered chats")
}

// The drill-down page, without script, says what a point leaves out and
// its compared value, and links to both lists.
func TestDrillPageNotes(t *testing.T) {
	f := newFixture(t)
	run := f.comparedRun("chat", "carl", url.Values{"range": {"last_30_days"}, "compare": {"previous"}})
	i := indexOf(t, run.ReportIDs, "average-chat-first-response-time-by-rep")
	v, _ := url.ParseQuery(run.Period)
	v.Set("point", `{"assignee":"Alice Martin"}`)
	w := f.get("/dashboards/chat/reports/"+run.ReportIDs[i]+"/drill?"+v.Encode(), "carl")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	body := w.Body.String()
	// Alice Martin's unanswered chats, from the fields.
	n := 0
	for j := range f.cs {
		c := &f.cs[j]
		if c.Channel == convreport.Chat && c.Assignee == "Alice Martin" && c.FirstResponseAt.IsZero() &&
			!c.CreatedAt.Before(time.Date(2025, 5, 2, 0, 0, 0, 0, paris)) && c.CreatedAt.Before(now) {
			n++
		}
	}
	require.Positive(t, n)
	left := strconv.Itoa(n) + " conversations"
	require.Contains(t, body, left+" left out: no agent reply yet")
	require.Contains(t, body, "Previous 30 days: ")
	require.Contains(t, body, "list=excluded")
	require.Contains(t, body, "list=previous")
	v.Set("list", "excluded")
	w = f.get("/dashboards/chat/reports/"+run.ReportIDs[i]+"/drill?"+v.Encode(), "carl")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), "Left out of the value: "+left+" (no agent reply yet)")
}
