package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

type dashResult struct {
	ID          string              `json:"id"`
	Name        string              `json:"name"`
	Owner       string              `json:"owner"`
	Visibility  string              `json:"visibility"`
	Grants      []access.Grant      `json:"grants"`
	Version     int64               `json:"version"`
	Reports     []convreport.Report `json:"reports"`
	Permissions struct {
		Edit, Share, Delete bool
	} `json:"permissions"`
}

func reportIDs(rs []convreport.Report) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// Issue 17, item 3: rename, reorder and share after creation, each with
// the right it needs.
func TestPatchDashboard(t *testing.T) {
	f := newFixture(t)
	var d dashResult
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": 1, "name": "Chat desk"}`), http.StatusOK, &d)
	require.Equal(t, "Chat desk", d.Name)
	require.EqualValues(t, 2, d.Version)

	// Reorder: the run follows the new order.
	before := reportIDs(d.Reports)
	order := slices.Clone(before)
	slices.Reverse(order)
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": 2, "order": `+jsonString(order)+`}`), http.StatusOK, &d)
	require.Equal(t, order, reportIDs(d.Reports))
	require.Equal(t, order, f.run("chat", "ana", "").ReportIDs)

	// Share with ben only: carl no longer sees it, as if it did not exist.
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": 3, "visibility": "specific", "grants": [{"user": "ben"}]}`), http.StatusOK, &d)
	require.Equal(t, "specific", d.Visibility)
	require.Equal(t, []access.Grant{{User: "ben"}}, d.Grants)
	require.Equal(t, http.StatusOK, f.get("/api/dashboards/chat", "ben").Code)
	failure(t, f.get("/api/dashboards/chat", "carl"), http.StatusNotFound, "not_found")
	// Leaving "specific" drops the grants.
	d = dashResult{}
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": 4, "visibility": "everyone_view"}`), http.StatusOK, &d)
	require.Empty(t, d.Grants)
	require.Equal(t, http.StatusOK, f.get("/api/dashboards/chat", "carl").Code)

	// Someone who may edit reorders and renames, but does not share.
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/shared", "ben", `{"version": 1, "name": "Ben's chat"}`), http.StatusOK, &d)
	e := failure(t, f.edit(http.MethodPatch, "/api/dashboards/shared", "ben", `{"version": 2, "visibility": "private"}`), http.StatusForbidden, "forbidden")
	require.Contains(t, e.Message, "only the owner")
	// An admin shares a private dashboard but does not rename it.
	failure(t, f.edit(http.MethodPatch, "/api/dashboards/email", "admin", `{"version": 1, "name": "Mine"}`), http.StatusForbidden, "forbidden")
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/email", "admin", `{"version": 1, "visibility": "everyone_view"}`), http.StatusOK, &d)
	require.Equal(t, "everyone_view", d.Visibility)
}

func TestPatchDashboardRefusals(t *testing.T) {
	f := newFixture(t)
	ids := reportIDs(mustGet(t, f, "chat").Reports)
	for _, c := range []struct {
		name, user, path, body string
		status                 int
		code, field            string
	}{
		{"viewer renames", "ben", "/api/dashboards/chat", `{"version": 1, "name": "Mine"}`, 403, "forbidden", ""},
		{"viewer reorders", "ben", "/api/dashboards/chat", `{"version": 1, "order": []}`, 403, "forbidden", ""},
		{"private to another", "ben", "/api/dashboards/email", `{"version": 1, "name": "Mine"}`, 404, "not_found", ""},
		{"no version", "ana", "/api/dashboards/chat", `{"name": "X"}`, 422, "invalid_request", "version"},
		{"stale", "ana", "/api/dashboards/chat", `{"version": 7, "name": "X"}`, 409, "conflict", ""},
		{"nothing", "ana", "/api/dashboards/chat", `{"version": 1}`, 422, "invalid_request", ""},
		{"a period", "ana", "/api/dashboards/chat", `{"version": 1, "name": "Q1. review"}`, 422, "invalid_dashboard", "name"},
		{"blank", "ana", "/api/dashboards/chat", `{"version": 1, "name": " "}`, 422, "invalid_dashboard", "name"},
		{"order leaves one out", "ana", "/api/dashboards/chat", `{"version": 1, "order": ` + jsonString(ids[1:]) + `}`, 422, "invalid_dashboard", "reports"},
		{"order names one twice", "ana", "/api/dashboards/chat", `{"version": 1, "order": ` + jsonString(append(slices.Clone(ids), ids[0])) + `}`, 422, "invalid_dashboard", "reports"},
		{"order names a stranger", "ana", "/api/dashboards/chat", `{"version": 1, "order": ["nope"]}`, 422, "invalid_dashboard", "reports"},
		{"unknown visibility", "ana", "/api/dashboards/chat", `{"version": 1, "visibility": "world"}`, 422, "invalid_dashboard", "visibility"},
		{"grants without specific", "ana", "/api/dashboards/chat", `{"version": 1, "grants": [{"user": "ben"}]}`, 422, "invalid_dashboard", "grants"},
		{"a grant of nobody", "ana", "/api/dashboards/chat", `{"version": 1, "visibility": "specific", "grants": [{}]}`, 422, "invalid_dashboard", "grants"},
		{"a grant twice", "ana", "/api/dashboards/chat", `{"version": 1, "visibility": "specific", "grants": [{"user": "ben"}, {"user": "ben", "allow": "edit"}]}`, 422, "invalid_dashboard", "grants"},
		{"a grant in another case", "ana", "/api/dashboards/chat", `{"version": 1, "visibility": "specific", "grants": [{"user": "ben"}, {"user": "Ben"}]}`, 422, "invalid_dashboard", "grants"},
		{"a grant to the owner", "ana", "/api/dashboards/chat", `{"version": 1, "visibility": "specific", "grants": [{"user": "ana", "allow": "edit"}]}`, 422, "invalid_dashboard", "grants"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := failure(t, f.edit(http.MethodPatch, c.path, c.user, c.body), c.status, c.code)
			require.Equal(t, c.field, e.Field, e.Message)
		})
	}
	for _, id := range []string{"chat", "email"} {
		require.EqualValues(t, 1, mustGet(t, f, id).Version, "nothing saved")
	}
}

// A grant that would match nobody, or say a second right, is refused on
// every path that sets grants, naming its row and its name.
func TestGrantsRefusedByName(t *testing.T) {
	f := newFixture(t)
	e := failure(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": 1, "visibility": "specific", "grants": [{"user": "ben"}, {"team": "Support"}, {"user": "Ben", "allow": "edit"}]}`),
		http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Equal(t, "grants", e.Field)
	require.Equal(t, `dashboard "chat": grants: grant 3 (user "Ben"): differs only by case from grant 1 (user "ben"); names are matched exactly, case included: keep one grant, spelled as the user's ID is`, e.Message)
	// Counted from 1 in the message, from 0 in index, as filters are.
	require.NotNil(t, e.Index)
	require.Equal(t, 2, *e.Index)
	e = failure(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": 1, "visibility": "specific", "grants": [{"user": "Ana"}]}`),
		http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Equal(t, `dashboard "chat": grants: grant 1 (user "Ana"): differs only by case from the owner "ana", who needs no grant; names are matched exactly, case included`, e.Message)
	require.EqualValues(t, 1, mustGet(t, f, "chat").Version, "nothing saved")

	// Creating, and saving a copy as, whose owner is the viewer.
	e = failure(t, f.edit(http.MethodPost, "/api/dashboards", "ben", `{"template": "chat-overview", "name": "Ben's", "visibility": "specific", "grants": [{"user": "ben"}]}`),
		http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Equal(t, "grants", e.Field)
	require.Contains(t, e.Message, `grant 1 (user "ben"): "ben" owns the dashboard`)
	e = failure(t, f.edit(http.MethodPost, "/api/dashboards/chat/copy", "ben", `{"name": "Ben's", "visibility": "specific", "grants": [{"team": "Support"}, {"team": "Support", "allow": "edit"}]}`),
		http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Contains(t, e.Message, `grant 2 (team "Support"): grant 1 already names team "Support"`)
	require.NotNil(t, e.Index)
	require.Equal(t, 1, *e.Index)
	require.Len(t, listFor(t, f, "admin"), 3, "nothing created")

	// A user and a team may have one name.
	var d dashResult
	okJSON(t, f.edit(http.MethodPatch, "/api/dashboards/chat", "ana", `{"version": 1, "visibility": "specific", "grants": [{"user": "support"}, {"team": "Support"}]}`), http.StatusOK, &d)
	require.Equal(t, []access.Grant{{User: "support"}, {Team: "Support"}}, d.Grants)
}

func mustGet(t *testing.T, f *fixture, id string) convreport.Dashboard {
	t.Helper()
	d, err := f.store.Get(context.Background(), users["admin"], id)
	require.NoError(t, err)
	return d
}

func TestDeleteDashboard(t *testing.T) {
	f := newFixture(t)
	failure(t, f.do(req{method: http.MethodDelete, path: "/api/dashboards/chat?version=1", user: "ben"}), http.StatusForbidden, "forbidden")
	failure(t, f.do(req{method: http.MethodDelete, path: "/api/dashboards/shared?version=1", user: "ben"}), http.StatusForbidden, "forbidden") // edit is not delete
	failure(t, f.do(req{method: http.MethodDelete, path: "/api/dashboards/email?version=1", user: "ben"}), http.StatusNotFound, "not_found")
	e := failure(t, f.do(req{method: http.MethodDelete, path: "/api/dashboards/chat", user: "ana"}), http.StatusUnprocessableEntity, "invalid_request")
	require.Equal(t, "version", e.Field)
	e = failure(t, f.do(req{method: http.MethodDelete, path: "/api/dashboards/chat?version=one", user: "ana"}), http.StatusBadRequest, "bad_request")
	require.Equal(t, "version", e.Field)
	failure(t, f.do(req{method: http.MethodDelete, path: "/api/dashboards/chat?version=2", user: "ana"}), http.StatusConflict, "conflict")
	failure(t, f.do(req{method: http.MethodDelete, path: deletePath(t, f, "chat"), user: "ana", header: map[string]string{"Sec-Fetch-Site": "cross-site"}}), http.StatusForbidden, "cross_origin")
	require.Len(t, listFor(t, f, "ana"), 3, "nothing deleted")

	w := f.do(req{method: http.MethodDelete, path: deletePath(t, f, "chat"), user: "ana"})
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	failure(t, f.get("/api/dashboards/chat", "ana"), http.StatusNotFound, "not_found")
	// An admin deletes someone else's.
	w = f.do(req{method: http.MethodDelete, path: deletePath(t, f, "shared"), user: "admin"})
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	require.Equal(t, []string{"email"}, listFor(t, f, "ana"))
}

// deletePath is the DELETE of dashboard id as it is stored now, its
// version and creation as the API writes them.
func deletePath(t *testing.T, f *fixture, id string) string {
	t.Helper()
	d := mustGet(t, f, id)
	return "/api/dashboards/" + id + "?version=" + strconv.FormatInt(d.Version, 10) + "&created=" + url.QueryEscape(d.CreatedAt.Format(time.RFC3339Nano))
}

// A dashboard deleted and created again under its ID is at version 1
// anew: a delete from a page opened before names the old one's creation,
// and deletes nothing.
func TestDeleteDashboardCreatedAgain(t *testing.T) {
	f := newFixture(t)
	var created struct {
		ID        string `json:"id"`
		Version   int64  `json:"version"`
		CreatedAt string `json:"created_at"`
	}
	// Created under a given ID: one created by name gets a new ID each time.
	create := func() {
		t.Helper()
		createTeam(t, f)
		okJSON(t, f.get("/api/dashboards/team", "ana"), http.StatusOK, &created)
	}
	create()
	old := created
	path := func(createdAt string) string {
		return "/api/dashboards/team?version=1&created=" + url.QueryEscape(createdAt)
	}
	w := f.do(req{method: http.MethodDelete, path: path(old.CreatedAt), user: "ana"})
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	create()
	require.Equal(t, old.ID, created.ID)
	require.Equal(t, old.Version, created.Version)
	require.NotEqual(t, old.CreatedAt, created.CreatedAt)

	e := failure(t, f.do(req{method: http.MethodDelete, path: path(old.CreatedAt), user: "ana"}), http.StatusConflict, "conflict")
	require.Equal(t, `dashboard "Team" was deleted and created again since you opened it (the one you opened was created `+old.CreatedAt+
		`, this one `+created.CreatedAt+`); reload it, and delete it again if you mean to`, e.Message)
	// Without its creation, or with one that is not a time.
	e = failure(t, f.do(req{method: http.MethodDelete, path: "/api/dashboards/team?version=1", user: "ana"}), http.StatusUnprocessableEntity, "invalid_request")
	require.Equal(t, "created", e.Field)
	e = failure(t, f.do(req{method: http.MethodDelete, path: "/api/dashboards/team?version=1&created=yesterday", user: "ana"}), http.StatusBadRequest, "bad_request")
	require.Equal(t, "created", e.Field)
	require.Equal(t, created.CreatedAt, mustGet(t, f, "team").CreatedAt.Format(time.RFC3339Nano), "nothing deleted")

	// The list says each dashboard's creation too, for a client that
	// deletes from it.
	var list struct {
		Dashboards []struct {
			ID        string `json:"id"`
			CreatedAt string `json:"created_at"`
		} `json:"dashboards"`
	}
	okJSON(t, f.get("/api/dashboards", "ana"), http.StatusOK, &list)
	i := slices.IndexFunc(list.Dashboards, func(d struct {
		ID        string `json:"id"`
		CreatedAt string `json:"created_at"`
	}) bool {
		return d.ID == "team"
	})
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, created.CreatedAt, list.Dashboards[i].CreatedAt)

	w = f.do(req{method: http.MethodDelete, path: path(list.Dashboards[i].CreatedAt), user: "ana"})
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	failure(t, f.get("/api/dashboards/team", "ana"), http.StatusNotFound, "not_found")
}

func listFor(t *testing.T, f *fixture, user string) []string {
	var out struct {
		Dashboards []struct {
			ID string `json:"id"`
		} `json:"dashboards"`
	}
	okJSON(t, f.get("/api/dashboards", user), http.StatusOK, &out)
	var ids []string
	for _, d := range out.Dashboards {
		ids = append(ids, d.ID)
	}
	return ids
}

// Save a copy as: anyone who may view it, as their own, within the plan,
// whose refusal names the cap.
func TestCopyDashboard(t *testing.T) {
	f := newFixture(t, func(c *web.Config) {
		c.Plan = plan.Plan{Name: "four", DashboardsPerAccount: 4, ReportsPerDashboard: 6}
	})
	w := f.edit(http.MethodPost, "/api/dashboards/chat/copy", "ben", `{"name": "Ben's chat"}`)
	var d dashResult
	okJSON(t, w, http.StatusCreated, &d)
	require.Regexp(t, `^ben-s-chat-[a-z0-9]{6}$`, d.ID, "the name's slug and a random suffix")
	require.Equal(t, "../"+d.ID, w.Header().Get("Location"))
	require.Equal(t, "ben", d.Owner)
	require.Equal(t, "private", d.Visibility)
	require.EqualValues(t, 1, d.Version)
	require.True(t, d.Permissions.Delete, "the copy is ben's")
	orig := mustGet(t, f, "chat")
	require.Equal(t, orig.Reports, d.Reports, "the same reports, IDs included")
	failure(t, f.get("/api/dashboards/"+d.ID, "ana"), http.StatusNotFound, "not_found") // private to ben

	// The account is full: the refusal names the cap, from the API and the pages.
	e := failure(t, f.edit(http.MethodPost, "/api/dashboards/chat/copy", "ana", `{"name": "Another"}`), http.StatusUnprocessableEntity, "plan_limit")
	require.Equal(t, `plan "four" allows 4 dashboards per account`, e.Message)
	require.Equal(t, "dashboards", e.Field)
	e = failure(t, f.edit(http.MethodPost, "/api/dashboards", "ana", `{"template": "chat-overview", "name": "Another"}`), http.StatusUnprocessableEntity, "plan_limit")
	require.Equal(t, "dashboards", e.Field)
	list := f.get("/", "ana").Body.String()
	require.Contains(t, list, "4 of 4 dashboards")
	require.Contains(t, list, `Plan &#34;four&#34; allows 4 dashboards per account`)
	require.Contains(t, f.get("/dashboards/chat", "ana").Body.String(), `id="copy-open" disabled`)

	failure(t, f.edit(http.MethodPost, "/api/dashboards/email/copy", "ben", `{"name": "Not mine"}`), http.StatusNotFound, "not_found") // cannot copy what one cannot view
	require.Len(t, listFor(t, f, "admin"), 4)
}

func TestCopyDashboardRefusals(t *testing.T) {
	f := newFixture(t, func(c *web.Config) { c.Plan = plan.Plan{Name: "five", ReportsPerDashboard: 5} })
	e := failure(t, f.edit(http.MethodPost, "/api/dashboards/chat/copy", "ben", `{"name": "Too big"}`), http.StatusUnprocessableEntity, "plan_limit")
	require.Equal(t, `plan "five" allows 5 reports per dashboard`, e.Message)
	require.Equal(t, "reports", e.Field)
	f = newFixture(t)
	e = failure(t, f.edit(http.MethodPost, "/api/dashboards/chat/copy", "ben", `{"name": "a.b"}`), http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Equal(t, "name", e.Field)
	e = failure(t, f.edit(http.MethodPost, "/api/dashboards/chat/copy", "ben", `{"name": "X", "visibility": "world"}`), http.StatusUnprocessableEntity, "invalid_dashboard")
	require.Equal(t, "visibility", e.Field)
	failure(t, f.edit(http.MethodPost, "/api/dashboards/chat/copy", "ben", `{"name": "X", "owner": "ana"}`), http.StatusBadRequest, "invalid_json")
	require.Len(t, listFor(t, f, "admin"), 3)
}

func TestRemoveReport(t *testing.T) {
	f := newFixture(t)
	path := "/api/dashboards/chat/reports/chat-conversations-by-page-url"
	created := "&created=" + url.QueryEscape(mustGet(t, f, "chat").CreatedAt.Format(time.RFC3339Nano))
	failure(t, f.do(req{method: http.MethodDelete, path: path + "?version=1" + created, user: "ben"}), http.StatusForbidden, "forbidden")
	failure(t, f.do(req{method: http.MethodDelete, path: path + "?version=0" + created, user: "ana"}), http.StatusConflict, "conflict")
	failure(t, f.do(req{method: http.MethodDelete, path: "/api/dashboards/chat/reports/nope?version=1" + created, user: "ana"}), http.StatusNotFound, "not_found")
	failure(t, f.do(req{method: http.MethodDelete, path: "/api/dashboards/email/reports/email-volume-by-owner?version=1" + created, user: "ben"}), http.StatusNotFound, "not_found")
	e := failure(t, f.do(req{method: http.MethodDelete, path: path + "?version=1", user: "ana"}), http.StatusUnprocessableEntity, "invalid_request")
	require.Equal(t, "created", e.Field)
	var d dashResult
	okJSON(t, f.do(req{method: http.MethodDelete, path: path + "?version=1" + created, user: "ana"}), http.StatusOK, &d)
	require.Len(t, d.Reports, 5)
	require.NotContains(t, reportIDs(d.Reports), "chat-conversations-by-page-url")
	require.Len(t, f.run("chat", "ana", "").Reports, 5)
}
