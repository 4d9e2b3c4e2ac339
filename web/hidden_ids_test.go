package web_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A dashboard ben may not see changes nothing of what he is told when he
// creates or copies one of its name: the status, the ID's form, the
// Location and the body, but for the ID and the times, are the same
// whether or not ana's private dashboard of that name exists. Creating
// by name used to give "acquisition-plan-q3-2" beside ana's and
// "acquisition-plan-q3" alone: a way to test whether a private
// dashboard of a guessed name existed.
func TestCreateTellsNothingOfHiddenDashboards(t *testing.T) {
	const name = "Acquisition plan Q3"
	idForm := regexp.MustCompile(`^acquisition-plan-q3-[a-z0-9]{6}$`)
	type answer struct {
		status   int
		location string
		body     map[string]any
	}
	// answers is what ben is told creating and copying, the ID and the
	// times taken out of the body and Location once checked.
	answers := func(hidden bool) []answer {
		t.Helper()
		f := newFixture(t)
		if hidden {
			var d struct{ ID string }
			okJSON(t, f.edit(http.MethodPost, "/api/dashboards", "ana", `{"template": "email-overview", "name": "`+name+`"}`), http.StatusCreated, &d)
			failure(t, f.get("/api/dashboards/"+d.ID, "ben"), http.StatusNotFound, "not_found")
			failure(t, f.get("/api/dashboards/acquisition-plan-q3", "ben"), http.StatusNotFound, "not_found")
		}
		var out []answer
		for _, c := range []struct{ path, body string }{
			{"/api/dashboards", `{"template": "email-overview", "name": "` + name + `"}`},
			{"/api/dashboards/chat/copy", `{"name": "` + name + `"}`},
		} {
			w := f.edit(http.MethodPost, c.path, "ben", c.body)
			var body map[string]any
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), w.Body.String())
			id, _ := body["id"].(string)
			require.Regexp(t, idForm, id)
			loc := w.Header().Get("Location")
			require.True(t, strings.HasSuffix(loc, "/"+id), loc)
			require.NotEmpty(t, body["created_at"])
			require.Equal(t, body["created_at"], body["updated_at"])
			delete(body, "id")
			delete(body, "created_at")
			delete(body, "updated_at")
			out = append(out, answer{w.Code, strings.TrimSuffix(loc, id), body})
		}
		return out
	}
	alone := answers(false)
	require.Equal(t, http.StatusCreated, alone[0].status)
	require.Equal(t, http.StatusCreated, alone[1].status)
	require.Equal(t, "dashboards/", alone[0].location)
	require.Equal(t, "../", alone[1].location)
	require.Equal(t, alone, answers(true))
}

// A client may not choose a new dashboard's ID: were it let, a conflict
// on another user's private dashboard would tell that it exists.
func TestCreateTakesNoID(t *testing.T) {
	f := newFixture(t)
	e := failure(t, f.edit(http.MethodPost, "/api/dashboards", "ben", `{"template": "email-overview", "name": "Mail", "id": "email"}`),
		http.StatusBadRequest, "invalid_json")
	require.Equal(t, "id", e.Field)
	e = failure(t, f.edit(http.MethodPost, "/api/dashboards/chat/copy", "ben", `{"name": "Mail", "id": "email"}`),
		http.StatusBadRequest, "invalid_json")
	require.Equal(t, "id", e.Field)
}
