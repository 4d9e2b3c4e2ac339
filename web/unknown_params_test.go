package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The API reads a fixed set of query parameters per endpoint: any other
// is a 400 naming it, and the one it most likely meant, rather than an
// answer for the default period, with no comparison or a default page,
// that looks right.
func TestUnknownQueryParameters(t *testing.T) {
	f := newFixture(t)
	run := f.run("chat", "ana", "range=last_30_days")
	point := "point=" + url.QueryEscape(`{"assignee":null}`)
	drill := "/api/dashboards/chat/reports/conversations-by-rep/drill?" + run.Period + "&" + point
	cases := []struct {
		name, method, path, field, msg string
	}{
		{"range", http.MethodGet, "/api/dashboards/chat/run?rnage=today", "rnage", `unknown parameter "rnage" (did you mean "range"?)`},
		{"compare", http.MethodGet, "/api/dashboards/chat/run?range=today&comapre=previous", "comapre", `unknown parameter "comapre" (did you mean "compare"?)`},
		{"case", http.MethodGet, "/api/dashboards/chat/run?Range=today", "Range", `unknown parameter "Range" (did you mean "range"?)`},
		{"drill limit", http.MethodGet, drill + "&limt=1", "limt", `unknown parameter "limt" (did you mean "list" or "limit"?)`},
		{"drill offset", http.MethodGet, drill + "&ofset=1", "ofset", `unknown parameter "ofset" (did you mean "offset"?)`},
		{"export from", http.MethodGet, "/api/dashboards/chat/reports/conversations-by-rep/export?format=csv&form=2025-01-01", "form", `unknown parameter "form" (did you mean "from"?)`},
		{"nothing close", http.MethodGet, "/api/dashboards/chat/export?format=zip&utm_source=mail", "utm_source",
			`unknown parameter "utm_source" (want range, from, to, tz, now, week_start, filters, compare or format)`},
		{"drill export paging", http.MethodGet, "/api/dashboards/chat/reports/conversations-by-rep/drill/export?" + run.Period + "&" + point + "&offset=25", "offset",
			`unknown parameter "offset" (want range, from, to, tz, now, week_start, filters, compare, point, other, list, sort, desc or format)`},
		{"no parameters", http.MethodGet, "/api/dashboards/chat?range=today", "range", `unknown parameter "range": this endpoint takes no query parameters`},
		{"delete", http.MethodDelete, "/api/dashboards/chat?versoin=1", "versoin", `unknown parameter "versoin" (did you mean "version"?)`},
		{"live", http.MethodGet, "/api/dashboards/chat/live?range=today&sig=x", "sig", `unknown parameter "sig" (did you mean "sigs"?)`},
		{"preview", http.MethodPost, "/api/dashboards/chat/reports/conversations-by-rep/preview?range=today&filters=[]", "filters",
			`unknown parameter "filters" (want range, from, to, tz, now or week_start)`},
		{"templates", http.MethodGet, "/api/templates?query=chat", "query", `unknown parameter "query" (want q)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Without the check, the live stream would go on.
			r := req{method: tc.method, path: tc.path, user: "ana", timeout: 10 * time.Second}
			if tc.method == http.MethodPost {
				r.body = `{}`
			}
			e := failure(t, f.do(r), http.StatusBadRequest, "bad_request")
			require.Equal(t, tc.field, e.Field)
			require.Equal(t, tc.msg, e.Message)
		})
	}
	// A pair url.Values would drop: a bad escape, a semicolon.
	e := failure(t, f.get("/api/dashboards/chat/run?range=%zz", "ana"), http.StatusBadRequest, "bad_request")
	require.Equal(t, `the query string does not parse: invalid URL escape "%zz"`, e.Message)
	e = failure(t, f.get("/api/dashboards/chat/run?range=today;compare=previous", "ana"), http.StatusBadRequest, "bad_request")
	require.Contains(t, e.Message, "the query string does not parse")

	// What the pages send is known: a run's period with its filters and
	// comparison, a drill-down's point, page and sort.
	view := url.Values{"filters": {`[{"property":"Channel","op":"is_any_of","values":["chat"]}]`}, "compare": {"previous"}}
	var out runResult
	okJSON(t, f.get("/api/dashboards/chat/run?range=last_30_days&tz=Europe/Paris&week_start=monday&format=json&"+view.Encode(), "ana"), http.StatusOK, &out)
	var d drillResult
	okJSON(t, f.get(drill+"&offset=0&limit=1&sort=CreatedAt&desc=true&list=point&other=false", "ana"), http.StatusOK, &d)
	require.Len(t, d.Rows, 1)
	w := f.get("/api/dashboards/chat/reports/conversations-by-rep/drill/export?"+run.Period+"&"+point+"&format=csv&sort=ID", "ana")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
}

// A page a person opens ignores what it does not read: an address
// carries what a newsletter or a bookmark added (utm_source=…), and the
// page shows as without it.
func TestPagesIgnoreUnknownParameters(t *testing.T) {
	f := newFixture(t)
	run := f.run("chat", "ana", "range=last_30_days")
	for _, path := range []string{
		"/dashboards/chat?range=today&utm_source=newsletter",
		"/dashboards/chat/print?range=today&utm_source=newsletter",
		"/dashboards/chat/reports/conversations-by-rep/drill?" + run.Period + "&point=" + url.QueryEscape(`{"assignee":null}`) + "&utm_source=newsletter",
		"/?utm_source=newsletter",
	} {
		w := f.get(path, "ana")
		require.Equal(t, http.StatusOK, w.Code, "%s: %s", path, w.Body.String())
	}
}
