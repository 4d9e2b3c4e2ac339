package main_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// server is a running "convreport serve".
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	stderr *lockedBuilder
	done   chan error
}

// lockedBuilder is what the server printed so far: the test reads it while
// the server goes on printing.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var servingLine = regexp.MustCompile(`serving .* at (http://127\.0\.0\.1:\d+)/`)

func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	pipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	s := &server{t: t, cmd: cmd, stderr: &lockedBuilder{}, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			s.stderr.WriteString(sc.Text() + "\n")
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill() // only the process this test started
		}
	})
	select {
	case s.url = <-found:
	case err := <-s.done:
		t.Fatalf("serve exited before serving: %v\n%s", err, s.stderr.String())
	case <-time.After(60 * time.Second): // a hang guard, not a bound on start-up time
		t.Fatalf("serve did not start:\n%s", s.stderr.String())
	}
	return s
}

// stop interrupts the server as Ctrl-C would and checks it stops cleanly.
func (s *server) stop() {
	s.t.Helper()
	require.NoError(s.t, s.cmd.Process.Signal(os.Interrupt))
	select {
	case err := <-s.done:
		require.NoError(s.t, err, s.stderr.String())
	case <-time.After(20 * time.Second): // a hang guard, not a bound on shutdown time
		s.t.Fatal("serve did not stop on interrupt")
	}
	require.Contains(s.t, s.stderr.String(), "convreport: stopped")
}

// created is the "created" key of an edit of dashboard id: its created_at
// as the API returns it, which an edit names beside the version.
func (s *server) created(id string) string {
	s.t.Helper()
	code, _, body := s.request(http.MethodGet, "/api/dashboards/"+id, "", nil)
	require.Equal(s.t, http.StatusOK, code, body)
	var d struct {
		CreatedAt string `json:"created_at"`
	}
	require.NoError(s.t, json.Unmarshal([]byte(body), &d))
	require.NotEmpty(s.t, d.CreatedAt)
	return `"created": "` + d.CreatedAt + `"`
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (s *server) request(method, path, body string, header map[string]string) (int, http.Header, string) {
	s.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.url+path, r)
	require.NoError(s.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v // Header.Set would not change the Host sent
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := noRedirects.Do(req)
	require.NoError(s.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(s.t, err)
	return res.StatusCode, res.Header, string(b)
}

type dashboardList struct {
	Dashboards []struct {
		ID         string `json:"id"`
		Visibility string `json:"visibility"`
		Version    int64  `json:"version"`
		Owner      string `json:"owner"`
	} `json:"dashboards"`
}

func TestServeSampleData(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, "--n", "3000", "--dashboards", dir)
	require.Contains(t, s.stderr.String(), "3000 sample conversations")

	// The templates, created on first start.
	code, _, body := s.request(http.MethodGet, "/api/dashboards", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	var l dashboardList
	require.NoError(t, json.Unmarshal([]byte(body), &l))
	require.Len(t, l.Dashboards, 4)
	ids := map[string]string{}
	for _, d := range l.Dashboards {
		ids[d.ID] = d.Visibility
	}
	require.Equal(t, map[string]string{"chat-overview": "everyone_edit", "email-overview": "everyone_view",
		"chatflow-performance": "everyone_view", "sla": "everyone_view"}, ids)
	require.FileExists(t, dir+"/_sla.json", "the SLA template's policy, kept with the dashboards")
	require.FileExists(t, dir+"/chat-overview.json")

	// The sample's last 30 days hold data.
	code, _, body = s.request(http.MethodGet, "/api/dashboards/chat-overview/run", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	var run struct {
		TimeZone string `json:"time_zone"`
		To       string `json:"to"`
		Reports  []struct {
			Points []struct{ Count int64 } `json:"points"`
		} `json:"reports"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &run))
	require.Equal(t, "Europe/Paris", run.TimeZone)
	require.Equal(t, "2025-06-01T00:00:00+02:00", run.To)
	require.NotEmpty(t, run.Reports[0].Points)

	// The pages are served, with their assets.
	code, h, body := s.request(http.MethodGet, "/dashboards/chat-overview", "", nil)
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, h.Get("Content-Type"), "text/html")
	require.Contains(t, body, "<svg")
	code, _, _ = s.request(http.MethodGet, "/static/app.js", "", nil)
	require.Equal(t, http.StatusOK, code)

	// ?as=NAME signs in as another user, with a cookie.
	code, h, _ = s.request(http.MethodGet, "/dashboards/chat-overview?as=ben&range=last_7_days", "", nil)
	require.Equal(t, http.StatusSeeOther, code)
	require.Equal(t, "/dashboards/chat-overview?range=last_7_days", h.Get("Location"))
	cookie := h.Get("Set-Cookie")
	require.Contains(t, cookie, "convreport_user=ben")
	require.Contains(t, cookie, "HttpOnly")
	asBen := map[string]string{"Cookie": strings.Split(cookie, ";")[0]}
	code, _, body = s.request(http.MethodGet, "/api/me", "", asBen)
	require.Equal(t, http.StatusOK, code)
	require.JSONEq(t, `{"user_id": "ben", "teams": ["Support"], "scope": {"teams": ["Support"]}}`, body)
	code, _, _ = s.request(http.MethodGet, "/?as=Not%20a%20name", "", nil)
	require.Equal(t, http.StatusBadRequest, code)
	code, h, _ = s.request(http.MethodGet, "//evil.example/x?as=ben", "", nil)
	require.Equal(t, http.StatusSeeOther, code)
	require.Equal(t, "/evil.example/x", h.Get("Location"), "never a redirect to another site")

	// ben may edit the chat dashboard, not the email one.
	chat := s.created("chat-overview")
	code, _, body = s.request(http.MethodPatch, "/api/dashboards/email-overview/reports/email-volume-by-owner", `{"version": 1, `+s.created("email-overview")+`, "name": "Mine"}`, asBen)
	require.Equal(t, http.StatusForbidden, code, body)
	code, _, body = s.request(http.MethodPatch, "/api/dashboards/chat-overview/reports/conversations-by-rep", `{"version": 1, `+chat+`, "name": "Chats by rep"}`, asBen)
	require.Equal(t, http.StatusOK, code, body)
	code, _, body = s.request(http.MethodPatch, "/api/dashboards/chat-overview/reports/conversations-by-rep", `{"version": 1, `+chat+`, "name": "Stale"}`, asBen)
	require.Equal(t, http.StatusConflict, code, body)
	code, _, body = s.request(http.MethodPatch, "/api/dashboards/chat-overview/reports/conversations-by-rep", `{"version": 2, `+chat+`, "name": "Evil"}`,
		map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	require.Equal(t, http.StatusForbidden, code, body)
	require.Contains(t, body, `"cross_origin"`)
	s.stop()

	// A second start keeps the dashboards and their edits.
	s = startServe(t, "--n", "3000", "--dashboards", dir)
	code, _, body = s.request(http.MethodGet, "/api/dashboards", "", nil)
	require.Equal(t, http.StatusOK, code)
	require.NoError(t, json.Unmarshal([]byte(body), &l))
	require.Len(t, l.Dashboards, 4)
	require.Equal(t, "chat-overview", l.Dashboards[0].ID)
	require.EqualValues(t, 2, l.Dashboards[0].Version)
	code, _, body = s.request(http.MethodGet, "/api/dashboards/chat-overview/reports/conversations-by-rep", "", nil)
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `"name":"Chats by rep"`)
	s.stop()
}

func TestServeDataFile(t *testing.T) {
	path := generated(t, 500)
	s := startServe(t, "--data", path, "--now", "2025-06-01", "--tz", "UTC", "--user", "ana")
	require.Contains(t, s.stderr.String(), "serving 500 conversations")
	code, _, body := s.request(http.MethodGet, "/api/me", "", nil)
	require.Equal(t, http.StatusOK, code)
	require.JSONEq(t, `{"user_id": "ana", "teams": ["Sales"]}`, body)
	code, _, body = s.request(http.MethodGet, "/api/dashboards/email-overview/run?range=last_90_days", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, `"time_zone":"UTC"`)
	s.stop()
}

// TestServeHostsAndAnonymous checks "serve" against DNS rebinding: it
// answers for its listen address, the loopback names and the --allow-host
// names only, and a browser without a cookie is no admin.
func TestServeHostsAndAnonymous(t *testing.T) {
	s := startServe(t, "--n", "500", "--allow-host", "reports.example,other.example:9", "--allow-host", "third.example")
	port := s.url[strings.LastIndex(s.url, ":")+1:]
	for _, host := range []string{"evil.example:" + port, "evil.example", "reports.example.evil.example:" + port, "other.example:" + port} {
		code, _, body := s.request(http.MethodGet, "/api/dashboards", "", map[string]string{"Host": host})
		require.Equal(t, http.StatusMisdirectedRequest, code, "%s: %s", host, body)
		require.Contains(t, body, `"code":"host_not_allowed"`)
		// The write a rebound page would send: same origin, as far as
		// the browser knows.
		code, _, body = s.request(http.MethodPatch, "/api/dashboards/chat-overview/reports/conversations-by-rep", `{"version": 1, "name": "Owned"}`,
			map[string]string{"Host": host, "Origin": "http://" + host, "Sec-Fetch-Site": "same-origin", "Cookie": "convreport_user=admin"})
		require.Equal(t, http.StatusMisdirectedRequest, code, "%s: %s", host, body)
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "reports.example:" + port, "reports.example", "other.example:9", "third.example:" + port} {
		code, _, body := s.request(http.MethodGet, "/api/dashboards", "", map[string]string{"Host": host})
		require.Equal(t, http.StatusOK, code, "%s: %s", host, body)
	}

	// Without a cookie, a browser is a plain user, who may not delete,
	// share or see what only admins see.
	code, _, body := s.request(http.MethodGet, "/api/me", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.JSONEq(t, `{"user_id": "guest"}`, body)
	code, _, body = s.request(http.MethodGet, "/api/dashboards/chat-overview", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, `"permissions":{"view":true,"edit":true,"delete":false,"share":false}`)
	s.stop()
	require.Contains(t, s.stderr.String(), `as "guest"`)

	// --user admin says otherwise, explicitly.
	s = startServe(t, "--n", "500", "--user", "admin")
	code, _, body = s.request(http.MethodGet, "/api/me", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.JSONEq(t, `{"user_id": "admin", "admin": true}`, body)
	s.stop()
}

// TestServeRequestTimeout checks the flag reaches the handler: with a
// deadline already past, every request that works answers 503 timeout.
func TestServeRequestTimeout(t *testing.T) {
	s := startServe(t, "--n", "500", "--request-timeout", "1ns")
	for _, path := range []string{"/api/dashboards/chat-overview/run", "/api/dashboards"} {
		code, _, body := s.request(http.MethodGet, path, "", nil)
		require.Equal(t, http.StatusServiceUnavailable, code, body)
		require.Contains(t, body, `"code":"timeout"`)
		require.Contains(t, body, "longer than the limit of 1ns")
	}
	s.stop()
	require.Contains(t, s.stderr.String(), "request stopped at its deadline")
}

// --plan caps every path that adds a dashboard or a report, and the
// refusal names the cap.
func TestServePlan(t *testing.T) {
	s := startServe(t, "--n", "2000", "--plan", "free")
	// The two seeded dashboards and one copy fill the free plan's three.
	code, _, body := s.request(http.MethodPost, "/api/dashboards/chat-overview/copy", `{"name": "Mine"}`, nil)
	require.Equal(t, http.StatusCreated, code, body)
	var mine struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(body), &mine))
	require.Regexp(t, `^mine-[a-z0-9]{6}$`, mine.ID, "the name's slug and a random suffix")
	code, _, body = s.request(http.MethodPost, "/api/dashboards/chat-overview/copy", `{"name": "Another"}`, nil)
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, `plan \"free\" allows 3 dashboards per account`)
	code, _, body = s.request(http.MethodPost, "/api/dashboards", `{"template": "email-overview", "name": "Email"}`, nil)
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, `"plan_limit"`)
	code, _, body = s.request(http.MethodGet, "/", "", nil)
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "3 of 3 dashboards")
	// Reports: 6 of 10 on the copy; four more fit, the fifth does not.
	for i := range 5 {
		code, _, body = s.request(http.MethodPost, "/api/dashboards/"+mine.ID+"/reports",
			fmt.Sprintf(`{"version": %d, %s, "template": "email-overview", "report": "open-emails-by-inbox", "name": "Open %d"}`, i+1, s.created(mine.ID), i), nil)
		if i < 4 {
			require.Equal(t, http.StatusCreated, code, body)
		}
	}
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, `plan \"free\" allows 10 reports per dashboard`)
	code, _, body = s.request(http.MethodGet, "/dashboards/"+mine.ID, "", nil)
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "10 of 10 reports")
}

func TestServeFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--tz", "Mars/Olympus"},
		{"serve", "--now", "soon"},
		{"serve", "--user", "Not A Name"},
		{"serve", "--n", "0"},
		{"serve", "--request-timeout", "0"},
		{"serve", "--request-timeout", "-5s"},
		{"serve", "--request-timeout", "soon"},
		{"serve", "--allow-host", "https://reports.example"},
		{"serve", "--allow-host", "reports.example,"},
		{"serve", "--allow-host", "reports.example:http"},
		{"serve", "--plan", "gold"},
		{"serve", "extra"},
	} {
		o := cli(t, "", args...)
		require.Equal(t, 2, o.code, "%v: %s", args, o.stderr)
		require.NotEmpty(t, o.stderr)
	}
	o := cli(t, "", "serve", "--addr", "256.0.0.1:99999")
	require.Equal(t, 1, o.code, o.stderr)
	o = cli(t, "", "serve", "--data", "/nonexistent/conversations.jsonl")
	require.Equal(t, 1, o.code, o.stderr)
}

// "serve --follow" applies the lines appended to its file as upserts while
// it serves: a changed conversation replaces the old one, a new one is
// added, and a bad line is reported with its line number and skipped
// without losing the lines after it.
func TestServeFollow(t *testing.T) {
	path := generated(t, 500)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	require.Len(t, lines, 500)

	// The reference: chats created in the period, by the last line of
	// each ID, counted with a plain loop over the file.
	from, to := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	chats := func(lines []string) int64 {
		last := map[string]map[string]any{}
		for _, l := range lines {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) != nil || m["id"] == nil || m["channel"] == "carrier-pigeon" {
				continue
			}
			last[m["id"].(string)] = m
		}
		var n int64
		for _, m := range last {
			at, _ := time.Parse(time.RFC3339Nano, m["created_at"].(string))
			if m["channel"] == "chat" && !at.Before(from) && at.Before(to) {
				n++
			}
		}
		return n
	}
	served := func(s *server) int64 {
		code, _, body := s.request(http.MethodGet, "/api/dashboards/chat-overview/run?range=last_90_days", "", nil)
		require.Equal(t, http.StatusOK, code, body)
		var res struct {
			Reports []struct {
				Points []struct {
					Count int64 `json:"count"`
				} `json:"points"`
			} `json:"reports"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &res))
		var n int64
		for _, p := range res.Reports[0].Points { // conversations by rep: every chat once
			n += p.Count
		}
		return n
	}

	s := startServe(t, "--data", path, "--follow", "--now", "2025-06-01", "--tz", "UTC", "--user", "ana")
	require.Contains(t, s.stderr.String(), "following conversations.jsonl")
	require.Equal(t, chats(lines), served(s))

	// A chat becomes an email, two new chats arrive around a bad line.
	var moved map[string]any
	for _, l := range lines {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m))
		at, _ := time.Parse(time.RFC3339Nano, m["created_at"].(string))
		if m["channel"] == "chat" && !at.Before(from) && at.Before(to) {
			moved = m
			break
		}
	}
	require.NotNil(t, moved)
	moved["channel"] = "email"
	mv, err := json.Marshal(moved)
	require.NoError(t, err)
	added := []string{
		string(mv),
		`{"id":"follow-1","channel":"chat","status":"open","created_at":"2025-05-20T10:00:00Z","assignee":"New Rep"}`,
		`{"id":"follow-bad","channel":"carrier-pigeon","status":"open","created_at":"2025-05-20T10:00:00Z"}`,
		`{"id":"follow-2","channel":"chat","status":"open","created_at":"2025-05-21T10:00:00Z"}`,
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(strings.Join(added, "\n") + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	want := chats(append(lines, added...))
	require.Equal(t, chats(lines)+1, want, "the reference itself: -1 moved, +2 new")
	require.Eventually(t, func() bool { return served(s) == want }, 15*time.Second, 50*time.Millisecond,
		"served %d chats, want %d\n%s", served(s), want, s.stderr.String())
	// The server reports the bad line on standard error as it applies the
	// others, and this test reads that pipe on a goroutine of its own: the
	// line may come after the count has moved.
	badLine := `conversations.jsonl: line 503: conversation "follow-bad": channel: "carrier-pigeon" is not a channel`
	require.Eventually(t, func() bool { return strings.Contains(s.stderr.String(), badLine) }, 15*time.Second, 20*time.Millisecond,
		"the bad line is named by its line number:\n%s", s.stderr.String())

	// A line written in two parts applies once it is whole.
	f, err = os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"id":"follow-3","channel":"chat","status":"open",`)
	require.NoError(t, err)
	time.Sleep(500 * time.Millisecond)
	_, err = f.WriteString(`"created_at":"2025-05-22T10:00:00Z"}` + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.Eventually(t, func() bool { return served(s) == want+1 }, 15*time.Second, 50*time.Millisecond)
	s.stop()

	// A restart reads the file as following it did: the moved chat's
	// later line holds, not its first (with the bad line, only with
	// --skip-invalid), and a last line still being written waits for
	// its newline instead of being lost.
	o := cli(t, "", "serve", "--data", path, "--follow", "--addr", "127.0.0.1:0", "--now", "2025-06-01")
	require.Equal(t, 1, o.code, o.stderr)
	require.Contains(t, o.stderr, `line 503: conversation "follow-bad": channel`)
	f, err = os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"id":"follow-4","channel":"chat","status":"open",`)
	require.NoError(t, err)
	s = startServe(t, "--data", path, "--follow", "--skip-invalid", "--now", "2025-06-01", "--tz", "UTC", "--user", "ana")
	require.Equal(t, want+1, served(s), s.stderr.String())
	_, err = f.WriteString(`"created_at":"2025-05-23T10:00:00Z"}` + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.Eventually(t, func() bool { return served(s) == want+2 }, 15*time.Second, 50*time.Millisecond, s.stderr.String())

	// Rotated: the file moved away and a new, longer one in its place is
	// read from its start (its first lines were skipped when only its
	// size was watched).
	require.NoError(t, os.Rename(path, path+".1"))
	var fresh []string
	for i := range 40 {
		fresh = append(fresh, fmt.Sprintf(`{"id":"rotated-%d","channel":"chat","status":"open","created_at":"2025-05-24T10:00:00Z","subject":"%s"}`, i, strings.Repeat("x", 6000)))
	}
	old, err := os.Stat(path + ".1")
	require.NoError(t, err)
	body := strings.Join(fresh, "\n") + "\n"
	require.Greater(t, int64(len(body)), old.Size(), "longer than what was read of the old file")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	require.Eventually(t, func() bool { return served(s) == want+2+40 }, 15*time.Second, 50*time.Millisecond,
		"served %d, want %d\n%s", served(s), want+2+40, s.stderr.String())
	require.Contains(t, s.stderr.String(), "conversations.jsonl was replaced: following the new file from its start")
	s.stop()

	for _, args := range [][]string{{"serve", "--follow"}, {"serve", "--follow", "--data", "-"}, {"serve", "--follow", "--data", "x.csv"}} {
		o := cli(t, "", args...)
		require.Equal(t, 2, o.code, "%v", args)
		require.Contains(t, o.stderr, "--follow needs --data with a .jsonl file to follow", "%v", args)
	}
}

// chatsServed is how many chats of the last 90 days before 2025-06-01 s
// serves: every chat once, in Chat overview's conversations by rep.
func chatsServed(t *testing.T, s *server) int64 {
	t.Helper()
	code, _, body := s.request(http.MethodGet, "/api/dashboards/chat-overview/run?range=last_90_days", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	var res struct {
		Reports []struct {
			Points []struct {
				Count int64 `json:"count"`
			} `json:"points"`
		} `json:"reports"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &res))
	var n int64
	for _, p := range res.Reports[0].Points {
		n += p.Count
	}
	return n
}

// chatLine is a JSON Lines chat of May 2025 with the given ID.
func chatLine(id string) string {
	return fmt.Sprintf(`{"id":%q,"channel":"chat","status":"open","created_at":"2025-05-20T10:00:00Z"}`, id)
}

// waitFor polls cond until it holds, and fails with what the server
// printed when it does not within a deadline far above a poll's time.
func (s *server) waitFor(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: not so after 15s; the server printed:\n%s", what, s.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// appendTo appends text to the file at path.
func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(text)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// A followed file whose only line is still being written starts the
// server with no conversations; the line applies once its newline comes.
// With --infer-schema too, which reads the file before the load does.
func TestServeFollowOnlyLinePartial(t *testing.T) {
	for _, extra := range [][]string{nil, {"--infer-schema"}} {
		path := filepath.Join(t.TempDir(), "part.jsonl")
		first := chatLine("p-1")
		require.NoError(t, os.WriteFile(path, []byte(first[:30]), 0o644))
		s := startServe(t, append([]string{"--data", path, "--follow", "--now", "2025-06-01", "--tz", "UTC"}, extra...)...)
		require.Contains(t, s.stderr.String(), "serving 0 conversations", "%v", extra)
		require.Equal(t, int64(0), chatsServed(t, s))
		appendTo(t, path, first[30:]+"\n")
		s.waitFor(fmt.Sprint(extra, ": the line applies once whole"), func() bool { return chatsServed(t, s) == 1 })
		s.stop()
		require.NotContains(t, s.stderr.String(), "line 1", "%v: no error for the line written in two parts", extra)
	}
}

// serve --data x.parquet serves what the same conversations in JSON Lines
// give, run and drill-down alike.
func TestServeParquetData(t *testing.T) {
	dir := t.TempDir()
	bodies := map[string][]string{}
	drilled := 0
	for _, out := range []string{"s.jsonl", "s.parquet"} {
		path := filepath.Join(dir, out)
		o := cli(t, "", "generate", "--n", "2000", "--seed", "3", "--out", path)
		require.Equal(t, 0, o.code, o.stderr)
		s := startServe(t, "--data", path, "--now", "2025-06-01", "--tz", "UTC", "--user", "ana")
		require.Contains(t, s.stderr.String(), "serving 2000 conversations")
		drill := "/api/dashboards/chat-overview/reports/conversations-by-rep/drill?range=last_30_days&limit=20&point=" + url.QueryEscape(`{"assignee":"Alice Martin"}`)
		for _, p := range []string{"/api/dashboards/email-overview/run?range=last_90_days", "/api/dashboards/chat-overview/run?range=last_30_days", drill} {
			code, _, body := s.request(http.MethodGet, p, "", nil)
			require.Equal(t, http.StatusOK, code, body)
			bodies[out] = append(bodies[out], body)
			if strings.Contains(p, "/drill?") && strings.Contains(body, `"total":`) && !strings.Contains(body, `"total":0`) {
				drilled++
			}
		}
		s.stop()
	}
	require.Equal(t, 2, drilled, "the drill-down lists conversations from both files")
	require.Equal(t, bodies["s.jsonl"], bodies["s.parquet"])
}

// followedFile writes n chats to a new .jsonl file and serves it with
// --follow.
func followedFile(t *testing.T, prefix string, n int) (string, *server) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.jsonl")
	var b strings.Builder
	for i := range n {
		b.WriteString(chatLine(fmt.Sprintf("%s-%d", prefix, i)) + "\n")
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	s := startServe(t, "--data", path, "--follow", "--now", "2025-06-01", "--tz", "UTC")
	require.Equal(t, int64(n), chatsServed(t, s))
	return path, s
}

// A rotated file is read to its end before the new one under its name:
// the lines written just before the rotation are not lost.
func TestServeFollowRotationKeepsLastLines(t *testing.T) {
	path, s := followedFile(t, "old", 5)
	appendTo(t, path, chatLine("late-1")+"\n")
	require.NoError(t, os.Rename(path, path+".1"))
	require.NoError(t, os.WriteFile(path, []byte(chatLine("new-1")+"\n"), 0o644))
	s.waitFor("the old file's last line and the new file's line", func() bool { return chatsServed(t, s) == 7 })
	require.Contains(t, s.stderr.String(), "c.jsonl was replaced: following the new file from its start")
	s.stop()
}

// A file moved away is still read while its name finds none, as a writer
// that has not reopened the name goes on writing to it; that the name is
// gone is said once, and said again when a file comes back under it.
func TestServeFollowFileGone(t *testing.T) {
	path, s := followedFile(t, "old", 5)
	require.NoError(t, os.Rename(path, path+".1"))
	gone := "following c.jsonl: stat " + path + ": no such file or directory"
	s.waitFor("the name gone is said", func() bool { return strings.Contains(s.stderr.String(), gone) })
	// Polls go on every 200ms: a second of them would say it again and
	// again.
	time.Sleep(time.Second)
	require.Equal(t, 1, strings.Count(s.stderr.String(), gone), s.stderr.String())
	appendTo(t, path+".1", chatLine("late-1")+"\n")
	s.waitFor("the line written to the moved file applies", func() bool { return chatsServed(t, s) == 6 })

	require.NoError(t, os.WriteFile(path, []byte(chatLine("new-1")+"\n"), 0o644))
	s.waitFor("the new file is followed", func() bool { return chatsServed(t, s) == 7 })
	require.Contains(t, s.stderr.String(), "c.jsonl is back: following the new file from its start")

	// Moved back, the same file goes on from where it was.
	require.NoError(t, os.Rename(path, path+".2"))
	s.waitFor("the name gone is said again", func() bool { return strings.Count(s.stderr.String(), "following c.jsonl: stat") == 2 })
	require.NoError(t, os.Rename(path+".2", path))
	appendTo(t, path, chatLine("new-2")+"\n")
	s.waitFor("the file moved back goes on", func() bool { return chatsServed(t, s) == 8 })
	// The line may apply before the name is seen back: the file open is
	// read while the name finds none.
	s.waitFor("the name back is said", func() bool {
		return strings.Contains(s.stderr.String(), "c.jsonl is back: following it from where it was")
	})
	s.stop()
	require.NotContains(t, s.stderr.String(), "skipped")
}

// A file truncated and rewritten between two polls, to as many bytes as
// were read or more, or to just as many, is read from its start: its
// lines all apply, and no line is read from the middle.
func TestServeFollowRewrittenInPlace(t *testing.T) {
	path, s := followedFile(t, "old", 5)
	before, err := os.Stat(path)
	require.NoError(t, err)
	var b strings.Builder
	for i := range 8 {
		b.WriteString(chatLine(fmt.Sprintf("longer-%d", i)) + "\n")
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644)) // O_TRUNC: the same file
	after, err := os.Stat(path)
	require.NoError(t, err)
	require.True(t, os.SameFile(before, after))
	s.waitFor("the rewritten file's lines apply", func() bool { return chatsServed(t, s) == 5+8 })

	// Just as long: the size alone says nothing.
	b.Reset()
	for i := range 8 {
		b.WriteString(chatLine(fmt.Sprintf("same-%d", i)+"xx") + "\n")
	}
	require.Len(t, b.String(), int(after.Size()))
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	s.waitFor("the same-size rewrite's lines apply", func() bool { return chatsServed(t, s) == 5+8+8 })
	require.Equal(t, 2, strings.Count(s.stderr.String(), "c.jsonl was rewritten: following it from its start"), s.stderr.String())
	s.stop()
	require.NotContains(t, s.stderr.String(), "invalid character")
	require.NotContains(t, s.stderr.String(), "skipped")
}

// "serve --follow --infer-schema" infers from the lines following reads:
// a repeated ID is an update, a last line still being written waits, and
// --skip-invalid skips a bad line, for inference as for the load.
func TestServeFollowInfersSchema(t *testing.T) {
	lines := `{"id": "a", "channel": "chat", "created_at": "2025-06-02T10:00:00Z", "properties": {"seats": 3}}` + "\n" +
		`{"id": "a", "channel": "email", "created_at": "2025-06-02T10:00:00Z", "properties": {"seats": 4}}` + "\n" +
		`{"id": "c", "channel": "chat",`
	args := []string{"--follow", "--infer-schema", "--now", "2025-06-08", "--tz", "UTC"}
	path := write(t, "follow.jsonl", lines)
	s := startServe(t, append([]string{"--data", path}, args...)...)
	require.Contains(t, s.stderr.String(), `"name": "seats"`)
	require.Contains(t, s.stderr.String(), "serving 1 conversations")
	s.stop()

	bad := `{"id": "b", "properties": {"seats": }` + "\n"
	path = write(t, "bad.jsonl", bad+lines)
	o := cli(t, "", append([]string{"serve", "--data", path, "--addr", "127.0.0.1:0"}, args...)...)
	require.Equal(t, 1, o.code)
	require.Equal(t, "convreport: bad.jsonl: line 1: invalid character '}' at column 37 (start with --skip-invalid to skip bad lines, as following does)\n", o.stderr)
	s = startServe(t, append([]string{"--data", path, "--skip-invalid"}, args...)...)
	require.Equal(t, 1, strings.Count(s.stderr.String(), "inferred schema"), s.stderr.String())
	require.Contains(t, s.stderr.String(), "convreport: bad.jsonl: line 1: invalid character '}' at column 37 (skipped)\n")
	require.Contains(t, s.stderr.String(), "serving 1 conversations")
	s.stop()
}

// A line that following skipped stops a restart without --skip-invalid:
// the error says how to start anyway.
func TestServeFollowRestartOnABadLineSaysHow(t *testing.T) {
	path := write(t, "c.jsonl", chatLine("a")+"\n"+`{"id": "b", "channel": "sms"}`+"\n")
	o := cli(t, "", "serve", "--data", path, "--follow", "--addr", "127.0.0.1:0", "--now", "2025-06-01", "--tz", "UTC")
	require.Equal(t, 1, o.code, o.stderr)
	require.Contains(t, o.stderr, "line 2: ")
	require.Contains(t, o.stderr, "(start with --skip-invalid to skip bad lines, as following does)")
}

// liveStatus reads the first status event of the dashboard's live stream.
func (s *server) liveStatus(dashboard string) (live bool, reason string) {
	s.t.Helper()
	res, err := http.Get(s.url + "/api/dashboards/" + dashboard + "/live")
	require.NoError(s.t, err)
	defer res.Body.Close()
	require.Equal(s.t, http.StatusOK, res.StatusCode)
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		if e, ok := strings.CutPrefix(line, "event: "); ok {
			event = e
		}
		if d, ok := strings.CutPrefix(line, "data: "); ok && event == "status" {
			var st struct {
				Live   bool   `json:"live"`
				Reason string `json:"reason"`
			}
			require.NoError(s.t, json.Unmarshal([]byte(d), &st))
			return st.Live, st.Reason
		}
	}
	s.t.Fatalf("the stream ended without a status: %v", sc.Err())
	return false, ""
}

// A file served without --follow never changes, nor does the sample: the
// pages said "Live" all the same. Followed, a file is live.
func TestServeLiveOnlyWhenFollowing(t *testing.T) {
	path := write(t, "c.jsonl", chatLine("a")+"\n")
	s := startServe(t, "--data", path, "--now", "2025-06-01", "--tz", "UTC")
	live, reason := s.liveStatus("chat-overview")
	require.False(t, live)
	require.NotEmpty(t, reason)
	require.Equal(t, int64(1), chatsServed(t, s), "the numbers are the file's")
	s.stop()

	s = startServe(t, "--data", path, "--follow", "--now", "2025-06-01", "--tz", "UTC")
	live, _ = s.liveStatus("chat-overview")
	require.True(t, live)
	s.stop()
}
