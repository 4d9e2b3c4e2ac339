package main

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/convreport/convreport/sample"
)

// appHost is the name the application is served under in the test, as a
// browser would send it in Host (the server itself listens on 127.0.0.1).
const appHost = "helpdesk.example.com"

// TestScopedRun signs in as a non-admin through the application's own form
// and checks that the dashboard's "Conversations by rep" counts exactly the
// chats of the user's team, as a plain loop over the same data counts them.
func TestScopedRun(t *testing.T) {
	cs := sample.Generate(sample.Config{Seed: 1, N: 5_000})
	h, err := newApp(cs, []string{appHost})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// Not signed in: the reports answer 401.
	if res := get(t, srv.Client(), srv.URL+"/reports/api/me", appHost); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET api/me signed out: status %d, want 401", res.StatusCode)
	}

	ben := signIn(t, srv.URL, "ben")
	const run = "/reports/api/dashboards/chat-overview/run?range=last_30_days"
	res := get(t, ben, srv.URL+run, appHost)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET run: status %d", res.StatusCode)
	}
	got, err := render.ParseJSON(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}

	// The last 30 complete days before dataNow, in UTC (web.Config.Zone is
	// nil), counted by hand: chats of ben's team, per assignee.
	from, to := dataNow.AddDate(0, 0, -30), dataNow
	want := map[string]int64{}
	for _, c := range cs {
		if c.Channel == convreport.Chat && c.Team == "Sales" && !c.CreatedAt.Before(from) && c.CreatedAt.Before(to) {
			want[c.Assignee]++
		}
	}
	if len(want) == 0 {
		t.Fatal("the sample data has no Sales chats in the range: the test checks nothing")
	}

	byRep := got.Reports[0]
	if byRep.Name != "Conversations by rep" {
		t.Fatalf("first report is %q", byRep.Name)
	}
	gotCounts := map[string]int64{}
	for _, p := range byRep.Points {
		rep, _, _ := p.Dimensions.Get("assignee") // "" for the unassigned group
		gotCounts[rep] = p.Count
	}
	if len(gotCounts) != len(want) {
		t.Errorf("%d reps, want %d: %v vs %v", len(gotCounts), len(want), gotCounts, want)
	}
	for rep, n := range want {
		if gotCounts[rep] != n {
			t.Errorf("rep %q: %d conversations, want %d", rep, gotCounts[rep], n)
		}
	}

	// A Host the application is not served under is refused before
	// authentication.
	if res := get(t, ben, srv.URL+"/reports/api/me", "attacker.example"); res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("Host attacker.example: status %d, want 421", res.StatusCode)
	}
}

// signIn posts the application's sign-in form and returns a client that
// carries the session cookie.
func signIn(t *testing.T, base, name string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	form := url.Values{"user": {name}, "password": {demoPassword}}
	req, err := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = appHost
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	// The form redirects to the reports, which answer only a signed-in user.
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/reports/" {
		t.Fatalf("sign in as %s: status %d at %s", name, res.StatusCode, res.Request.URL)
	}
	return c
}

// get fetches url with host as the Host header.
func get(t *testing.T, c *http.Client, url, host string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}
