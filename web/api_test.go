package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestNewNeedsEngineStoreAndAuthenticate(t *testing.T) {
	_, err := web.New(web.Config{})
	require.EqualError(t, err, "web: Config.Engine, Config.Store, Config.Authenticate is required")

	f := newFixture(t)
	auth := func(*http.Request) (access.Viewer, error) { return access.Viewer{}, nil }
	_, err = web.New(web.Config{Engine: f.eng, Store: f.store, Authenticate: auth, TrustedOrigins: []string{"not an origin"}})
	require.ErrorContains(t, err, "TrustedOrigins")
	_, err = web.New(web.Config{Engine: f.eng, Store: f.store, Authenticate: auth, MaxBodyBytes: -1})
	require.ErrorContains(t, err, "MaxBodyBytes")
}

func TestAuthentication(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/api/dashboards", "/api/me", "/api/dashboards/chat/run", "/api/nowhere"} {
		e := failure(t, f.get(path, ""), http.StatusUnauthorized, "unauthenticated")
		require.Equal(t, "sign in first", e.Message, "the embedder's message reaches the client")
	}
	failure(t, f.get("/api/dashboards", "blocked"), http.StatusForbidden, "forbidden")

	var me access.Viewer
	okJSON(t, f.get("/api/me", "ben"), http.StatusOK, &me)
	require.Equal(t, users["ben"], me)

	// Pages ask too, and answer with an HTML page.
	w := f.get("/", "")
	require.Equal(t, http.StatusUnauthorized, w.Code)
	require.Contains(t, w.Header().Get("Content-Type"), "text/html")
	require.Contains(t, w.Body.String(), "Sign in first")
}

func TestListDashboardsShowsWhatTheViewerMayView(t *testing.T) {
	f := newFixture(t)
	type list struct {
		Dashboards []struct {
			ID          string `json:"id"`
			Version     int64  `json:"version"`
			Reports     []any  `json:"reports"`
			Permissions struct {
				View, Edit, Delete, Share bool
			} `json:"permissions"`
		} `json:"dashboards"`
	}
	for _, c := range []struct {
		user     string
		want     []string
		editable []string
	}{
		{"ana", []string{"chat", "email", "shared"}, []string{"chat", "email", "shared"}},
		{"ben", []string{"chat", "shared"}, []string{"shared"}},
		{"admin", []string{"chat", "email", "shared"}, []string{"chat", "shared"}}, // admins do not edit a private dashboard in place
	} {
		t.Run(c.user, func(t *testing.T) {
			var l list
			okJSON(t, f.get("/api/dashboards", c.user), http.StatusOK, &l)
			var ids, editable []string
			for _, d := range l.Dashboards {
				ids = append(ids, d.ID)
				require.True(t, d.Permissions.View)
				require.Len(t, d.Reports, 6)
				require.EqualValues(t, 1, d.Version)
				if d.Permissions.Edit {
					editable = append(editable, d.ID)
				}
			}
			require.Equal(t, c.want, ids)
			require.Equal(t, c.editable, editable)
		})
	}
}

func TestGetDashboard(t *testing.T) {
	f := newFixture(t)
	var d struct {
		convreport.Dashboard
		Permissions map[string]bool `json:"permissions"`
	}
	okJSON(t, f.get("/api/dashboards/chat", "ben"), http.StatusOK, &d)
	require.Equal(t, "Chat", d.Name)
	require.Equal(t, map[string]bool{"view": true, "edit": false, "delete": false, "share": false}, d.Permissions)
	require.Len(t, d.Reports, 6)

	failure(t, f.get("/api/dashboards/email", "ben"), http.StatusNotFound, "not_found") // as if it did not exist
	failure(t, f.get("/api/dashboards/nope", "ben"), http.StatusNotFound, "not_found")
	failure(t, f.get("/api/dashboards/Not%20An%20ID", "ben"), http.StatusNotFound, "not_found")

	var r struct {
		Report convreport.Report `json:"report"`
	}
	okJSON(t, f.get("/api/dashboards/chat/reports/conversations-by-rep", "ben"), http.StatusOK, &r)
	require.Equal(t, "Conversations by rep", r.Report.Name)
	failure(t, f.get("/api/dashboards/chat/reports/nope", "ben"), http.StatusNotFound, "not_found")
	failure(t, f.get("/api/dashboards/email/reports/email-volume-by-owner", "ben"), http.StatusNotFound, "not_found") // as if it did not exist
}

func TestGrantsAreShownToSharersOnly(t *testing.T) {
	f := newFixture(t)
	w := f.do(req{method: http.MethodPost, path: "/api/dashboards", user: "ana",
		body: `{"template": "chat-overview", "name": "Team chat", "visibility": "specific", "grants": [{"user": "ben"}, {"team": "Support", "allow": "edit"}]}`})
	var created struct {
		ID     string         `json:"id"`
		Grants []access.Grant `json:"grants"`
	}
	okJSON(t, w, http.StatusCreated, &created)
	require.Len(t, created.Grants, 2)

	var seen map[string]any
	okJSON(t, f.get("/api/dashboards/"+created.ID, "ben"), http.StatusOK, &seen)
	require.NotContains(t, seen, "grants")
	okJSON(t, f.get("/api/dashboards/"+created.ID, "ana"), http.StatusOK, &seen)
	require.Contains(t, seen, "grants")
}

func TestTemplatesAndSchema(t *testing.T) {
	f := newFixture(t)
	type templates struct {
		Templates []struct {
			ID      string `json:"id"`
			Reports []struct {
				ID string `json:"id"`
			} `json:"reports"`
		} `json:"templates"`
	}
	var all, found, none templates
	okJSON(t, f.get("/api/templates", "carl"), http.StatusOK, &all)
	require.Len(t, all.Templates, 4)
	require.Len(t, all.Templates[0].Reports, 6)
	okJSON(t, f.get("/api/templates?q="+url.QueryEscape("vue d’ensemble des e-mails"), "carl"), http.StatusOK, &found)
	require.Len(t, found.Templates, 1)
	require.Equal(t, "email-overview", found.Templates[0].ID)
	okJSON(t, f.get("/api/templates?q=invoices", "carl"), http.StatusOK, &none)
	require.Empty(t, none.Templates)
	failure(t, f.get("/api/templates?q="+strings.Repeat("x", 201), "carl"), http.StatusBadRequest, "bad_request")

	var schema struct {
		Properties []convreport.Property `json:"properties"`
		ChartTypes []string              `json:"chart_types"`
		Operators  []struct {
			Op     string `json:"op"`
			Values int    `json:"values"`
		} `json:"operators"`
	}
	okJSON(t, f.get("/api/schema", "carl"), http.StatusOK, &schema)
	require.True(t, slices.ContainsFunc(schema.Properties, func(p convreport.Property) bool { return p.Name == "Inbox" && p.Key == "inbox" }))
	require.Contains(t, schema.ChartTypes, "donut")
	require.Len(t, schema.Operators, 14)
}

func TestCreateDashboardFromTemplate(t *testing.T) {
	f := newFixture(t)
	w := f.do(req{method: http.MethodPost, path: "/api/dashboards", user: "carl",
		body: `{"template": "email-overview", "name": "  Email desk  ", "visibility": "everyone_view", "deselect": ["open-emails-by-inbox", "closed-emails-by-owner"]}`})
	var d struct {
		convreport.Dashboard
		Permissions map[string]bool `json:"permissions"`
	}
	okJSON(t, w, http.StatusCreated, &d)
	loc, err := url.Parse("http://reports.test/api/dashboards")
	require.NoError(t, err)
	require.Regexp(t, `^email-desk-[a-z0-9]{6}$`, d.ID, "the name's slug and a random suffix")
	require.Equal(t, "/api/dashboards/"+d.ID, loc.ResolveReference(&url.URL{Path: w.Header().Get("Location")}).Path)
	require.Equal(t, "Email desk", d.Name)
	require.Equal(t, "carl", d.Owner, "the creator owns it")
	require.Equal(t, access.EveryoneCanView, d.Visibility)
	require.EqualValues(t, 1, d.Version)
	var ids []string
	for _, r := range d.Reports {
		ids = append(ids, r.ID)
	}
	require.Equal(t, []string{"email-volume-by-owner", "email-response-time-by-owner", "email-time-to-close-by-owner", "email-volume-over-time"}, ids)
	require.True(t, d.Permissions["share"])

	// It is stored: ben may now see it.
	var got convreport.Dashboard
	okJSON(t, f.get("/api/dashboards/"+d.ID, "ben"), http.StatusOK, &got)
	require.Equal(t, "Email desk", got.Name)

	// Private by default.
	okJSON(t, f.do(req{method: http.MethodPost, path: "/api/dashboards", user: "carl", body: `{"template": "chat-overview", "name": "Mine"}`}), http.StatusCreated, &d)
	require.Equal(t, access.Private, d.Visibility)
	failure(t, f.get("/api/dashboards/"+d.ID, "ben"), http.StatusNotFound, "not_found") // as if it did not exist
}

func TestCreateDashboardRefusals(t *testing.T) {
	f := newFixture(t, func(c *web.Config) { c.MaxBodyBytes = 2048 })
	post := func(user, body string, header map[string]string) *httptest.ResponseRecorder {
		return f.do(req{method: http.MethodPost, path: "/api/dashboards", user: user, body: body, header: header})
	}
	cases := []struct {
		name   string
		user   string
		body   string
		header map[string]string
		status int
		code   string
		field  string
	}{
		{"no template", "carl", `{"name": "X"}`, nil, 422, "invalid_request", "template"},
		{"unknown template", "carl", `{"template": "sales", "name": "X"}`, nil, 422, "invalid_request", "template"},
		{"unknown report to deselect", "carl", `{"template": "chat-overview", "name": "X", "deselect": ["nope"]}`, nil, 422, "invalid_request", "deselect"},
		{"every report deselected", "carl", `{"template": "email-overview", "name": "X", "deselect": ["email-volume-by-owner", "email-response-time-by-owner", "closed-emails-by-owner", "email-time-to-close-by-owner", "email-volume-over-time", "open-emails-by-inbox"]}`, nil, 422, "invalid_request", "deselect"},
		{"no name", "carl", `{"template": "chat-overview", "name": " "}`, nil, 422, "invalid_dashboard", "name"},
		{"a period in the name", "carl", `{"template": "chat-overview", "name": "Q1. chats"}`, nil, 422, "invalid_dashboard", "name"},
		{"a URL in the name", "carl", `{"template": "chat-overview", "name": "see https://evil"}`, nil, 422, "invalid_dashboard", "name"},
		{"unknown visibility", "carl", `{"template": "chat-overview", "name": "X", "visibility": "public"}`, nil, 422, "invalid_dashboard", "visibility"},
		{"grants without specific", "carl", `{"template": "chat-overview", "name": "X", "grants": [{"user": "ben"}]}`, nil, 422, "invalid_dashboard", "grants"},
		{"unknown key", "carl", `{"template": "chat-overview", "name": "X", "owner": "ana"}`, nil, 400, "invalid_json", "owner"},
		{"a key in another case", "carl", `{"template": "chat-overview", "Name": "X"}`, nil, 400, "invalid_json", "Name"},
		{"a key given twice", "carl", `{"template": "chat-overview", "name": "X", "name": "Y"}`, nil, 400, "invalid_json", "name"},
		{"wrong type", "carl", `{"template": "chat-overview", "name": 7}`, nil, 400, "invalid_json", "name"},
		{"not an object", "carl", `["chat-overview"]`, nil, 400, "invalid_json", ""},
		{"two values", "carl", `{"template": "chat-overview", "name": "X"} {}`, nil, 400, "invalid_json", ""},
		{"malformed", "carl", "{\"template\": \"chat-overview\",\n \"name\": }", nil, 400, "invalid_json", ""},
		{"truncated", "carl", `{"template": "chat-overview"`, nil, 400, "invalid_json", ""},
		{"blank body", "carl", ` `, nil, 400, "invalid_json", ""},
		{"form content type", "carl", `template=chat-overview&name=X`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", ""},
		{"text content type", "carl", `{"template": "chat-overview", "name": "X"}`, map[string]string{"Content-Type": "text/plain"}, 415, "unsupported_media_type", ""},
		{"no content type", "carl", `{"template": "chat-overview", "name": "X"}`, map[string]string{"Content-Type": ""}, 415, "unsupported_media_type", ""},
		{"latin-1 JSON", "carl", `{"template": "chat-overview", "name": "X"}`, map[string]string{"Content-Type": "application/json; charset=latin1"}, 415, "unsupported_media_type", ""},
		{"too large", "carl", `{"template": "chat-overview", "name": "` + strings.Repeat("x", 3000) + `"}`, nil, 413, "body_too_large", ""},
		{"cross-site (Sec-Fetch-Site)", "carl", `{"template": "chat-overview", "name": "X"}`, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "cross_origin", ""},
		{"same-site but another origin", "carl", `{"template": "chat-overview", "name": "X"}`, map[string]string{"Sec-Fetch-Site": "same-site"}, 403, "cross_origin", ""},
		{"cross-origin (Origin)", "carl", `{"template": "chat-overview", "name": "X"}`, map[string]string{"Origin": "https://evil.example"}, 403, "cross_origin", ""},
		{"anonymous", "", `{"template": "chat-overview", "name": "X"}`, nil, 401, "unauthenticated", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := failure(t, post(c.user, c.body, c.header), c.status, c.code)
			require.Equal(t, c.field, e.Field, e.Message)
		})
	}
	// The syntax error says where.
	e := failure(t, post("carl", "{\"template\": \"chat-overview\",\n \"name\": }", nil), 400, "invalid_json")
	require.Equal(t, 2, e.Line)
	require.Equal(t, 10, e.Column)

	// Nothing was created.
	var l struct{ Dashboards []any }
	okJSON(t, f.get("/api/dashboards", "carl"), http.StatusOK, &l)
	require.Len(t, l.Dashboards, 2, "carl sees chat and shared only")

	// A same-origin browser request and a non-browser client pass.
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://reports.test"}, nil} {
		var d struct{ ID string }
		okJSON(t, post("carl", `{"template": "chat-overview", "name": "Ok"}`, h), http.StatusCreated, &d)
	}
}

func TestTrustedOriginsMayWrite(t *testing.T) {
	f := newFixture(t, func(c *web.Config) { c.TrustedOrigins = []string{"https://app.example"} })
	w := f.do(req{method: http.MethodPost, path: "/api/dashboards", user: "carl", body: `{"template": "chat-overview", "name": "X"}`,
		header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://app.example"}})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
}

func TestPlanCapsDashboards(t *testing.T) {
	f := newFixture(t)
	st := store.NewMemory(store.WithPlan(plan.Plan{Name: "tiny", DashboardsPerAccount: 1}))
	h, err := web.New(web.Config{Engine: f.eng, Store: st, Logger: discard(), AllowedHosts: []string{"reports.test"},
		Authenticate: func(*http.Request) (access.Viewer, error) { return users["carl"], nil }})
	require.NoError(t, err)
	f.h = h
	create := req{method: http.MethodPost, path: "/api/dashboards", body: `{"template": "chat-overview", "name": "One"}`}
	require.Equal(t, http.StatusCreated, f.do(create).Code)
	e := failure(t, f.do(create), http.StatusUnprocessableEntity, "plan_limit")
	require.Equal(t, `plan "tiny" allows 1 dashboards per account`, e.Message)
}

func TestUnknownPathsAndMethods(t *testing.T) {
	f := newFixture(t)
	failure(t, f.get("/api/nowhere", "ana"), http.StatusNotFound, "not_found")
	w := f.do(req{method: http.MethodDelete, path: "/api/dashboards", user: "ana"})
	failure(t, w, http.StatusMethodNotAllowed, "method_not_allowed")
	require.Equal(t, "GET, POST", w.Header().Get("Allow"))
	w = f.do(req{method: http.MethodPut, path: "/api/dashboards/chat/reports/conversations-by-rep", user: "ana", body: `{}`})
	failure(t, w, http.StatusMethodNotAllowed, "method_not_allowed")
	require.Equal(t, "GET, PATCH, DELETE", w.Header().Get("Allow"))
	// HEAD is GET without a body.
	w = f.do(req{method: http.MethodHead, path: "/api/dashboards", user: "ana"})
	require.Equal(t, http.StatusOK, w.Code)
}

func TestValidateFilter(t *testing.T) {
	f := newFixture(t)
	post := func(body string) *httptest.ResponseRecorder {
		return f.do(req{method: http.MethodPost, path: "/api/filters/validate", user: "carl", body: body})
	}
	type answer struct {
		Valid bool      `json:"valid"`
		Expr  string    `json:"conditions_expr"`
		Error *apiError `json:"error"`
	}
	valid := func(body string) answer {
		t.Helper()
		var a answer
		okJSON(t, post(body), http.StatusOK, &a)
		require.True(t, a.Valid, "%+v", a.Error)
		require.Nil(t, a.Error)
		return a
	}
	// An invalid filter is an answer, not a failed request: the editor
	// asks while the user types.
	invalid := func(body, code string) apiError {
		t.Helper()
		var a answer
		okJSON(t, post(body), http.StatusOK, &a)
		require.False(t, a.Valid)
		require.NotNil(t, a.Error)
		require.Equal(t, code, a.Error.Code)
		require.NotContains(t, a.Error.Message, "convreport: ")
		return *a.Error
	}
	valid(`{"filter": "Channel == \"chat\" && FirstResponseTime > duration(\"5m\")"}`)
	require.Equal(t, `Inbox in ["Sales", "Support"]`, valid(`{"conditions": [{"property": "Inbox", "op": "is_any_of", "values": ["Sales", "Support"]}]}`).Expr)
	valid(`{}`)

	e := invalid(`{"filter": "Channel == \"chat\" &&\n  Inboxx == \"Sales\""}`, "invalid_filter")
	require.Equal(t, "filter", e.Field)
	require.Equal(t, 2, e.Line)
	require.Equal(t, 3, e.Column)
	require.Equal(t, "  Inboxx == \"Sales\"\n  ^", e.Snippet)
	require.Contains(t, e.Message, `unknown property "Inboxx" (did you mean "Inbox"?)`)

	e = invalid(`{"filter": "Inbox == 3"}`, "invalid_filter")
	require.Equal(t, 1, e.Line)

	e = invalid(`{"conditions": [{"property": "Inbox", "op": "equals", "values": ["x"]}, {"property": "Subject", "op": "greater_than", "values": ["3"]}]}`, "invalid_condition")
	require.Equal(t, "conditions", e.Field)
	require.NotNil(t, e.Index)
	require.Equal(t, 1, *e.Index)

	// Requests that are not a filter to check still fail.
	failure(t, post(`{"filter": "`+strings.Repeat("a", 17<<10)+`"}`), http.StatusUnprocessableEntity, "invalid_filter")
	failure(t, post(`{"filter": 3}`), http.StatusBadRequest, "invalid_json")
	failure(t, f.do(req{method: http.MethodPost, path: "/api/filters/validate", user: "carl", body: `{"filter": ""}`,
		header: map[string]string{"Content-Type": "text/plain"}}), http.StatusUnsupportedMediaType, "unsupported_media_type")
	failure(t, f.get("/api/filters/validate", "carl"), http.StatusMethodNotAllowed, "method_not_allowed")
}

// count is the reference the run is checked against: a loop over the
// conversations, independent of the engine.
func count(cs []convreport.Conversation, from, to time.Time, keep func(c *convreport.Conversation) bool) map[string]int64 {
	out := map[string]int64{}
	for i := range cs {
		c := &cs[i]
		if c.CreatedAt.Before(from) || !c.CreatedAt.Before(to) || !keep(c) {
			continue
		}
		out[c.Assignee]++
	}
	return out
}

func TestRunDashboard(t *testing.T) {
	f := newFixture(t)
	run := f.run("chat", "ana", "range=last_30_days&tz=Europe/Paris")
	require.Equal(t, "Chat", run.Dashboard)
	require.Equal(t, "chat", run.ID)
	require.EqualValues(t, 1, run.Version)
	require.Equal(t, "Europe/Paris", run.TimeZone)
	require.True(t, run.From.Equal(time.Date(2025, 5, 2, 0, 0, 0, 0, paris)), run.From)
	require.True(t, run.To.Equal(now), run.To)
	require.True(t, run.Now.Equal(now))
	require.Len(t, run.Reports, 6)
	require.Len(t, run.Charts, 6)
	require.Equal(t, []string{"conversations-by-rep", "chat-conversations-by-page-url", "average-chat-first-response-time-by-rep",
		"average-chat-time-to-close-by-rep", "closed-conversations-by-rep", "chat-conversations-over-time"}, run.ReportIDs)
	require.Equal(t, "bar", run.Charts[0].Type)
	require.Equal(t, run.Reports[0].Chart, run.Charts[0].Type)

	want := count(f.cs, run.From, run.To, func(c *convreport.Conversation) bool { return c.Channel == convreport.Chat })
	got := map[string]int64{}
	for _, p := range run.Reports[0].Points {
		a := p.Dimensions["assignee"]
		key := ""
		if a != nil {
			key = *a
		}
		got[key] = p.Count
		require.Equal(t, strconv.FormatInt(p.Count, 10), *p.Value, "a count's value is its count")
	}
	require.Equal(t, want, got)

	// The default period is the last 30 days in Config.Zone.
	def := f.run("chat", "ana", "")
	require.Equal(t, run.Period, def.Period)

	// The period names the run exactly.
	pv, err := url.ParseQuery(run.Period)
	require.NoError(t, err)
	require.Equal(t, "2025-05-02T00:00:00+02:00", pv.Get("from"))
	require.Equal(t, "2025-06-01T00:00:00+02:00", pv.Get("to"))
	require.Equal(t, "Europe/Paris", pv.Get("tz"))
	again := f.run("chat", "ana", run.Period)
	require.Equal(t, run.Reports, again.Reports)

	// from and to, as dates in the zone.
	custom := f.run("chat", "ana", "from=2025-05-10&to=2025-05-12&tz=UTC")
	require.True(t, custom.From.Equal(time.Date(2025, 5, 10, 0, 0, 0, 0, time.UTC)))
	ts := custom.Reports[5]
	require.Len(t, ts.Points, 2, "one point per day")
	require.Equal(t, "2025-05-10", *ts.Points[0].Dimensions["bucket"])

	var vega map[string]any
	okJSON(t, f.get("/api/dashboards/chat/run?format=vega", "ana"), http.StatusOK, &vega)
	require.Contains(t, vega["$schema"], "vega-lite")
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestRunScopesTheData(t *testing.T) {
	f := newFixture(t)
	run := f.run("chat", "ben", "range=last_30_days")
	want := count(f.cs, run.From, run.To, func(c *convreport.Conversation) bool {
		return c.Channel == convreport.Chat && c.Team == "Support"
	})
	got := map[string]int64{}
	for _, p := range run.Reports[0].Points {
		key := ""
		if a := p.Dimensions["assignee"]; a != nil {
			key = *a
		}
		got[key] = p.Count
	}
	require.Equal(t, want, got)
	all := f.run("chat", "ana", "range=last_30_days")
	require.Greater(t, len(all.Reports[0].Points), len(run.Reports[0].Points), "the scope hides other teams' reps")
}

func TestRunRefusals(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		query, code, field string
	}{
		{"range=last_month_ish", "invalid_query", "range"},
		{"range=last_7_days&from=2025-01-01&to=2025-02-01", "invalid_query", "range"},
		{"from=2025-01-01", "invalid_query", "to"},
		{"to=2025-01-01", "invalid_query", "from"},
		{"from=yesterday&to=2025-01-01", "invalid_query", "from"},
		{"from=2025-02-01&to=2025-01-01", "invalid_query", "to"},
		{"tz=Mars/Olympus", "invalid_query", "tz"},
		{"tz=Local", "invalid_query", "tz"},
		{"now=soon", "invalid_query", "now"},
		{"week_start=someday", "invalid_query", "week_start"},
		{"format=xml", "bad_request", "format"},
		{"range=last_7_days&range=last_30_days", "bad_request", "range"},
		{"tz=UTC&tz=Europe/Paris", "bad_request", "tz"},
	} {
		t.Run(c.query, func(t *testing.T) {
			e := failure(t, f.get("/api/dashboards/chat/run?"+c.query, "ana"), http.StatusBadRequest, c.code)
			require.Equal(t, c.field, e.Field)
		})
	}
	// A date outside the supported times is named as such; 0001-01-01 was
	// the zero time, read as no bound at all. The message names the
	// parameter once, and not the code again.
	e := failure(t, f.get("/api/dashboards/chat/run?from=0001-01-01&to=2025-06-01&tz=UTC", "ana"), http.StatusBadRequest, "invalid_query")
	require.Equal(t, "from", e.Field)
	require.Equal(t, `from: "0001-01-01" is outside the supported times, 1677-09-21T00:12:43.145224193Z to 2262-04-11T23:47:16.854775807Z`, e.Message)
	// A day the zone skipped starts when the next does: "that day" is no
	// time at all, and the message says why.
	e = failure(t, f.get("/api/dashboards/chat/run?from=2011-12-30&to=2011-12-31&tz=Pacific/Apia", "ana"), http.StatusBadRequest, "invalid_query")
	require.Equal(t, "to", e.Field)
	require.Equal(t, "from 2011-12-30 is not before to 2011-12-31: Pacific/Apia skipped the day 2011-12-30 (its clocks went from 2011-12-29 to 2011-12-31), "+
		"so the period holds no time; choose other dates", e.Message)
	e = failure(t, f.get("/api/dashboards/chat/run?from=2012-01-01&to=2011-12-30&tz=Pacific/Apia", "ana"), http.StatusBadRequest, "invalid_query")
	require.Equal(t, "from 2012-01-01 is not before to 2011-12-30", e.Message, "two instants in the wrong order")
	e = failure(t, f.get("/api/dashboards/chat/run?from=2025-02-30&to=2025-06-01", "ana"), http.StatusBadRequest, "invalid_query")
	require.Equal(t, `from: "2025-02-30" is neither a date (2025-03-01) nor an RFC 3339 time (2025-03-01T09:00:00+01:00)`, e.Message)
	failure(t, f.get("/api/dashboards/email/run", "ben"), http.StatusNotFound, "not_found") // as if it did not exist
	failure(t, f.get("/api/dashboards/nope/run", "ben"), http.StatusNotFound, "not_found")
}

func TestDrillDown(t *testing.T) {
	f := newFixture(t)
	run := f.run("chat", "ana", "range=last_30_days")
	rep := run.Reports[0]
	var top = rep.Points[0]
	path := drillPath("chat", "conversations-by-rep", run, top.Dimensions, "limit=10")
	var d drillResult
	okJSON(t, f.get(path, "ana"), http.StatusOK, &d)
	require.EqualValues(t, top.Count, d.Total, "the drill-down lists what the point counts")
	require.Equal(t, top.Count, d.Point.Count)
	require.Equal(t, *top.Dimensions["assignee"], d.Point.Label)
	require.Len(t, d.Rows, 10)
	require.Equal(t, 10, d.Limit)
	require.Equal(t, "CreatedAt", d.Sort)
	var keys []string
	for _, c := range d.Columns {
		keys = append(keys, c.Key)
	}
	require.Equal(t, []string{"id", "created_at", "assignee", "origin_url", "chatflow", "status"}, keys)

	// Every row is one of the point's conversations, in creation order.
	byID := map[string]convreport.Conversation{}
	for _, c := range f.cs {
		byID[c.ID] = c
	}
	var prev time.Time
	for _, r := range d.Rows {
		c := byID[r.ID]
		require.Equal(t, *top.Dimensions["assignee"], c.Assignee)
		require.Equal(t, convreport.Chat, c.Channel)
		require.Equal(t, c.ID, r.Values[0])
		require.False(t, c.CreatedAt.Before(prev))
		prev = c.CreatedAt
		created, err := time.Parse(time.RFC3339Nano, r.Values[1].(string))
		require.NoError(t, err)
		require.True(t, created.Equal(c.CreatedAt))
		require.Equal(t, c.CreatedAt.In(paris).Format("2006-01-02 15:04"), r.Text[1])
	}

	// Pages cover the point once, in any order asked.
	seen := map[string]bool{}
	for off := 0; off < d.Total; off += 7 {
		var pg drillResult
		okJSON(t, f.get(drillPath("chat", "conversations-by-rep", run, top.Dimensions, "sort=id&desc=true&limit=7&offset="+strconv.Itoa(off)), "ana"), http.StatusOK, &pg)
		require.Equal(t, "ID", pg.Sort)
		require.True(t, pg.Desc)
		for i, r := range pg.Rows {
			require.False(t, seen[r.ID])
			seen[r.ID] = true
			if i > 0 {
				require.Greater(t, pg.Rows[i-1].ID, r.ID)
			}
		}
	}
	require.Len(t, seen, d.Total)

	// The group with no value.
	var none drillResult
	okJSON(t, f.get(drillPath("chat", "conversations-by-rep", run, map[string]*string{"assignee": nil}, ""), "ana"), http.StatusOK, &none)
	require.Positive(t, none.Total)
	require.Nil(t, none.Point.Dimensions["assignee"])
	require.Equal(t, "(no value)", none.Point.Label)

	// A time-series bucket.
	ts := run.Reports[run.report(t, "chat-conversations-over-time")]
	day := ts.Points[3]
	var b drillResult
	okJSON(t, f.get(drillPath("chat", "chat-conversations-over-time", run, day.Dimensions, ""), "ana"), http.StatusOK, &b)
	require.EqualValues(t, day.Count, b.Total)

	// A duration: the response time of each answered conversation, exact.
	rt := run.Reports[run.report(t, "average-chat-first-response-time-by-rep")]
	var r drillResult
	okJSON(t, f.get(drillPath("chat", "average-chat-first-response-time-by-rep", run, rt.Points[0].Dimensions, "limit=1000"), "ana"), http.StatusOK, &r)
	require.EqualValues(t, rt.Points[0].Count, r.Total)
	last := len(r.Columns) - 1
	require.Equal(t, "first_response_time", r.Columns[last].Key)
	for _, row := range r.Rows {
		c := byID[row.ID]
		// The README's rule: from the assignment when it came strictly
		// before the reply, else from creation.
		start := c.CreatedAt
		if !c.FirstAssignedAt.IsZero() && c.FirstAssignedAt.Before(c.FirstResponseAt) {
			start = c.FirstAssignedAt
		}
		require.Equal(t, jsonString(c.FirstResponseAt.Sub(start).Seconds()), jsonString(row.Values[last]))
	}
}

func TestDrillDownScope(t *testing.T) {
	f := newFixture(t)
	// A rep of the Support team is a point for ben too, with his
	// conversations only.
	all := f.run("chat", "ana", "range=last_30_days")
	scoped := f.run("chat", "ben", "range=last_30_days")
	byID := map[string]convreport.Conversation{}
	for _, c := range f.cs {
		byID[c.ID] = c
	}
	var support, sales map[string]*string
	for _, p := range all.Reports[0].Points {
		a := p.Dimensions["assignee"]
		if a == nil {
			continue
		}
		team := ""
		for _, c := range f.cs {
			if c.Assignee == *a {
				team = c.Team
				break
			}
		}
		switch {
		case team == "Support" && support == nil:
			support = p.Dimensions
		case team == "Sales" && sales == nil:
			sales = p.Dimensions
		}
	}
	require.NotNil(t, support)
	require.NotNil(t, sales)

	var d drillResult
	okJSON(t, f.get(drillPath("chat", "conversations-by-rep", scoped, support, "limit=1000"), "ben"), http.StatusOK, &d)
	want := count(f.cs, scoped.From, scoped.To, func(c *convreport.Conversation) bool {
		return c.Channel == convreport.Chat && c.Team == "Support"
	})[*support["assignee"]]
	require.EqualValues(t, want, d.Total)
	for _, r := range d.Rows {
		require.Equal(t, "Support", byID[r.ID].Team, "an out-of-scope conversation is never listed")
	}

	// A Sales rep's point does not exist for ben: the same request ana may
	// send is a 404 for him.
	path := drillPath("chat", "conversations-by-rep", scoped, sales, "")
	okJSON(t, f.get(path, "ana"), http.StatusOK, &d)
	require.Positive(t, d.Total)
	failure(t, f.get(path, "ben"), http.StatusNotFound, "point_not_found")

	// A private dashboard's points are nobody else's business.
	failure(t, f.get(drillPath("email", "email-volume-by-owner", scoped, sales, ""), "ben"), http.StatusNotFound, "not_found") // as if it did not exist
}

func TestDrillDownRefusals(t *testing.T) {
	f := newFixture(t)
	run := f.run("chat", "ana", "range=last_30_days")
	base := "/api/dashboards/chat/reports/conversations-by-rep/drill?" + run.Period
	for _, c := range []struct {
		query  string
		status int
		code   string
		field  string
	}{
		{"", 400, "invalid_point", "point"},
		{"&point=" + url.QueryEscape(`["Alice"]`), 400, "invalid_point", "point"},
		{"&point=" + url.QueryEscape(`{"assignee": 3}`), 400, "invalid_point", "point"},
		{"&point=" + url.QueryEscape(`{"assignee": "x"}{}`), 400, "invalid_point", "point"},
		{"&point=" + url.QueryEscape(`{"inbox": "Sales"}`), 400, "invalid_point", "point"},
		{"&point=" + url.QueryEscape(`{}`), 400, "invalid_point", "point"},
		{"&point=" + url.QueryEscape(`{"assignee": "x"}`) + "&other=true", 400, "invalid_point", "point"},
		{"&other=maybe", 400, "invalid_point", "other"},
		{"&point=" + url.QueryEscape(`{"assignee": "Nobody Here"}`), 404, "point_not_found", ""},
		{"&other=true", 404, "point_not_found", ""},
		{"&point=" + url.QueryEscape(`{"assignee": null}`) + "&limit=1001", 400, "bad_request", "limit"},
		{"&point=" + url.QueryEscape(`{"assignee": null}`) + "&limit=0", 400, "bad_request", "limit"},
		{"&point=" + url.QueryEscape(`{"assignee": null}`) + "&offset=-1", 400, "bad_request", "offset"},
		{"&point=" + url.QueryEscape(`{"assignee": null}`) + "&sort=Colour", 400, "bad_request", "sort"},
		{"&point=" + url.QueryEscape(`{"assignee": null}`) + "&desc=sometimes", 400, "bad_request", "desc"},
		{"&point=" + url.QueryEscape(`{"assignee": null}`) + "&tz=Nowhere", 400, "bad_request", "tz"},
		{"&point=" + url.QueryEscape(`{"assignee": null}`) + "&point=" + url.QueryEscape(`{"assignee": null}`), 400, "bad_request", "point"},
	} {
		t.Run(c.query, func(t *testing.T) {
			e := failure(t, f.get(base+c.query, "ana"), c.status, c.code)
			require.Equal(t, c.field, e.Field)
		})
	}
	failure(t, f.get("/api/dashboards/chat/reports/nope/drill?point={}", "ana"), http.StatusNotFound, "not_found")

	// A bucket written otherwise than the result JSON writes it is told
	// how, with one of the report's own; one written so but not in the
	// period is not found.
	series := "/api/dashboards/chat/reports/chat-conversations-over-time/drill?" + run.Period
	first := *run.Reports[indexOf(t, run.ReportIDs, "chat-conversations-over-time")].Points[0].Dimensions["bucket"]
	e := failure(t, f.get(series+"&point="+url.QueryEscape(`{"bucket": "`+first+`T00:00:00Z"}`), "ana"), 400, "invalid_point")
	require.Equal(t, "point", e.Field)
	require.Equal(t, `bucket "`+first+`T00:00:00Z": name a bucket of report "Chat conversations over time" as the result JSON does, like "`+first+`"`, e.Message)
	failure(t, f.get(series+"&point="+url.QueryEscape(`{"bucket": "1999-01-01"}`), "ana"), 404, "point_not_found")
	var d drillResult
	okJSON(t, f.get(series+"&point="+url.QueryEscape(`{"bucket": "`+first+`"}`), "ana"), http.StatusOK, &d)
	require.Positive(t, d.Total)
}

// edit sends an edit as user, as the page's script does: a body that
// names the version it started from names the dashboard's creation too
// ("created"), which edit adds from the store unless the body has it.
// The tests of what a missing or another creation gets send their own.
func (f *fixture) edit(method, path, user, body string) *httptest.ResponseRecorder {
	return f.do(req{method: method, path: path, user: user, body: f.withCreated(path, body)})
}

// withCreated is body with the created_at of the dashboard path names, as
// stored now, when body is a JSON object with a version and no creation.
func (f *fixture) withCreated(path, body string) string {
	f.t.Helper()
	var keys map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &keys) != nil || keys["version"] == nil || keys["created"] != nil {
		return body
	}
	rest, ok := strings.CutPrefix(path, "/api/dashboards/")
	if !ok {
		return body
	}
	id, _, _ := strings.Cut(strings.SplitN(rest, "?", 2)[0], "/")
	d, err := f.store.Get(context.Background(), users["admin"], id)
	if err != nil {
		return body
	}
	i := strings.Index(body, "{")
	return body[:i+1] + `"created": "` + d.CreatedAt.Format(time.RFC3339Nano) + `", ` + body[i+1:]
}

type editResult struct {
	Dashboard struct {
		Version int64               `json:"version"`
		Reports []convreport.Report `json:"reports"`
	} `json:"dashboard"`
	Report convreport.Report `json:"report"`
}

func TestUpdateReport(t *testing.T) {
	f := newFixture(t)
	path := "/api/dashboards/chat/reports/conversations-by-rep"
	var out editResult
	okJSON(t, f.edit(http.MethodPatch, path, "ana", `{
		"version": 1,
		"name": "Chats per rep",
		"chart": {"type": "column", "stacked": true},
		"dimensions": ["Assignee", "Inbox"],
		"add_properties": ["Subject"],
		"remove_properties": ["Chatflow"],
		"filter": "IncomingMessages >= 1",
		"add_conditions": [{"property": "Inbox", "op": "is_known"}]
	}`), http.StatusOK, &out)
	require.EqualValues(t, 2, out.Dashboard.Version)
	r := out.Report
	require.Equal(t, "conversations-by-rep", r.ID, "the ID stays")
	require.Equal(t, "Chats per rep", r.Name)
	require.Equal(t, convreport.Chart{Type: convreport.ColumnChart, Stacked: true}, r.Chart)
	require.Equal(t, []string{"Assignee", "Inbox"}, r.Dimensions, "stacked by a breakdown")
	require.Equal(t, []string{"ID", "CreatedAt", "Assignee", "OriginURL", "Status", "Subject"}, r.Properties)
	require.Equal(t, "IncomingMessages >= 1", r.Filter)
	require.Equal(t, []convreport.Condition{{Property: "Inbox", Op: convreport.IsKnown}}, r.Conditions)
	require.Equal(t, r, out.Dashboard.Reports[0], "in place")
	require.Len(t, out.Dashboard.Reports, 6)

	// The store has it.
	got, err := f.store.Get(context.Background(), users["ana"], "chat")
	require.NoError(t, err)
	require.Equal(t, r, got.Reports[0])
	require.EqualValues(t, 2, got.Version)

	// Lists replace: properties, conditions; "" removes the filter.
	out = editResult{}
	okJSON(t, f.edit(http.MethodPatch, path, "ana", `{"version": 2, "properties": ["ID", "Team"], "conditions": [{"property": "Team", "op": "is_any_of", "values": ["Sales"]}], "filter": ""}`),
		http.StatusOK, &out)
	require.Equal(t, []string{"ID", "Team"}, out.Report.Properties)
	require.Equal(t, []convreport.Condition{{Property: "Team", Op: convreport.IsAnyOf, Values: []string{"Sales"}}}, out.Report.Conditions)
	require.Empty(t, out.Report.Filter)
	require.Equal(t, "Chats per rep", out.Report.Name, "what the body leaves out stays")

	// The run follows the edit.
	run := f.run("chat", "ana", "range=last_30_days")
	require.Equal(t, "Chats per rep", run.Reports[0].Name)
	require.Equal(t, "column", run.Reports[0].Chart)
	for _, p := range run.Reports[0].Points {
		if a := p.Dimensions["assignee"]; a != nil {
			for _, c := range f.cs {
				if c.Assignee == *a {
					require.Equal(t, "Sales", c.Team)
					break
				}
			}
		}
	}

	// Someone who may edit it, not only its owner.
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/shared/reports/conversations-by-rep", "ben", `{"version": 1, "name": "Ben's"}`), http.StatusOK, &out)
	require.Equal(t, "Ben's", out.Report.Name)
}

func TestUpdateReportRefusals(t *testing.T) {
	f := newFixture(t)
	path := "/api/dashboards/chat/reports/conversations-by-rep"
	for _, c := range []struct {
		name, user, path, body string
		status                 int
		code, field            string
	}{
		{"view only", "ben", path, `{"version": 1, "name": "Mine"}`, 403, "forbidden", ""},
		{"private to another", "ben", "/api/dashboards/email/reports/email-volume-by-owner", `{"version": 1, "name": "Mine"}`, 404, "not_found", ""}, // as if it did not exist,
		{"admin on a private one", "admin", "/api/dashboards/email/reports/email-volume-by-owner", `{"version": 1, "name": "Mine"}`, 403, "forbidden", ""},
		{"stale version", "ana", path, `{"version": 0, "name": "Old"}`, 409, "conflict", ""},
		{"no version", "ana", path, `{"name": "X"}`, 422, "invalid_request", "version"},
		{"unknown report", "ana", "/api/dashboards/chat/reports/nope", `{"version": 1}`, 404, "not_found", ""},
		{"unknown dashboard", "ana", "/api/dashboards/nope/reports/x", `{"version": 1}`, 404, "not_found", ""},
		{"blank name", "ana", path, `{"version": 1, "name": "  "}`, 422, "invalid_report", "name"},
		{"long name", "ana", path, `{"version": 1, "name": "` + strings.Repeat("n", 201) + `"}`, 422, "invalid_report", "name"},
		{"unknown chart", "ana", path, `{"version": 1, "chart": {"type": "radar"}}`, 422, "invalid_report", "chart"},
		{"stacked pie", "ana", path, `{"version": 1, "chart": {"type": "pie", "stacked": true}}`, 422, "invalid_report", "chart"},
		{"unknown property", "ana", path, `{"version": 1, "add_properties": ["Colour"]}`, 422, "unknown_property", "properties"},
		{"removing a property not shown", "ana", path, `{"version": 1, "remove_properties": ["Team"]}`, 422, "invalid_report", "properties"},
		{"bad filter", "ana", path, `{"version": 1, "filter": "Inbox =="}`, 422, "invalid_filter", "filter"},
		{"bad condition", "ana", path, `{"version": 1, "conditions": [{"property": "Inbox", "op": "is_known"}, {"property": "CreatedAt", "op": "after", "values": ["soon"]}]}`, 422, "invalid_condition", "conditions"},
		{"too many conditions", "ana", path, `{"version": 1, "conditions": [` + strings.Repeat(`{"property": "Inbox", "op": "is_known"},`, 50) + `{"property": "Inbox", "op": "is_known"}]}`, 422, "invalid_condition", "conditions"},
		{"a duration that is not one", "ana", path, `{"version": 1, "chart": {"type": 3}}`, 400, "invalid_json", "chart.type"},
		{"unknown key", "ana", path, `{"version": 1, "colour": "red"}`, 400, "invalid_json", "colour"},
		{"a nested key given twice", "ana", path, `{"version": 1, "chart": {"type": "bar", "type": "pie"}}`, 400, "invalid_json", "chart.type"},
		{"a nested key in another case", "ana", path, `{"version": 1, "conditions": [{"property": "Inbox", "OP": "is_known"}]}`, 400, "invalid_json", "conditions[0].OP"},
		{"a wrong type in an array's element", "ana", path, `{"version": 1, "conditions": [{"property": "Inbox", "op": "is_known"}, {"property": "Inbox", "op": "is_any_of", "values": "Sales"}]}`, 400, "invalid_json", "conditions[1].values"},
		{"a nested unknown key", "ana", path, `{"version": 1, "chart": {"colour": "red"}}`, 400, "invalid_json", "chart.colour"},
		{"malformed", "ana", path, `{"version": 1,`, 400, "invalid_json", ""},
		{"cross-site", "ana", path, ``, 403, "cross_origin", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := req{method: http.MethodPatch, path: c.path, user: c.user, body: f.withCreated(c.path, c.body)}
			if c.code == "cross_origin" {
				r.body = `{"version": 1, "name": "Evil"}`
				r.header = map[string]string{"Sec-Fetch-Site": "cross-site"}
			}
			e := failure(t, f.do(r), c.status, c.code)
			require.Equal(t, c.field, e.Field, e.Message)
		})
	}
	// The key's path with the element's index, and what it wants.
	e := failure(t, f.edit(http.MethodPatch, path, "ana", `{"version": 1, "conditions": [{"property": "Inbox", "op": "is_known"}, {"property": "Inbox", "op": "is_any_of", "values": "Sales"}]}`), 400, "invalid_json")
	require.Equal(t, "conditions[1].values: want an array, got a JSON string", e.Message)
	e = failure(t, f.edit(http.MethodPatch, path, "ana", `{"version": 1, "chart": {"colour": "red"}}`), 400, "invalid_json")
	require.Equal(t, "chart.colour: unknown key (want type, stacked, percent)", e.Message)
	e = failure(t, f.edit(http.MethodPatch, path, "ana", `{"version": 1, "filter": "Channel == \"chat\" && Inboxx == \"Sales\""}`), 422, "invalid_filter")
	require.Equal(t, 1, e.Line)
	require.Equal(t, 22, e.Column)
	require.Equal(t, "Channel == \"chat\" && Inboxx == \"Sales\"\n"+strings.Repeat(" ", 21)+"^", e.Snippet)
	e = failure(t, f.edit(http.MethodPatch, path, "ana", `{"version": 1, "conditions": [{"property": "Inbox", "op": "is_known"}, {"property": "CreatedAt", "op": "after", "values": ["soon"]}]}`), 422, "invalid_condition")
	require.Equal(t, 1, *e.Index)
	// An edit that asks for nothing makes no new version, which would make
	// every other editor's stale.
	e = failure(t, f.edit(http.MethodPatch, path, "ana", `{"version": 1}`), 422, "invalid_request")
	require.Contains(t, e.Message, "nothing to change")

	// Nothing changed.
	d, err := f.store.Get(context.Background(), users["ana"], "chat")
	require.NoError(t, err)
	require.EqualValues(t, 1, d.Version)
	require.Equal(t, "Conversations by rep", d.Reports[0].Name)

	// Two editors of version 1: the second one is told, and nothing of
	// theirs is written.
	var out editResult
	okJSON(t, f.edit(http.MethodPatch, path, "ana", `{"version": 1, "name": "First"}`), http.StatusOK, &out)
	e = failure(t, f.edit(http.MethodPatch, path, "ana", `{"version": 1, "name": "Second"}`), http.StatusConflict, "conflict")
	require.Contains(t, e.Message, "version 1")
	require.Contains(t, e.Message, "version 2")
	d, _ = f.store.Get(context.Background(), users["ana"], "chat")
	require.Equal(t, "First", d.Reports[0].Name)
}

func TestSaveReportAsNew(t *testing.T) {
	f := newFixture(t, func(c *web.Config) { c.Plan = plan.Plan{Name: "seven", ReportsPerDashboard: 7} })
	path := "/api/dashboards/shared/reports/conversations-by-rep/save-as-new"
	w := f.edit(http.MethodPost, path, "ben", `{"version": 1, "name": "Chats per rep, as a table", "chart": {"type": "table"}}`)
	var out editResult
	okJSON(t, w, http.StatusCreated, &out)
	require.Equal(t, "chats-per-rep-as-a-table", out.Report.ID)
	loc, err := url.Parse("http://reports.test" + path)
	require.NoError(t, err)
	loc = loc.ResolveReference(&url.URL{Path: w.Header().Get("Location")})
	require.Equal(t, "/api/dashboards/shared/reports/chats-per-rep-as-a-table", loc.Path)
	okJSON(t, f.get(loc.Path, "ben"), http.StatusOK, &struct{}{})
	require.Len(t, out.Dashboard.Reports, 7)
	require.Equal(t, "Conversations by rep", out.Dashboard.Reports[0].Name, "the original stays")
	require.Equal(t, out.Report, out.Dashboard.Reports[6])
	require.EqualValues(t, 2, out.Dashboard.Version)

	e := failure(t, f.edit(http.MethodPost, path, "ben", `{"version": 2, "name": "One too many"}`), http.StatusUnprocessableEntity, "plan_limit")
	require.Equal(t, `plan "seven" allows 7 reports per dashboard`, e.Message)
	failure(t, f.edit(http.MethodPost, path, "ben", `{"version": 1, "name": "Stale"}`), http.StatusConflict, "conflict")
	failure(t, f.edit(http.MethodPost, "/api/dashboards/chat/reports/conversations-by-rep/save-as-new", "ben", `{"version": 1}`), http.StatusForbidden, "forbidden")
	failure(t, f.edit(http.MethodPost, path, "ben", `{"name": "No version"}`), http.StatusUnprocessableEntity, "invalid_request")
}

func TestPreviewSavesNothing(t *testing.T) {
	f := newFixture(t)
	path := "/api/dashboards/chat/reports/conversations-by-rep/preview?range=last_7_days"
	var out struct {
		Report convreport.Report `json:"report"`
		SVG    string            `json:"svg"`
		Chart  struct {
			Type string `json:"type"`
		} `json:"chart"`
		Result struct {
			Points []struct {
				Count int64 `json:"count"`
			} `json:"points"`
		} `json:"result"`
	}
	// A viewer who may only view the dashboard may preview.
	okJSON(t, f.edit(http.MethodPost, path, "ben", `{"name": "Try", "chart": {"type": "pie"}, "conditions": [{"property": "Status", "op": "equals", "values": ["open"]}]}`), http.StatusOK, &out)
	require.Equal(t, "Try", out.Report.Name)
	require.Equal(t, "pie", out.Chart.Type)
	require.True(t, strings.HasPrefix(out.SVG, "<svg"))
	require.NotContains(t, out.SVG, "<a ", "a preview links nowhere")
	var n int64
	for _, p := range out.Result.Points {
		n += p.Count
	}
	run := f.run("chat", "ben", "range=last_7_days")
	var all int64
	for _, p := range run.Reports[0].Points {
		all += p.Count
	}
	require.Positive(t, n)
	require.Less(t, n, all, "the preview runs the edited filter, in ben's scope")

	d, err := f.store.Get(context.Background(), users["ana"], "chat")
	require.NoError(t, err)
	require.EqualValues(t, 1, d.Version)
	require.Equal(t, "Conversations by rep", d.Reports[0].Name)

	failure(t, f.edit(http.MethodPost, path, "ben", `{"filter": "Inbox =="}`), http.StatusUnprocessableEntity, "invalid_filter")
	failure(t, f.edit(http.MethodPost, "/api/dashboards/email/reports/email-volume-by-owner/preview", "ben", `{}`), http.StatusNotFound, "not_found") // as if it did not exist
}
