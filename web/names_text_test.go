package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// A report's name, like a dashboard's, holds no control character: the
// API refuses one as it refuses such a dashboard name (422 on the field
// "name"), and the store keeps the name it had.
func TestReportNameWithControlCharacters(t *testing.T) {
	f := newFixture(t)
	path := "/api/dashboards/chat/reports/conversations-by-rep"
	for _, tc := range []struct{ body, msg string }{
		{`{"version": 1, "name": "a\u0000b\nc"}`, `report "a\x00b\nc": name: holds a control character`},
		{`{"version": 1, "name": "By\trep"}`, `report "By\trep": name: holds a control character`},
		{`{"version": 1, "name": "By rep\u001b[31m"}`, `report "By rep\x1b[31m": name: holds a control character`},
	} {
		e := failure(t, f.edit(http.MethodPatch, path, "ana", tc.body), http.StatusUnprocessableEntity, "invalid_report")
		require.Equal(t, "name", e.Field)
		require.Equal(t, tc.msg, e.Message)
	}
	// Saved as new, too.
	e := failure(t, f.edit(http.MethodPost, path+"/save-as-new", "ana", `{"version": 1, "name": "Copy\u0000"}`), http.StatusUnprocessableEntity, "invalid_report")
	require.Equal(t, "name", e.Field)
	// A dashboard name is refused in the same words.
	e = failure(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": 1, "name": "a\u0000b"}`), http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Equal(t, "name", e.Field)
	require.Equal(t, `dashboard "chat": name: holds a control character`, e.Message)

	d, err := f.store.Get(context.Background(), users["admin"], "chat")
	require.NoError(t, err)
	require.Equal(t, int64(1), d.Version, "nothing was saved")
	rep, _ := d.Report("conversations-by-rep")
	require.Equal(t, "Conversations by rep", rep.Name)
}

// A grant's user or team is a name matched exactly: one with a control
// character would match nobody, and is refused with its grant.
func TestGrantWithControlCharacter(t *testing.T) {
	f := newFixture(t)
	e := failure(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": 1, "visibility": "specific", "grants": [{"user": "ben"}, {"team": "Sup\u0000port"}]}`),
		http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Equal(t, "grants", e.Field)
	require.Contains(t, e.Message, `(team "Sup\x00port"): the name holds a control character`)
}

// JSON is UTF-8: a body with other bytes is refused with where the first
// one is, rather than saved with each bad byte turned into U+FFFD.
func TestBodyNotUTF8(t *testing.T) {
	f := newFixture(t)
	// "x", then the bytes FF FE, then "y": not UTF-8.
	bad := "x\xff\xfey"
	cases := []struct {
		name, method, path, body string
		line, column             int
	}{
		{"report name", http.MethodPatch, "/api/dashboards/chat/reports/conversations-by-rep", "{\"version\": 1,\n\"name\": \"" + bad + `"}`, 2, 11},
		{"dashboard name", http.MethodPatch, "/api/dashboards/chat", "{\"version\": 1,\n \"name\": \"" + bad + `"}`, 2, 12},
		{"new dashboard", http.MethodPost, "/api/dashboards", `{"template": "chat-overview", "name": "` + bad + `"}`, 1, 41},
		{"filter to validate", http.MethodPost, "/api/filters/validate", `{"filter": "Inbox == \"` + bad + `\""}`, 1, 25},
		{"condition to validate", http.MethodPost, "/api/filters/validate", `{"conditions": [{"property": "Inbox", "op": "is_any_of", "values": ["` + bad + `"]}]}`, 1, 71},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := failure(t, f.edit(tc.method, tc.path, "ana", tc.body), http.StatusBadRequest, "invalid_json")
			require.Equal(t, tc.line, e.Line)
			require.Equal(t, tc.column, e.Column)
			require.Contains(t, e.Message, "the request body is not UTF-8: byte 0xFF at line "+itoa(tc.line)+", column "+itoa(tc.column))
		})
	}
	// The column counts characters: "é" is one.
	e := failure(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", "{\"version\": 1,\n \"name\": \"é"+bad+`"}`), http.StatusBadRequest, "invalid_json")
	require.Equal(t, 13, e.Column)

	d, err := f.store.Get(context.Background(), users["admin"], "chat")
	require.NoError(t, err)
	require.Equal(t, int64(1), d.Version, "nothing was saved")
	require.Equal(t, "Chat", d.Name)
}

// A query parameter that is not UTF-8 once unescaped is refused, by the
// API and by a page, rather than read with U+FFFD in place of its bytes.
func TestQueryNotUTF8(t *testing.T) {
	f := newFixture(t)
	run := f.run("chat", "ana", "range=last_30_days")
	point := "point=" + url.QueryEscape(`{"assignee":"A`) + "%FF" + url.QueryEscape(`"}`)
	drill := "/api/dashboards/chat/reports/conversations-by-rep/drill?" + run.Period + "&" + point
	e := failure(t, f.get(drill, "ana"), http.StatusBadRequest, "bad_request")
	require.Equal(t, "point", e.Field)
	require.Equal(t, `the parameter point is not UTF-8: "{\"assignee\":\"A\xff\"}"; escape each byte of UTF-8 text as %XX`, e.Message)

	e = failure(t, f.get("/api/dashboards/chat/run?filters="+url.QueryEscape(`[{"property":"Inbox","op":"is_any_of","values":["`)+"%C3%28"+url.QueryEscape(`"]}]`), "ana"),
		http.StatusBadRequest, "bad_request")
	require.Equal(t, "filters", e.Field)

	w := f.get("/dashboards/chat/reports/conversations-by-rep/drill?"+run.Period+"&"+point, "ana")
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Contains(t, w.Body.String(), "is not UTF-8")
}
