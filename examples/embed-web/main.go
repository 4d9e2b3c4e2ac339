// Command embed-web shows convreport's web UI mounted inside an existing
// net/http application: the application keeps its own mux and its own
// sign-in (a session cookie), serves the dashboards under /reports/, and
// tells the handler who each request is from. A non-admin user is given a
// Scope, so every number and every drill-down they see is limited to their
// team's conversations.
//
//	go run ./examples/embed-web -addr 127.0.0.1:8080
//
// then open http://127.0.0.1:8080/ and sign in as "ana" (admin) or "ben"
// (Sales team only), password "demo".
package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"flag"
	"html/template"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	hosts := flag.String("allow-host", "", "comma-separated host names the reports answer for besides loopback ones (e.g. reports.example.com)")
	flag.Parse()

	var allowed []string
	if *hosts != "" {
		allowed = strings.Split(*hosts, ",")
	}
	h, err := newApp(sample.Generate(sample.Config{Seed: 1, N: 20_000}), allowed)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on http://%s/ (users ana and ben, password %q)", *addr, demoPassword)
	log.Fatal(http.ListenAndServe(*addr, h))
}

// user is the application's own idea of an account. convreport never sees
// it: Authenticate maps it to a access.Viewer on every request.
type user struct {
	name     string
	password string
	admin    bool
	team     string
}

// demoPassword is the password of both demo users. A real application
// stores password hashes (bcrypt, argon2), never passwords.
const demoPassword = "demo"

var users = map[string]user{
	"ana": {name: "ana", password: demoPassword, admin: true, team: "Support"},
	"ben": {name: "ben", password: demoPassword, team: "Sales"},
}

// dataNow is the instant sample.Generate's data is a snapshot of (its
// default Config.To). The reports' clock is pinned to it so that "last 30
// days" holds data whenever the example runs; a real application leaves
// web.Config.Now nil and reports on live data.
var dataNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// app is the existing application: sessions in memory, a home page, and a
// sign-in form.
type app struct {
	mu       sync.Mutex
	sessions map[string]user // session token → signed-in user
}

const sessionCookie = "session"

// newApp returns the application's handler, with the reports over cs
// mounted under /reports/. allowedHosts are the names the application is
// served under, besides the loopback names, which are always allowed.
func newApp(cs []convreport.Conversation, allowedHosts []string) (http.Handler, error) {
	src, err := memory.New(cs)
	if err != nil {
		return nil, err
	}
	dashboards, err := seedDashboards()
	if err != nil {
		return nil, err
	}
	a := &app{sessions: map[string]user{}}
	reports, err := web.New(web.Config{
		Engine:       convreport.NewEngine(src),
		Store:        dashboards,
		Schema:       src.Schema(),
		Authenticate: a.viewer,
		Plan:         plan.Starter,
		Now:          func() time.Time { return dataNow },
		// The handler refuses any Host it does not know (421), which is
		// what stops DNS rebinding. Behind a proxy, list the names the
		// proxy passes in Host.
		AllowedHosts: allowedHosts,
	})
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("GET /login", a.loginForm)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("POST /logout", a.logout)
	// Every link the reports handler writes is relative, so it works
	// under any prefix once the prefix is stripped.
	mux.Handle("/reports/", http.StripPrefix("/reports", reports))
	// The reports handler protects its own writes; the application's sign-in
	// form needs the same protection against cross-site posts.
	return http.NewCrossOriginProtection().Handler(mux), nil
}

// seedDashboards returns a store holding the Chat overview, owned by the
// admin and visible to every signed-in user.
func seedDashboards() (*store.Memory, error) {
	t, _ := library.Lookup("chat-overview")
	d, err := t.NewDashboard(convreport.DashboardOptions{
		ID:         "chat-overview",
		Name:       "Chat overview",
		Owner:      "ana",
		Visibility: access.EveryoneCanView,
	})
	if err != nil {
		return nil, err
	}
	s := store.NewMemory(store.WithPlan(plan.Starter))
	_, err = s.Create(context.Background(), access.Viewer{UserID: "ana"}, d)
	return s, err
}

// viewer is web.Config.Authenticate: it maps the application's session to
// a access.Viewer. An error answers 401 with its message, so it says
// nothing secret.
func (a *app) viewer(r *http.Request) (access.Viewer, error) {
	u, ok := a.user(r)
	if !ok {
		return access.Viewer{}, errors.New("sign in at /login first")
	}
	v := access.Viewer{UserID: u.name, Teams: []string{u.team}, Admin: u.admin}
	if !u.admin {
		// Everything a non-admin sees, every filter and drill-down
		// included, is limited to their own team's conversations.
		v.Scope = access.Scope{Teams: []string{u.team}}
	}
	return v, nil
}

func (a *app) user(r *http.Request) (user, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return user{}, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	u, ok := a.sessions[c.Value]
	return u, ok
}

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<title>Helpdesk</title>
{{if .}}<p>Signed in as {{.}}. <a href="/reports/">Reports</a></p>
<form method="post" action="/logout"><button>Sign out</button></form>
{{else}}<p><a href="/login">Sign in</a></p>{{end}}`))

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<title>Sign in</title>
<form method="post" action="/login">
<label>User <input name="user" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button>Sign in</button>
</form>`))

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	u, _ := a.user(r)
	homePage.Execute(w, u.name)
}

func (a *app) loginForm(w http.ResponseWriter, r *http.Request) {
	loginPage.Execute(w, nil)
}

func (a *app) login(w http.ResponseWriter, r *http.Request) {
	u, ok := users[r.PostFormValue("user")]
	if !ok || subtle.ConstantTimeCompare([]byte(u.password), []byte(r.PostFormValue("password"))) != 1 {
		http.Error(w, "wrong user or password", http.StatusUnauthorized)
		return
	}
	token := rand.Text()
	a.mu.Lock()
	a.sessions[token] = u
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, "/reports/", http.StatusSeeOther)
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.mu.Lock()
		delete(a.sessions, c.Value)
		a.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
