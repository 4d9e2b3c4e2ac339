package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/library"
	"github.com/stretchr/testify/require"
)

// createdAgain creates the dashboard "team" of ana's from a template,
// deletes it and creates it again under its ID, as an embedder could
// behind an open page (a dashboard created by name gets a new ID each
// time: only a given ID comes back): the new one has the same ID,
// reports and version, 1, and another creation. It returns both
// creations, as the API writes them.
func createdAgain(t *testing.T, f *fixture) (old, cur string) {
	t.Helper()
	createTeam(t, f)
	return createdAgainFrom(t, f)
}

// createdAgainFrom deletes the dashboard "team" and creates it again
// under its ID; it returns both creations.
func createdAgainFrom(t *testing.T, f *fixture) (old, cur string) {
	t.Helper()
	d := mustGet(t, f, "team")
	require.NoError(t, f.store.Delete(context.Background(), users["ana"], d))
	cur = createTeam(t, f)
	old = d.CreatedAt.Format(time.RFC3339Nano)
	require.NotEqual(t, old, cur)
	require.EqualValues(t, 1, mustGet(t, f, "team").Version)
	return old, cur
}

// createTeam creates the dashboard "team" of ana's from a template, as
// the API does, under the ID "team", and returns its creation as the API
// writes it.
func createTeam(t *testing.T, f *fixture) string {
	t.Helper()
	tpl, ok := library.Lookup("chat-overview")
	require.True(t, ok)
	d, err := tpl.NewDashboard(convreport.DashboardOptions{ID: "team", Name: "Team", Owner: "ana"})
	require.NoError(t, err)
	d, err = f.store.Create(context.Background(), users["ana"], d)
	require.NoError(t, err)
	b, err := json.Marshal(d.CreatedAt)
	require.NoError(t, err)
	return strings.Trim(string(b), `"`)
}

// Every edit names the dashboard it started from by its version and its
// creation. Edits used to name the version only: one made from a page
// opened before the dashboard was deleted and created again under its ID
// (at version 1 anew) changed the new one. Each is now a 409 that says
// so; without its creation, a 422 on "created"; nothing is saved.
func TestEditsNameTheCreationTheySaw(t *testing.T) {
	f := newFixture(t)
	old, cur := createdAgain(t, f)
	want := `dashboard "Team" was deleted and created again since you opened it (the one you opened was created ` + old +
		`, this one ` + cur + `); reload it and make the change again`
	body := func(created, rest string) string {
		b := `{"version": 1`
		if created != "" {
			b += `, "created": "` + created + `"`
		}
		return b + rest + `}`
	}
	query := func(created string) string {
		q := "?version=1"
		if created != "" {
			q += "&created=" + url.QueryEscape(created)
		}
		return q
	}
	// Every report, the last first.
	var ids []string
	for _, r := range mustGet(t, f, "team").Reports {
		ids = append([]string{`"` + r.ID + `"`}, ids...)
	}
	edits := []struct {
		name, method, path, rest string
		query                    bool // version and created in the query
	}{
		{"rename", http.MethodPatch, "/api/dashboards/team", `, "name": "Renamed"`, false},
		{"reorder", http.MethodPatch, "/api/dashboards/team", `, "order": [` + strings.Join(ids, ", ") + `]`, false},
		{"share", http.MethodPatch, "/api/dashboards/team", `, "visibility": "everyone_view"`, false},
		{"save the filters", http.MethodPut, "/api/dashboards/team/filters", `, "filters": [{"property": "Inbox", "op": "is_known"}]`, false},
		{"update a report", http.MethodPatch, "/api/dashboards/team/reports/conversations-by-rep", `, "name": "Renamed"`, false},
		{"save a report as new", http.MethodPost, "/api/dashboards/team/reports/conversations-by-rep/save-as-new", `, "name": "Another"`, false},
		{"add a report", http.MethodPost, "/api/dashboards/team/reports", `, "name": "Added"`, false},
		{"add from the library", http.MethodPost, "/api/dashboards/team/reports", `, "template": "email-overview", "report": "open-emails-by-inbox"`, false},
		{"remove a report", http.MethodDelete, "/api/dashboards/team/reports/conversations-by-rep", "", true},
	}
	for _, c := range edits {
		t.Run(c.name, func(t *testing.T) {
			send := func(created string) *req {
				r := &req{method: c.method, path: c.path, user: "ana"}
				if c.query {
					r.path += query(created)
				} else {
					r.body = body(created, c.rest)
				}
				return r
			}
			e := failure(t, f.do(*send(old)), http.StatusConflict, "conflict")
			require.Equal(t, want, e.Message)
			e = failure(t, f.do(*send("")), http.StatusUnprocessableEntity, "invalid_request")
			require.Equal(t, "created", e.Field)
			require.Equal(t, "created is required: the created_at of the dashboard "+map[bool]string{true: "you opened", false: "the edit started from"}[c.query]+
				", as the API returned it", e.Message)
			e = failure(t, f.do(*send("yesterday")), http.StatusBadRequest, "bad_request")
			require.Equal(t, "created", e.Field)
			// A stale version is told first, as before.
			r := send(old)
			r.path, r.body = strings.Replace(r.path, "version=1", "version=7", 1), strings.Replace(r.body, `"version": 1`, `"version": 7`, 1)
			e = failure(t, f.do(*r), http.StatusConflict, "conflict")
			require.Contains(t, e.Message, "changed since you opened it (you edited version 7, it is now at version 1)")

			d := mustGet(t, f, "team")
			require.EqualValues(t, 1, d.Version, "nothing saved")
			require.Equal(t, cur, d.CreatedAt.Format(time.RFC3339Nano))
		})
	}
	// Naming the dashboard as it is, each is made.
	for _, c := range edits {
		v := mustGet(t, f, "team").Version
		r := req{method: c.method, path: c.path, user: "ana"}
		if c.query {
			r.path += strings.Replace(query(cur), "version=1", "version="+itoa(int(v)), 1)
		} else {
			r.body = strings.Replace(body(cur, c.rest), `"version": 1`, `"version": `+itoa(int(v)), 1)
		}
		w := f.do(r)
		require.Less(t, w.Code, 300, "%s: %s", c.name, w.Body.String())
		require.Equal(t, v+1, mustGet(t, f, "team").Version, c.name)
	}
}
