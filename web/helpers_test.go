package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the tests, without relying on the machine's zone files

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// now is where the sample data ends; every request resolves against it.
var now = time.Date(2025, 6, 1, 0, 0, 0, 0, paris)

// The users of the fixture. ben sees only the Support team's
// conversations.
var users = map[string]access.Viewer{
	"ana":   {UserID: "ana", Teams: []string{"Sales"}},
	"ben":   {UserID: "ben", Teams: []string{"Support"}, Scope: access.Scope{Teams: []string{"Support"}}},
	"carl":  {UserID: "carl"},
	"admin": {UserID: "admin", Admin: true},
}

// fixture is a handler over sample data with three dashboards, all owned
// by ana: "chat" everyone may view, "shared" everyone may edit, "email"
// private.
type fixture struct {
	t     *testing.T
	h     http.Handler
	store store.Store
	cs    []convreport.Conversation
	eng   *convreport.Engine
	src   *memory.Source
	conf  web.Config // what h was made from
}

// cfg returns the fixture's configuration with opts applied, for another
// handler over the same store and data.
func (f *fixture) cfg(opts ...option) web.Config {
	c := f.conf
	for _, o := range opts {
		o(&c)
	}
	return c
}

type option func(*web.Config)

func newFixture(t *testing.T, opts ...option) *fixture {
	t.Helper()
	cs := sample.Generate(sample.Config{Seed: 11, N: 4000, From: now.AddDate(0, 0, -60), To: now, Zone: paris})
	src, err := memory.New(cs)
	require.NoError(t, err)
	st := store.NewMemory()
	ana := users["ana"]
	for _, d := range []struct {
		id, template string
		vis          access.Visibility
	}{
		{"chat", "chat-overview", access.EveryoneCanView},
		{"shared", "chat-overview", access.EveryoneCanEdit},
		{"email", "email-overview", access.Private},
	} {
		tpl, _ := library.Lookup(d.template)
		db, err := tpl.NewDashboard(convreport.DashboardOptions{ID: d.id, Name: strings.ToUpper(d.id[:1]) + d.id[1:], Owner: "ana", Visibility: d.vis})
		require.NoError(t, err)
		_, err = st.Create(context.Background(), ana, db)
		require.NoError(t, err)
	}
	eng := convreport.NewEngine(src)
	cfg := web.Config{
		Engine: eng, Store: st, Schema: src.Schema(),
		Authenticate: func(r *http.Request) (access.Viewer, error) {
			name := r.Header.Get("X-User")
			if name == "blocked" {
				return access.Viewer{}, fmt.Errorf("%w: account suspended", access.ErrForbidden)
			}
			v, ok := users[name]
			if !ok {
				return access.Viewer{}, errors.New("sign in first")
			}
			return v, nil
		},
		Now:          func() time.Time { return now },
		Zone:         paris,
		Logger:       discard(),
		AllowedHosts: []string{"reports.test"}, // the host of every request of do
	}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := web.New(cfg)
	require.NoError(t, err)
	return &fixture{t: t, h: h, store: st, cs: cs, eng: eng, src: src, conf: cfg}
}

// req is one request to the handler.
type req struct {
	method, path, user string
	host               string // default reports.test
	body               string
	header             map[string]string
	// timeout ends the request after it, for a stream that would go on.
	timeout time.Duration
}

// do sends r the way a same-origin browser page would (JSON content type
// on a body), unless r's headers say otherwise.
func (f *fixture) do(r req) *httptest.ResponseRecorder {
	f.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, "http://reports.test"+r.path, body)
	if r.timeout > 0 {
		ctx, cancel := context.WithTimeout(hr.Context(), r.timeout)
		defer cancel()
		hr = hr.WithContext(ctx)
	}
	if r.host != "" {
		hr.Host = r.host
	}
	if r.user != "" {
		hr.Header.Set("X-User", r.user)
	}
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, hr)
	return w
}

func (f *fixture) get(path, user string) *httptest.ResponseRecorder {
	return f.do(req{method: http.MethodGet, path: path, user: user})
}

// okJSON decodes a 2xx JSON answer into v.
func okJSON(t *testing.T, w *httptest.ResponseRecorder, status int, v any) {
	t.Helper()
	require.Equal(t, status, w.Code, w.Body.String())
	require.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), v), w.Body.String())
}

// apiError is the error object of a response.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Snippet string `json:"snippet"`
	Index   *int   `json:"index"`
	Report  string `json:"report"`
	// Problems are, for a saved report that no longer runs, each part
	// that does not check.
	Problems []apiError `json:"problems"`
}

// failure checks an error answer and returns its error object.
func failure(t *testing.T, w *httptest.ResponseRecorder, status int, code string) apiError {
	t.Helper()
	require.Equal(t, status, w.Code, w.Body.String())
	require.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"), w.Body.String())
	var body struct {
		Error *apiError `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&body), w.Body.String())
	require.NotNil(t, body.Error, w.Body.String())
	require.Equal(t, code, body.Error.Code, w.Body.String())
	require.NotEmpty(t, body.Error.Message)
	require.NotContains(t, body.Error.Message, "convreport: ", "messages drop the package prefix")
	return *body.Error
}

// runResult is the part of a run answer the tests read.
type runResult struct {
	Dashboard string    `json:"dashboard"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	TimeZone  string    `json:"time_zone"`
	ID        string    `json:"id"`
	Version   int64     `json:"version"`
	Now       time.Time `json:"now"`
	ReportIDs []string  `json:"report_ids"`
	Period    string    `json:"period"`
	Charts    []struct {
		Type string `json:"type"`
	} `json:"charts"`
	Reports []struct {
		Name    string `json:"name"`
		Measure string `json:"measure"`
		Unit    string `json:"unit"`
		Chart   string `json:"chart"`
		Points  []struct {
			Dimensions map[string]*string `json:"dimensions"`
			Value      *string            `json:"value"`
			Count      int64              `json:"count"`
			Other      bool               `json:"other"`
		} `json:"points"`
	} `json:"reports"`
}

func (f *fixture) run(dash, user, query string) runResult {
	f.t.Helper()
	var out runResult
	okJSON(f.t, f.get("/api/dashboards/"+dash+"/run?"+query, user), http.StatusOK, &out)
	return out
}

func (r runResult) report(t *testing.T, id string) int {
	t.Helper()
	for i, rid := range r.ReportIDs {
		if rid == id {
			return i
		}
	}
	t.Fatalf("no report %q in %v", id, r.ReportIDs)
	return -1
}

type drillResult struct {
	Report struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"report"`
	Point struct {
		Dimensions map[string]*string `json:"dimensions"`
		Label      string             `json:"label"`
		Count      int64              `json:"count"`
	} `json:"point"`
	Total   int    `json:"total"`
	Offset  int    `json:"offset"`
	Limit   int    `json:"limit"`
	Sort    string `json:"sort"`
	Desc    bool   `json:"desc"`
	Columns []struct {
		Name string `json:"name"`
		Key  string `json:"key"`
	} `json:"columns"`
	Rows []struct {
		ID     string   `json:"id"`
		Values []any    `json:"values"`
		Text   []string `json:"text"`
	} `json:"rows"`
}

// drillPath is the drill-down of a point of a run, for the run's exact
// period.
func drillPath(dash, report string, run runResult, point map[string]*string, extra string) string {
	b, _ := json.Marshal(point)
	v, _ := url.ParseQuery(run.Period)
	v.Set("point", string(b))
	p := "/api/dashboards/" + dash + "/reports/" + report + "/drill?" + v.Encode()
	if extra != "" {
		p += "&" + extra
	}
	return p
}

func itoa(n int) string { return strconv.Itoa(n) }
