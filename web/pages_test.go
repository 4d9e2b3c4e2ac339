package web_test

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

// page gets an HTML page and checks what every page carries.
func page(t *testing.T, f *fixture, path, user string, status int) string {
	t.Helper()
	w := f.get(path, user)
	require.Equal(t, status, w.Code, w.Body.String())
	h := w.Header()
	require.Equal(t, "text/html; charset=utf-8", h.Get("Content-Type"))
	require.Contains(t, h.Get("Content-Security-Policy"), "script-src 'self'")
	require.Contains(t, h.Get("Content-Security-Policy"), "frame-ancestors 'self'")
	require.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
	body := w.Body.String()
	require.True(t, strings.HasPrefix(body, "<!DOCTYPE html>"))
	for _, external := range []string{`src="http`, `src="//`, `href="http`, `href="//`, "@import"} {
		require.NotContains(t, body, external, "pages load nothing from elsewhere")
	}
	return body
}

var drillLink = regexp.MustCompile(`href="(dashboards/[a-z0-9-]+/reports/[a-z0-9-]+/drill\?[^"]+)"`)

func TestListPage(t *testing.T) {
	f := newFixture(t)
	body := page(t, f, "/", "ben", http.StatusOK)
	require.Contains(t, body, `<base href="./">`)
	require.Contains(t, body, `href="dashboards/chat"`)
	require.Contains(t, body, `href="dashboards/shared"`)
	require.NotContains(t, body, `href="dashboards/email"`, "ben may not see ana's private dashboard")
	require.Contains(t, body, `id="create-dialog"`)
	require.Contains(t, body, `value="chat-overview"`)
}

func TestDashboardPage(t *testing.T) {
	f := newFixture(t)
	body := page(t, f, "/dashboards/chat?range=last_7_days", "ana", http.StatusOK)
	require.Contains(t, body, `<base href="../">`)
	require.Equal(t, 5, strings.Count(body, "<svg"), "five charts; the table report is a table")
	require.Equal(t, 6, strings.Count(body, `class="card"`))
	require.Contains(t, body, `<option value="last_7_days" selected>`)
	require.Contains(t, body, `href="dashboards/chat/reports/conversations-by-rep/edit?range=last_7_days"`)

	// Every point links to its drill-down, which lists as many
	// conversations as the run counts.
	run := f.run("chat", "ana", "range=last_7_days")
	var points int
	for _, r := range run.Reports {
		points += len(r.Points)
	}
	links := drillLink.FindAllStringSubmatch(body, -1)
	require.Len(t, links, points)
	for i, m := range links[:30] {
		var d drillResult
		okJSON(t, f.get("/api/"+html.UnescapeString(m[1]), "ana"), http.StatusOK, &d)
		require.EqualValues(t, d.Point.Count, d.Total, "link %d: %s", i, m[1])
	}

	// ben sees the same dashboard through his scope, and cannot edit it.
	body = page(t, f, "/dashboards/chat", "ben", http.StatusOK)
	require.NotContains(t, body, "/edit")
	require.Contains(t, body, "view only")

	// Refusals are pages too.
	require.Contains(t, page(t, f, "/dashboards/email", "ben", http.StatusNotFound), "No dashboard &#34;email&#34;", "a private dashboard of another is not found")
	page(t, f, "/dashboards/nope", "ben", http.StatusNotFound)
	// A bad period is said on the dashboard page, which shows the default
	// period (see TestBadPeriodInline).
	require.Contains(t, page(t, f, "/dashboards/chat?range=soon", "ben", http.StatusOK), "Unknown date range")
	page(t, f, "/dashboards/chat?from=2025-05-01&to=2025-05-08", "ben", http.StatusOK)
}

func TestEditPage(t *testing.T) {
	f := newFixture(t)
	body := page(t, f, "/dashboards/chat/reports/conversations-by-rep/edit?range=last_7_days", "ana", http.StatusOK)
	require.Contains(t, body, `<base href="../../../../">`)
	require.Contains(t, body, `id="editor"`)
	require.Contains(t, body, `data-state="{`)
	require.Contains(t, body, `id="update"`)
	require.Contains(t, body, `id="save-new"`)
	require.Contains(t, body, `href="dashboards/chat?range=last_7_days#report-conversations-by-rep"`)

	page(t, f, "/dashboards/chat/reports/conversations-by-rep/edit", "ben", http.StatusForbidden)
	page(t, f, "/dashboards/shared/reports/conversations-by-rep/edit", "ben", http.StatusOK)
	page(t, f, "/dashboards/shared/reports/nope/edit", "ben", http.StatusNotFound)
}

func TestDrillPage(t *testing.T) {
	f := newFixture(t)
	run := f.run("chat", "ana", "range=last_30_days")
	top := run.Reports[0].Points[0]
	path := strings.TrimPrefix(drillPath("chat", "conversations-by-rep", run, top.Dimensions, ""), "/api")
	body := page(t, f, path, "ana", http.StatusOK)
	require.Contains(t, body, `<base href="../../../../">`)
	require.Equal(t, 25, strings.Count(body, "<tr><td>"), "one page")
	require.Contains(t, body, "1–25 of "+render.FormatCount(top.Count))
	require.Contains(t, body, "offset=25")
	page(t, f, path, "ben", http.StatusNotFound) // not in ben's scope, or in it with another count
}

func TestStaticAssetsAndUnknownPages(t *testing.T) {
	f := newFixture(t)
	for path, ct := range map[string]string{"/static/app.js": "text/javascript; charset=utf-8", "/static/app.css": "text/css; charset=utf-8"} {
		w := f.get(path, "") // assets need no sign-in
		require.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, ct, w.Header().Get("Content-Type"))
		require.NotContains(t, w.Body.String(), "http://")
		require.NotContains(t, w.Body.String(), "https://")
	}
	require.Equal(t, http.StatusNotFound, f.get("/static/", "").Code)
	require.Equal(t, http.StatusNotFound, f.get("/static/nope.js", "").Code)
	require.Contains(t, page(t, f, "/nowhere", "ana", http.StatusNotFound), "There is no page here")
}

// The handler works under any prefix: its links are relative.
func TestMountedUnderAPrefix(t *testing.T) {
	f := newFixture(t)
	mux := http.NewServeMux()
	mux.Handle("/tools/reports/", http.StripPrefix("/tools/reports", f.h))
	mux.Handle("/tools/reports", http.StripPrefix("/tools/reports", f.h)) // the handler adds the slash itself
	mountedUnder(t, f, mux)
}

// The prefix stripped with its slash, as it is often written: the
// handler's paths then arrive without their leading slash. It answered
// the root with a redirect to itself, and "api/..." with a redirect out
// of the prefix.
func TestMountedUnderAPrefixWithItsSlash(t *testing.T) {
	f := newFixture(t)
	mux := http.NewServeMux()
	mux.Handle("/tools/reports/", http.StripPrefix("/tools/reports/", f.h))
	mux.Handle("/tools/reports", http.StripPrefix("/tools/reports", f.h))
	mountedUnder(t, f, mux)
}

// mountedUnder checks f's handler mounted on mux under /tools/reports.
func mountedUnder(t *testing.T, f *fixture, mux *http.ServeMux) {
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (*http.Response, string) {
		t.Helper()
		r, err := http.NewRequest(http.MethodGet, u, nil)
		require.NoError(t, err)
		r.Header.Set("X-User", "ana")
		res, err := client.Do(r)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, string(b)
	}

	res, _ := get(srv.URL + "/tools/reports")
	require.Equal(t, http.StatusMovedPermanently, res.StatusCode)
	require.Equal(t, "/tools/reports/", res.Header.Get("Location"))

	pageURL := srv.URL + "/tools/reports/dashboards/chat"
	res, body := get(pageURL)
	require.Equal(t, http.StatusOK, res.StatusCode)
	base, err := url.Parse(pageURL)
	require.NoError(t, err)
	base = base.ResolveReference(&url.URL{Path: regexp.MustCompile(`<base href="([^"]+)">`).FindStringSubmatch(body)[1]})
	require.Equal(t, "/tools/reports/", base.Path)

	link := html.UnescapeString(drillLink.FindStringSubmatch(body)[1])
	for _, rel := range []string{link, "api/" + link, "static/app.js", "api/dashboards", "./"} {
		ref, err := url.Parse(rel)
		require.NoError(t, err)
		res, _ := get(base.ResolveReference(ref).String())
		require.Equal(t, http.StatusOK, res.StatusCode, rel)
	}
	res, _ = get(srv.URL + "/tools/reports/api/dashboards/chat")
	require.Equal(t, http.StatusOK, res.StatusCode)
	res, body = get(srv.URL + "/tools/reports/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, `<base href="./">`)
	res, body = get(srv.URL + "/tools/reports/api/me")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, `"ana"`)
}
