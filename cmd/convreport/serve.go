package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/sqlsource"
	"github.com/convreport/convreport/store"
	"github.com/convreport/convreport/web"
)

// The demo sign-in of "convreport serve": no password, a cookie naming the
// user. It is for a person trying reports on their own machine, not for
// a network.
const (
	userCookie = "convreport_user"
	userParam  = "as"
)

var userName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,31}$`)

// demoUsers are the users "convreport serve" knows; any other valid name,
// such as the default "guest", signs in as a plain user with no team. A
// browser is an admin only when asked for (--user admin or ?as=admin):
// anonymous admin rights would hand every dashboard to whatever reaches
// the port.
var demoUsers = map[string]access.Viewer{
	"admin": {UserID: "admin", Admin: true},
	"ana":   {UserID: "ana", Teams: []string{"Sales"}},
	"ben":   {UserID: "ben", Teams: []string{"Support"}, Scope: access.Scope{Teams: []string{"Support"}}},
}

func demoViewer(name string) access.Viewer {
	if v, ok := demoUsers[name]; ok {
		return v
	}
	return access.Viewer{UserID: name}
}

// demoAuth signs requests in as the user of the cookie, else defaultUser.
// A request with ?as=NAME sets the cookie and is redirected without the
// parameter, so the address bar and the links stay clean.
type demoAuth struct {
	defaultUser string
	next        http.Handler
}

func (a demoAuth) authenticate(r *http.Request) (access.Viewer, error) {
	name := a.defaultUser
	if c, err := r.Cookie(userCookie); err == nil && c.Value != "" {
		name = c.Value
	}
	if !userName.MatchString(name) {
		return access.Viewer{}, fmt.Errorf("unknown user %q: sign in again with ?%s=admin", name, userParam)
	}
	return demoViewer(name), nil
}

func (a demoAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has(userParam) || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		a.next.ServeHTTP(w, r)
		return
	}
	name := strings.ToLower(strings.TrimSpace(q.Get(userParam)))
	if !userName.MatchString(name) {
		http.Error(w, fmt.Sprintf("?%s=%q: a user name is 1 to 32 of a-z, 0-9, '.', '_' and '-'", userParam, name), http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: userCookie, Value: name, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	q.Del(userParam)
	// One leading slash: "//host/x" would send the browser to another site.
	u := url.URL{Path: "/" + strings.TrimLeft(r.URL.Path, "/"), RawQuery: q.Encode()}
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

const serveUsage = `Usage: convreport serve [flags]

Serves the dashboards in a browser, with a JSON API, for a person trying
reports on their own machine. There is no password: a browser is --user
(default guest, a plain user who may view the sample dashboards and edit
Chat overview) until it opens a page with ?as=NAME; admin is an admin, ana
is in team Sales, ben in team Support and sees only its conversations.

It answers only for its listen address, localhost names and the names of
--allow-host (421 otherwise), so that no other site's page can reach it
under that site's name (DNS rebinding).

With --follow, lines appended to the --data .jsonl file (tail -f style) are
upserts: a line whose ID was seen replaces that conversation, and open
dashboards redraw the charts that change. A bad line is reported with its
line number and skipped; the server keeps running. A restart reads the
file the same way (the last line of an ID holds). A file replaced under
the same name (a log rotated) is read to its end, then the new one from
its start; a file truncated or rewritten in place is read from its start.

With --data naming a database (an SQLite .db file, a postgres:// or
clickhouse:// URL), the reports run in the database: its table
"conversations" as import writes it, or the table --mapping FILE describes.
Over PostgreSQL, open dashboards update as the table changes once its
trigger is installed (convreport notify --data URL [--mapping FILE], once);
SQLite and ClickHouse tell of no changes, and a page shows new data when
reloaded.

Flags:
`

// checkHostFlag checks an --allow-host name the way the web handler
// will, so a typo is a usage error before the data loads.
func checkHostFlag(h string) error {
	if h == "*" {
		return nil // every host, for a server behind a proxy that checks Host
	}
	bad := fmt.Errorf("%q: want a host name, with or without a port, like reports.example.com or reports.example.com:8443", h)
	if h == "" || strings.ContainsAny(h, "/@?#*\\ \t") {
		return bad
	}
	if i := strings.LastIndex(h, ":"); i >= 0 && !strings.HasSuffix(h, "]") && strings.Count(h, ":") == 1 {
		if n, err := strconv.Atoi(h[i+1:]); err != nil || n < 1 || n > 65535 {
			return bad
		}
	}
	return nil
}

// listenHosts are the names the server goes by: the host of --addr, the
// address it listens on, and, listening on every interface, the machine's
// addresses and name. Browsers reaching it under those names are on this
// machine's network, not on a page of another site.
func listenHosts(addr string, ln net.Addr) []string {
	var out []string
	if h, _, err := net.SplitHostPort(addr); err == nil && h != "" {
		out = append(out, h)
	}
	h, _, err := net.SplitHostPort(ln.String())
	if err != nil {
		return out
	}
	ip := net.ParseIP(h)
	if ip == nil || !ip.IsUnspecified() {
		return append(out, h)
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		out = append(out, name)
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			out = append(out, n.IP.String())
		}
	}
	return out
}

// sampleEnd is where the sample data ends: "now" for sample data, so that
// the last 30 days hold the most recent conversations.
func sampleEnd(loc *time.Location) time.Time { return time.Date(2025, 6, 1, 0, 0, 0, 0, loc) }

func (c *cli) serve(args []string) error {
	fs := c.flags("serve")
	dataPath := fs.String("data", "sample", "conversations: a .jsonl, .csv or .parquet file, - for standard input, sample for generated data, or a database: an SQLite .db file, a postgres:// or clickhouse:// URL")
	var data dataFlags
	fs.StringVar(&data.format, "data-format", "", "jsonl, csv or parquet; default from the file's extension (jsonl for -)")
	fs.BoolVar(&data.skipInvalid, "skip-invalid", false, "skip bad lines (each is reported) instead of stopping at the first")
	fs.BoolVar(&data.ignoreUnknown, "ignore-unknown", false, "ignore unknown keys and columns")
	follow := fs.Bool("follow", false, "keep reading the --data .jsonl file: each line appended is an upsert (a line with an ID already seen replaces it), and open dashboards update live")
	data.registerSchema(fs)
	fs.StringVar(&data.tenant, "tenant", "", "COLUMN=VALUE: with --data a database table shared by tenants, serve only the rows whose COLUMN holds VALUE")
	data.mapping.register(fs, "mapping", mappingHelp("with --data a database, the layout of its table"))
	var cal calendarFlag
	cal.register(fs)
	var slaF slaFlag
	slaF.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dir := fs.String("dashboards", "", "directory keeping the dashboards, one JSON file each (default: in memory, lost on exit)")
	tz := fs.String("tz", "", "time zone of requests that name none (default Europe/Paris for sample data, UTC otherwise)")
	nowFlag := fs.String("now", "", "the instant date presets resolve against (default: 2025-06-01 for sample data, the real time otherwise)")
	n := fs.Int("n", 50_000, "number of sample conversations")
	seed := fs.Uint64("seed", 1, "sample data seed")
	timeout := fs.Duration("request-timeout", web.DefaultRequestTimeout, "how long one request may work before it is stopped with a 503")
	planName := fs.String("plan", "", "the account's plan, whose caps apply to every dashboard and report added: free, starter, professional or enterprise (default: no caps)")
	user := fs.String("user", "guest", "who a browser is signed in as until it asks for another user with ?as=NAME; guest is a plain user, admin an admin")
	var allowHosts []string
	fs.Func("allow-host", "a host `name` the server answers for besides its listen address and localhost, with or without :port; repeat it or separate names with commas", func(v string) error {
		for _, h := range strings.Split(v, ",") {
			if err := checkHostFlag(h); err != nil {
				return err
			}
			allowHosts = append(allowHosts, h)
		}
		return nil
	})
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), serveUsage)
		fs.PrintDefaults()
	}
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if !userName.MatchString(*user) {
		return usageError("--user %q: a user name is 1 to 32 of a-z, 0-9, '.', '_' and '-'", *user)
	}
	var pl plan.Plan
	if *planName != "" {
		p, ok := plan.Lookup(*planName)
		if !ok {
			return usageError("--plan %q: want free, starter, professional or enterprise", *planName)
		}
		pl = p
	}
	if *timeout <= 0 {
		return usageError("--request-timeout %v: want a positive duration, like 30s or 2m", *timeout)
	}
	isSample := *dataPath == "" || *dataPath == "sample"
	if *follow {
		if format, err := ingest.FormatOf(*dataPath); isSample || *dataPath == "-" || err != nil || format != ingest.JSONL || data.format != "" && data.format != "jsonl" {
			return usageError("--follow needs --data with a .jsonl file to follow")
		}
	}
	if isSample && *n <= 0 {
		return usageError("--n must be positive")
	}
	if isSample && (data.schema != "" || data.inferSchema) {
		return usageError("--schema and --infer-schema describe a --data file; the sample data has no custom properties")
	}
	if isSample && data.mapping.given() {
		return usageError("--mapping describes a database table (--data DB); the sample data is generated in memory")
	}
	if !isSample && data.mapping.given() && !isDatabase(*dataPath) {
		return data.mapping.fileMappingError(*dataPath)
	}
	cals, err := cal.load()
	if err != nil {
		return err
	}
	slas, err := slaF.load()
	if err != nil {
		return err
	}
	zoneName := *tz
	if zoneName == "" {
		zoneName = "UTC"
		if isSample {
			zoneName = "Europe/Paris"
		}
	}
	loc, err := time.LoadLocation(zoneName)
	if err != nil || strings.EqualFold(zoneName, "local") {
		return usageError("--tz %q: not an IANA time zone (like Europe/Paris or UTC)", zoneName)
	}
	now := time.Now
	if isSample {
		end := sampleEnd(loc)
		now = func() time.Time { return end }
	}
	if *nowFlag != "" {
		t, err := parseTime(*nowFlag, loc)
		if err != nil {
			return usageError("--now: %v", err)
		}
		now = func() time.Time { return t }
	}

	// Listen first: a taken port fails before the data loads.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()

	var src convreport.Source
	var count int
	inDatabase := false // the reports run in a database, which is not counted
	if isSample {
		end := sampleEnd(loc)
		cs := sample.Generate(sample.Config{Seed: *seed, N: *n, From: end.AddDate(0, 0, -90), To: end, Zone: loc})
		if src, err = memory.New(cs); err != nil {
			return err
		}
		count = len(cs)
	} else {
		data.path = *dataPath
		var cs []convreport.Conversation
		var followed *memory.Source
		var from int64  // where following goes on: the end of the lines loaded
		var fh *os.File // the file loaded, for the follower
		if *follow {
			followed, from, fh, err = c.loadFollowed(data)
			src = followed
			var le *ingest.LineError
			if err != nil && !data.skipInvalid && errors.As(err, &le) {
				// A line a previous run skipped while following stops
				// this one: say how to start anyway.
				err = fmt.Errorf("%w (start with --skip-invalid to skip bad lines, as following does)", err)
			}
		} else {
			src, cs, err = c.load(data)
		}
		if err != nil {
			return err
		}
		count = len(cs)
		if mem, ok := src.(*memory.Source); ok {
			count = mem.Len()
		} else {
			inDatabase = true
		}
		if *follow {
			fl, err := newFollower(*dataPath, fh, from, followed, ingest.Options{IgnoreUnknown: data.ignoreUnknown, Schema: followed.Schema()}, c.stderr)
			if err != nil {
				return err
			}
			go fl.run(c.ctx)
			fmt.Fprintf(c.stderr, "convreport: following %s: lines appended to it update the dashboards\n", fl.name)
		}
	}

	var st calendarKeeper = store.NewMemory(store.WithPlan(pl))
	if *dir != "" {
		if st, err = store.OpenDir(*dir, store.WithPlan(pl)); err != nil {
			return err
		}
	}
	if cals != nil {
		// The server keeps them with the dashboards (in --dashboards DIR,
		// _calendars.json): the editor offers them, and they stay after a
		// restart without --calendar.
		if err := st.SaveCalendars(c.ctx, demoUsers["admin"], cals); err != nil {
			return fmt.Errorf("--calendar %s: %s", cal.path, oneLine(err))
		}
	}
	if slas != nil {
		// Kept with the dashboards too (_sla.json), checked against the
		// data's schema and the calendars.
		kept, err := st.Calendars(c.ctx)
		if err != nil {
			return err
		}
		if err := slas.Check(src.Schema(), kept, convreport.FilterOptions{}); err != nil {
			return fmt.Errorf("--sla %s: %s", slaF.path, oneLine(err))
		}
		if err := st.SaveSLA(c.ctx, demoUsers["admin"], slas); err != nil {
			return fmt.Errorf("--sla %s: %s", slaF.path, oneLine(err))
		}
	}
	if err := seedDashboards(c.ctx, st, pl); err != nil {
		return err
	}

	logger := slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	auth := demoAuth{defaultUser: *user}
	engSrc := src
	if mem, ok := src.(*memory.Source); ok && !*follow {
		// Nothing changes a file served without --follow, nor the sample:
		// the pages say so rather than "Live".
		engSrc = unchanging{mem}
	}
	if sq, ok := src.(*sqlsource.Source); ok {
		// The trigger goes on the table served: notify is given the
		// same --mapping.
		args := redact(*dataPath)
		if data.mapping.given() {
			args += " --mapping " + data.mapping.path
		}
		engSrc = notifyAdvice{sq, args}
	}
	h, err := web.New(web.Config{
		Engine: convreport.NewEngine(engSrc), Store: st, Schema: src.Schema(),
		Authenticate: auth.authenticate, Now: now, Zone: loc, Logger: logger, RequestTimeout: *timeout,
		AllowedHosts: append(listenHosts(*addr, ln.Addr()), allowHosts...), Plan: pl,
	})
	if err != nil {
		return err
	}
	auth.next = h

	srv := &http.Server{
		Handler:           auth,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Room to write the timeout's own answer after the deadline.
		WriteTimeout: max(2*time.Minute, *timeout+30*time.Second),
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	what := fmt.Sprintf("%d conversations", count)
	if inDatabase {
		what = "the database " + redact(*dataPath)
		if w, ok := engSrc.(convreport.Watcher); ok {
			if note := liveNote(c.ctx, w); note != "" {
				fmt.Fprintln(c.stderr, note)
			}
		}
	}
	if isSample {
		what = fmt.Sprintf("%d sample conversations", count)
	}
	fmt.Fprintf(c.stderr, "convreport: serving %s at http://%s/ as %q (?%s=NAME signs in as another user); Ctrl-C stops\n",
		what, ln.Addr(), *user, userParam)
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			fmt.Fprintf(c.stderr, "convreport: warning: %s is reachable from other machines, and this server signs anyone in as anyone; put it behind your own authentication\n", ln.Addr())
		}
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-c.ctx.Done():
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	fmt.Fprintln(c.stderr, "convreport: stopped")
	return nil
}

// calendarKeeper is a store that keeps calendars and SLA policies, as
// store.Memory and store.Dir do.
type calendarKeeper interface {
	store.Store
	web.CalendarStore
	web.SLAStore
}

// seedDashboards creates a dashboard from each template when the store
// holds none, all owned by admin: Chat overview everyone may edit, the
// others everyone may view. A template's SLA policy is stored first
// unless one of its name is. Under a plan that caps dashboards, only the
// two overviews.
func seedDashboards(ctx context.Context, st calendarKeeper, pl plan.Plan) error {
	admin := demoUsers["admin"]
	have, err := st.List(ctx, admin)
	if err != nil || len(have) > 0 {
		return err
	}
	for i, t := range library.All() {
		if i >= 2 && pl.DashboardsPerAccount > 0 {
			// A capped account keeps its room for dashboards of its own.
			break
		}
		vis := access.EveryoneCanView
		if t.ID == "chat-overview" {
			vis = access.EveryoneCanEdit
		}
		if t.SLA != nil {
			// The template's starting policy, unless --sla gave one of
			// its name.
			set, err := st.SLA(ctx)
			if err != nil {
				return err
			}
			if _, ok := set.Lookup(t.SLA.Name); !ok {
				set.Policies = append(set.Policies, t.SLA)
				if err := st.SaveSLA(ctx, admin, set); err != nil {
					return err
				}
			}
		}
		d, err := t.NewDashboard(convreport.DashboardOptions{ID: t.ID, Name: t.Name, Owner: admin.UserID, Visibility: vis})
		if err != nil {
			return err
		}
		if _, err := st.Create(ctx, admin, d); err != nil {
			return err
		}
	}
	return nil
}

// unchanging is a memory source that nothing changes once loaded: it
// tells of no changes, so that live pages say they are a snapshot.
type unchanging struct{ *memory.Source }

// Watch refuses: there will be no change to tell of.
func (unchanging) Watch(context.Context) (<-chan convreport.Change, error) {
	return nil, fmt.Errorf("convreport: the data was loaded once and is not followed (serve --follow follows a .jsonl file): %w", convreport.ErrUnsupported)
}
