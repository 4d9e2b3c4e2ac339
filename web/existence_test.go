package web_test

import (
	"time"

	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// dashboardRoutes is every route that takes a dashboard ID, pages and
// API, reads and writes, with a body the route accepts. The dashboard is
// "email", private to ana; "email-volume-by-owner" is one of its reports.
var dashboardRoutes = []req{
	{method: http.MethodGet, path: "/api/dashboards/email"},
	{method: http.MethodGet, path: "/api/dashboards/email/run?range=last_7_days"},
	{method: http.MethodGet, path: "/api/dashboards/email/live?range=last_7_days", timeout: time.Second},
	{method: http.MethodGet, path: "/api/dashboards/email/reports/email-volume-by-owner"},
	{method: http.MethodPatch, path: "/api/dashboards/email/reports/email-volume-by-owner", body: `{"version": 1, "name": "Mine"}`},
	{method: http.MethodPost, path: "/api/dashboards/email/reports/email-volume-by-owner/save-as-new", body: `{"version": 1, "name": "Mine"}`},
	{method: http.MethodPost, path: "/api/dashboards/email/reports/email-volume-by-owner/preview", body: `{"name": "Mine"}`},
	{method: http.MethodGet, path: "/api/dashboards/email/reports/email-volume-by-owner/drill?point=%7B%7D"},
	{method: http.MethodGet, path: "/api/dashboards/email/reports/email-volume-by-owner/export?format=csv"},
	{method: http.MethodGet, path: "/api/dashboards/email/export?format=zip"},
	{method: http.MethodGet, path: "/api/dashboards/email/reports/email-volume-by-owner/drill/export?point=%7B%7D"},
	// Writes named at another creation (the dashboard's is not in 2000),
	// so that its owner's are refused with 409 and change nothing.
	{method: http.MethodPatch, path: "/api/dashboards/email", body: `{"version": 1, "created": "2000-01-01T00:00:00Z", "name": "Mine"}`},
	{method: http.MethodDelete, path: "/api/dashboards/email?version=1&created=2000-01-01T00:00:00Z"},
	{method: http.MethodPost, path: "/api/dashboards/email/copy", body: `{"name": "Mine"}`},
	{method: http.MethodPut, path: "/api/dashboards/email/filters", body: `{"version": 1, "created": "2000-01-01T00:00:00Z", "filters": []}`},
	{method: http.MethodGet, path: "/api/dashboards/email/watch?report=email-volume-by-owner", timeout: time.Second},
	{method: http.MethodPost, path: "/api/dashboards/email/preview", body: `{"name": "Mine"}`},
	{method: http.MethodPost, path: "/api/dashboards/email/reports", body: `{"version": 1, "created": "2000-01-01T00:00:00Z", "name": "Mine"}`},
	{method: http.MethodDelete, path: "/api/dashboards/email/reports/email-volume-by-owner?version=1&created=2000-01-01T00:00:00Z"},
	{method: http.MethodGet, path: "/dashboards/email/print"},
	{method: http.MethodGet, path: "/dashboards/email"},
	{method: http.MethodGet, path: "/dashboards/email/reports/email-volume-by-owner/edit"},
	{method: http.MethodGet, path: "/dashboards/email/reports/email-volume-by-owner/drill?point=%7B%7D"},
}

// TestDashboardsTheViewerMayNotViewDoNotExist checks that no route tells a
// dashboard the viewer may not view from one that does not exist: both
// answer 404 with the same body, so a dashboard ID cannot be probed.
func TestDashboardsTheViewerMayNotViewDoNotExist(t *testing.T) {
	f := newFixture(t)
	hidden := make([]string, len(dashboardRoutes))
	status := make([]int, len(dashboardRoutes))
	for i, r := range dashboardRoutes {
		r.user = "ben" // email is ana's private dashboard
		w := f.do(r)
		status[i], hidden[i] = w.Code, w.Body.String()
		require.Equal(t, http.StatusNotFound, w.Code, "%s %s: %s", r.method, r.path, w.Body.String())
		if strings.HasPrefix(r.path, "/api/") {
			failure(t, w, http.StatusNotFound, "not_found")
		}
		// ana, who owns it, finds it: the 404 is about ben.
		r.user = "ana"
		w = f.do(r)
		require.NotEqual(t, http.StatusNotFound, w.Code, "%s %s as its owner: %s", r.method, r.path, w.Body.String())
	}
	// The same ID once the dashboard is gone.
	d, err := f.store.Get(context.Background(), users["ana"], "email")
	require.NoError(t, err)
	require.NoError(t, f.store.Delete(context.Background(), users["ana"], d))
	for i, r := range dashboardRoutes {
		r.user = "ben"
		w := f.do(r)
		require.Equal(t, status[i], w.Code, "%s %s", r.method, r.path)
		require.Equal(t, hidden[i], w.Body.String(), "%s %s: a missing dashboard and a hidden one answer alike", r.method, r.path)
	}
}

// TestDashboardRoutesAreAllChecked keeps dashboardRoutes complete: every
// API path of the package documentation that takes a dashboard ID is in it.
func TestDashboardRoutesAreAllChecked(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	line := regexp.MustCompile(`(?m)^//\s+(GET|POST|PATCH|PUT|DELETE)\s+(api/\S*\{id\}\S*)`)
	ms := line.FindAllStringSubmatch(string(doc), -1)
	require.NotEmpty(t, ms)
	for _, m := range ms {
		path := "/" + strings.NewReplacer("{id}", "email", "{rid}", "email-volume-by-owner").Replace(m[2])
		path, _, _ = strings.Cut(path, "?")
		found := false
		for _, r := range dashboardRoutes {
			p, _, _ := strings.Cut(r.path, "?")
			found = found || (r.method == m[1] && p == path)
		}
		require.True(t, found, "%s %s takes a dashboard ID: add it to dashboardRoutes", m[1], m[2])
	}
}

// A viewer who may view a dashboard knows it exists: a write they may not
// make is refused as such.
func TestViewOnlyWritesAreForbidden(t *testing.T) {
	f := newFixture(t)
	for _, r := range dashboardRoutes {
		// A preview or a copy is open to a viewer.
		if r.method == http.MethodGet || strings.HasSuffix(r.path, "/preview") || strings.HasSuffix(r.path, "/copy") {
			continue
		}
		r.path = strings.NewReplacer("/email/", "/chat/", "/email?", "/chat?", "email-volume-by-owner", "conversations-by-rep").Replace(r.path)
		if p, ok := strings.CutSuffix(r.path, "/email"); ok {
			r.path = p + "/chat"
		}
		r.user = "ben" // chat: everyone may view, only ana edits
		failure(t, f.do(r), http.StatusForbidden, "forbidden")
	}
}
