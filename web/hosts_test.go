package web_test

import (
	"net/http"
	"testing"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"
)

// hostRequests are a read, a page, a static asset and a write, the last
// sent as a page of the same origin would send it: under DNS rebinding
// the attacker's name is the page's origin, so the browser calls the
// write same-origin and its Origin matches the Host.
func hostRequests(host string) []req {
	origin := "http://" + host
	return []req{
		{method: http.MethodGet, path: "/api/dashboards"},
		{method: http.MethodGet, path: "/dashboards/chat"},
		{method: http.MethodGet, path: "/static/app.js"},
		{method: http.MethodPatch, path: "/api/dashboards/chat/reports/conversations-by-rep", body: `{"version": 1, "name": "Owned"}`,
			header: map[string]string{"Origin": origin, "Sec-Fetch-Site": "same-origin"}},
		{method: http.MethodPost, path: "/api/dashboards", body: `{"template": "chat-overview", "name": "Owned"}`,
			header: map[string]string{"Origin": origin}},
	}
}

// TestHostsNotAllowedAreRefused is the DNS rebinding attack: a page on
// evil.example whose name now resolves to the server. Every request with
// that Host is refused, reads and writes, and nothing is written.
func TestHostsNotAllowedAreRefused(t *testing.T) {
	f := newFixture(t)
	for _, host := range []string{"evil.example:8080", "evil.example", "EVIL.example.", "reports.test.evil.example", "127.0.0.1.nip.io:8080"} {
		for _, r := range hostRequests(host) {
			r.host, r.user = host, "ana"
			e := failure(t, f.do(r), http.StatusMisdirectedRequest, "host_not_allowed")
			require.Contains(t, e.Message, `"`+host+`"`, "the message names the host")
		}
	}
	require.Equal(t, "Chat", f.run("chat", "ana", "").Dashboard, "nothing was renamed")
}

func TestAllowedHosts(t *testing.T) {
	for _, c := range []struct {
		name    string
		allowed []string
		ok      []string
		refused []string
	}{
		{
			name: "default: loopback names only",
			ok: []string{"localhost", "localhost:8080", "LocalHost:1", "localhost.", "app.localhost:3000",
				"127.0.0.1", "127.0.0.1:8080", "127.1.2.3:80", "[::1]:8080", "[::1]"},
			refused: []string{"reports.test", "example.com:8080", "10.0.0.1:8080", "[2001:db8::1]:80", "localhost.evil.example", "", "0.0.0.0:8080"},
		},
		{
			name:    "a name without a port allows every port",
			allowed: []string{"Reports.Example.com"},
			ok:      []string{"reports.example.com", "reports.example.com:8443", "REPORTS.EXAMPLE.COM.", "localhost:8080"},
			refused: []string{"example.com", "x.reports.example.com", "reports.example.com.evil.example"},
		},
		{
			name:    "a name with a port allows that port",
			allowed: []string{"reports.example.com:8443", "[2001:db8::1]:80", "10.0.0.1"},
			ok:      []string{"reports.example.com:8443", "[2001:db8::1]:80", "10.0.0.1:8080", "10.0.0.1"},
			refused: []string{"reports.example.com", "reports.example.com:443", "[2001:db8::1]:81", "[2001:db8::1]"},
		},
		{
			name:    "* allows every host",
			allowed: []string{"*"},
			ok:      []string{"evil.example:8080", "reports.test", "localhost"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, func(cfg *web.Config) { cfg.AllowedHosts = c.allowed })
			for _, host := range c.ok {
				w := f.do(req{method: http.MethodGet, path: "/api/me", user: "ana", host: host})
				require.Equal(t, http.StatusOK, w.Code, "Host %q: %s", host, w.Body.String())
			}
			for _, host := range c.refused {
				w := f.do(req{method: http.MethodGet, path: "/api/me", user: "ana", host: host})
				failure(t, w, http.StatusMisdirectedRequest, "host_not_allowed")
			}
		})
	}
}

func TestAllowedHostsAreChecked(t *testing.T) {
	f := newFixture(t)
	for _, bad := range []string{"", " ", "https://reports.example.com", "reports.example.com/", "user@reports.example.com",
		"reports.example.com:", "reports.example.com:http", "reports.example.com:70000", "two names", "*.example.com"} {
		_, err := web.New(web.Config{Engine: f.eng, Store: f.store, Authenticate: nobody, AllowedHosts: []string{"ok.example", bad}})
		require.ErrorContains(t, err, "Config.AllowedHosts[1]", "%q", bad)
		require.ErrorContains(t, err, "want a host name", "%q", bad)
	}
}

func nobody(*http.Request) (access.Viewer, error) { return access.Viewer{}, nil }
